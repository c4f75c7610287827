"""Opening the survey: its definition, its database (schema brought up to date, the definition registered) and the
pepper, in one object."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from survey.config import SurveyConfig
from survey.consultations import register_definition
from survey.database import Database, upgrade_schema
from survey.definition import SurveyDefinition, load_definition
from survey.pseudonyms import pseudonym_of_resident, pseudonym_of_sender
from survey.store import forget_respondent


@dataclass
class Survey:
    definition: SurveyDefinition
    db: Database
    pepper: bytes
    themes_dir: Path | None = None  # the themes cache (survey.themes.ThemeCache), shared by the commands and dashboard

    def pseudonym_of_sender(self, channel: str, sender: str) -> str:
        """The store's key for a sender id, such as Rasa's (survey/pseudonyms.py names the three ids)."""
        return pseudonym_of_sender(self.pepper, channel, sender)

    def pseudonym_of_resident(self, channel: str, user_id: str) -> str:
        """The store's key for a resident's own id on a channel, as an official receives it."""
        return pseudonym_of_resident(self.pepper, channel, user_id)

    def forget(self, pseudonym: str) -> bool:
        """Erase a resident's answers to every consultation, and every cached theme (labels and keywords were made
        from their words too); True if there was anything to erase."""
        erased = forget_respondent(self.db, pseudonym)
        if erased and self.themes_dir is not None:
            from survey.themes.cache import ThemeCache  # the themes package loads scikit-learn: only when needed

            ThemeCache(self.themes_dir).forget()
        return erased


def open_survey(config: SurveyConfig, upgrade: bool = True) -> Survey:
    """Raises DefinitionError (an invalid file, or one that would orphan stored answers)."""
    definition = load_definition(config.definition_path)
    if upgrade:
        upgrade_schema(config.database_url)
    db = Database(config.database_url)
    try:
        register_definition(db, definition)
    except BaseException:
        db.dispose()
        raise
    return Survey(definition=definition, db=db, pepper=config.pepper, themes_dir=config.themes_dir)
