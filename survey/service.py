"""Opening the survey: its definition, its database (schema brought up to date) and the pepper, in one object."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from survey.config import SurveyConfig
from survey.database import Database, upgrade_schema
from survey.definition import DefinitionError, SurveyDefinition, load_definition
from survey.models import Response
from survey.pseudonyms import pseudonym, resident_pseudonym


@dataclass
class Survey:
    definition: SurveyDefinition
    db: Database
    pepper: bytes

    def respondent(self, channel: str, user_id: str) -> str:
        """The store's key for the id a relay or an import hands over (for a conversation: Rasa's sender id)."""
        return pseudonym(self.pepper, channel, user_id)

    def resident(self, channel: str, user_id: str) -> str:
        """The store's key for a resident known by their own id on a channel, as an official receives it."""
        return resident_pseudonym(self.pepper, channel, user_id)


class OtherConsultationError(DefinitionError):
    """The database holds another consultation's answers: one store per consultation, so none is overwritten."""


def open_survey(config: SurveyConfig, upgrade: bool = True) -> Survey:
    definition = load_definition(config.definition_path)
    if upgrade:
        upgrade_schema(config.database_url)
    db = Database(config.database_url)
    with db.read() as session:  # the smallest and largest id: two index look-ups, not a scan of every answer
        held = session.execute(select(func.min(Response.survey_id), func.max(Response.survey_id))).one()
    other = next((survey_id for survey_id in held if survey_id not in (None, definition.id)), None)
    if other is not None:
        db.dispose()
        raise OtherConsultationError(
            f"the database holds answers to the consultation '{other}', but the survey file is '{definition.id}'. "
            "A resident's new answers would replace their old ones: give the new consultation its own database "
            "(CONSULT_DATABASE_URL or CONSULT_DATA_DIR), or keep the old survey file's id."
        )
    return Survey(definition=definition, db=db, pepper=config.pepper)
