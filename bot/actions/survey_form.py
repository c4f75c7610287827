"""The survey as a Rasa form: one slot per question of the survey definition (bot/rasa_survey.py generates them),
asked in order, each read by `read_reply`; `show_if` leaves out what does not apply; a summary ends it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.common import button, latest_text, safety_reply, say
from bot.actions.services import services
from bot.actions.survey_answers import DECLINED, SKIPPED, Progress, Reading, read_reply
from bot.actions.survey_questions import answer_lines, ask, comparable, title
from bot.rasa_survey import SUMMARY_SLOT, question_of_slot, slot_name
from bot.reply_payload import Reply
from survey.definition import Question, QuestionKind, SurveyDefinition
from survey.matching import is_yes, normalise

PROGRESS_SLOT = "survey_progress"
CHOOSING_SLOT = "choosing_change"
NOTICE_SLOT = "notice_version"


def survey_slots(definition: SurveyDefinition) -> list[str]:
    return [slot_name(q.id) for q in definition.questions]


def reset_survey() -> list[EventType]:
    definition = services().survey.definition
    slots = [*survey_slots(definition), SUMMARY_SLOT, CHOOSING_SLOT, PROGRESS_SLOT, NOTICE_SLOT]
    return [SlotSet(slot, None) for slot in slots]


def _names_an_option(tracker: Tracker, slot: str, text: str) -> bool:
    """The reply reads as options of the closed question being asked (free text is never taken as one)."""
    question_id = question_of_slot(slot)
    definition = services().survey.definition
    if question_id is None or question_id not in {q.id for q in definition.questions}:
        return False
    question = definition.question(question_id)
    if question.kind in (QuestionKind.TEXT, QuestionKind.CONSENT):
        return False
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    progress = Progress.from_slot(tracker.get_slot(PROGRESS_SLOT), question.id)
    reading = read_reply(question, text, intent, progress)
    return reading.problem is None and (reading.value is not None or reading.progress is not None)


def answers_in(tracker: Tracker, definition: SurveyDefinition) -> dict[str, Any]:
    """Question id -> the value of its slot (None: not asked yet), consent left out."""
    return {q.id: tracker.get_slot(slot_name(q.id)) for q in definition.asked_questions()}


class ValidateSurveyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_survey_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # Safety first, whatever the question: an emergency typed as an answer gets the 999 advice and a re-ask.
        requested = tracker.get_slot("requested_slot")
        text = latest_text(tracker)
        if requested and safety_reply(dispatcher, text, names_an_option=_names_an_option(tracker, requested, text)):
            return [SlotSet(requested, None)]
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        return events

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        """The questions that apply given the answers so far (show_if), then the summary; none without consent."""
        definition = services().survey.definition
        if tracker.get_slot(slot_name(definition.consent_question().id)) == DECLINED:
            return []
        given = comparable(answers_in(tracker, definition))
        shown = {slot_name(q.id) for q in definition.questions if definition.is_shown(q, given)}
        return [slot for slot in domain_slots if slot in shown or slot == SUMMARY_SLOT]

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The reply to the question being asked, read by one method for every question. Slots set by an action
        (stored answers loaded to be changed, a cleared or skipped slot) are not replies and are not re-read."""
        requested = tracker.get_slot("requested_slot")
        value = tracker.slots_to_validate().get(requested) if requested else None
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        if requested not in required or not isinstance(value, str) or value == SKIPPED:
            return []
        return [SlotSet(slot, new) for slot, new in self._read(requested, value, dispatcher, tracker).items()]

    def _read(self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if slot == SUMMARY_SLOT:
            return read_summary_reply(text, dispatcher, tracker)
        definition = services().survey.definition
        question_id = question_of_slot(slot)
        if question_id is None:
            return {}
        question = definition.question(question_id)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        progress = Progress.from_slot(tracker.get_slot(PROGRESS_SLOT), question.id)
        return _apply(question, read_reply(question, text, intent, progress), dispatcher, slot)


def _apply(question: Question, reading: Reading, dispatcher: CollectingDispatcher, slot: str) -> dict[str, Any]:
    """Slot updates for a reading: the answer (and progress cleared), or the slot left empty so it is asked again."""
    if reading.problem:
        say(dispatcher, Reply(text=reading.problem))
    if reading.value is None:  # asked again: with what was given so far, unless the reading started it afresh
        return {slot: None, **({PROGRESS_SLOT: reading.progress.as_slot()} if reading.progress else {})}
    updates: dict[str, Any] = {slot: reading.value, PROGRESS_SLOT: None}
    if reading.value == "yes" and question.kind.value == "consent":  # the notice they just read is the one agreed to
        updates[NOTICE_SLOT] = services().survey.definition.privacy_notice.version
    return updates


def read_summary_reply(text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
    """At the summary: save, change an answer (then which one), or an answer to pick."""
    definition = services().survey.definition
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    target = change_target(definition, text) if tracker.get_slot(CHOOSING_SLOT) else None
    if target:
        return {slot_name(target.id): None, PROGRESS_SLOT: None, SUMMARY_SLOT: None, CHOOSING_SLOT: False}
    if intent == "affirm" or is_yes(text):
        return {SUMMARY_SLOT: "yes", CHOOSING_SLOT: False}
    if intent in ("change_answers", "deny") or "change" in text.casefold():
        return {SUMMARY_SLOT: None, CHOOSING_SLOT: True}
    say(dispatcher, Reply(text="Please choose “Save my answers”, “Change an answer” or “Cancel”."))
    return {SUMMARY_SLOT: None}


def changeable(definition: SurveyDefinition, tracker: Tracker) -> list[Question]:
    given = comparable(answers_in(tracker, definition))
    return [q for q in definition.asked_questions() if definition.is_shown(q, given)]


def change_target(definition: SurveyDefinition, text: str) -> Question | None:
    """Which answer the resident wants to change: a button's question id, its number in the list, or words of the
    question ("my age", "the area")."""
    words = normalise(text)
    questions = definition.asked_questions()
    by_id = {q.id: q for q in questions}
    if words.replace(" ", "_") in by_id:
        return by_id[words.replace(" ", "_")]
    if words.isdigit() and 1 <= int(words) <= len(questions):
        return questions[int(words) - 1]
    stems = {word[:5] for word in words.split() if len(word) > 2 and word not in COMMON_WORDS}
    scored = [(len(stems & _stems(q)), -i, q) for i, q in enumerate(questions)]
    best = max(scored, key=lambda s: (s[0], s[1]), default=None)
    return best[2] if best and best[0] > 0 else None


COMMON_WORDS = {
    "the", "and", "you", "your", "my", "are", "which", "what", "how", "would", "should", "change", "answer", "want",
    "like", "this", "that", "these", "there", "have", "for", "with", "most", "much", "many", "about", "do", "does",
    "please", "choose", "one", "all", "any", "live", "give", "question",
}  # fmt: skip


def _stems(question: Question) -> set[str]:
    words = normalise(f"{question.id.replace('_', ' ')} {title(question)}").split()
    return {word[:5] for word in words if len(word) > 2 and word not in COMMON_WORDS}


def ask_summary(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    definition = services().survey.definition
    if tracker.get_slot(CHOOSING_SLOT):
        questions = changeable(definition, tracker)
        buttons = [button(title(q), "choose", q.id) for q in questions]
        say(
            dispatcher,
            Reply(
                text="Which answer would you like to change?",
                buttons=[*buttons, button("Nothing, save them", "affirm")],
            ),
        )
        return
    lines = answer_lines(definition, answers_in(tracker, definition))
    say(
        dispatcher,
        Reply(
            text="Here is what you told me:\n" + "\n".join(lines) + "\nShall I save these answers?",
            buttons=[
                button("Save my answers", "affirm"),
                button("Change an answer", "change_answers"),
                button("Cancel", "stop"),
            ],
        ),
    )


def asker(slot: str) -> Callable[[CollectingDispatcher, Tracker, DomainDict], list[EventType]]:
    """The `action_ask_<slot>` the form calls to ask one question, worded from the survey definition."""

    def run(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        definition = services().survey.definition
        question_id = question_of_slot(slot)
        if question_id is None:
            ask_summary(dispatcher, tracker)
            return []
        question = definition.question(question_id)
        ask(definition, question, Progress.from_slot(tracker.get_slot(PROGRESS_SLOT), question.id), dispatcher)
        return []

    return run


def ask_actions(definition: SurveyDefinition) -> dict[str, Callable[..., list[EventType]]]:
    """Every ask action of this survey's form, by action name."""
    return {f"action_ask_{slot}": asker(slot) for slot in [*survey_slots(definition), SUMMARY_SLOT]}
