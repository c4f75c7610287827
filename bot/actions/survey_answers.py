"""Reading a resident's reply to one survey question, from a button's option id or from typed text."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.actions.services import services
from survey.definition import SurveyDefinition
from survey.matching import is_no, is_skip, is_yes, match_age_band, match_options

SURVEY_SLOTS = [
    "consent",
    "district",
    "age_band",
    "priority_1",
    "priority_2",
    "priority_3",
    "facial_recognition",
    "comment",
    "confirm",
]
PRIORITY_SLOTS = ["priority_1", "priority_2", "priority_3"]
SKIPPED = "skipped"  # an optional question the resident chose not to answer
DECLINED = "declined"  # no consent: no survey
# What "change an answer" offers, and the slots each choice clears.
CHANGEABLE = {
    "district": ["district"],
    "age_band": ["age_band"],
    "priorities": PRIORITY_SLOTS,
    "facial_recognition": ["facial_recognition"],
    "comment": ["comment"],
}
CHANGE_WORDS = {
    "district": ["area", "district", "where i live"],
    "age_band": ["age"],
    "priorities": ["priorit", "top three", "ranking"],
    "facial_recognition": ["facial", "face"],
    "comment": ["comment"],
}


def interpret(slot: str, text: str, tracker: Tracker) -> dict[str, Any] | None:
    """Slot values for a reply, or None when it does not answer the question."""
    definition = services().survey.definition
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    if slot == "consent":
        if intent == "affirm" or is_yes(text):
            return {"consent": "yes"}
        return {"consent": DECLINED} if intent == "deny" or is_no(text) else None
    if slot in ("district", "facial_recognition"):
        question = definition.question(slot)
        if not question.required and (intent == "skip" or is_skip(text)):
            return {slot: SKIPPED}
        found = match_options(question, text, limit=1)
        return {slot: found[0]} if found else None
    if slot == "age_band":
        band = match_age_band(definition.question("age_band"), text)
        return {"age_band": band} if band else None
    if slot in PRIORITY_SLOTS:
        return _priorities(definition, slot, text, tracker)
    if slot == "comment":
        if intent == "skip" or is_skip(text):
            return {"comment": SKIPPED}
        return {"comment": text.strip()} if text.strip() else None
    return None


def _priorities(definition: SurveyDefinition, slot: str, text: str, tracker: Tracker) -> dict[str, Any] | None:
    """One or more priorities in order ("knife crime and drugs" fills this slot and the next)."""
    position = PRIORITY_SLOTS.index(slot)
    chosen = [tracker.get_slot(s) for s in PRIORITY_SLOTS[:position]]
    found = [p for p in match_options(definition.question("priorities"), text) if p not in chosen]
    if not found:
        return None
    return dict(zip(PRIORITY_SLOTS[position:], found, strict=False))


def change_target(text: str) -> str | None:
    """Which answer the resident wants to change ("my age", "priorities", or a button's id)."""
    words = text.casefold()
    if words in CHANGEABLE:
        return words
    for target, needles in CHANGE_WORDS.items():
        if any(needle in words for needle in needles):
            return target
    return None
