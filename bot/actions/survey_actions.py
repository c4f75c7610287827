"""Starting, changing, stopping and finishing the survey (the form itself is in survey_form)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.actions.common import channel_of, latest_text, pseudonym_of_sender, safety_reply, say, submission_key
from bot.actions.services import services
from bot.actions.survey_answers import DECLINED, SKIPPED
from bot.actions.survey_form import CHOOSING_SLOT, NOTICE_SLOT, answers_in, reset_survey
from bot.actions.survey_questions import comparable
from bot.rasa_survey import SUMMARY_SLOT, slot_name
from bot.reply_payload import Reply
from survey.answers import AnswerError, Answers, check_answers
from survey.definition import SurveyDefinition
from survey.store import Submission, stored_answers, submit_response


class ActionStartSurvey(Action):
    def name(self) -> str:
        return "action_start_survey"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if safety_reply(dispatcher, latest_text(tracker)):
            return [*reset_survey(), FollowupAction("action_listen")]
        say(dispatcher, Reply(text=services().survey.definition.introduction))
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
            stored = stored_answers(survey.db, pseudonym_of_sender(tracker), survey.definition)
        except SQLAlchemyError:  # the database is away: say so, and don't open a blank form over the stored answers
            say(dispatcher, Reply(text="Sorry, I can't look up your answers just now. Please try again shortly."))
            return [FollowupAction("action_listen")]
        if stored is None:
            say(dispatcher, Reply(text="You haven't answered the survey yet, so let's start."))
            say(dispatcher, Reply(text=survey.definition.introduction))
            return reset_survey()
        current_notice = stored.notice_version == survey.definition.privacy_notice.version
        consent = slot_name(survey.definition.consent_question().id)
        return [
            *reset_survey(),
            SlotSet(consent, "yes" if current_notice else None),  # a new notice is agreed to before saving again
            SlotSet(NOTICE_SLOT, stored.notice_version if current_notice else None),
            *(SlotSet(slot, value) for slot, value in stored_slots(survey.definition, stored.answers).items()),
            SlotSet(CHOOSING_SLOT, True),
        ]


def stored_slots(definition: SurveyDefinition, answers: Answers) -> dict[str, Any]:
    """Slot values for stored answers: an unanswered question that was asked counts as skipped."""
    values: dict[str, Any] = {}
    for question in definition.asked_questions():
        value: Any = answers.get(question.id)
        if isinstance(value, tuple):
            value = list(value)
        elif value is None:
            value = SKIPPED if definition.is_shown(question, answers.values) else None
        values[slot_name(question.id)] = value
    return values


class ActionSurveyStopped(Action):
    def name(self) -> str:
        return "action_survey_stopped"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        say(
            dispatcher,
            Reply(
                text=(
                    "OK, I've left the survey and saved nothing new. You can start again at any time, or ask me a "
                    "question."
                )
            ),
        )
        return reset_survey()


class ActionSurveyFinished(Action):
    """The form is complete: save the answers (and say so only after the commit), or accept the "no"."""

    def name(self) -> str:
        return "action_survey_finished"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        definition = services().survey.definition
        if tracker.get_slot(slot_name(definition.consent_question().id)) == DECLINED:
            say(
                dispatcher,
                Reply(
                    text=(
                        "No problem: nothing from the survey will be recorded. You can still ask me questions about "
                        "the consultation, or start the survey later."
                    )
                ),
            )
            return reset_survey()
        if tracker.get_slot(SUMMARY_SLOT) != "yes":
            return reset_survey()
        return save(dispatcher, tracker, definition)


def save(dispatcher: CollectingDispatcher, tracker: Tracker, definition: SurveyDefinition) -> list[EventType]:
    survey = services().survey
    pseudonym = pseudonym_of_sender(tracker)
    given = comparable(answers_in(tracker, definition))
    try:
        receipt = submit_response(
            survey.db,
            Submission(
                respondent=pseudonym,
                channel=channel_of(tracker),
                definition=definition,
                notice_version=tracker.get_slot(NOTICE_SLOT) or definition.privacy_notice.version,
                answers=check_answers(definition, _applicable(definition, given)),
                submission_key=submission_key(tracker),
            ),
        )
    except AnswerError as error:
        say(dispatcher, Reply(text=f"Some answers need another look: {error}"))
        return [SlotSet(SUMMARY_SLOT, None), SlotSet(CHOOSING_SLOT, True), FollowupAction("survey_form")]
    except SQLAlchemyError:
        say(
            dispatcher,
            Reply(
                text=(
                    "Sorry, I couldn't save your answers just now. Please try again shortly: choose “Save my answers” "
                    "again in a minute."
                )
            ),
        )
        return [SlotSet(SUMMARY_SLOT, None), FollowupAction("survey_form")]
    replaced = " They replace the answers you gave before." if receipt.replaced else ""
    say(
        dispatcher,
        Reply(
            text=(
                f"Thank you: your answers are saved.{replaced} You can change them at any time (“change my "
                "answers”), see them (“what do you hold about me”) or delete them (“delete my data”)."
            )
        ),
    )
    return reset_survey()


def _applicable(definition: SurveyDefinition, given: dict[str, Any]) -> dict[str, Any]:
    """Only answers to questions that still apply: a changed answer can make a show_if question moot."""
    kept: dict[str, Any] = {}
    for question in definition.asked_questions():
        if question.id in given and definition.is_shown(question, kept):
            kept[question.id] = given[question.id]
    return kept
