"""The `consult` command: mounts each package's commands and hands them their settings."""

from __future__ import annotations

import typer

from bot.logs import configure_logging
from bot.settings import Settings
from index import cli as index_cli
from knowledge import cli as knowledge_cli

app = typer.Typer(
    help="consult: cited answers from a consultation's documents and a survey of residents' priorities.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main() -> None:
    """Settings come from CONSULT_* environment variables or a .env file; see .env.example."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)


app.add_typer(knowledge_cli.build_cli(lambda: Settings().corpus_dir), name="knowledge")
app.add_typer(index_cli.build_cli(lambda: Settings().index_config()), name="index")
index_cli.add_answer_commands(app, lambda: Settings().index_config())
