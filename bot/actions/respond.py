"""Fixed replies: greeting, help, goodbye, chit-chat, and a yes/no/skip/button with nothing to answer."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.common import latest_text, menu_buttons, safety_reply, say
from bot.actions.services import services
from bot.reply_payload import Reply


class ActionRespond(Action):
    def name(self) -> str:
        return "action_respond"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[dict[str, Any]]:
        if safety_reply(dispatcher, latest_text(tracker)):
            return []
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        in_survey = tracker.active_loop_name == "survey_form"
        if intent == "greet":
            say(dispatcher, Reply(text=greeting(), buttons=menu_buttons()))
        elif intent == "help":
            say(dispatcher, Reply(text=help_text(in_survey), buttons=[] if in_survey else menu_buttons()))
        elif intent == "goodbye":
            say(dispatcher, Reply(text="Thank you for taking part. Goodbye!"))
        elif intent == "chitchat":
            say(
                dispatcher,
                Reply(
                    text=(
                        "I'm an automated assistant for this public consultation, not a person. I quote the "
                        "consultation's documents and run its survey; I don't give opinions."
                    )
                ),
            )
        elif intent == "choose":
            say(
                dispatcher,
                Reply(
                    text="That button belongs to an earlier question. What would you like to do?",
                    buttons=menu_buttons(),
                ),
            )
        else:
            say(dispatcher, Reply(text="What would you like to do?", buttons=menu_buttons()))
        return []


def greeting() -> str:
    survey = services().survey.definition
    return (
        "Hello! I answer questions about this consultation's documents (candidates' manifestos, plans and news) by "
        "quoting them word for word, with sources. I'm neutral: I never recommend a candidate.\n"
        f"You can also take part in a short survey: “{survey.title}”."
    )


def help_text(in_survey: bool) -> str:
    topics = services().pipeline.topics[:2] or ["policing"]
    examples = " or ".join(f"“What do the sources say about {t}?”" for t in topics)
    text = (
        f"Ask me a question, for example {examples} I quote the documents and say who said what, where and when.\n"
        "Say “survey” to take the survey, “what do you hold about me” to see your answers, or “delete my data” "
        "to erase them."
    )
    return text + ("\nYou're in the survey: answer the question below, or say “stop” to leave it." if in_survey else "")
