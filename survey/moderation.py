"""Officials hide an abusive or irrelevant answer from theme views, with a reason, recorded with who and when.

A hidden answer is still counted as answered and still exported (flagged), for the record. The record goes with the
response: when a resident's answers are erased, so is any note about them. A hide is for the text the official read:
a resident who answers again has written a new answer, which is shown until an official hides it too. So a hide names
the text the official read, by its digest, and is refused when the answer has been rewritten since it was read."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, insert, select

from survey.comments import CommentsError, response_reference, text_question
from survey.database import Database
from survey.definition import SurveyDefinition
from survey.hidden import HiddenAnswer, text_digest
from survey.models import Answer, SurveyResponse

MAX_REASON = 500


class AnswerChangedError(CommentsError):
    """The answer's text is no longer the text the official read: nothing was hidden."""


def hide_answer(
    db: Database,
    definition: SurveyDefinition,
    question_id: str,
    reference: str,
    reason: str,
    official: str,
    pepper: bytes,
    *,
    read: str,
) -> None:
    """Hide the answer whose text has the digest `read` (survey.hidden.text_digest of the text the official read).

    Raises AnswerChangedError when the answer now has other text, CommentsError for an unknown answer, no reason or no
    official; hiding again replaces the reason."""
    reason, official = check_note(reason, official)
    response_id, text = _written(db, definition, question_id, reference, pepper)
    if text_digest(text) != read:
        raise AnswerChangedError(
            f"answer '{reference}' was rewritten by its writer after you read it, so nothing was hidden: "
            "read its new text and hide it if it should be"
        )
    with db.write() as connection:
        connection.execute(
            delete(HiddenAnswer).where(HiddenAnswer.response_id == response_id, HiddenAnswer.question == question_id)
        )
        connection.execute(
            insert(HiddenAnswer).values(
                response_id=response_id,
                question=question_id,
                reason=reason,
                hidden_by=official,
                hidden_at=dt.datetime.now(dt.UTC),
                text_digest=text_digest(text),
            )
        )


def check_note(reason: str, official: str) -> tuple[str, str]:
    """The reason and the official's name as a hide records them; CommentsError if either is missing."""
    reason, official = reason.strip(), official.strip()
    if not reason or len(reason) > MAX_REASON:
        raise CommentsError(f"a reason of 1 to {MAX_REASON} characters is required")
    if not official:
        raise CommentsError("the official who hides the answer must be named")
    return reason, official


def show_answer(db: Database, definition: SurveyDefinition, question_id: str, reference: str, pepper: bytes) -> None:
    response_id, _text = _written(db, definition, question_id, reference, pepper)
    with db.write() as connection:
        connection.execute(
            delete(HiddenAnswer).where(HiddenAnswer.response_id == response_id, HiddenAnswer.question == question_id)
        )


def answer_text(db: Database, definition: SurveyDefinition, question_id: str, reference: str, pepper: bytes) -> str:
    """The answer's current (redacted) text; CommentsError for an unknown answer."""
    return _written(db, definition, question_id, reference, pepper)[1]


def _written(
    db: Database, definition: SurveyDefinition, question_id: str, reference: str, pepper: bytes
) -> tuple[int, str]:
    """The stored response's number and its current text."""
    text_question(definition, question_id)
    query = (
        select(SurveyResponse.id, Answer.text)
        .join(Answer, Answer.response_id == SurveyResponse.id)
        .where(SurveyResponse.survey_id == definition.id, Answer.question == question_id, Answer.text.is_not(None))
    )
    with db.read() as session:
        for response_id, text in session.execute(query):
            if text is not None and response_reference(pepper, definition.id, response_id) == reference:
                return response_id, text
    raise CommentsError(f"no answer '{reference}' to '{question_id}'")
