"""Themes broken down by a `breakdown` question (or by channel) under the results' disclosure control: a group of
fewer than min_group_size writers is hidden, and enough others that it cannot be worked out from the total."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from survey.comments import CommentsError, WrittenAnswer, response_reference
from survey.database import Database
from survey.definition import SurveyDefinition
from survey.disclosure import suppressed_groups
from survey.models import Answer, SurveyResponse
from survey.results import CHANNEL, breakdown_choices
from survey.themes import OTHER, Themes


def theme_breakdown(
    db: Database, definition: SurveyDefinition, answers: Sequence[WrittenAnswer], themes: Themes, by: str, pepper: bytes
) -> dict[str, Any]:
    """{"question": by, "groups": {group: {"answered": int|null, "suppressed": bool, "themes": {id: count}|null}}}."""
    group_of = writer_groups(db, definition, by, pepper)
    theme_of = themes.theme_of()
    counts: dict[str, Counter[str]] = {}
    for answer in answers:
        group = group_of.get(answer.reference)
        if group is not None:
            theme = "hidden" if answer.hidden else theme_of.get(answer.reference, OTHER)
            counts.setdefault(group, Counter())[theme] += 1
    answered = {group: sum(themes_here.values()) for group, themes_here in counts.items()}
    hidden = suppressed_groups(answered, definition.min_group_size)
    groups = {
        group: {"answered": None, "suppressed": True, "themes": None}
        if group in hidden
        else {"answered": answered[group], "suppressed": False, "themes": dict(counts[group])}
        for group in sorted(counts)
    }
    return {"question": by, "groups": groups}


def writer_groups(db: Database, definition: SurveyDefinition, by: str, pepper: bytes) -> dict[str, str]:
    """Answer reference -> the writer's group (their answer to breakdown question `by`, or their channel)."""
    if by not in breakdown_choices(definition):
        raise CommentsError(f"cannot break down by '{by}'; choose one of {', '.join(breakdown_choices(definition))}")
    with db.read() as session:
        if by == CHANNEL:
            channels = select(SurveyResponse.id, SurveyResponse.channel).where(
                SurveyResponse.survey_id == definition.id
            )
            rows = [(response_id, group) for response_id, group in session.execute(channels)]
        else:
            options = (
                select(SurveyResponse.id, Answer.option)
                .join(Answer, Answer.response_id == SurveyResponse.id)
                .where(SurveyResponse.survey_id == definition.id, Answer.question == by, Answer.option.is_not(None))
            )
            rows = [(response_id, str(group)) for response_id, group in session.execute(options)]
    return {response_reference(pepper, definition.id, response_id): group for response_id, group in rows}
