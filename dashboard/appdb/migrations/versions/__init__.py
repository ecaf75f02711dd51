"""Alembic revisions: 0001 snapshots and commitments; each later one names its predecessor as down_revision."""
