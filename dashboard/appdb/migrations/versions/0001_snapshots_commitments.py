"""Snapshots of the dispatch meeting's week figures and the commitments made at meetings.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshot",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("figures", sa.JSON, nullable=False),
        sa.Column("generation", sa.String(64)),
        sa.Column("taken_by", sa.String(100), nullable=False),
        sa.Column("taken_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshot"),
        sa.UniqueConstraint("week", name="uq_snapshot_week"),
    )
    op.create_table(
        "commitment",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("town_code", sa.String(16)),
        sa.Column("indicator", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(100), nullable=False),
        sa.Column("due_on", sa.Date),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("baseline", sa.Float),
        sa.Column("status", sa.String(10), nullable=False, server_default="open"),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("closed_note", sa.Text),
        sa.Column("closed_by", sa.String(100)),
        sa.Column("closed_at", sa.DateTime),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.PrimaryKeyConstraint("id", name="pk_commitment"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_commitment_status"),
    )
    op.create_index("ix_commitment_week", "commitment", ["week"])
    op.create_index("ix_commitment_status", "commitment", ["status"])


def downgrade() -> None:
    op.drop_index("ix_commitment_status", "commitment")
    op.drop_index("ix_commitment_week", "commitment")
    op.drop_table("commitment")
    op.drop_table("snapshot")
