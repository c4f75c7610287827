"""Officials hide answers from theme views: recorded with reason, who and when; still counted and exported; gone with
the resident's erasure. Real SQLite and PostgreSQL (the table comes from migration 0003)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from index.embedding import Embedder
from survey.comments import CommentsError, answer_themes, comments_csv, written_answers
from survey.hidden import HiddenAnswer
from survey.moderation import hide_answer, show_answer
from survey.service import Survey
from survey.store import forget_respondent
from tests.survey.conftest import essex, submit

ABUSE = "you are all useless idiots"


def _answers(survey: Survey) -> list[str]:
    texts = ["speeding on our road", ABUSE, "more patrols at night"]
    for number, text in enumerate(texts):
        submit(survey, "web", f"u{number}", essex(survey, comment=text), f"k{number}")
    return [a.reference for a in written_answers(survey.db, survey.definition, "comment", survey.pepper)]


def test_a_hidden_answer_leaves_themes_but_is_counted_and_exported(survey: Survey, embedder: Embedder) -> None:
    references = _answers(survey)
    before = dt.datetime.now(dt.UTC)
    hide_answer(survey.db, survey.definition, "comment", references[1], " abusive ", "j.smith", survey.pepper)
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
    hide_answer(survey.db, survey.definition, "comment", references[1], "abusive", "j.smith", survey.pepper)
    assert forget_respondent(survey.db, survey.respondent("web", "u1"))
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
            survey.db, survey.definition, "comment", reference or references[0], reason, official, survey.pepper
        )
    assert not any(a.hidden for a in written_answers(survey.db, survey.definition, "comment", survey.pepper))
