"""Alembic environment: runs on the connection ``dashboard.appdb.upgrade`` passes in (``config.attributes``),
else on ``sqlalchemy.url`` of the config (``alembic -c`` with an ini of your own)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from dashboard.appdb.schema import METADATA

config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=METADATA,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()
