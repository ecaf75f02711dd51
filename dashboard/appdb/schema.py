"""The application database's tables (SQLAlchemy Core): user data of the dashboard, never warehouse data.

Every table of every Alembic revision is declared on ``METADATA`` (the migrations create them; the drift
test compares the two). ``snapshot``: one frozen copy of ``dashboard.weekly.week_figures`` per ISO week, taken
when the meeting is held. ``commitment``: an action item recorded at a meeting; ``version`` counts its edits
(optimistic concurrency: an edit names the version it read and fails over to a merge when another came first).
"""

from __future__ import annotations

import sqlalchemy as sa

METADATA = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "pk": "pk_%(table_name)s",
})

snapshot = sa.Table(
    "snapshot", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("week", sa.String(10), nullable=False, unique=True),  # ISO week id, 2022-W48
    sa.Column("figures", sa.JSON, nullable=False),
    sa.Column("generation", sa.String(64)),  # the warehouse generation the figures were read from
    sa.Column("taken_by", sa.String(100), nullable=False),
    sa.Column("taken_at", sa.DateTime, nullable=False),  # UTC
)

commitment = sa.Table(
    "commitment", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("week", sa.String(10), nullable=False, index=True),  # the meeting's ISO week
    sa.Column("town_code", sa.String(16)),  # None: the whole district
    sa.Column("indicator", sa.String(64), nullable=False),
    sa.Column("owner", sa.String(100), nullable=False),
    sa.Column("due_on", sa.Date),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("baseline", sa.Float),  # the indicator's value for the town in the meeting's week
    sa.Column("status", sa.String(10), nullable=False, server_default="open", index=True),  # open / closed
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("closed_note", sa.Text),
    sa.Column("closed_by", sa.String(100)),
    sa.Column("closed_at", sa.DateTime),
    sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    sa.CheckConstraint("status IN ('open', 'closed')", name="status"),
)
