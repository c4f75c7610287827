"""The table of answers officials hid from theme views (see survey/moderation.py); migration 0003 creates it,
0004 adds the digest of the hidden text."""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import DateTime, ForeignKey, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from survey.models import ANSWER, Base


class HiddenAnswer(Base):
    __tablename__ = "hidden_answers"
    __table_args__ = (PrimaryKeyConstraint("response_id", "question"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question: Mapped[str] = mapped_column(String(ANSWER))
    reason: Mapped[str] = mapped_column(Text)
    hidden_by: Mapped[str] = mapped_column(String(80))  # the official's sign-in name
    hidden_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The hide is for this text only (migration 0004): a resident who answers again has written a new answer.
    text_digest: Mapped[str] = mapped_column(String(64), server_default="")


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
