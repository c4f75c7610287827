from __future__ import annotations

import hashlib
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from bench.survey import random_answers
from survey.answers import Answers
from survey.consultations import OrphanedAnswersError, consultation_ids, load_consultation
from survey.definition import default_definition_path
from survey.models import SurveyResponse, Tally
from survey.results import compute_results
from survey.service import Survey, open_survey
from survey.store import forget_respondent, respondent_data, stored_answers
from survey.tallies import rebuild
from tests.survey.conftest import essex, fire_answers, submit, survey_config

# Every column the store may hold. Adding one is a privacy decision: update this list and docs/ together.
ALLOWED_COLUMNS = {
    "consultations": {"survey_id", "digest", "definition", "first_used_at", "last_used_at"},
    "responses": {"id", "respondent", "survey_id", "notice_version", "channel", "submitted_at", "updated_at"},
    "answers": {"response_id", "question", "item", "option", "number", "text"},
    "tallies": {
        "survey_id",
        "by_question",
        "grp",
        "question",
        "option",
        "item",
        "channel",
        "day",
        "count",
        "total",
        "squares",
    },
    "seen_submissions": {"key", "seen_at"},
    "hidden_answers": {"response_id", "question", "reason", "hidden_by", "hidden_at", "text_digest"},  # moderation
    "officials": {"id", "name", "password_hash", "created_at"},
    "alembic_version": {"version_num"},
}


def _answers(survey: Survey, *priorities: str, district: str = "harlow", comment: str | None = None) -> Answers:
    return essex(survey, *priorities, district=district, comment=comment)


def _submit(survey: Survey, user: str, answers: Answers, key: str, channel: str = "telegram") -> bool:
    return submit(survey, channel, user, answers, key)


def _count(survey: Survey) -> int:
    with survey.db.read() as session:
        return len(
            session.scalars(select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.definition.id)).all()
        )


def _tallies(survey: Survey) -> set[tuple[object, ...]]:
    """The stored tallies without empty cells, to compare with a rebuild."""
    with survey.db.read() as session:
        rows = session.execute(select(Tally).where(Tally.survey_id == survey.definition.id)).scalars().all()
        return {
            (r.by_question, r.grp, r.question, r.option, r.item, r.channel, str(r.day), r.count, r.total, r.squares)
            for r in rows
            if r.count or r.total or r.squares
        }


def test_the_schema_holds_only_allowed_columns(survey: Survey) -> None:
    inspector = inspect(survey.db.engine)
    tables = {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()}
    assert tables == ALLOWED_COLUMNS


def test_submitting_again_replaces_the_earlier_answers(survey: Survey) -> None:
    assert _submit(survey, "1001", _answers(survey), "key-1")
    assert _submit(survey, "1001", _answers(survey, "visible_policing", "knife_crime", "fraud_vulnerable"), "key-2")
    assert _count(survey) == 1
    stored = stored_answers(survey.db, survey.pseudonym_of_sender("telegram", "1001"), survey.definition)
    assert stored is not None and stored.notice_version == "v1"
    assert stored.answers.get("priorities") == ("visible_policing", "knife_crime", "fraud_vulnerable")
    assert compute_results(survey.db, survey.definition)["respondents"] == 1


def test_a_retried_submission_is_stored_once_and_cannot_undo_a_later_one(survey: Survey) -> None:
    first = _answers(survey)
    assert _submit(survey, "1001", first, "key-1")
    assert not _submit(survey, "1001", first, "key-1")
    assert _submit(survey, "1001", _answers(survey, "rural_crime", "road_safety", "knife_crime"), "key-2")
    assert not _submit(survey, "1001", first, "key-1")  # a late re-delivery of the first
    stored = stored_answers(survey.db, survey.pseudonym_of_sender("telegram", "1001"), survey.definition)
    assert stored is not None and stored.answers.get("priorities") == ("rural_crime", "road_safety", "knife_crime")


def test_the_database_itself_refuses_two_rows_for_one_respondent(survey: Survey) -> None:
    _submit(survey, "1001", _answers(survey), "key-1")
    with pytest.raises(IntegrityError), survey.db.write() as session:
        session.execute(
            text(
                "INSERT INTO responses (respondent, survey_id, notice_version, channel, submitted_at, updated_at)"
                " SELECT respondent, survey_id, notice_version, channel, submitted_at, updated_at FROM responses"
            )
        )


def test_a_failed_write_acknowledges_nothing_and_consumes_no_key(survey: Survey) -> None:
    broken = Answers({"district": "harlow", "priorities": ("knife_crime", "knife_crime", "road_safety")})
    with pytest.raises(IntegrityError):
        _submit(survey, "1001", broken, "key-1")  # the database's own check: an option once per answer
    assert _count(survey) == 0
    assert compute_results(survey.db, survey.definition)["respondents"] == 0
    assert _submit(survey, "1001", _answers(survey), "key-1")


def test_concurrent_writers_lose_nothing_and_store_duplicates_once(survey: Survey) -> None:
    rng = random.Random(5)
    choices = [random_answers(survey.definition, rng) for _ in range(6)]
    jobs = [(f"user-{i % 40}", f"key-{i % 120}") for i in range(240)]  # every key sent twice, each user replaced

    def send(job: tuple[str, str]) -> bool:
        return _submit(survey, job[0], choices[int(job[1][4:]) % 6], job[1])

    with ThreadPoolExecutor(max_workers=8) as pool:
        stored = list(pool.map(send, jobs))
    assert sum(stored) == 120
    assert _count(survey) == 40
    assert compute_results(survey.db, survey.definition)["respondents"] == 40
    before = _tallies(survey)
    with survey.db.write() as connection:
        rebuild(connection, survey.definition)
    assert _tallies(survey) == before  # simultaneous replacements left the running totals exact


def test_no_raw_identifier_reaches_the_database(survey: Survey) -> None:
    telegram_id = "7283910456"
    _submit(survey, telegram_id, _answers(survey, comment="write to me at jo@example.org or 07911 123456"), "k")
    with survey.db.read() as session:
        rows = [dict(r._mapping) for t in ALLOWED_COLUMNS for r in session.execute(text(f"SELECT * FROM {t}"))]
    dump = repr(rows)
    assert telegram_id not in dump
    assert hashlib.sha256(telegram_id.encode()).hexdigest() not in dump  # a plain hash would be reversible
    assert "jo@example.org" not in dump and "07911 123456" not in dump
    assert "[email removed]" in dump and "[phone removed]" in dump


def test_the_same_user_on_two_channels_is_two_respondents(survey: Survey) -> None:
    _submit(survey, "42", _answers(survey), "a", channel="telegram")
    _submit(survey, "42", _answers(survey), "b", channel="web")
    assert _count(survey) == 2


def test_a_resident_can_see_and_erase_what_is_stored_in_every_consultation(survey: Survey, fire: Survey) -> None:
    respondent = survey.pseudonym_of_sender("telegram", "1001")
    assert respondent_data(survey.db, respondent) is None
    _submit(survey, "1001", _answers(survey, comment="More patrols please"), "key-1")
    assert submit(fire, "telegram", "1001", fire_answers(fire), "fire-key-1")
    data = respondent_data(survey.db, respondent)
    assert data is not None and [r["survey"] for r in data["responses"]] == [survey.definition.id, fire.definition.id]
    essex_answers, fire_stored = data["responses"][0]["answers"], data["responses"][1]["answers"]
    assert essex_answers["comment"] == "More patrols please" and essex_answers["district"] == "harlow"
    assert essex_answers["priorities"] == ["knife_crime", "road_safety", "rural_crime"]
    assert fire_stored["budget"] == {"response": 40, "prevention": 30, "protection": 20, "resilience": 10}
    assert forget_respondent(survey.db, respondent)
    assert respondent_data(survey.db, respondent) is None
    assert not forget_respondent(survey.db, respondent)
    assert not _submit(survey, "1001", _answers(survey), "key-1")  # a late retry cannot bring the answers back
    assert _count(survey) == 0 and _count(fire) == 0
    for consultation in (survey, fire):  # erased from the figures too
        results = compute_results(consultation.db, consultation.definition)
        assert results["respondents"] == 0
        assert all(q["answered"] == 0 for q in results["questions"].values())


def _variant(tmp_path: Path, path: Path, change: object) -> Path:
    data = yaml.safe_load(path.read_text())
    change(data)  # type: ignore[operator]
    changed = tmp_path / path.name
    changed.write_text(yaml.safe_dump(data))
    return changed


def test_one_database_keeps_every_consultation_with_its_definition(
    survey: Survey, database_url: str, tmp_path: Path
) -> None:
    assert _submit(survey, "1001", _answers(survey), "key-1")
    next_year = _variant(tmp_path, default_definition_path(), lambda d: d.update(id="next-years-consultation"))
    following = open_survey(survey_config(database_url, next_year))
    assert submit(following, "telegram", "1001", essex(following, district="maldon"), "key-2")
    assert consultation_ids(survey.db) == ["essex-policing-priorities", "next-years-consultation"]
    last_year = load_consultation(following.db, survey.definition.id)
    assert last_year == survey.definition  # readable after this year's file replaced it
    assert last_year is not None
    districts = compute_results(following.db, last_year)["questions"]["district"]["options"]
    assert next(o for o in districts if o["id"] == "harlow")["count"] == 1
    assert compute_results(following.db, following.definition)["questions"]["district"]["options"][8]["count"] == 1
    following.db.dispose()


@pytest.mark.parametrize(
    ("change", "lost"),
    [
        (lambda d: d["questions"].pop(4), "question 'facial_recognition' was removed but has 1 answer"),
        (lambda d: d["questions"][1]["options"].pop(7), "option 'harlow' of 'district' was removed but was chosen 1"),
        (
            lambda d: (
                d["questions"][4].update(kind="scale") or [o.update(value=1) for o in d["questions"][4]["options"]]
            ),
            "question 'facial_recognition' changed its kind from choice to scale",
        ),
        (lambda d: d["questions"][3].update(rank=2), "question 'priorities' changed its rank from 3 to 2"),
    ],
)
def test_a_change_that_would_orphan_stored_answers_is_refused(
    survey: Survey, database_url: str, tmp_path: Path, change: object, lost: str
) -> None:
    assert _submit(survey, "1001", _answers(survey), "key-1")
    with pytest.raises(OrphanedAnswersError, match=lost):
        open_survey(survey_config(database_url, _variant(tmp_path, default_definition_path(), change)))
    assert compute_results(survey.db, survey.definition)["respondents"] == 1  # nothing was touched


def test_wording_changes_and_unanswered_options_may_change(survey: Survey, database_url: str, tmp_path: Path) -> None:
    assert _submit(survey, "1001", _answers(survey), "key-1")

    def reword(data: dict) -> None:  # type: ignore[type-arg]
        data["questions"][1]["prompt"] = "Where is home?"
        data["questions"][1]["options"].pop(0)  # basildon: nobody chose it
        data["questions"][4]["options"][3]["label"] = "Against"

    reopened = open_survey(survey_config(database_url, _variant(tmp_path, default_definition_path(), reword)))
    assert reopened.definition.question("district").prompt == "Where is home?"
    assert load_consultation(reopened.db, survey.definition.id) == reopened.definition
    reopened.db.dispose()


def test_tallies_always_equal_a_recount_of_the_answers(fire: Survey) -> None:
    """Random submissions, replacements and erasures: the running totals match a rebuild from the answers."""
    rng = random.Random(7)
    for number in range(120):
        user = str(rng.randrange(30))
        if rng.random() < 0.15:
            forget_respondent(fire.db, fire.pseudonym_of_sender("web", user))
        else:
            submit(fire, rng.choice(["web", "paper"]), user, random_answers(fire.definition, rng), f"k{number}")
    before = _tallies(fire)
    with fire.db.write() as connection:
        rebuild(connection, fire.definition)
    assert before and _tallies(fire) == before
