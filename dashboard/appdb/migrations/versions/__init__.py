"""Alembic revisions: 0001 snapshots and commitments, 0002 saved views (/explore); each later one names its
predecessor as down_revision."""
