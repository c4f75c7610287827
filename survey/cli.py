"""`consult survey ...`, `consult results` and `consult officials ...`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from survey.comments_cli import add_comment_commands, add_moderation_commands
from survey.config import SurveyConfig
from survey.consultations import consultation_ids, load_consultation
from survey.database import upgrade_schema
from survey.definition import DefinitionError
from survey.importer import CsvFileError, import_csv
from survey.officials import OfficialError, add_official
from survey.pseudonyms import CONVERSATION_CHANNELS, PepperError, sender_id_of_resident
from survey.report_text import print_results
from survey.results import BreakdownError, compute_results
from survey.service import Survey, open_survey
from survey.store import respondent_data

LoadConfig = Callable[[typer.Context], SurveyConfig]  # from the settings on the command's context
USER_ID_HELP = "The resident's id on that channel: a Telegram user id, a paper form's respondent_id."
# Erases a conversation's history by its sender id; returns the events removed.
ForgetConversation = Callable[[typer.Context, str], int]


def build_cli(load_config: LoadConfig, forget_conversation: ForgetConversation | None = None) -> typer.Typer:
    app = typer.Typer(help="Residents' answers.", no_args_is_help=True)

    @app.command("migrate")
    def migrate_command(ctx: typer.Context) -> None:
        """Create or upgrade the database schema.

        Example: consult survey migrate
        """
        upgrade_schema(_config(load_config, ctx).database_url)
        typer.echo("The database schema is up to date.")

    @app.command("import")
    def import_command(
        ctx: typer.Context,
        path: Annotated[Path, typer.Argument(help="CSV with columns respondent_id, channel, submitted_at, ...")],
        skip_invalid: Annotated[bool, typer.Option(help="Import the valid rows and list the others.")] = False,
        notice_version: Annotated[
            str | None, typer.Option(help="The privacy notice version printed on the forms (default: the current one).")
        ] = None,
    ) -> None:
        """Import responses collected on paper or at events.

        Example: consult survey import paper-forms.csv
        """
        survey = _open(load_config, ctx)
        try:
            report = import_csv(survey.db, survey.definition, survey.pepper, path, skip_invalid, notice_version)
        except CsvFileError as error:
            raise _fail(str(error)) from None
        for problem in report.errors:
            typer.echo(problem, err=True)
        if not report.committed:
            raise _fail(
                f"{len(report.errors)} problem(s) found; nothing was imported (use --skip-invalid to import "
                "the valid rows)"
            )
        skipped = f", {len(report.errors)} problem(s) skipped" if report.errors else ""
        typer.echo(f"Imported {report.imported} row(s); {report.already_imported} already imported{skipped}.")

    @app.command("forget")
    def forget_command(
        ctx: typer.Context,
        channel: Annotated[str, typer.Argument(help="telegram, paper, event, ...")],
        user_id: Annotated[str, typer.Argument(help=USER_ID_HELP)],
    ) -> None:
        """Erase a resident's answers, and their conversation history on a chat channel (a request by letter or email).

        Example: consult survey forget telegram 123456789
        """
        survey = _open(load_config, ctx)
        channel, user_id = channel.strip().lower(), user_id.strip()
        erased = survey.forget(survey.pseudonym_of_resident(channel, user_id))
        events = 0
        if forget_conversation is not None and channel in CONVERSATION_CHANNELS:
            events = forget_conversation(ctx, sender_id_of_resident(survey.pepper, channel, user_id))
        if erased or events:
            answers = "the answers" if erased else "no answers were stored"
            typer.echo(f"Erased: {answers}; {events} conversation event(s).")
        else:
            typer.echo("Nothing is stored for that resident.")

    @app.command("export-respondent")
    def export_command(
        ctx: typer.Context,
        channel: Annotated[str, typer.Argument(help="telegram, paper, event, ...")],
        user_id: Annotated[str, typer.Argument(help=USER_ID_HELP)],
    ) -> None:
        """Print everything stored about one resident as JSON (subject access request).

        Example: consult survey export-respondent telegram 123456789
        """
        survey = _open(load_config, ctx)
        stored = respondent_data(survey.db, survey.pseudonym_of_resident(channel.strip().lower(), user_id.strip()))
        typer.echo(json.dumps(stored, indent=2))

    add_comment_commands(app, lambda ctx: _open(load_config, ctx))
    add_moderation_commands(app, lambda ctx: _open(load_config, ctx))
    return app


def add_results_command(app: typer.Typer, load_config: LoadConfig) -> None:
    @app.command("results")
    def results_command(
        ctx: typer.Context,
        by: Annotated[str | None, typer.Option(help="Break down by a breakdown question's id, or by channel.")] = None,
        survey_id: Annotated[
            str | None, typer.Option("--survey", help="A consultation this database has served (default: the current).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Aggregated results of every question (small groups suppressed in breakdowns).

        Example: consult results --by channel --json
        """
        survey = _open(load_config, ctx)
        definition = survey.definition
        if survey_id is not None and survey_id != definition.id:
            stored = load_consultation(survey.db, survey_id)
            if stored is None:
                known = ", ".join(consultation_ids(survey.db)) or "none"
                raise _fail(f"this database has not served a consultation '{survey_id}' (it has: {known})")
            definition = stored
        try:
            results = compute_results(survey.db, definition, by)
        except BreakdownError as error:
            raise _fail(str(error)) from None
        if as_json:
            typer.echo(json.dumps(results))
        else:
            print_results(definition, results)


def build_officials_cli(load_config: LoadConfig) -> typer.Typer:
    app = typer.Typer(help="Dashboard accounts.", no_args_is_help=True)

    @app.command("add")
    def add_command(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Sign-in name.")],
        password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
    ) -> None:
        """Create a dashboard account (asks for the password).

        Example: consult officials add j.smith
        """
        if password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            add_official(_open(load_config, ctx).db, name, password)
        except OfficialError as error:
            raise _fail(str(error)) from None
        typer.echo(f"Created '{name}'.")

    return app


def _config(load_config: LoadConfig, ctx: typer.Context) -> SurveyConfig:
    try:
        return load_config(ctx)
    except PepperError as error:
        raise _fail(str(error)) from None


def _open(load_config: LoadConfig, ctx: typer.Context) -> Survey:
    try:
        return open_survey(_config(load_config, ctx))
    except DefinitionError as error:
        raise _fail(str(error)) from None


def _fail(message: str) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code=2)
