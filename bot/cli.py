"""The `consult` command: builds this process's settings once, mounts each package's commands and hands them what
they need from those settings."""

from __future__ import annotations

import typer
from pydantic import ValidationError

from bot.commands import (
    add_run_commands,
    add_telegram_command,
    build_privacy_cli,
    build_rasa_cli,
    forget_conversation,
    survey_definition,
)
from bot.logs import configure_logging
from bot.settings import Settings, with_development_pepper
from index import cli as index_cli
from index.config import IndexConfig
from knowledge import cli as knowledge_cli
from survey import cli as survey_cli
from survey.pseudonyms import PepperError

app = typer.Typer(
    help="consult: cited answers from a consultation's documents and a survey of residents.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(ctx: typer.Context) -> None:
    """Settings come from CONSULT_* environment variables or a .env file; see .env.example."""
    try:
        settings = Settings()
    except ValidationError as error:
        problems = "; ".join(f"CONSULT_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        typer.echo(f"Error: invalid settings: {problems}", err=True)
        raise typer.Exit(code=2) from None
    if settings.environment == "production":
        try:  # refuse to start at all without a real pepper: pseudonyms would otherwise be guessable
            settings.resolved_pepper()
        except PepperError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(code=2) from None
    configure_logging(settings.log_level, settings.log_format)
    ctx.obj = with_development_pepper(settings)  # click hands the context object down to every sub-command's context


def current_settings(ctx: typer.Context) -> Settings:
    """The settings the callback built for this process."""
    settings = ctx.obj
    if not isinstance(settings, Settings):
        raise TypeError("a consult command ran without the consult callback")
    return settings


def _answering_config(settings: Settings) -> IndexConfig:
    """Answers respect the consultation's pre-election period: a survey file that cannot be read stops the command."""
    return settings.index_config(survey_definition(settings))


app.add_typer(knowledge_cli.build_cli(lambda ctx: current_settings(ctx).corpus_dir), name="knowledge")
app.add_typer(index_cli.build_cli(lambda ctx: current_settings(ctx).index_config(None)), name="index")
index_cli.add_answer_commands(app, lambda ctx: _answering_config(current_settings(ctx)))
app.add_typer(
    survey_cli.build_cli(
        lambda ctx: current_settings(ctx).survey_config(),
        lambda ctx, sender: forget_conversation(current_settings(ctx), sender),
    ),
    name="survey",
)
survey_cli.add_results_command(app, lambda ctx: current_settings(ctx).survey_config())
app.add_typer(survey_cli.build_officials_cli(lambda ctx: current_settings(ctx).survey_config()), name="officials")
add_run_commands(app, current_settings)
add_telegram_command(app, current_settings)
app.add_typer(build_rasa_cli(current_settings), name="rasa")
app.add_typer(build_privacy_cli(current_settings), name="privacy")
