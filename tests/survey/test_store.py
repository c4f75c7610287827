from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from survey.answers import Answers, check_answers
from survey.definition import default_definition_path
from survey.models import Response
from survey.service import OtherConsultationError, Survey, open_survey
from survey.store import forget_respondent, respondent_data
from tests.survey.conftest import submit, survey_config

# Every column the store may hold. Adding one is a privacy decision: update this list and docs/ together.
ALLOWED_COLUMNS = {
    "responses": {
        "id",
        "respondent",
        "survey_id",
        "notice_version",
        "channel",
        "district",
        "age_band",
        "priority_1",
        "priority_2",
        "priority_3",
        "facial_recognition",
        "comment",
        "submitted_at",
        "updated_at",
    },
    "seen_submissions": {"key", "seen_at"},
    "officials": {"id", "name", "password_hash", "created_at"},
    "alembic_version": {"version_num"},
}


def _answers(survey: Survey, *priorities: str, district: str = "harlow", comment: str | None = None) -> Answers:
    return check_answers(
        survey.definition,
        district=district,
        age_band="25_34",
        priorities=list(priorities or ("knife_crime", "road_safety", "rural_crime")),
        facial_recognition="oppose",
        comment=comment,
    )


def _submit(survey: Survey, user: str, answers: Answers, key: str, channel: str = "telegram") -> bool:
    return submit(survey, channel, user, answers, key)


def _count(survey: Survey) -> int:
    with survey.db.read() as session:
        return len(session.scalars(select(Response.id)).all())


def test_the_schema_holds_only_allowed_columns(survey: Survey) -> None:
    inspector = inspect(survey.db.engine)
    tables = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
    assert tables == ALLOWED_COLUMNS


def test_submitting_again_replaces_the_earlier_answers(survey: Survey) -> None:
    assert _submit(survey, "1001", _answers(survey), "key-1")
    assert _submit(survey, "1001", _answers(survey, "visible_policing", "knife_crime", "fraud_vulnerable"), "key-2")
    assert _count(survey) == 1
    data = respondent_data(survey.db, survey.respondent("telegram", "1001"))
    assert data is not None
    assert data["priorities"] == ["visible_policing", "knife_crime", "fraud_vulnerable"]
    assert data["privacy_notice_version"] == "v1"


def test_a_retried_submission_is_stored_once_and_cannot_undo_a_later_one(survey: Survey) -> None:
    first = _answers(survey)
    assert _submit(survey, "1001", first, "key-1")
    assert not _submit(survey, "1001", first, "key-1")
    assert _submit(survey, "1001", _answers(survey, "rural_crime", "road_safety", "knife_crime"), "key-2")
    assert not _submit(survey, "1001", first, "key-1")  # a late re-delivery of the first
    data = respondent_data(survey.db, survey.respondent("telegram", "1001"))
    assert data is not None and data["priorities"][0] == "rural_crime"


def test_the_database_itself_refuses_two_rows_for_one_respondent(survey: Survey) -> None:
    _submit(survey, "1001", _answers(survey), "key-1")
    with pytest.raises(IntegrityError), survey.db.write() as session:
        session.execute(
            text(
                "INSERT INTO responses (respondent, survey_id, notice_version, channel, priority_1, priority_2,"
                " priority_3, submitted_at, updated_at) SELECT respondent, survey_id, notice_version, channel,"
                " priority_1, priority_2, priority_3, submitted_at, updated_at FROM responses"
            )
        )


def test_a_failed_write_acknowledges_nothing_and_consumes_no_key(survey: Survey) -> None:
    broken = Answers(
        district="harlow",
        age_band=None,
        priorities=("knife_crime", "knife_crime", "road_safety"),
        facial_recognition=None,
        comment=None,
    )
    with pytest.raises(IntegrityError):
        _submit(survey, "1001", broken, "key-1")  # the database's own check: all three different
    assert _count(survey) == 0
    assert _submit(survey, "1001", _answers(survey), "key-1")


def test_concurrent_writers_lose_nothing_and_store_duplicates_once(survey: Survey) -> None:
    answers = _answers(survey)
    jobs = [(f"user-{i % 40}", f"key-{i % 120}") for i in range(240)]  # every key sent twice

    def send(job: tuple[str, str]) -> bool:
        return _submit(survey, job[0], answers, job[1])

    with ThreadPoolExecutor(max_workers=8) as pool:
        stored = list(pool.map(send, jobs))
    assert sum(stored) == 120
    assert _count(survey) == 40


def test_no_raw_identifier_reaches_the_database(survey: Survey) -> None:
    telegram_id = "7283910456"
    _submit(survey, telegram_id, _answers(survey, comment="write to me at jo@example.org or 07911 123456"), "k")
    with survey.db.read() as session:
        rows = [dict(r._mapping) for r in session.execute(text("SELECT * FROM responses"))]
    dump = repr(rows)
    assert telegram_id not in dump
    assert hashlib.sha256(telegram_id.encode()).hexdigest() not in dump  # a plain hash would be reversible
    assert "jo@example.org" not in dump and "07911 123456" not in dump
    assert "[email removed]" in dump and "[phone removed]" in dump


def test_the_same_user_on_two_channels_is_two_respondents(survey: Survey) -> None:
    _submit(survey, "42", _answers(survey), "a", channel="telegram")
    _submit(survey, "42", _answers(survey), "b", channel="web")
    assert _count(survey) == 2


def test_a_resident_can_see_and_erase_what_is_stored(survey: Survey) -> None:
    respondent = survey.respondent("telegram", "1001")
    assert respondent_data(survey.db, respondent) is None
    _submit(survey, "1001", _answers(survey, comment="More patrols please"), "key-1")
    data = respondent_data(survey.db, respondent)
    assert data is not None and data["comment"] == "More patrols please" and data["district"] == "harlow"
    assert forget_respondent(survey.db, respondent)
    assert respondent_data(survey.db, respondent) is None
    assert not forget_respondent(survey.db, respondent)
    assert not _submit(survey, "1001", _answers(survey), "key-1")  # a late retry cannot bring the answers back
    assert _count(survey) == 0


def test_a_new_consultation_refuses_a_database_holding_another_ones_answers(
    survey: Survey, database_url: str, tmp_path: Path
) -> None:
    assert _submit(survey, "1001", _answers(survey), "key-1")
    data = yaml.safe_load(default_definition_path().read_text())
    data["id"] = "next-years-consultation"
    renamed = tmp_path / "next.yaml"
    renamed.write_text(yaml.safe_dump(data))
    with pytest.raises(OtherConsultationError, match=f"holds answers to the consultation '{survey.definition.id}'"):
        open_survey(survey_config(database_url, renamed))
    assert respondent_data(survey.db, survey.respondent("telegram", "1001")) is not None  # nothing was touched
