"""The priority survey as a Rasa form: questions and options come from the survey definition (YAML)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.actions.common import button, latest_text, respondent, safety_reply, submission_key
from bot.actions.services import services
from bot.actions.survey_answers import (
    CHANGEABLE,
    DECLINED,
    PRIORITY_SLOTS,
    SKIPPED,
    SURVEY_SLOTS,
    change_target,
    interpret,
)
from survey.answers import AnswerError, check_answers
from survey.store import Submission, respondent_data, submit_response

ORDINALS = ["most important", "second", "third"]


def reset_survey() -> list[EventType]:
    return [SlotSet(slot, None) for slot in [*SURVEY_SLOTS, "choosing_change"]]


class ValidateSurveyForm(FormValidationAction):
    def name(self) -> str:
        return "validate_survey_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # Safety first, whatever the question: an emergency typed as an answer gets the 999 advice and a re-ask.
        requested = tracker.get_slot("requested_slot")
        if requested and safety_reply(dispatcher, latest_text(tracker)):
            return [SlotSet(requested, None)]
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        return events

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        return [] if tracker.get_slot("consent") == DECLINED else domain_slots

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Every slot set since the resident's message is read through `interpret`; one method, not one per slot.

        A slot an action cleared (None) or filled with a marker (skipped) is not an answer to check."""
        required = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        updates: dict[str, Any] = {}
        for slot, value in tracker.slots_to_validate().items():
            if slot not in required or value is None or value == SKIPPED:
                continue
            reading = self._read(slot, str(value), dispatcher, tracker)
            updates.update(reading)
            tracker.slots.update(reading)  # later slots see earlier answers (the second priority, the third...)
        return [SlotSet(slot, value) for slot, value in updates.items()]

    def _read(self, slot: str, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        if slot == "confirm":
            return self._read_confirm(text, dispatcher, tracker)
        limit = services().survey.definition.question("comment").max_length
        if slot == "comment" and len(text) > limit:
            dispatcher.utter_message(text=f"Please keep your comment under {limit} characters, or say “skip”.")
            return {"comment": None}
        reading = interpret(slot, text, tracker)
        if reading is None:
            dispatcher.utter_message(text=not_understood(slot, text))
            return {slot: None}
        if reading == {"consent": "yes"}:  # the notice they just read is the one they agreed to
            return {**reading, "notice_version": services().survey.definition.privacy_notice.version}
        return reading

    def _read_confirm(self, text: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> dict[str, Any]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        target = change_target(text) if tracker.get_slot("choosing_change") else None
        if target:
            return {**dict.fromkeys(CHANGEABLE[target]), "confirm": None, "choosing_change": False}
        if interpret("consent", text, tracker) == {"consent": "yes"}:
            return {"confirm": "yes", "choosing_change": False}
        if intent in ("change_answers", "deny") or "change" in text.casefold():
            return {"confirm": None, "choosing_change": True}
        dispatcher.utter_message(text="Please choose “Save my answers”, “Change an answer” or “Cancel”.")
        return {"confirm": None}


def not_understood(slot: str, text: str) -> str:
    shown = text if len(text) <= 40 else text[:37] + "..."
    if slot == "consent":
        return "Please answer yes or no."
    if slot in PRIORITY_SLOTS:
        return f"I couldn't match “{shown}” to a priority I haven't already noted. Please choose one of the buttons."
    if slot == "age_band":
        return "Please choose an age group, or type your age in years."
    return f"I couldn't match “{shown}” to one of the answers. Please choose one of the buttons."


def _ask_question(slot: str) -> type[Action]:
    """The action that asks one survey question, worded from the survey definition."""

    def run(
        self: Action, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        ask(slot, dispatcher, tracker)
        return []

    name = f"action_ask_{slot}"
    class_name = "ActionAsk" + "".join(part.title() for part in slot.split("_"))
    return type(class_name, (Action,), {"name": lambda self: name, "run": run})


def ask(slot: str, dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    definition = services().survey.definition
    if slot == "consent":
        notice = definition.privacy_notice
        dispatcher.utter_message(
            text=f"{notice.text}\n{definition.question('consent').prompt}",
            buttons=[button("Yes, I'm happy to take part", "affirm"), button("No thanks", "deny")],
        )
    elif slot in PRIORITY_SLOTS:
        position = PRIORITY_SLOTS.index(slot)
        chosen = [tracker.get_slot(s) for s in PRIORITY_SLOTS[:position]]
        question = definition.question("priorities")
        prompt = question.prompt if position == 0 else f"And your {ORDINALS[position]} priority?"
        options = [o for o in question.options if o.id not in chosen]
        dispatcher.utter_message(text=prompt, buttons=[button(o.label, "choose", o.id) for o in options])
    elif slot == "comment":
        question = definition.question("comment")
        dispatcher.utter_message(text=question.prompt, buttons=[button("Skip", "skip")])
    elif slot == "confirm":
        ask_confirm(dispatcher, tracker)
    else:
        question = definition.question(slot)
        buttons = [button(o.label, "choose", o.id) for o in question.options]
        if not question.required:
            buttons.append(button("Skip", "skip"))
        dispatcher.utter_message(text=question.prompt, buttons=buttons)


def ask_confirm(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    if tracker.get_slot("choosing_change"):
        choices = [
            ("Area", "district"),
            ("Age group", "age_band"),
            ("Priorities", "priorities"),
            ("Facial recognition", "facial_recognition"),
            ("Comment", "comment"),
        ]
        buttons = [button(title, "choose", target) for title, target in choices]
        dispatcher.utter_message(
            text="Which answer would you like to change?", buttons=[*buttons, button("Nothing, save them", "affirm")]
        )
        return
    dispatcher.utter_message(
        text="Here is what you told me:\n" + summary(tracker) + "\nShall I save these answers?",
        buttons=[
            button("Save my answers", "affirm"),
            button("Change an answer", "change_answers"),
            button("Cancel", "stop"),
        ],
    )


def summary(tracker: Tracker) -> str:
    definition = services().survey.definition

    def label(question: str, value: Any) -> str:
        if value in (None, SKIPPED):
            return "(skipped)"
        option = definition.question(question).option(str(value))
        return option.label if option else str(value)

    priorities = [label("priorities", tracker.get_slot(s)) for s in PRIORITY_SLOTS]
    comment = tracker.get_slot("comment")
    return "\n".join(
        [
            f"• Area: {label('district', tracker.get_slot('district'))}",
            f"• Age group: {label('age_band', tracker.get_slot('age_band'))}",
            "• Priorities: " + ", ".join(f"{n}. {p}" for n, p in enumerate(priorities, start=1)),
            f"• Live facial recognition: {label('facial_recognition', tracker.get_slot('facial_recognition'))}",
            f"• Comment: {'(none)' if comment in (None, SKIPPED) else comment}",
        ]
    )


ActionAskConsent = _ask_question("consent")
ActionAskDistrict = _ask_question("district")
ActionAskAgeBand = _ask_question("age_band")
ActionAskPriority1 = _ask_question("priority_1")
ActionAskPriority2 = _ask_question("priority_2")
ActionAskPriority3 = _ask_question("priority_3")
ActionAskFacialRecognition = _ask_question("facial_recognition")
ActionAskComment = _ask_question("comment")
ActionAskConfirm = _ask_question("confirm")


class ActionStartSurvey(Action):
    def name(self) -> str:
        return "action_start_survey"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if safety_reply(dispatcher, latest_text(tracker)):
            return [*reset_survey(), FollowupAction("action_listen")]
        dispatcher.utter_message(text=services().survey.definition.introduction)
        return reset_survey()


class ActionChangeAnswers(Action):
    """Load the stored answers into the form and open it at the "which answer?" step."""

    def name(self) -> str:
        return "action_change_answers"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if safety_reply(dispatcher, latest_text(tracker)):
            return [*reset_survey(), FollowupAction("action_listen")]
        survey = services().survey
        try:
            stored = respondent_data(survey.db, respondent(tracker)[0])
        except SQLAlchemyError:  # the database is away: say so, and don't open a blank form over the stored answers
            dispatcher.utter_message(text="Sorry, I can't look up your answers just now. Please try again shortly.")
            return [FollowupAction("action_listen")]
        if stored is None:
            dispatcher.utter_message(text="You haven't answered the survey yet, so let's start.")
            dispatcher.utter_message(text=survey.definition.introduction)
            return reset_survey()
        current_notice = stored["privacy_notice_version"] == survey.definition.privacy_notice.version
        priorities = stored["priorities"]
        return [
            SlotSet("consent", "yes" if current_notice else None),
            SlotSet("notice_version", stored["privacy_notice_version"] if current_notice else None),
            SlotSet("district", stored["district"] or SKIPPED),
            SlotSet("age_band", stored["age_band"] or SKIPPED),
            *(SlotSet(slot, value) for slot, value in zip(PRIORITY_SLOTS, priorities, strict=True)),
            SlotSet("facial_recognition", stored["facial_recognition"] or SKIPPED),
            SlotSet("comment", stored["comment"] or SKIPPED),
            SlotSet("confirm", None),
            SlotSet("choosing_change", True),
        ]


class ActionSurveyStopped(Action):
    def name(self) -> str:
        return "action_survey_stopped"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(
            text=(
                "OK, I've left the survey and saved nothing new. You can start again at any time, or ask me a question."
            )
        )
        return reset_survey()


class ActionSurveyFinished(Action):
    """The form is complete: save the answers (and say so only after the commit), or accept the "no"."""

    def name(self) -> str:
        return "action_survey_finished"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if tracker.get_slot("consent") == DECLINED:
            dispatcher.utter_message(
                text=(
                    "No problem: nothing from the survey will be recorded. You can still ask me questions about the "
                    "consultation, or start the survey later."
                )
            )
            return reset_survey()
        if tracker.get_slot("confirm") != "yes":
            return reset_survey()
        survey = services().survey
        pseudonym, channel = respondent(tracker)

        def answer(slot: str) -> str | None:
            value = tracker.get_slot(slot)
            return None if value in (None, SKIPPED) else str(value)

        try:
            answers = check_answers(
                survey.definition,
                district=answer("district"),
                age_band=answer("age_band"),
                priorities=[answer(s) for s in PRIORITY_SLOTS],
                facial_recognition=answer("facial_recognition"),
                comment=answer("comment"),
            )
            receipt = submit_response(
                survey.db,
                Submission(
                    respondent=pseudonym,
                    channel=channel,
                    survey_id=survey.definition.id,
                    notice_version=tracker.get_slot("notice_version") or survey.definition.privacy_notice.version,
                    answers=answers,
                    key=submission_key(tracker),
                ),
            )
        except AnswerError as error:
            dispatcher.utter_message(text=f"Some answers need another look: {error}")
            return [SlotSet("confirm", None), SlotSet("choosing_change", True), FollowupAction("survey_form")]
        except SQLAlchemyError:
            dispatcher.utter_message(
                text=(
                    "Sorry, I couldn't save your answers just now. Please try again shortly: choose “Save my answers” "
                    "again in a minute."
                )
            )
            return [SlotSet("confirm", None), FollowupAction("survey_form")]
        replaced = " They replace the answers you gave before." if receipt.replaced else ""
        dispatcher.utter_message(
            text=(
                f"Thank you: your answers are saved.{replaced} You can change them at any time (“change my "
                "answers”), see them (“what do you hold about me”) or delete them (“delete my data”)."
            ),
            json_message={"type": "survey_saved"},
        )
        return reset_survey()
