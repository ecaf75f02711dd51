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

saved_view = sa.Table(  # revision 0002: a page's view kept under a name (dashboard.appdb.views)
    "saved_view", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("page", sa.String(40), nullable=False),  # the page's path, e.g. /explore
    sa.Column("search", sa.Text, nullable=False),  # the view's query string
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.UniqueConstraint("page", "name", name="uq_saved_view_page"),
)

# revision 0003: sign-in, roles, kiosk tokens and the audit trail (dashboard.auth)
app_user = sa.Table(
    "app_user", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("username", sa.String(64), nullable=False, unique=True),
    sa.Column("password_hash", sa.String(255), nullable=False),  # argon2id (argon2-cffi), never the password
    sa.Column("role", sa.String(10), nullable=False),  # viewer / analyst / admin
    sa.Column("town_code", sa.String(16)),  # None: the whole district; else the rows of that town only
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("session_stamp", sa.String(32), nullable=False),  # renewed on every change: old sessions end
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("updated_at", sa.DateTime, nullable=False),  # UTC
    sa.CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name="role"),
)

kiosk_token = sa.Table(
    "kiosk_token", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # SHA-256 hex of the token
    sa.Column("role", sa.String(10), nullable=False, server_default="viewer"),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("last_used_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),  # set: the token no longer signs anyone in
    sa.CheckConstraint("role IN ('viewer', 'analyst', 'admin')", name="role"),
)

audit_log = sa.Table(
    "audit_log", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime, nullable=False, index=True),  # UTC
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("action", sa.String(40), nullable=False, index=True),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("remote_addr", sa.String(64)),
)

app_secret = sa.Table(  # the key that signs session cookies, shared by every worker of every server
    "app_secret", METADATA,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(128), nullable=False),
)
