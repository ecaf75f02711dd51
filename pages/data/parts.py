"""The blocks of /data, each a pure function of data (frames, sniff reports, jobs) and the language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import freshness
from dashboard.desk.audit import ANONYMOUS
from dashboard.desk.jobs import Job
from dashboard.desk.mappings import needs_mapping
from dashboard.desk.uploads import Upload
from dashboard.components import grid_options
from dashboard.i18n import paren, source_label, t
from dashboard.reasons import reason_text
from etl.problems import shown
from etl.sources import SourceSpec

REJECTS_BLOCK = 100  # rows per page of the rejects browser
STATUS_COLORS = {"fresh": "success", "stale": "warning", "none": "secondary"}


def card(key: str, title: str, body: Any, note: str | None = None) -> dbc.Card:
    head = html.Div([html.H2(title, className="kpi-card-title"),
                     html.Div(note, className="kpi-card-sub") if note else None])
    return dbc.Card([dbc.CardHeader(head, className="kpi-card-header"), dbc.CardBody(body, className="p-2")],
                    className="kpi-card mb-3", id=f"card-{key}")


def _day(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else str(value)[:10]


def _when(value: Any) -> str:
    return "—" if value is None or pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def freshness_table(frame: pd.DataFrame, lang: str, now: dt.datetime) -> dbc.Table:
    """Per source: latest data date, last load, expected cadence and a status badge (``dashboard.freshness``)."""
    st = freshness.status(frame, now)
    head = html.Tr([html.Th(t(f"data.fresh.{c}", lang)) for c in
                    ("source", "through", "last", "cadence", "rows", "status")])
    rows = [
        html.Tr([
            html.Td(source_label(r.source, lang)), html.Td(_day(r.data_through)), html.Td(_when(r.last_load_at)),
            html.Td(t("data.fresh.every", lang, days=int(r.cadence_days))), html.Td(f"{int(r.rows_now):,}"),
            html.Td(dbc.Badge(freshness.status_label(r.status, lang), color=STATUS_COLORS[r.status],
                              className=f"dd-badge dd-{r.status}", id=f"dd-fresh-{r.source}")),
        ])
        for r in st.itertuples()
    ]
    return dbc.Table([html.Thead(head), html.Tbody(rows)], size="sm", hover=True, className="dd-fresh mb-0")


def _who(up: Upload | None, lang: str) -> str:
    """Who sent a load: the uploader (anonymous in open mode), else the command line."""
    if up is None:
        return t("data.who.cli", lang)
    return t("data.who.anonymous", lang) if up.actor == ANONYMOUS else up.actor


def log_records(frame: pd.DataFrame, uploaded: dict[str, Upload], lang: str) -> list[dict[str, Any]]:
    """The load log's rows (as ``kpi loads``), newest first: a file uploaded here shows its label and who sent it."""
    out = []
    for r in frame.iloc[::-1].itertuples():
        up = uploaded.get(str(r.file))
        error = (r.error if lang != "en" else r.error_en) or r.error or ""
        out.append({
            "when": _when(r.when), "file": up.label if up else shown(r.file), "sheet": shown(r.sheet or ""),
            "source": source_label(r.source, lang) if r.source else "", "rows_in": int(r.rows_in),
            "loaded": int(r.rows_loaded), "rejected": int(r.rows_rejected), "skipped": int(r.rows_skipped),
            "status": t(f"cli.status.{r.status}", lang) if r.status in ("loaded", "failed", "skipped") else r.status,
            "error": shown(error), "who": _who(up, lang),
            "duration": round(float(r.duration_s or 0), 1),
        })
    return out


LOG_COLUMNS = ("when", "file", "sheet", "source", "rows_in", "loaded", "rejected", "skipped", "status", "error",
               "who", "duration")
REJECT_COLUMNS = ("file", "sheet", "row", "column", "value", "reason")


# widths of the log's columns at 1920×1080: the counts narrow and right-aligned, file, source and error share the rest
_LOG_WIDTHS: dict[str, dict[str, Any]] = {
    "when": {"width": 170}, "file": {"flex": 2, "minWidth": 200}, "sheet": {"width": 110},
    "source": {"flex": 1, "minWidth": 150}, "status": {"width": 100}, "error": {"flex": 2, "minWidth": 200},
    "who": {"width": 120}, "duration": {"width": 120, "type": "numericColumn"},
    **{c: {"width": 96, "type": "numericColumn"} for c in ("rows_in", "loaded", "rejected", "skipped")},
}


def log_grid(records: list[dict[str, Any]], lang: str) -> dag.AgGrid:
    defs = [{"field": c, "headerName": t(f"data.col.{c}", lang), **_LOG_WIDTHS[c]} for c in LOG_COLUMNS]
    return dag.AgGrid(id="dd-log", rowData=records, columnDefs=defs,
                      defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 80},
                      dashGridOptions={**grid_options(lang, 20), "domLayout": "autoHeight"},
                      style={"width": "100%"}, className="ag-theme-alpine")


def rejects_grid(lang: str) -> dag.AgGrid:
    """The rejects, paged from the server (``rejects_page``): never all of them in the browser at once."""
    widths = {"file": {"flex": 2, "minWidth": 200}, "sheet": {"width": 110}, "row": {"width": 90, "type": "numericColumn"},
              "column": {"width": 160}, "value": {"flex": 2, "minWidth": 240}, "reason": {"flex": 3, "minWidth": 240}}
    defs = [{"field": c, "headerName": t(f"data.col.{c}", lang), **widths[c]} for c in REJECT_COLUMNS]
    return dag.AgGrid(id="dd-rejects", rowModelType="infinite", columnDefs=defs,
                      defaultColDef={"resizable": True, "minWidth": 90},
                      dashGridOptions={**grid_options(lang, REJECTS_BLOCK), "cacheBlockSize": REJECTS_BLOCK,
                                       "maxBlocksInCache": 10, "rowBuffer": 0},
                      style={"height": "460px", "width": "100%"}, className="ag-theme-alpine")


def reject_records(frame: pd.DataFrame, lang: str) -> list[dict[str, Any]]:
    return [{"file": shown(r.file), "sheet": shown(r.sheet or ""), "row": int(r.row), "column": shown(r.column or ""),
             "value": shown(r.value or "")[:500], "reason": reason_text(r.reason, lang)} for r in frame.itertuples()]


# --- upload area -----------------------------------------------------------------------------


def verdict(report: dict[str, Any]) -> str:
    if not report.get("source"):
        return "unknown"
    return "warn" if report.get("would_reject") else "ok"


def preview_card(report: dict[str, Any], lang: str) -> dbc.Card:
    """One table's sniff report (as ``kpi sniff`` prints it), with a verdict badge."""
    v = verdict(report)
    badge = dbc.Badge(t(f"data.preview.{v}", lang, n=report.get("would_reject") or 0),
                      color={"ok": "success", "warn": "warning", "unknown": "danger"}[v], className="dd-verdict")
    where = str(report["file"]) + (f" [{shown(report['sheet'])}]" if report.get("sheet") else "")
    body: list[Any] = []
    if report.get("source"):
        body.append(html.Dl([
            html.Dt(t("data.preview.source", lang)), html.Dd(f"{source_label(report['source'], lang)} ({report['source']})"),
            html.Dt(t("data.preview.variant", lang)), html.Dd(str(report["variant_label"])),
            html.Dt(t("data.preview.header", lang)),
            html.Dd(t("data.preview.header_rows", lang, start=report["header_row"], depth=report["header_depth"])),
        ], className="dd-facts"))
        head = html.Tr([html.Th(t(f"data.preview.{c}", lang)) for c in ("header_col", "field", "samples")])
        rows = [html.Tr([html.Td(shown(m["header"])), html.Td(m["field"]),
                         html.Td(t("common.list_sep", lang).join(shown(s) for s in m["samples"]))]) for m in report["mapping"]]
        rows += [html.Tr([html.Td(f"[{how}]"), html.Td(name), html.Td("")])
                 for name, how in (report.get("supplied") or {}).items()]
        body.append(dbc.Table([html.Thead(head), html.Tbody(rows)], size="sm", className="dd-mapping"))
        unmapped = t("common.list_sep", lang).join(shown(u) for u in report.get("unmapped") or [])
        body.append(html.P(t("data.preview.unmapped", lang) + t("common.colon", lang)
                           + (unmapped or t("data.preview.none", lang)), className="small mb-1"))
        if "would_load" in report:
            body.append(html.P(t("data.preview.counts", lang, ok=report["would_load"], bad=report["would_reject"],
                                 skip=report["would_skip"]), className="dd-counts mb-1"))
    problems = report.get("problems") or []
    body.append(html.Div([html.Strong(t("data.preview.problems", lang) + t("common.colon", lang)),
                          html.Ul([html.Li(shown(p)) for p in problems]) if problems
                          else html.Span(t("data.preview.none", lang))], className="dd-problems"))
    return dbc.Card([dbc.CardHeader([html.Span(where, className="dd-file me-2"), badge]), dbc.CardBody(body)],
                    className=f"dd-preview dd-preview-{v} mb-2")


def refused_card(label: str, message: str, lang: str) -> dbc.Alert:
    return dbc.Alert([html.Strong(t("data.upload.refused", lang) + t("common.colon", lang) + label), html.Div(shown(message))],
                     color="danger", className="dd-refused mb-2")


def job_view(job: Job | None, lang: str) -> tuple[int, str, str, Any]:
    """(percent, bar label, bar colour, the state line and result table) of a load job."""
    if job is None:
        return 0, "", "secondary", html.Div(t("data.job.lost", lang), className="dd-job dd-job-lost")
    done, total = job.files_done, max(job.files_total, 1)
    pct = int(100 * done / total)
    if job.state == "queued":
        return 0, "", "info", html.Div(t("data.job.queued", lang), className="dd-job dd-job-queued")
    if job.state == "running":
        current = paren(job.current, lang) if job.current else ""
        text = t("data.job.running", lang, done=done, total=job.files_total, current=current)
        return max(pct, 5), f"{done}/{job.files_total}", "info", html.Div(text, className="dd-job dd-job-running")
    if job.state == "failed":
        message = (job.message_en if lang == "en" else job.message) or job.message or ""
        return 100, "", "danger", dbc.Alert(t("data.job.failed", lang, message=message), color="danger",
                                            className="dd-job dd-job-failed")
    head = html.Tr([html.Th(t(f"data.col.{c}", lang)) for c in
                    ("file", "sheet", "source", "rows_in", "loaded", "rejected", "skipped", "status", "error")])
    rows = [html.Tr([
        html.Td(r["file"]), html.Td(shown(r["sheet"] or "")), html.Td(source_label(str(r["source"]), lang)
                                                                     if r["source"] else ""),
        html.Td(r["rows_in"]), html.Td(r["rows_loaded"]), html.Td(r["rows_rejected"]), html.Td(r["rows_skipped"]),
        html.Td(t(f"cli.status.{r['status']}", lang)),
        html.Td(shown((r["error_en"] if lang == "en" else r["error"]) or r["error"] or "")),
    ], className=f"dd-result-{r['status']}") for r in job.tables]
    failed = any(r["status"] == "failed" for r in job.tables)
    return 100, f"{done}/{job.files_total}", "warning" if failed else "success", html.Div([
        html.Div(t("data.job.done", lang, seconds=f"{job.duration_s:.1f}", generation=job.generation or "—"),
                 className="dd-job dd-job-done"),
        dbc.Table([html.Thead(head), html.Tbody(rows)], size="sm", className="dd-result mt-2"),
    ])


def mapping_fields(spec: SourceSpec, headers: list[str], lang: str, chosen: dict[str, str] | None = None) -> Any:
    """One row per field of the source: its header in the spec, and a choice of the file's headers."""
    chosen = chosen or {}
    options = [{"label": t("data.map.none", lang), "value": ""}] + [{"label": h, "value": h} for h in headers]
    rows = []
    for col in spec.columns:
        label = col.header if lang != "en" else (col.label_en or col.name)
        mark = html.Span(f" · {t('data.map.required', lang)}", className="dd-required") if needs_mapping(col) else None
        rows.append(html.Tr([
            html.Td([html.Code(col.name), " ", label, mark]),
            html.Td(dcc.Dropdown(id={"type": "dd-map-col", "field": col.name}, options=options,
                                 value=chosen.get(col.name, ""), clearable=False, className="dd-map-dd")),
        ]))
    return dbc.Table(html.Tbody(rows), size="sm", className="dd-map-fields")
