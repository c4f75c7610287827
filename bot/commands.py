"""Commands that run the assistant: `consult up`, `consult serve`, `consult actions`, `consult rasa ...`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer

from bot.rasa_env import (
    RasaFiles,
    RasaSetupError,
    ensure_environment,
    generate_project,
    run_rasa_command,
    train_if_changed,
)
from bot.settings import Settings
from survey.definition import DefinitionError, SurveyDefinition, load_definition


def add_run_commands(app: typer.Typer, current_settings: Callable[[typer.Context], Settings]) -> None:
    @app.command("up")
    def up_command(
        ctx: typer.Context,
        prepare_only: Annotated[
            bool, typer.Option("--prepare-only", help="Prepare, then exit (a process manager runs the rest).")
        ] = False,
    ) -> None:
        """Prepare what is missing (environments, schema, index, Rasa model), then run everything until Ctrl-C.

        Example: consult up
        """
        from bot.stack import prepare, up
        from survey.definition import DefinitionError

        try:
            code = prepare(current_settings(ctx)) if prepare_only else up(current_settings(ctx))
        except (RasaSetupError, DefinitionError) as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(code=2) from None
        raise typer.Exit(code=code)

    @app.command("serve")
    def serve_command(
        ctx: typer.Context,
        host: Annotated[str | None, typer.Option(help="Address to listen on (default CONSULT_HOST).")] = None,
        port: Annotated[int | None, typer.Option(help="Port (default CONSULT_WEB_PORT).")] = None,
    ) -> None:
        """Run the web application (dashboard, and later the chat widget) on its own.

        Example: consult serve --port 8000
        """
        import uvicorn

        from bot.web import create_app

        settings = current_settings(ctx)
        uvicorn.run(
            create_app(settings),
            host=host or settings.host,
            port=port or settings.web_port,
            log_level="warning",
            access_log=False,
            # Behind a reverse proxy every request comes from the proxy: per-address limits need the real client.
            proxy_headers=True,
            forwarded_allow_ips=settings.trusted_proxies,
        )

    @app.command("actions")
    def actions_command(
        ctx: typer.Context,
        port: Annotated[int | None, typer.Option(help="Port (default CONSULT_ACTIONS_PORT).")] = None,
    ) -> None:
        """Run the Rasa action server on 127.0.0.1 (loads the model and index once).

        Example: consult actions --port 5055
        """
        from bot.actions.server import run_action_server
        from index.answer import open_pipeline
        from survey.service import open_survey

        settings = current_settings(ctx)
        try:
            survey = open_survey(settings.survey_config())
        except DefinitionError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(code=2) from None
        pipeline = open_pipeline(settings.index_config(survey.definition))
        run_action_server(pipeline, survey, "127.0.0.1", port or settings.actions_port)


def add_telegram_command(app: typer.Typer, current_settings: Callable[[typer.Context], Settings]) -> None:
    @app.command("telegram")
    def telegram_command(ctx: typer.Context) -> None:
        """Run the Telegram relay (long polling, or a webhook with CONSULT_TELEGRAM_MODE=webhook).

        Example: consult telegram  (with CONSULT_TELEGRAM_TOKEN set)
        """
        import asyncio

        from bot.conversations import ConversationHistory
        from bot.relay import RasaRelay
        from bot.telegram.app import WebhookConfigError, create_bot, run_polling, run_webhook
        from bot.telegram.callbacks import CallbackRegistry
        from bot.telegram.handlers import TelegramRelay

        settings = current_settings(ctx)
        if settings.telegram_token is None:
            typer.echo("Error: CONSULT_TELEGRAM_TOKEN is not set", err=True)
            raise typer.Exit(code=2)
        secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else None
        rasa = RasaRelay(
            settings.rasa_urls,
            ConversationHistory(settings.resolved_tracker_store_url()),
            rasa_token=settings.rasa_token.get_secret_value() if settings.rasa_token else None,
        )
        relay = TelegramRelay(rasa, settings.resolved_pepper(), CallbackRegistry(), settings.public_url)
        bot = create_bot(settings.telegram_token.get_secret_value(), settings.telegram_api_url)
        if settings.telegram_mode == "polling":
            asyncio.run(run_polling(bot, relay))
            return
        try:
            run_webhook(
                bot, relay, settings.telegram_webhook_url or "", secret, settings.host, settings.telegram_webhook_port
            )
        except WebhookConfigError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(code=2) from None


def build_rasa_cli(current_settings: Callable[[typer.Context], Settings]) -> typer.Typer:
    app = typer.Typer(help="The Rasa environment and model.", no_args_is_help=True)

    @app.command("install")
    def install_command(ctx: typer.Context) -> None:
        """Create or update .venv-rasa (Python 3.10, Rasa pinned by bot/rasa/constraints.txt).

        Example: consult rasa install
        """
        files = current_settings(ctx).rasa_files()
        try:
            changed = ensure_environment(files)
        except RasaSetupError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(code=2) from None
        typer.echo("Installed the Rasa environment." if changed else "The Rasa environment is up to date.")

    @app.command("train")
    def train_command(ctx: typer.Context) -> None:
        """Train the Rasa model if the training data changed.

        Example: consult rasa train
        """
        settings = current_settings(ctx)
        try:
            trained = train_if_changed(settings.rasa_files(), survey_definition(settings))
        except RasaSetupError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(code=2) from None
        typer.echo("Trained the model." if trained else "The model is up to date.")

    @app.command("validate")
    def validate_command(ctx: typer.Context) -> None:
        """Check the training data and domain (`rasa data validate`).

        Example: consult rasa validate
        """
        files = _project(current_settings(ctx))
        result = run_rasa_command(files, ["data", "validate", "--domain", "domain", "--data", "data"])
        typer.echo(result.stdout + result.stderr)
        raise typer.Exit(code=result.returncode)

    @app.command("test-stories")
    def test_stories_command(ctx: typer.Context) -> None:
        """Dialogue tests (bot/rasa/tests and the generated survey stories) against the model; fails on a wrong action.

        Example: consult rasa test-stories
        """
        files = _project(current_settings(ctx))
        result = run_rasa_command(
            files,
            [
                "test",
                "core",
                "--stories",
                "tests",
                "--model",
                str(files.model),
                "--out",
                str(files.data_dir / "core-results"),
                "--fail-on-prediction-errors",
            ],
            log_level="INFO",  # the summary ("Correct: n / n") is logged at INFO
        )
        lines = [line for line in (result.stdout + result.stderr).splitlines() if "Correct:" in line]
        typer.echo("\n".join(lines) if lines else (result.stdout + result.stderr)[-3000:])
        raise typer.Exit(code=result.returncode)

    @app.command("test-nlu")
    def test_nlu_command(
        ctx: typer.Context, folds: Annotated[int, typer.Option(help="Cross-validation folds.")] = 5
    ) -> None:
        """Held-out intent accuracy by cross-validation; prints the weighted F1.

        Example: consult rasa test-nlu --folds 5
        """
        files = _project(current_settings(ctx))
        out = files.data_dir / "nlu-results"
        result = run_rasa_command(
            files,
            [
                "test",
                "nlu",
                "--cross-validation",
                "--folds",
                str(folds),
                "--out",
                str(out),
                "--config",
                "config.yml",
                "--nlu",
                "data",
            ],
        )
        report = out / "intent_report.json"
        if result.returncode != 0 or not report.exists():
            typer.echo(result.stdout[-3000:] + result.stderr[-3000:], err=True)
            raise typer.Exit(code=2)
        summary = json.loads(report.read_text())["weighted avg"]
        typer.echo(
            json.dumps(
                {
                    "intent_f1": round(summary["f1-score"], 4),
                    "precision": round(summary["precision"], 4),
                    "recall": round(summary["recall"], 4),
                    "report": str(report),
                }
            )
        )

    return app


def survey_definition(settings: Settings) -> SurveyDefinition:
    """The consultation's survey file, or a clean exit naming the file, question and reason it is refused for."""
    try:
        return load_definition(settings.survey_file)
    except DefinitionError as error:
        typer.echo(f"Error: {error}", err=True)
        raise typer.Exit(code=2) from None


def _project(settings: Settings) -> RasaFiles:
    """The Rasa files, with the project (hand-written and generated from the survey) assembled."""
    files = settings.rasa_files()
    generate_project(files, survey_definition(settings))
    return files


def build_privacy_cli(current_settings: Callable[[typer.Context], Settings]) -> typer.Typer:
    app = typer.Typer(help="Retention and the data inventory.", no_args_is_help=True)

    @app.command("purge")
    def purge_command(
        ctx: typer.Context,
        older_than: Annotated[float, typer.Option("--older-than", min=1, help="Age in days.")],
    ) -> None:
        """Delete answers, submission keys and conversations older than DAYS (the retention period).

        Example: consult privacy purge --older-than 365
        """
        from bot.conversations import ConversationHistory
        from survey.retention import purge_older_than
        from survey.service import open_survey

        settings = current_settings(ctx)
        survey = open_survey(settings.survey_config())
        purged = purge_older_than(survey.db, older_than)
        conversations = ConversationHistory(settings.resolved_tracker_store_url())
        events = conversations.purge(older_than)
        conversations.dispose()
        typer.echo(
            f"Deleted {purged.responses} response(s), {purged.submission_keys} submission key(s) and "
            f"{events} conversation event(s) older than {older_than:g} days."
        )

    @app.command("inventory")
    def inventory_command(
        ctx: typer.Context,
        survey_id: Annotated[
            str | None,
            typer.Option("--survey", help="Only this consultation (default: every one the database holds)."),
        ] = None,
    ) -> None:
        """Print the data inventory (what is stored, why, for how long) as Markdown, for the DPIA: the schema, and
        the answers of every consultation the database holds, each from the definition it ran under.

        Example: consult privacy inventory > docs/data-inventory.md
        """
        from survey.consultations import consultation_ids, load_consultation
        from survey.inventory import inventory_markdown
        from survey.service import open_survey

        survey = open_survey(current_settings(ctx).survey_config())  # registers the configured consultation
        held = consultation_ids(survey.db)
        if survey_id is not None and survey_id not in held:
            survey.db.dispose()
            typer.echo(
                f"Error: this database holds no consultation '{survey_id}' (it holds: {', '.join(held)})", err=True
            )
            raise typer.Exit(code=2)
        definitions = [load_consultation(survey.db, held_id) for held_id in ([survey_id] if survey_id else held)]
        survey.db.dispose()
        typer.echo(inventory_markdown([d for d in definitions if d is not None]), nl=False)

    return app


def forget_conversation(settings: Settings, sender: str) -> int:
    """Erase one conversation's history from Rasa's tracker store (for `consult survey forget`)."""
    from bot.conversations import ConversationHistory

    conversations = ConversationHistory(settings.resolved_tracker_store_url())
    try:
        return conversations.erase(sender)
    finally:
        conversations.dispose()
