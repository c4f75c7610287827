"""Rasa's conversation history (its SQL tracker store), for erasure and retention. Our code never imports rasa: the
table is Rasa's `events` (sender_id, type_name, timestamp, intent_name, action_name, data)."""

from __future__ import annotations

import time

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, delete, func, select

from survey.database import create_db_engine

_metadata = MetaData()
EVENTS = Table(
    "events",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


SESSION_STARTED = "session_started"  # Rasa's event type for the start of a session


class ConversationHistory:
    """Rasa's tracker store, read and erased here (not survey.store, which holds the answers)."""

    def __init__(self, url: str) -> None:
        # Rasa's environment reaches PostgreSQL through psycopg2 ("postgresql://"); ours through psycopg 3.
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self._engine = create_db_engine(url)

    def exists(self) -> bool:
        with self._engine.connect() as connection:
            return bool(self._engine.dialect.has_table(connection, "events"))

    def erase(self, sender_id: str) -> int:
        """Delete one conversation's whole history; the number of events removed."""
        if not self.exists():
            return 0
        with self._engine.begin() as connection:
            return connection.execute(delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount

    def events_of(self, sender_id: str) -> int:
        if not self.exists():
            return 0
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(EVENTS).where(EVENTS.c.sender_id == sender_id)
                ).scalar_one()
            )

    def purge(self, older_than_days: float) -> int:
        """Delete every event older than the cut-off; the number of events removed.

        Rasa rebuilds a conversation from its latest session (the events since its last `session_started`), so the
        events of a session still in progress are kept however old, and everything before them can go.
        """
        if not self.exists():
            return 0
        cutoff = time.time() - older_than_days * 86400
        latest = EVENTS.alias("latest")
        current_session_start = (
            select(func.max(latest.c.id))
            .where(latest.c.sender_id == EVENTS.c.sender_id, latest.c.type_name == SESSION_STARTED)
            .scalar_subquery()
        )
        newest = select(func.max(latest.c.timestamp)).where(latest.c.sender_id == EVENTS.c.sender_id).scalar_subquery()
        in_progress = (newest >= cutoff) & (EVENTS.c.id >= func.coalesce(current_session_start, 0))
        with self._engine.begin() as connection:
            return connection.execute(delete(EVENTS).where(EVENTS.c.timestamp < cutoff, ~in_progress)).rowcount

    def dispose(self) -> None:
        self._engine.dispose()
