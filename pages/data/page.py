"""/data: the layout (freshness, upload area, load log, rejects) and its callbacks.

The page re-renders only on navigation: when a load publishes a new generation the shell's re-render is
declined (an upload in progress must not vanish) and the desk's own callback refreshes the tables instead.
Uploads, previews, mappings and loads go through ``dashboard.desk``; loads run on its background queue and
the page polls the job (``dcc.Interval``), so no request waits for a load.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, dcc, html, no_update

from dashboard import callback_guard
from dashboard.components import page_header
from dashboard.data import DataUnavailable, Warehouse
from dashboard.desk import audit, mappings, uploads
from dashboard.desk.config import MAX_DROP_BYTES, MAX_DROP_FILES, MAX_UPLOAD_BYTES, max_request_bytes, spool_dir
from dashboard.desk.jobs import Job, JobQueue
from dashboard.desk.preview import file_headers, kept_preview, loadable
from dashboard.desk.uploads import Upload
from dashboard.i18n import norm_lang, source_label, t
from dashboard.pagekit import warehouse_problem
from dashboard.services import Services
from dashboard.state import ViewState
from etl.problems import LoadError
from etl.sources import SOURCES, SOURCES_BY_NAME
from etl.text import header_key
from pages.data import parts
from warehouse.queries import loads
from warehouse.queries import overview as q

POLL_MS = 1000

# The services and queue of the app this page is registered with (``PageSpec.layout`` takes the URL's parameters
# alone, so ``callbacks(app, services)``, called by the app factory after registering the page, binds them here).
_BOUND: dict[str, Any] = {}


def _wh() -> Warehouse | None:
    services = _BOUND.get("services")
    return services.warehouse if services is not None else None


def _queue() -> JobQueue | None:
    return _BOUND.get("queue")


def tables(wh: Warehouse, lang: str) -> tuple[Any, list[dict[str, Any]], str]:
    """The freshness table, the load log's rows and the rejects' note, from the query layer."""
    fresh = parts.freshness_table(wh.frame(q.freshness()), lang, dt.datetime.now())
    frame = wh.frame(loads.load_log())
    log = parts.log_records(frame, uploads.by_stored_name(spool_dir(wh.path), frame["file"]), lang)
    n = int(wh.frame(loads.rejects_count()).iloc[0, 0])
    return fresh, log, t("data.rejects.note", lang, n=f"{n:,}")


def layout(**params: Any) -> Any:
    try:
        if dash.callback_context.triggered_id == "gen-store":
            return no_update  # a new generation: the tables refresh themselves, the upload area stays
    except Exception:  # outside a callback (the first render, the validation layout)
        pass
    lang = ViewState.from_params(params).lang
    wh = _wh()
    fresh: Any = None
    log: list[dict[str, Any]] = []
    note = ""
    problem = None
    if wh is not None:
        try:
            fresh, log, note = tables(wh, lang)
        except DataUnavailable as exc:  # no warehouse yet: the upload area still works (a load creates it)
            problem = warehouse_problem(str(exc), lang)
    return html.Div([
        page_header(t("data.title", lang), t("data.subtitle", lang)),
        problem,
        upload_area(lang),
        parts.card("fresh", t("data.fresh", lang), html.Div(fresh, id="dd-fresh")),
        parts.card("log", t("data.log", lang), parts.log_grid(log, lang), t("data.log.note", lang)),
        parts.card("rejects", t("data.rejects", lang), parts.rejects_grid(lang), html.Span(note, id="dd-rej-note")),
        *stores(lang),
    ], className="kpi-page dd-page", id="dd-root")


def upload_area(lang: str) -> dbc.Card:
    mb, drop = MAX_UPLOAD_BYTES >> 20, MAX_DROP_BYTES >> 20
    body = [
        dcc.Upload(html.Div(t("data.upload.drop", lang), className="dd-drop-text"), id="dd-upload", multiple=True,
                   max_size=MAX_UPLOAD_BYTES, accept=".csv,.txt,.tsv,.xlsx,.xlsm,.xls", className="dd-drop",
                   className_active="dd-drop dd-drop-active"),
        html.Div(t("data.upload.limits", lang, mb=mb, drop=drop), className="dd-limits small text-muted mb-2"),
        html.Div(id="dd-refused"),
        html.Div(id="dd-preview"),
        html.Div(id="dd-map", className="dd-map", hidden=True, children=[
            html.H3(t("data.map", lang), className="h6 mt-3"),
            html.P(t("data.map.note", lang), className="small text-muted"),
            dbc.Row([
                dbc.Col(dcc.Dropdown(id="dd-map-file", placeholder=t("data.map.file", lang), clearable=False), md=5),
                dbc.Col(dcc.Dropdown(id="dd-map-source", placeholder=t("data.map.source", lang), clearable=False,
                                     options=[{"label": f"{source_label(s.name, lang)} ({s.name})", "value": s.name}
                                              for s in SOURCES]), md=4),
                dbc.Col(dbc.Input(id="dd-map-label", placeholder=t("data.map.label", lang), maxLength=60), md=3),
            ], className="g-2 mb-2"),
            html.Div(id="dd-map-fields"),
            dbc.Button(t("data.map.save", lang), id="dd-map-save", color="secondary", n_clicks=0, className="mt-1"),
        ]),
        html.Div(id="dd-map-msg", className="mt-2"),  # outside the editor, which hides once the file is known
        html.Div([
            dbc.Button(t("data.load.nothing", lang), id="dd-load", color="primary", n_clicks=0, disabled=True),
        ], className="mt-2"),
        dbc.Progress(id="dd-progress", value=0, label="", striped=True, animated=False, className="dd-progress mt-2",
                     style={"height": "22px"}),
        html.Div(id="dd-job-view", className="mt-2"),
    ]
    return parts.card("upload", t("data.upload", lang), body)


def skeleton() -> html.Div:
    """The components the callbacks name, of their real types, for the validation layout."""
    return html.Div([
        upload_area("zh"), html.Div(id="dd-fresh"), parts.log_grid([], "zh"), parts.rejects_grid("zh"),
        html.Span(id="dd-rej-note"), *stores("zh"),
        dcc.Dropdown(id={"type": "dd-map-col", "field": "skeleton"}),
    ], hidden=True)


def stores(lang: str) -> list[Any]:
    """The page's state in the browser: language, uploads and their reports, the job, the poll."""
    return [dcc.Store(id="dd-lang", data=lang), dcc.Store(id="dd-uploads", data=[]),
            dcc.Store(id="dd-reports", data=None), dcc.Store(id="dd-job", data=None), dcc.Store(id="dd-done", data=None),
            dcc.Interval(id="dd-poll", interval=POLL_MS, disabled=True)]


# --- what the callbacks do (plain functions, tested without a browser) ----------------------------------------


def receive_drop(wh_path: Any, contents: Any, names: Any, lang: str, actor: str) -> tuple[list[str], list[Any]]:
    """Store and preview each file of a drop: (the ids of the uploads kept, refusal notes)."""
    contents = contents if isinstance(contents, list) else [contents]
    names = names if isinstance(names, list) else [names] * len(contents)
    spool = spool_dir(wh_path)
    accepted: list[str] = []
    refused: list[Any] = []
    if len(contents) > MAX_DROP_FILES:
        return [], [parts.refused_card("…", t("data.upload.too_many_files", lang, n=len(contents),
                                              limit=MAX_DROP_FILES), lang)]
    total = sum(len(c) * 3 // 4 for c in contents if isinstance(c, str))
    if total > MAX_DROP_BYTES:
        return [], [parts.refused_card("…", t("data.upload.too_many", lang, mb=total >> 20,
                                              limit=MAX_DROP_BYTES >> 20), lang)]
    for content, name in zip(contents, names, strict=False):
        try:
            upload = uploads.receive(spool, name, content, actor)
        except LoadError as exc:
            refused.append(parts.refused_card(uploads.label_of(name), exc.en if lang == "en" else exc.zh, lang))
            continue
        accepted.append(upload.id)
        kept_preview(wh_path, upload, lang)
        audit.record(actor, "data_upload", {"upload": upload.id, "file": upload.label, "bytes": upload.size,
                                            "sha256": upload.sha256})
    return accepted, refused


def kept(wh_path: Any, ids: Any) -> list[Upload]:
    """The stored uploads among ids sent by the browser (anything else is ignored)."""
    spool = spool_dir(wh_path)
    found = [uploads.get(spool, i) for i in (ids if isinstance(ids, list) else [])[:MAX_DROP_FILES]]
    return [u for u in found if u is not None]


def previews(wh_path: Any, ids: Any, lang: str) -> list[tuple[Upload, list[dict[str, Any]]]]:
    return [(u, kept_preview(wh_path, u, lang)) for u in kept(wh_path, ids)]


def loadable_ids(shown: list[tuple[Upload, list[dict[str, Any]]]]) -> list[str]:
    """Uploads with at least one table the loader recognises."""
    return [u.id for u, reports in shown if any(loadable(r) for r in reports)]


def prefill(spec_name: str, headers: list[str]) -> dict[str, str]:
    """The file headers that already name a field of the source (its header or an alias)."""
    spec = SOURCES_BY_NAME[spec_name]
    keyed = {header_key(h): h for h in headers}
    return {c.name: keyed[k] for c in spec.columns for k in c.header_keys() if k in keyed}


def job_outputs(job: Job | None, lang: str) -> tuple[int, str, str, bool, Any, bool, str | None]:
    """The progress bar (value, label, colour, stripes moving while the job is not finished), the job's view,
    whether polling stops, and the finished job's id."""
    pct, label, color, view = parts.job_view(job, lang)
    finished = job is None or job.finished
    return pct, label, color, not finished, view, finished, (job.id if job is not None and job.finished else None)


def _lang(value: Any) -> str:
    return norm_lang(value if isinstance(value, str) else None)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def callbacks(app: dash.Dash, services: Services) -> None:
    """The desk's callbacks; every value from the browser is checked (junk is ignored, never a 500)."""
    _BOUND["services"] = services
    _BOUND["queue"] = JobQueue(services.warehouse.path, on_finish=audit.job_finished)
    if not app.server.config.get("MAX_CONTENT_LENGTH"):
        app.server.config["MAX_CONTENT_LENGTH"] = max_request_bytes()  # a drop's size bounds the request
    callback_guard.allow_large_body("dd-uploads.data", max_request_bytes())  # only the drop callback's
    wh = services.warehouse

    @app.callback(Output("dd-uploads", "data"), Output("dd-refused", "children"),
                  Input("dd-upload", "contents"), State("dd-upload", "filename"), State("dd-lang", "data"),
                  prevent_initial_call=True)
    def _drop(contents, names, lang):
        if not contents:
            return no_update, no_update
        return receive_drop(wh.path, contents, names, _lang(lang), audit.actor())

    @app.callback(Output("dd-preview", "children"), Output("dd-load", "disabled"), Output("dd-load", "children"),
                  Output("dd-map", "hidden"), Output("dd-map-file", "options"), Output("dd-map-file", "value"),
                  Input("dd-uploads", "data"), Input("dd-reports", "data"), State("dd-lang", "data"),
                  prevent_initial_call=True)
    def _show(ids, _again, lang):
        lang = _lang(lang)
        shown = previews(wh.path, ids, lang)
        cards = [parts.preview_card(r, lang) for _u, reports in shown for r in reports]
        ready = loadable_ids(shown)
        unknown = [u for u, reports in shown if any(not loadable(r) for r in reports)]
        options = [{"label": u.label, "value": u.id} for u in unknown]
        text = t("data.load.n", lang, n=len(ready)) if ready else t("data.load.nothing", lang)
        return cards, not ready, text, not unknown, options, options[0]["value"] if options else None

    @app.callback(Output("dd-map-fields", "children"), Input("dd-map-source", "value"), Input("dd-map-file", "value"),
                  State("dd-lang", "data"), prevent_initial_call=True)
    def _fields(source, upload_id, lang):
        lang = _lang(lang)
        upload = uploads.get(spool_dir(wh.path), upload_id)
        if not isinstance(source, str) or source not in SOURCES_BY_NAME or upload is None:
            return html.Div(t("data.map.pick", lang), className="small text-muted")
        headers = file_headers(upload)
        if not headers:
            return dbc.Alert(t("data.map.no_headers", lang), color="warning")
        return parts.mapping_fields(SOURCES_BY_NAME[source], headers, lang, prefill(source, headers))

    @app.callback(Output("dd-map-msg", "children"), Output("dd-reports", "data"),
                  Input("dd-map-save", "n_clicks"), State("dd-map-file", "value"), State("dd-map-source", "value"),
                  State("dd-map-label", "value"), State({"type": "dd-map-col", "field": ALL}, "value"),
                  State({"type": "dd-map-col", "field": ALL}, "id"), State("dd-lang", "data"),
                  prevent_initial_call=True)
    def _save(n, upload_id, source, label, values, ids, lang):
        lang = _lang(lang)
        if not n:
            return no_update, no_update
        upload = uploads.get(spool_dir(wh.path), upload_id)
        if upload is None:
            return dbc.Alert(t("data.map.pick", lang), color="warning"), no_update
        pairs = zip(ids if isinstance(ids, list) else [], values if isinstance(values, list) else [], strict=False)
        chosen = {i["field"]: v for i, v in pairs if isinstance(i, dict) and isinstance(i.get("field"), str)
                  and isinstance(v, str) and v}
        actor = audit.actor()
        try:
            saved = mappings.save(wh.path, _text(source), chosen, actor, _text(label))
        except LoadError as exc:
            return dbc.Alert(exc.en if lang == "en" else exc.zh, color="danger", className="dd-map-error"), no_update
        audit.record(actor, "data_mapping", {"name": saved["name"], "source": saved["source"],
                                             "columns": saved["columns"]})
        kept_preview(wh.path, upload, lang, again=True)
        return (dbc.Alert(t("data.map.saved", lang, name=saved["name"]), color="success", className="dd-map-ok"),
                saved["name"])

    @app.callback(Output("dd-job", "data"), Output("dd-poll", "disabled"),
                  Output("dd-load", "disabled", allow_duplicate=True), Input("dd-load", "n_clicks"),
                  State("dd-uploads", "data"), State("dd-lang", "data"), prevent_initial_call=True)
    def _load(n, ids, lang):
        queue = _queue()
        ready = loadable_ids(previews(wh.path, ids, _lang(lang)))
        if not n or not ready or queue is None:
            return no_update, no_update, no_update
        job = queue.submit(ready, audit.actor())
        audit.record(job.actor, "data_load_queued", {"job": job.id, "files": job.labels})
        return job.id, False, True

    @app.callback(Output("dd-progress", "value"), Output("dd-progress", "label"), Output("dd-progress", "color"),
                  Output("dd-progress", "animated"), Output("dd-job-view", "children"), Output("dd-poll", "disabled", allow_duplicate=True),
                  Output("dd-done", "data"), Input("dd-poll", "n_intervals"), State("dd-job", "data"),
                  State("dd-lang", "data"), prevent_initial_call=True)
    def _poll(_n, job_id, lang):
        queue = _queue()
        if not job_id or queue is None:
            return no_update, no_update, no_update, no_update, no_update, True, no_update
        queue.start()  # a job queued by a process that has gone is run by this one
        return job_outputs(queue.get(job_id), _lang(lang))

    @app.callback(Output("dd-fresh", "children"), Output("dd-log", "rowData"), Output("dd-rej-note", "children"),
                  Input("dd-done", "data"), Input("gen-store", "data"), State("dd-lang", "data"),
                  prevent_initial_call=True)
    def _refresh(_done, _gen, lang):
        try:
            fresh, log, note = tables(wh, _lang(lang))
        except DataUnavailable:
            return no_update, no_update, no_update
        return fresh, log, note

    @app.callback(Output("dd-rejects", "getRowsResponse"), Input("dd-rejects", "getRowsRequest"),
                  State("dd-lang", "data"), prevent_initial_call=True)
    def _rejects(request, lang):
        return rejects_page(wh, request, _lang(lang))


def rejects_page(wh: Warehouse, request: Any, lang: str) -> dict[str, Any]:
    """One block of the rejects browser: rows ``startRow``…``endRow`` (bounded) and the total."""
    request = request if isinstance(request, dict) else {}
    try:
        start = max(0, int(request.get("startRow", 0)))
        end = int(request.get("endRow", start + parts.REJECTS_BLOCK))
    except (TypeError, ValueError, OverflowError):
        start, end = 0, parts.REJECTS_BLOCK
    size = min(max(end - start, 1), 10 * parts.REJECTS_BLOCK)
    try:
        frame = wh.frame(loads.rejects(size, start))
        total = int(wh.frame(loads.rejects_count()).iloc[0, 0])
    except DataUnavailable:
        return {"rowData": [], "rowCount": 0}
    return {"rowData": parts.reject_records(frame, lang), "rowCount": total}
