"""Queries only the wall screen needs (everything else it shows comes from the other pages' queries).

``video_five_minute(f)`` — one row: events (found), on_site (reached within 5 minutes of detection),
    handled (handled within 5 minutes of arrival), both (the two together: the numerator of the registry's
    ``video_ai.five_minute_rate``, computed by ``warehouse/marts/50_kpi.sql``; a test keeps the two equal).
    Events detected in the range.
"""

from __future__ import annotations

import sqlalchemy as sa

from warehouse.sql import Filters, view

VIDEO = view("fact_video_ai_event", "event_no", "detected_at", "town_code", "arrived_at", "handled_at")
FIVE_MINUTES = sa.text("INTERVAL 5 MINUTE")


def video_five_minute(f: Filters) -> sa.Select:
    """Video AI events found in the range, and how many met each step of the 5-minute rule."""
    c = VIDEO.c
    on_site = c.arrived_at <= c.detected_at + FIVE_MINUTES
    handled = c.handled_at <= c.arrived_at + FIVE_MINUTES

    def n(cond: sa.ColumnElement[bool]) -> sa.ColumnElement:
        return sa.func.count().filter(cond)

    return sa.select(
        sa.func.count().label("events"),
        n(on_site).label("on_site"),
        n(handled).label("handled"),
        n(sa.and_(on_site, handled)).label("both"),
    ).where(f.date_clause(c.detected_at), f.town_clause(c.town_code))
