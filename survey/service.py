"""Opening the survey: its definition, its database (schema brought up to date) and the pepper, in one object."""

from __future__ import annotations

from dataclasses import dataclass

from survey.config import SurveyConfig
from survey.database import Database, upgrade_schema
from survey.definition import SurveyDefinition, load_definition
from survey.pseudonyms import pseudonym


@dataclass
class Survey:
    definition: SurveyDefinition
    db: Database
    pepper: bytes

    def respondent(self, channel: str, user_id: str) -> str:
        return pseudonym(self.pepper, channel, user_id)


def open_survey(config: SurveyConfig, upgrade: bool = True) -> Survey:
    definition = load_definition(config.definition_path)
    if upgrade:
        upgrade_schema(config.database_url)
    return Survey(definition=definition, db=Database(config.database_url), pepper=config.pepper)
