"""Alembic migrations of the application database (run by ``dashboard.appdb.upgrade``; revisions in versions/)."""
