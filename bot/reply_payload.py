"""The one shape of a reply, from the action server to every channel: each thing the assistant says travels whole in
Rasa's `custom` field, is validated once by the relay, and the chat API, the widget and Telegram render from it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.dataclasses import dataclass

from index.answer import AnswerKind, Citation

__all__ = ["Button", "Citation", "Reply", "ReplyKind"]

# What a channel may treat specially: the answer pipeline's and the triage's outcomes, and an erased conversation
# (the relay then erases its history too).
ReplyKind = AnswerKind | Literal["erased"]


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: Literal["answer", "safety", "message"] = Field(
        default="message", description="What said it: the answer pipeline, the safety triage, or the dialogue."
    )
    text: str = Field(min_length=1)
    buttons: list[Button] = []
    citations: list[Citation] = []
    kind: ReplyKind | None = None
