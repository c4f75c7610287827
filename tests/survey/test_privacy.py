from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.conversations import ConversationHistory
from survey.definition import default_definition_path, load_definition
from survey.inventory import inventory_markdown, missing_purposes
from survey.models import SeenSubmission, SurveyResponse
from survey.results import compute_results
from survey.retention import purge_older_than
from survey.service import Survey
from survey.store import respondent_data
from tests.survey.conftest import FIRE, essex, submit, write_rasa_history

DOCS = Path(__file__).resolve().parents[2] / "docs" / "data-inventory.md"


def test_every_stored_field_is_in_the_inventory_and_the_docs_are_current() -> None:
    assert missing_purposes() == []
    assert DOCS.read_text() == inventory_markdown(), "run: consult privacy inventory > docs/data-inventory.md"


def test_purge_deletes_only_what_is_older_than_the_retention_period(survey: Survey) -> None:
    answers = essex(survey)
    for user in ("old", "new"):
        submit(survey, "web", user, answers, key=user)
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=400)
    with survey.db.write() as connection:
        connection.execute(
            update(SurveyResponse)
            .where(SurveyResponse.respondent == survey.pseudonym_of_sender("web", "old"))
            .values(updated_at=long_ago)
        )
        connection.execute(
            update(SeenSubmission).where(SeenSubmission.submission_key == "old").values(seen_at=long_ago)
        )
    purged = purge_older_than(survey.db, 365)
    assert (purged.responses, purged.submission_keys) == (1, 1)
    assert respondent_data(survey.db, survey.pseudonym_of_sender("web", "old")) is None
    assert respondent_data(survey.db, survey.pseudonym_of_sender("web", "new")) is not None
    assert compute_results(survey.db, survey.definition)["respondents"] == 1  # the purged answers left the figures


def test_the_inventory_lists_every_question_of_any_survey() -> None:
    definition = load_definition(FIRE)
    inventory = inventory_markdown([definition])
    for question in definition.asked_questions():
        assert f"| {question.id} | {question.kind.value} |" in inventory
    assert f"| {definition.consent_question().id} |" not in inventory  # consent is not stored as an answer


def test_the_inventory_command_documents_every_consultation_the_database_holds(tmp_path: Path) -> None:
    """Each consultation from the definition it ran under: last year's stays documented after the file changes."""
    essex_definition, fire = load_definition(default_definition_path()), load_definition(FIRE)
    env = {"CONSULT_DATA_DIR": str(tmp_path / "data"), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "q" * 40}

    def inventory(survey_file: Path, *options: str) -> Result:
        return CliRunner().invoke(
            app, ["privacy", "inventory", *options], env=env | {"CONSULT_SURVEY_FILE": str(survey_file)}
        )

    first = inventory(default_definition_path())
    assert first.exit_code == 0, first.output
    assert first.output == inventory_markdown([essex_definition])  # a database that served one consultation
    both = inventory(FIRE)  # the next consultation runs on the same database
    assert both.exit_code == 0, both.output
    for definition in (essex_definition, fire):
        assert f"## Answers to '{definition.title}' ({definition.id})" in both.output
        for question in definition.asked_questions():
            assert f"| {question.id} | {question.kind.value} |" in both.output
    only = inventory(FIRE, "--survey", essex_definition.id)
    assert only.exit_code == 0, only.output
    assert only.output == inventory_markdown([essex_definition])
    unknown = inventory(FIRE, "--survey", "no-such-consultation")
    assert unknown.exit_code == 2
    assert "no consultation 'no-such-consultation'" in unknown.output and fire.id in unknown.output


def test_conversation_history_older_than_the_retention_period_is_purged(database_url: str) -> None:
    """Stale conversations go; a returning resident's earlier sessions go; a session still in progress stays whole."""
    now, old = time.time(), time.time() - 400 * 86400
    history = {
        "stale": [("session_started", old), ("user", old), ("bot", old)],
        "returning": [("session_started", old), ("user", old), ("session_started", now - 86400), ("user", now)],
        "in-progress": [("session_started", old), ("user", old), ("user", now)],
    }
    write_rasa_history(database_url, [(sender, *event) for sender, events in history.items() for event in events])
    conversations = ConversationHistory(database_url)
    assert conversations.purge(365) == 5
    assert [conversations.events_of(s) for s in history] == [0, 2, 3]
    assert conversations.purge(365) == 0
    conversations.dispose()


def test_the_purge_command_reports_what_it_deleted(tmp_path: Path) -> None:
    env = {"CONSULT_DATA_DIR": str(tmp_path / "data"), "CONSULT_ENVIRONMENT": "test", "CONSULT_PEPPER": "q" * 40}
    result = CliRunner().invoke(app, ["privacy", "purge", "--older-than", "30"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Deleted 0 response(s), 0 submission key(s) and 0 conversation event(s) older than 30 days."
    )
    refused = CliRunner().invoke(app, ["privacy", "purge", "--older-than", "0"], env=env)
    assert refused.exit_code == 2 and "--older-than" in refused.output
