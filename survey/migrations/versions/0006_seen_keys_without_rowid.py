"""seen keys without rowid: on SQLite the idempotency keys are stored in their key's B-tree only

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 02:55:00

A rowid table with a text primary key keeps two B-trees (the rows, and the key's index), so every submission wrote a
page of each inside SQLite's write lock; the keys and their times are copied as they are. PostgreSQL: nothing changes.
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _recreate(with_rowid=False)


def downgrade() -> None:
    _recreate(with_rowid=True)


def _recreate(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table(
        "seen_submissions", recreate="always", table_kwargs={"sqlite_with_rowid": with_rowid}
    ) as batch:
        batch.alter_column("key", existing_nullable=False)
