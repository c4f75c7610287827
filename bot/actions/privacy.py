"""The privacy notice, what is held about the resident, and erasure (confirmed first)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.actions.common import button, latest_text, pseudonym_of_sender, safety_reply, say
from bot.actions.services import services
from bot.actions.survey_form import reset_survey
from bot.actions.survey_questions import answer_lines
from bot.reply_payload import Reply
from survey.store import respondent_data, stored_answers


class ActionPrivacyNotice(Action):
    def name(self) -> str:
        return "action_privacy_notice"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if safety_reply(dispatcher, latest_text(tracker)):
            return []
        notice = services().survey.definition.privacy_notice
        say(
            dispatcher,
            Reply(
                text=(
                    f"{notice.text}\nLawful basis: {notice.lawful_basis}\nPrivacy notice version {notice.version}. "
                    "Ask “what do you hold about me” to see your answers, or “delete my data” to erase them."
                )
            ),
        )
        return []


class ActionMyData(Action):
    def name(self) -> str:
        return "action_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if safety_reply(dispatcher, latest_text(tracker)):
            return []
        survey = services().survey
        pseudonym = pseudonym_of_sender(tracker)
        try:
            held = respondent_data(survey.db, pseudonym)
            current = stored_answers(survey.db, pseudonym, survey.definition)
        except SQLAlchemyError:
            say(dispatcher, Reply(text="Sorry, I can't look that up just now. Please try again shortly."))
            return []
        if held is None:
            say(
                dispatcher,
                Reply(
                    text=("I hold no survey answers from you. Your name, phone number and account id are never stored.")
                ),
            )
            return []
        lines = ["This is everything I hold from your survey answers, under a pseudonym (never your name or id):"]
        if current is not None:
            lines += answer_lines(survey.definition, current.answers.values)
            lines.append(
                f"• Answered via {current.channel} on {current.submitted_at.date().isoformat()}, privacy notice "
                f"version {current.notice_version}"
            )
        others = [r for r in held["responses"] if r["survey"] != survey.definition.id]
        lines += [f"• Another consultation, “{r['survey']}”: {_plain(r['answers'])}" for r in others]
        lines.append("Say “change my answers” to change them or “delete my data” to erase them.")
        say(dispatcher, Reply(text="\n".join(lines)))
        return []


def _plain(answers: dict[str, Any]) -> str:
    """Another consultation's answers, as stored (its wording is not this survey's)."""
    return "; ".join(f"{question}: {value}" for question, value in answers.items()) or "(no answers)"


class ActionConfirmForget(Action):
    def name(self) -> str:
        return "action_confirm_forget"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if safety_reply(dispatcher, latest_text(tracker)):
            return []
        say(
            dispatcher,
            Reply(
                text="Do you want me to delete your survey answers? This cannot be undone.",
                buttons=[button("Yes, delete them", "affirm"), button("No, keep them", "deny")],
            ),
        )
        return reset_survey()


class ActionForgetMe(Action):
    def name(self) -> str:
        return "action_forget_me"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        if (tracker.latest_message.get("intent") or {}).get("name") != "affirm":
            say(dispatcher, Reply(text="OK, nothing has been deleted."))
            return []
        try:
            erased = services().survey.forget(pseudonym_of_sender(tracker))
        except SQLAlchemyError:
            say(dispatcher, Reply(text="Sorry, I couldn't delete your answers just now. Please try again shortly."))
            return []
        # "erased": the relay then erases the conversation's history too.
        say(
            dispatcher,
            Reply(
                kind="erased",
                text=(
                    "Done: your survey answers have been deleted, and so is this conversation's history."
                    if erased
                    else "There were no survey answers to delete; this conversation's history is deleted."
                ),
            ),
        )
        return reset_survey()
