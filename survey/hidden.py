"""The table of answers officials hid from theme views (see survey/moderation.py); migration 0003 creates it."""

from __future__ import annotations

import datetime as dt

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
