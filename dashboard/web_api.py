"""The server's read-only JSON routes: ``/health`` for monitors and ``/api/report/<year>`` for other programs.

``/health``: ``{"status": "ok", "generation": "gen-000042.duckdb", "sources": [...]}`` with, per source, the last
load, rows now, the latest data date, the age of the last load in days and its freshness status (the rule of
``dashboard.freshness.status``); HTTP 503 with ``"status": "unavailable"`` and the problem when the warehouse is
missing or unreadable (a load balancer takes the worker out).

``/api/report/<year>``: exactly the bytes ``kpi report --year <year> --json`` prints (``warehouse.report.to_json``
of ``warehouse.report.report``); 400 for a year that is not four digits within the calendar's years, 404 for a
year without data, each with a JSON ``{"error": ...}`` (Chinese; ``?lang=en`` for English).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import flask
import orjson
import pandas as pd

from dashboard import freshness
from dashboard.data import DataUnavailable
from dashboard.i18n import norm_lang, t
from dashboard.services import Services
from dashboard.state import first_param, parse_year
from warehouse.queries import overview as q
from warehouse.report import to_json
from warehouse.rules import calendar

JSON = "application/json"


def _json(data: Any, status: int = 200) -> flask.Response:
    return flask.Response(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS), status, mimetype=JSON)


def _plain(value: Any) -> Any:
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return pd.Timestamp(value).isoformat()
    return value.item() if hasattr(value, "item") else value


def health(services: Services, now: dt.datetime | None = None) -> tuple[dict[str, Any], int]:
    """The health document and its HTTP status."""
    wh = services.warehouse
    try:
        frame = freshness.status(wh.frame(q.freshness()), now or dt.datetime.now())
        generation = wh.generation()  # the generation the query above was answered from (or a newer one)
    except DataUnavailable as exc:
        return {"status": "unavailable", "generation": wh.generation() or None, "problem": str(exc)}, 503
    sources = [
        {
            "source": r["source"],
            "status": r["status"],
            "last_load_at": _plain(r["last_load_at"]),
            "age_days": None if pd.isna(r["age_days"]) else round(float(r["age_days"]), 3),
            "data_through": _plain(r["data_through"]),
            "rows_now": int(r["rows_now"] or 0),
        }
        for r in frame.to_dict("records")
    ]
    return {"status": "ok", "generation": generation, "sources": sources}, 200


def report_response(services: Services, year_text: str, lang: str) -> flask.Response:
    """``/api/report/<year>``: the report's JSON, or a JSON error."""
    year = parse_year(year_text)
    if year is None:
        shown = year_text[:40]
        msg = t("api.bad_year", lang, min=calendar.MIN_YEAR, max=calendar.MAX_YEAR, year=shown)
        return _json({"error": msg}, 400)
    wh = services.warehouse
    try:
        years = wh.report_years()
        if year not in years:
            msg = t("api.no_year", lang, year=year, years=", ".join(str(y) for y in years) or "—")
            return _json({"error": msg}, 404)
        body = wh.memo(("report_json", year), lambda: to_json(wh.report(year)))
    except DataUnavailable as exc:
        return _json({"error": t("api.no_warehouse", lang, problem=str(exc))}, 503)
    return flask.Response(body, 200, mimetype=JSON)


def install(app: dash.Dash, services: Services) -> None:
    """Add ``/health`` and ``/api/report/<year>`` to the app's server (GET only, read-only)."""
    server = app.server

    @server.route("/health")
    def _health() -> flask.Response:
        data, status = health(services)
        return _json(data, status)

    @server.route("/api/report/<path:year>")
    def _report(year: str) -> flask.Response:
        return report_response(services, year, norm_lang(first_param(flask.request.args.get("lang"))))
