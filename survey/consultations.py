"""Every consultation a database has served, with the definition it ran under.

Opening a survey registers its definition. Wording may change freely; a change that would orphan stored answers
(a question or option with answers removed, a question's kind, rank or total changed) is refused, naming what would
be lost. The tallies are rebuilt when the breakdown questions change, and the first time a consultation is seen."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, text
from sqlalchemy.dialects import postgresql, sqlite

from survey.database import Database
from survey.definition import DefinitionError, SurveyDefinition, definition_from_json
from survey.models import Consultation, Tally
from survey.store import utc_now
from survey.tallies import rebuild


class OrphanedAnswersError(DefinitionError):
    """The new definition would leave stored answers without their question or option."""


def register_definition(db: Database, definition: SurveyDefinition) -> None:
    with db.write() as connection:
        if connection.dialect.name == "postgresql":  # one registration at a time (processes start together)
            connection.execute(text("SELECT pg_advisory_xact_lock(727001)"))
        previous = stored_definition(connection, definition.id)
        needs_rebuild = previous is None or _breakdowns(previous) != _breakdowns(definition)
        if needs_rebuild:
            rebuild(connection, definition)
        problems = orphaned(connection, previous, definition)
        if problems:  # raised inside the transaction: the rebuild above is rolled back too
            raise OrphanedAnswersError(
                f"the survey file would orphan stored answers of '{definition.id}': {'; '.join(problems)}. "
                "Keep those questions and options (change only their wording), or start a new consultation "
                "with a new survey id."
            )
        _record(connection, definition)


def stored_definition(connection: Connection, survey_id: str) -> SurveyDefinition | None:
    """The definition a consultation last ran under."""
    found = connection.execute(
        select(Consultation.definition)
        .where(Consultation.survey_id == survey_id)
        .order_by(Consultation.last_used_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    return definition_from_json(found) if found else None


def consultation_ids(db: Database) -> list[str]:
    with db.read() as session:
        return sorted(session.scalars(select(Consultation.survey_id).distinct()))


def load_consultation(db: Database, survey_id: str) -> SurveyDefinition | None:
    with db.read() as session:
        return stored_definition(session.connection(), survey_id)


def orphaned(connection: Connection, previous: SurveyDefinition | None, new: SurveyDefinition) -> list[str]:
    """What stored answers the new definition would lose (question, option, or meaning)."""
    answered = _answered(connection, new.id)
    questions = {q.id: q for q in new.asked_questions()}
    problems: list[str] = []
    for (question_id, option_id), count in sorted(answered.items()):
        question = questions.get(question_id)
        if question is None and option_id == "":
            problems.append(f"question '{question_id}' was removed but has {count} answer(s)")
        elif question is not None and option_id and question.option(option_id) is None:
            problems.append(f"option '{option_id}' of '{question_id}' was removed but was chosen {count} time(s)")
    for old in previous.asked_questions() if previous else ():
        now = questions.get(old.id)
        if now is None or answered.get((old.id, ""), 0) == 0:
            continue
        for attribute in ("kind", "rank", "total"):
            before, after = getattr(old, attribute), getattr(now, attribute)
            if before != after:
                problems.append(f"question '{old.id}' changed its {attribute} from {before} to {after}")
    return problems


def _answered(connection: Connection, survey_id: str) -> dict[tuple[str, str], int]:
    query = (
        select(Tally.question, Tally.option, func.sum(Tally.count))
        .where(Tally.survey_id == survey_id, Tally.by_question == "", Tally.question != "")
        .group_by(Tally.question, Tally.option)
    )
    return {(q, o): int(n) for q, o, n in connection.execute(query) if n}


def _breakdowns(definition: SurveyDefinition) -> list[str]:
    return [q.id for q in definition.breakdown_questions()]


def _record(connection: Connection, definition: SurveyDefinition) -> None:
    now = utc_now()
    insert = postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert
    statement = insert(Consultation).values(
        survey_id=definition.id,
        digest=definition.digest(),
        definition=definition.canonical_json(),
        first_used_at=now,
        last_used_at=now,
    )
    connection.execute(
        statement.on_conflict_do_update(index_elements=["survey_id", "digest"], set_={"last_used_at": now})
    )
