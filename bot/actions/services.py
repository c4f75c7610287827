"""What the actions need, wired once when the action server starts (the model and index load once)."""

from __future__ import annotations

from dataclasses import dataclass

from index.answer import AnswerPipeline
from survey.service import Survey


@dataclass(frozen=True)
class Services:
    pipeline: AnswerPipeline
    survey: Survey


_services: Services | None = None


def configure(services: Services) -> None:
    global _services
    _services = services


def services() -> Services:
    if _services is None:
        raise RuntimeError("the action server's services are not configured (start it with `consult actions`)")
    return _services
