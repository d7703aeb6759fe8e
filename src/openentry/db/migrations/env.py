"""Alembic environment: the engine comes from :func:`openentry.db.engine.migrate`, or a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

import openentry.db.models  # noqa: F401  (registers the tables on Base.metadata)
from openentry.db.base import Base
from openentry.db.engine import make_engine

config = context.config
engine = config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = make_engine(config.get_main_option("sqlalchemy.url"))

with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
