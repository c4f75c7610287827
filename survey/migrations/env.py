"""Alembic environment: migrations run on our own engine, so SQLite gets the same pragmas as the application."""

from __future__ import annotations

from alembic import context

from survey.database import create_db_engine
from survey.models import Base

url = context.config.attributes.get("database_url") or context.config.get_main_option("sqlalchemy.url")
engine = create_db_engine(str(url))
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
