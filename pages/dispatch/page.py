"""/dispatch: the weekly dispatch meeting (周调度会) — the week's figures against last week, what changed since the
last meeting, the frozen snapshot and its drift, the supervised list and the commitments (``PAGE``).

The week is the URL's ``week`` (``2023-W25``), default the last complete week of the data. Figures come from
``dashboard.weekly.week_figures``; once the meeting is held (the button) they are read from its snapshot in the
application database (``ctx.appdb``), and later loads only show as a drift note.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, dcc, html, no_update

from dashboard import format as fmt
from dashboard.components import page_header
from dashboard.i18n import t
from dashboard.ids import pattern_id
from dashboard.meeting import drift, since_last
from dashboard.meeting_pack import download
from dashboard.pagekit import PageContext, PageSpec, context
from dashboard.services import Services
from dashboard.state import first_param
from dashboard.weekly import last_complete_week, week_figures, week_span
from pages.dispatch import parts
from warehouse.rules import calendar

LOC = "_pages_location"
WEEKS_SHOWN = 26


def chosen_week(ctx: PageContext) -> str:
    """The URL's week if it is one, else the last complete week of the data (or of today)."""
    text = first_param(ctx.params.get("week"))
    if text:
        try:
            return calendar.week_id(week_span(text)[0])
        except ValueError:
            pass
    return last_complete_week(ctx.data_end or dt.date.today())


def week_options(ctx: PageContext, week: str, frozen: list[str]) -> list[dict[str, str]]:
    """The last ``WEEKS_SHOWN`` complete weeks, the chosen one and every frozen one, newest first."""
    last = week_span(last_complete_week(ctx.data_end or dt.date.today()))[0]
    starts = {last - dt.timedelta(weeks=n) for n in range(WEEKS_SHOWN)}
    starts |= {week_span(w)[0] for w in [week, *frozen]}
    out = []
    for start in sorted(starts, reverse=True):
        wid = calendar.week_id(start)
        mark = t("dispatch.frozen_mark", ctx.lang) if wid in frozen else ""
        out.append({"label": fmt.period("week", start, ctx.lang, span=True) + mark, "value": wid})
    return out


def _frozen_weeks(ctx: PageContext) -> list[str]:
    return ctx.appdb.snapshot_weeks() if ctx.appdb is not None else []


def main(ctx: PageContext, week: str, note: Any = None) -> list[Any]:
    """Everything below the controls: snapshot state, drift, indicators, towns, since-last, commitments, list."""
    lang, db = ctx.lang, ctx.appdb
    live = week_figures(ctx.wh, week)
    snap = db.snapshot(week) if db is not None else None
    figs = snap.figures if snap is not None else live
    previous = db.previous_snapshot(week) if db is not None else None
    hold = html.Div(dbc.Button(t("dispatch.hold", lang), id="dp-hold", color="primary", n_clicks=0),
                    hidden=db is None or snap is not None)
    if db is None:
        state: Any = html.Div([parts.no_appdb(lang), hold], id="dp-state")
    elif snap is not None:
        state = html.Div([dbc.Alert(t("dispatch.held", lang, at=snap.taken_at.strftime("%Y-%m-%d %H:%M"),
                                      by=snap.taken_by or "—", gen=snap.generation or "—"), color="info"), hold],
                         id="dp-state", className="dp-state dp-state-frozen")
    else:
        state = html.Div([html.Div(t("dispatch.live", lang), className="dp-live"), hold],
                         id="dp-state", className="dp-state dp-state-live")
    earlier = db.list_commitments(status="open", before=week) if db is not None else []
    this_week = db.list_commitments(week=week) if db is not None else []
    return [
        note,
        state,
        parts.drift_note(drift(snap.figures, live), ctx.towns, lang) if snap is not None else None,
        dbc.Row([dbc.Col(parts.indicator_table(figs, lang), lg=5),
                 dbc.Col(parts.since_card(since_last(figs, previous.figures if previous else None), ctx.towns, lang),
                         lg=7)], className="g-3 mb-3"),
        html.Div(parts.town_matrix(figs, ctx.towns, lang), className="mb-3"),
        html.Div(parts.commitments_card(figs, earlier, this_week, ctx.towns, lang, db is not None), className="mb-3"),
        parts.supervised_card(figs, lang),
    ]


def body(ctx: PageContext) -> list[Any]:
    week = chosen_week(ctx)
    controls = html.Div([
        html.Div([html.Label(t("dispatch.week", ctx.lang), className="dp-label"),
                  dcc.Dropdown(id="dp-week", options=week_options(ctx, week, _frozen_weeks(ctx)), value=week,
                               clearable=False, className="dp-week")], className="dp-field"),
        html.Div([html.Label(t("dispatch.by", ctx.lang), className="dp-label"),
                  dbc.Input(id="dp-by", placeholder=t("dispatch.by_placeholder", ctx.lang), size="sm",
                            persistence=True, persistence_type="local")], className="dp-field"),
        html.Div(download.controls(ctx.lang), className="dp-field dp-pack"),
    ], className="dp-controls")
    start = week_span(week)[0]
    return [
        page_header(t("dispatch.title", ctx.lang),
                    t("dispatch.subtitle", ctx.lang, week=fmt.period("week", start, ctx.lang, span=True))),
        controls,
        html.Div(main(ctx, week), id="dp-main"),
    ]


def search_with_week(search: str | None, week: str) -> str:
    """The query string with ``week`` set and the shell's parameters kept."""
    kept = [(k, v) for k, vs in parse_qs((search or "").lstrip("?")).items() if k != "week" for v in vs]
    return "?" + urlencode([*kept, ("week", week)])


def act(pc: PageContext, trigger: Any, by: str, form: dict[str, Any], notes: dict[str, str]) -> Any:
    """Do what a button asked (hold the meeting, record or close a commitment); returns the note to show."""
    lang, db, week = pc.lang, pc.appdb, chosen_week(pc)
    if db is None:
        return None
    if trigger == "dp-hold":
        snap = db.save_snapshot(week, week_figures(pc.wh, week), by)
        return parts.flash(t("dispatch.held_ok", lang) if snap.created else
                           t("dispatch.held_before", lang, by=snap.taken_by), "success" if snap.created else "info")
    if trigger == "dp-c-add":
        if not (form.get("owner") or "").strip() or not (form.get("text") or "").strip():
            return parts.flash(t("dispatch.c_missing", lang), "danger")
        snap = db.snapshot(week)
        figs = snap.figures if snap is not None else week_figures(pc.wh, week)
        town = form.get("town") or None
        ind = next(i for i in figs["indicators"] if i["key"] == form["indicator"])
        place = ind["district"] if town is None else next((x for x in ind["towns"] if x["town_code"] == town), {})
        due = dt.date.fromisoformat(form["due"]) if form.get("due") else None
        db.add_commitment(week, town, form["indicator"], form["owner"].strip(), due, form["text"].strip(), by,
                          baseline=place.get("value"))
        return parts.flash(t("dispatch.c_added", lang))
    if isinstance(trigger, dict) and trigger.get("type") == "dp-close":
        done = db.close_commitment(int(trigger["cid"]), notes.get(trigger["cid"], "") or "", int(trigger["v"]), by)
        if done.conflict:
            first = (done.theirs or {}).get("closed_by") or fmt.MISSING
            return parts.flash(t("dispatch.c_conflict", lang, by=first), "warning")
        return parts.flash(t("dispatch.c_closed_ok", lang))
    return None


def callbacks(app: dash.Dash, services: Services) -> None:
    """The week picker writes the URL; the buttons write the application database and redraw the page."""

    @app.callback(Output(LOC, "search", allow_duplicate=True), Input("dp-week", "value"), State(LOC, "search"),
                  prevent_initial_call=True)
    def _week_to_url(week: str | None, search: str | None) -> Any:
        current = first_param(parse_qs((search or "").lstrip("?")).get("week"))
        return no_update if not week or week == current else search_with_week(search, week)

    download.register(app, services, State("dp-week", "value"), State(LOC, "search"))

    @app.callback(
        Output("dp-main", "children"),
        Input("dp-hold", "n_clicks"),
        Input("dp-c-add", "n_clicks"),
        Input({"type": "dp-close", "cid": ALL, "v": ALL}, "n_clicks"),
        State("dp-by", "value"),
        State("dp-c-town", "value"),
        State("dp-c-ind", "value"),
        State("dp-c-owner", "value"),
        State("dp-c-due", "value"),
        State("dp-c-text", "value"),
        State({"type": "dp-note", "cid": ALL}, "value"),
        State({"type": "dp-note", "cid": ALL}, "id"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _act(_hold, _add, closes, by, town, ind, owner, due, text, note_values, note_ids, search):
        if not ctx.triggered or not any(x.get("value") for x in ctx.triggered):
            return no_update  # a list redrawn, not a click
        pc = context(parse_qs((search or "").lstrip("?")), services.warehouse, services.appdb)
        notes = {i["cid"]: v for i, v in zip(note_ids, note_values, strict=True)}
        form = {"town": town, "indicator": ind, "owner": owner, "due": due, "text": text}
        note = act(pc, ctx.triggered_id, (by or "").strip(), form, notes)
        return main(pc, chosen_week(pc), note)


def skeleton() -> html.Div:
    """The ids the callbacks name that a page without data (or without a database) does not show."""
    return html.Div([
        dcc.Dropdown(id="dp-week"), dbc.Input(id="dp-by"), html.Div(id="dp-main"),
        html.Button(id="dp-hold"), html.Button(id="dp-c-add"), dcc.Dropdown(id="dp-c-town"),
        dcc.Dropdown(id="dp-c-ind"), dbc.Input(id="dp-c-owner"), dbc.Input(id="dp-c-due"),
        dbc.Textarea(id="dp-c-text"), html.Button(id=pattern_id("dp-close", cid="skeleton", v="0")),
        dbc.Input(id=pattern_id("dp-note", cid="skeleton")),
        html.Button(id=download.BUTTON), dcc.Download(id=download.DOWNLOAD),
    ], hidden=True)


def invalid_params(params: dict[str, Any]) -> tuple[str, ...]:
    """``("week",)`` when the URL's week is not an ISO week within the calendar (the shell's note names it)."""
    text = first_param(params.get("week"))
    if text is None:
        return ()
    try:
        week_span(text)
    except ValueError:
        return ("week",)
    return ()


PAGE = PageSpec(
    path="/dispatch", nav="nav.dispatch", order=6, body=body, callbacks=callbacks, skeleton=skeleton, filters=(),
    invalid_params=invalid_params,
)
