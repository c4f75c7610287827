"""Officials hide answers from theme views: recorded with reason, who and when; still counted and exported; gone with
the resident's erasure; refused when the answer was rewritten after the official read it. Real SQLite and PostgreSQL
(the table comes from migration 0003)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from index.embedding import Embedder
from survey.comments import CommentsError, answer_themes, comments_csv, written_answers
from survey.hidden import HiddenAnswer, text_digest
from survey.moderation import AnswerChangedError, hide_answer, show_answer
from survey.service import Survey
from survey.store import forget_respondent
from tests.survey.conftest import essex, submit

ABUSE = "you are all useless idiots"
TEXTS = ["speeding on our road", ABUSE, "more patrols at night"]
READ_ABUSE = text_digest(ABUSE)  # what the official read before hiding
APOLOGY = "sorry: more patrols near the station please"
NEW = text_digest(APOLOGY)


def _answers(survey: Survey) -> list[str]:
    for number, text in enumerate(TEXTS):
        submit(survey, "web", f"u{number}", essex(survey, comment=text), f"k{number}")
    return [a.reference for a in written_answers(survey.db, survey.definition, "comment", survey.pepper)]


def test_a_hidden_answer_leaves_themes_but_is_counted_and_exported(survey: Survey, embedder: Embedder) -> None:
    references = _answers(survey)
    before = dt.datetime.now(dt.UTC)
    hide_answer(
        survey.db, survey.definition, "comment", references[1], " abusive ", "j.smith", survey.pepper, read=READ_ABUSE
    )
    with survey.db.read() as session:
        record = session.scalars(select(HiddenAnswer)).one()
    assert (record.reason, record.hidden_by, record.question) == ("abusive", "j.smith", "comment")
    hidden_at = record.hidden_at if record.hidden_at.tzinfo else record.hidden_at.replace(tzinfo=dt.UTC)
    assert hidden_at >= before - dt.timedelta(seconds=1)

    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    assert [a.hidden for a in answers] == [False, True, False]
    themes = answer_themes(answers, embedder, min_group_size=1)
    assert themes.answered == 3
    assert references[1] not in themes.theme_of() and len(themes.theme_of()) == 2
    rows = list(csv.reader(io.StringIO(comments_csv(answers, themes))))
    abusive = next(row for row in rows if row[0] == references[1])
    assert abusive[3:] == ["", "true", ABUSE]

    show_answer(survey.db, survey.definition, "comment", references[1], survey.pepper)
    assert not any(a.hidden for a in written_answers(survey.db, survey.definition, "comment", survey.pepper))


def test_erasure_removes_the_moderation_record(survey: Survey) -> None:
    references = _answers(survey)
    hide_answer(
        survey.db, survey.definition, "comment", references[1], "abusive", "j.smith", survey.pepper, read=READ_ABUSE
    )
    assert forget_respondent(survey.db, survey.pseudonym_of_sender("web", "u1"))
    with survey.db.read() as session:
        assert session.scalars(select(HiddenAnswer)).all() == []
    assert len(written_answers(survey.db, survey.definition, "comment", survey.pepper)) == 2


@pytest.mark.parametrize(
    ("reference", "reason", "official", "message"),
    [
        ("r-0000000000000000", "abusive", "j.smith", "no answer 'r-0000000000000000'"),
        (None, "  ", "j.smith", "a reason of 1 to 500 characters"),
        (None, "abusive", " ", "must be named"),
    ],
)
def test_bad_moderation_changes_nothing(
    survey: Survey, reference: str | None, reason: str, official: str, message: str
) -> None:
    references = _answers(survey)
    with pytest.raises(CommentsError, match=message):
        hide_answer(
            survey.db,
            survey.definition,
            "comment",
            reference or references[0],
            reason,
            official,
            survey.pepper,
            read=text_digest(TEXTS[0]),
        )
    assert not any(a.hidden for a in written_answers(survey.db, survey.definition, "comment", survey.pepper))


def _hidden(survey: Survey) -> dict[str, bool]:
    return {a.reference: a.hidden for a in written_answers(survey.db, survey.definition, "comment", survey.pepper)}


def test_an_answer_written_again_is_not_hidden_but_the_same_text_stays_hidden(survey: Survey) -> None:
    references = _answers(survey)
    hide_answer(
        survey.db, survey.definition, "comment", references[1], "abusive", "j.smith", survey.pepper, read=READ_ABUSE
    )
    submit(survey, "web", "u1", essex(survey, comment=ABUSE), "k1-again")  # answers again, the same words
    assert _hidden(survey)[references[1]]

    submit(survey, "web", "u1", essex(survey, comment=APOLOGY), "k1-new")
    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    rewritten = next(a for a in answers if a.reference == references[1])  # same response, so the same reference
    assert rewritten.text.startswith("sorry") and not rewritten.hidden
    hide_answer(
        survey.db, survey.definition, "comment", references[1], "still off topic", "j.smith", survey.pepper, read=NEW
    )
    assert _hidden(survey) == {references[0]: False, references[1]: True, references[2]: False}


def test_an_answer_rewritten_after_it_was_read_is_not_hidden(survey: Survey) -> None:
    references = _answers(survey)
    submit(survey, "web", "u1", essex(survey, comment=APOLOGY), "k1-new")  # rewritten while the official was reading
    with pytest.raises(AnswerChangedError, match="rewritten by its writer after you read it, so nothing was hidden"):
        hide_answer(
            survey.db, survey.definition, "comment", references[1], "abusive", "j.smith", survey.pepper, read=READ_ABUSE
        )
    assert not any(_hidden(survey).values())
    with survey.db.read() as session:
        assert session.scalars(select(HiddenAnswer)).all() == []
    hide_answer(survey.db, survey.definition, "comment", references[1], "off topic", "j.smith", survey.pepper, read=NEW)
    assert _hidden(survey)[references[1]]  # once read, the new text can be hidden


def test_hides_made_before_migration_0004_still_hide_their_answer(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import text

    from survey.database import MIGRATIONS, upgrade_schema
    from survey.service import open_survey
    from tests.survey.conftest import survey_config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url
    old = open_survey(survey_config(database_url))
    for number, written in enumerate(["speeding on our road", ABUSE]):
        submit(old, "web", f"u{number}", essex(old, comment=written), f"k{number}")
    command.downgrade(config, "0003")  # the answers kept, the schema as revision 0003 left it
    with old.db.write() as connection:  # a hide as revision 0003 stored it: no digest column yet
        response_id = connection.execute(text("SELECT response_id FROM answers WHERE text = :t"), {"t": ABUSE}).scalar()
        connection.execute(
            text("INSERT INTO hidden_answers VALUES (:r, 'comment', 'abusive', 'j.smith', :at)"),
            {"r": response_id, "at": dt.datetime.now(dt.UTC)},
        )
    old.db.dispose()
    upgrade_schema(database_url)
    survey = open_survey(survey_config(database_url))
    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    assert {a.text: a.hidden for a in answers} == {"speeding on our road": False, ABUSE: True}
    survey.db.dispose()
