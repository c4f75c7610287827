"""Questions: answered by the cited-answer pipeline. In the survey, a typed answer mistaken for a question goes back
to the form instead."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import latest_text, send_answer, send_safety_advice, triage_message
from bot.actions.services import services
from bot.actions.survey_answers import Progress, read_reply
from bot.rasa_survey import question_of_slot
from survey.definition import QuestionKind

QUESTION = re.compile(
    r"\?\s*$|^\s*(what|who|why|how|when|where|which|is|are|does|do|did|will|can|could|should)\b", re.IGNORECASE
)


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        text = latest_text(tracker)
        triaged = triage_message(text)  # once: the pipeline is given it rather than triaging again
        if send_safety_advice(dispatcher, triaged):
            return []
        requested = tracker.get_slot("requested_slot") if tracker.active_loop_name == "survey_form" else None
        if requested and _looks_like_an_answer(requested, text, tracker):
            return [SlotSet(requested, text)]
        send_answer(dispatcher, services().pipeline.answer(text, triaged))
        return []


def _looks_like_an_answer(slot: str, text: str, tracker: Tracker) -> bool:
    """Not phrased as a question, and readable as (part of) an answer to the question being asked."""
    question_id = question_of_slot(slot)
    if question_id is None or QUESTION.search(text):
        return False
    question = services().survey.definition.question(question_id)
    if question.kind is QuestionKind.TEXT:
        return True
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    progress = Progress.from_slot(tracker.get_slot("survey_progress"), question.id)
    reading = read_reply(question, text, intent, progress)
    return reading.value is not None or reading.progress is not None
