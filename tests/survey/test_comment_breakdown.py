"""Themes by a breakdown question follow the results' suppression: small groups and enough others are hidden."""

from __future__ import annotations

import pytest

from index.embedding import Embedder
from survey.comment_breakdown import theme_breakdown
from survey.comments import CommentsError, answer_themes, written_answers
from survey.hidden import text_digest as digest
from survey.moderation import hide_answer
from survey.service import Survey
from tests.survey.conftest import essex, submit

GROUPS = {"harlow": 12, "basildon": 11, "maldon": 3}


def test_small_groups_are_suppressed_like_the_results(survey: Survey, embedder: Embedder) -> None:
    for district, size in GROUPS.items():
        for n in range(size):
            text = f"speeding cars in {district} near house {n}" if n % 2 else f"more police patrols please, {n}"
            submit(survey, "web", f"{district}-{n}", essex(survey, district=district, comment=text), f"{district}{n}")
    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    first = answers[0]
    hide_answer(
        survey.db,
        survey.definition,
        "comment",
        first.reference,
        "test",
        "j.smith",
        survey.pepper,
        read=digest(first.text),
    )
    answers = written_answers(survey.db, survey.definition, "comment", survey.pepper)
    themes = answer_themes(answers, embedder, survey.definition.min_group_size)
    by = theme_breakdown(survey.db, survey.definition, answers, themes, "district", survey.pepper)
    assert by["question"] == "district"
    harlow = by["groups"]["harlow"]
    assert harlow["answered"] == 12 and not harlow["suppressed"] and sum(harlow["themes"].values()) == 12
    assert harlow["themes"].get("hidden") == 1  # the hidden answer is counted, under no theme
    # maldon (3) is below 10; basildon, the smallest other group, is hidden too so maldon cannot be worked out.
    for district in ("maldon", "basildon"):
        assert by["groups"][district] == {"answered": None, "suppressed": True, "themes": None}
    by_channel = theme_breakdown(survey.db, survey.definition, answers, themes, "channel", survey.pepper)
    assert by_channel["groups"]["web"]["answered"] == 26
    with pytest.raises(CommentsError, match="cannot break down by 'comment'"):
        theme_breakdown(survey.db, survey.definition, answers, themes, "comment", survey.pepper)
