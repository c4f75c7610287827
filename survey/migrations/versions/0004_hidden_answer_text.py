"""hidden answers: the hidden text's digest, so a hide applies to that text only, not to a later answer

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 23:15:00

A resident who answers again writes a new answer, which an official has not read: it is shown until hidden again.
Hides made before this revision get the digest of the text they hid (the answer stored now).
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hidden_answers") as batch:
        batch.add_column(sa.Column("text_digest", sa.String(64), nullable=False, server_default=""))
    hidden = sa.table("hidden_answers", sa.column("response_id"), sa.column("question"), sa.column("text_digest"))
    answers = sa.table("answers", sa.column("response_id"), sa.column("question"), sa.column("text"))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(hidden.c.response_id, hidden.c.question, answers.c.text).join(
            answers,
            (answers.c.response_id == hidden.c.response_id)
            & (answers.c.question == hidden.c.question)
            & answers.c.text.is_not(None),
        )
    ).all()
    for row in rows:
        connection.execute(
            hidden.update()
            .where(hidden.c.response_id == row.response_id, hidden.c.question == row.question)
            .values(text_digest=hashlib.sha256(row.text.encode()).hexdigest())
        )


def downgrade() -> None:
    with op.batch_alter_table("hidden_answers") as batch:
        batch.drop_column("text_digest")
