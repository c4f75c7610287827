"""generic answers: responses keep who/when, answers one row per answered option, tallies, consultations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 19:40:00

Every answer, comment, pseudonym, notice version, response id and idempotency key is kept. The old one-column-per-
question layout is read by reflection, not by name: a column `<stem>_<n>` with siblings is a ranking's n-th place
(its question id is the one its `<id>_differ` check constraint names, else the stem), a Text column is a text answer,
any other column a single choice. Tallies are filled when the survey is next opened (survey.consultations).
"""

from __future__ import annotations

import re
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

KEPT = ("id", "respondent", "survey_id", "notice_version", "channel", "submitted_at", "updated_at")
PLACE = re.compile(r"^(.+)_(\d+)$")


def upgrade() -> None:
    _create_consultations_and_tallies()
    _create_responses("responses_new")
    old = sa.Table("responses", sa.MetaData(), autoload_with=op.get_bind())
    op.execute(sa.insert(_table("responses_new")).from_select(KEPT, sa.select(*(old.c[name] for name in KEPT))))
    _create_answers("responses_new")
    _copy_answers(old)
    op.drop_table("responses")
    op.rename_table("responses_new", "responses")
    _index_responses()
    if op.get_bind().dialect.name == "postgresql":  # the copied ids came with their values: move the sequence on
        op.execute("SELECT setval(pg_get_serial_sequence('responses', 'id'), COALESCE(MAX(id), 1)) FROM responses")


def _create_consultations_and_tallies() -> None:
    op.create_table(
        "consultations",
        sa.Column("survey_id", sa.String(80), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("survey_id", "digest"),
    )
    keys = ("survey_id", "by_question", "grp", "question", "option", "item", "channel", "day")
    op.create_table(
        "tallies",
        sa.Column("survey_id", sa.String(80), nullable=False),
        *(sa.Column(name, sa.String(40), nullable=False) for name in ("by_question", "grp", "question", "option")),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in ("count", "total", "squares")),
        sa.PrimaryKeyConstraint(*keys),
        sqlite_with_rowid=False,  # the key is the table: one B-tree to update per change, not two
    )


def _create_responses(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("respondent", sa.String(64), nullable=False),
        sa.Column("survey_id", sa.String(80), nullable=False),
        sa.Column("notice_version", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "respondent", name="responses_one_per_respondent"),
    )


def _create_answers(parent: str) -> None:
    op.create_table(
        "answers",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.String(40), nullable=False),
        sa.Column("item", sa.Integer(), nullable=False),
        sa.Column("option", sa.String(40), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["response_id"], [f"{parent}.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("response_id", "question", "item"),
        sa.UniqueConstraint("response_id", "question", "option", name="answers_option_once"),
        sqlite_with_rowid=False,
    )


def _index_responses() -> None:
    op.create_index("responses_respondent", "responses", ["respondent"])
    op.create_index("responses_by_time", "responses", ["survey_id", "submitted_at", "channel"])
    op.create_index("responses_by_update", "responses", ["updated_at"])


def _copy_answers(old: sa.Table) -> None:
    answers = _table("answers")
    for question, places in _rankings(old).items():
        for place, column in places:
            _copy(answers, old, column, question, place, text=False)
    ranked = {column.name for places in _rankings(old).values() for _, column in places}
    for column in old.columns:
        if column.name not in KEPT and column.name not in ranked:
            _copy(answers, old, column, column.name, 0, text=isinstance(column.type, sa.Text))


def _copy(answers: sa.Table, old: sa.Table, column: sa.Column, question: str, item: int, *, text: bool) -> None:  # type: ignore[type-arg]
    value = sa.literal(None, sa.String)
    query = sa.select(
        old.c.id,
        sa.literal(question, sa.String),
        sa.literal(item, sa.Integer),
        value if text else column,
        sa.literal(None, sa.Integer),
        column if text else value,
    ).where(column.is_not(None), column != "")
    op.execute(sa.insert(answers).from_select(("response_id", "question", "item", "option", "number", "text"), query))


def _rankings(old: sa.Table) -> dict[str, list[tuple[int, sa.Column]]]:  # type: ignore[type-arg]
    """Columns `<stem>_1`, `<stem>_2`, ... of one ranking, keyed by its question id."""
    stems: dict[str, list[tuple[int, sa.Column]]] = defaultdict(list)  # type: ignore[type-arg]
    for column in old.columns:
        match = PLACE.match(column.name)
        if column.name not in KEPT and match and not isinstance(column.type, sa.Text):
            stems[match[1]].append((int(match[2]), column))
    names = [c["name"] or "" for c in sa.inspect(op.get_bind()).get_check_constraints("responses")]
    rankings: dict[str, list[tuple[int, sa.Column]]] = {}  # type: ignore[type-arg]
    for stem, places in stems.items():
        if len(places) < 2:
            continue
        named = [n.removesuffix("_differ") for n in names if n.endswith("_differ")]
        rankings[named[0] if len(named) == 1 else stem] = sorted(places, key=lambda p: p[0])
    return rankings


def _table(name: str) -> sa.Table:
    return sa.Table(name, sa.MetaData(), autoload_with=op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("answers stored generically cannot be put back into one column per question")
