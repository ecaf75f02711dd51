"""Indicator queries: functions of ``Filters`` (and plain parameters) returning SQLAlchemy selects.

One module per subject (``violations``, ``demolitions``, ``snow``, …). They read the mart views
of ``warehouse/marts/`` and never execute anything; ``dashboard`` runs them.
"""
