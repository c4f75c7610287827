"""tally changes: submissions append their tally changes to a log, folded into `tallies` now and then

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 02:30:00

Upserting a response's ~30 tally cells in place dirtied a page per cell inside SQLite's single write lock (and its
sync); appended rows share a page or two. The log starts empty: `tallies` keeps every count it had, and every answer
is untouched.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tally_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("survey_id", sa.String(80), nullable=False),
        *(sa.Column(name, sa.String(40), nullable=False) for name in ("by_question", "grp", "question", "option")),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in ("count", "total", "squares")),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    """The log is folded into the tallies first, so no count is lost."""
    op.execute(
        "INSERT INTO tallies (survey_id, by_question, grp, question, option, item, channel, day, count, total, squares)"
        " SELECT survey_id, by_question, grp, question, option, item, channel, day, SUM(count), SUM(total),"
        " SUM(squares) FROM tally_changes WHERE true"
        " GROUP BY survey_id, by_question, grp, question, option, item, channel, day"
        " ON CONFLICT (survey_id, by_question, grp, question, option, item, channel, day)"
        " DO UPDATE SET count = tallies.count + excluded.count, total = tallies.total + excluded.total,"
        " squares = tallies.squares + excluded.squares"
    )
    op.drop_table("tally_changes")
