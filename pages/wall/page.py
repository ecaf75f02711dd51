"""/wall — the command room's screen: full-screen, dark, no navigation, refreshing itself all day.

The layout holds every panel; a clientside callback rotates them (``wall-rotate``: which panels show is a
class, no server round trip), a server callback (``wall-tick``, every ``refresh`` seconds) looks for new data
and sends only the panels whose content changed (per-panel outputs; unchanged ones are ``no_update``), so a
newly published warehouse generation appears without a reload or a flicker. The shell's own generation
check re-renders ordinary pages; the wall declines that re-render and updates itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from urllib.parse import parse_qs

import dash
import flask
import plotly.utils
from dash import Input, Output, State, dcc, html, no_update

from dashboard import freshness
from dashboard.data import DataUnavailable, Warehouse
from dashboard.i18n import t
from dashboard.services import Services
from dashboard.state import ViewState, first_param
from pages.wall import access, panels
from pages.wall.data import WallData, gather, look
from pages.wall.playlist import PANELS, Playlist, invalid_params
from warehouse.rules import alerts as alert_rule

LOC = "_pages_location"
CLOCK_MS = 1000


def _digest(children: Any) -> str:
    text = json.dumps(children, cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(text.encode()).hexdigest()


def _data(wh: Warehouse, lang: str) -> WallData | None:
    return wh.memo(("wall.gather", lang), lambda: gather(wh, lang))


def _remote() -> str | None:
    return flask.request.remote_addr if flask.has_request_context() else "127.0.0.1"


def render(wh: Warehouse, params: dict[str, Any], state: dict[str, Any] | None) -> dict[str, Any]:
    """Everything the wall shows now, and what changed since ``state`` (the previous refresh's):
    ``bodies`` (panel → children), ``ticker``, ``fresh``, ``alerts`` (None: unchanged), ``playlist``,
    ``state`` (the next one: generation, digests, the alert rule's look).

    What depends only on the data (panels, ticker, playlist, their digests, the alert look) is built once per
    generation, language and playlist (``_static``); a refresh with no new data only checks freshness against
    the clock, so its cost stays the same however long the wall runs."""
    lang = ViewState.from_params(params).lang
    state = state or {}
    gen = wh.generation()
    d = _data(wh, lang)
    playlist = Playlist.from_params(params)
    if d is None:
        msg = [html.Div(t("wall.empty", lang), className="wall-label")]
        bodies = {p: (msg if p == playlist.panels[0] else []) for p in PANELS}
        return {"bodies": bodies, "ticker": [], "fresh": [], "alerts": [], "playlist": _pl(playlist),
                "state": {"gen": gen, "digests": {}, "look": None}}
    static = wh.memo(("wall.static", lang, playlist), lambda: _static(d, lang, playlist))
    fresh, fresh_digest = _fresh(wh, d, lang, dt.datetime.now())
    out: dict[str, Any] = {**static["shown"], "fresh": fresh, "alerts": None}
    if gen != state.get("gen"):  # new data: the alert rule compares with the previous refresh's look
        found = alert_rule.alerts(static["look"], alert_rule.Look.from_json(state.get("look")))
        out["alerts"] = panels.alert_items(found, d, lang)
    digests = {**static["digests"], "fresh": fresh_digest}
    out["changed"] = {k for k, v in digests.items() if state.get("digests", {}).get(k) != v}
    out["state"] = {"gen": gen, "digests": digests, "look": static["look_json"]}
    return out


def _static(d: WallData, lang: str, playlist: Playlist) -> dict[str, Any]:
    """The parts of the wall that change only with the data: shown parts, their digests, the alert look."""
    playlist = playlist.on_stage(d.snow_season, d.snow_event)
    shown = {
        "bodies": {p: panels.PANEL_BODIES[p](d, lang) if p in playlist.panels else [] for p in PANELS},
        "ticker": panels.ticker(d, lang),
        "playlist": _pl(playlist),
    }
    digests = {k: _digest(v) for k, v in [*shown["bodies"].items(), ("ticker", shown["ticker"]),
                                          ("playlist", shown["playlist"])]}
    look_now = look(d)
    return {"shown": shown, "digests": digests, "look": look_now, "look_json": look_now.to_json()}


def _fresh(wh: Warehouse, d: WallData, lang: str, now: dt.datetime) -> tuple[list[Any], str]:
    """The freshness strip and its digest; rebuilt only when a source's status against the clock changes."""
    statuses = tuple(freshness.status(d.freshness, now)["status"])
    return wh.memo(("wall.fresh", lang, statuses), lambda: _with_digest(panels.fresh(d, lang, now)))


def _with_digest(children: list[Any]) -> tuple[list[Any], str]:
    return children, _digest(children)


def _pl(p: Playlist) -> dict[str, Any]:
    return {"panels": list(p.panels), "all": list(PANELS), "fixed": p.fixed}


def _alert_class(items: list[Any]) -> str:
    return "wall-alerts wall-alerts-on" if items else "wall-alerts"


def layout(**params: Any) -> Any:
    """The wall for the URL's parameters (declines the shell's re-render on a new generation)."""
    try:
        if dash.callback_context.triggered_id == "gen-store":
            return no_update
    except Exception:  # outside a callback (the first render, the validation layout)
        pass
    return _layout(_SERVICES[0].warehouse if _SERVICES else None, params)


def _layout(wh: Warehouse | None, params: dict[str, Any]) -> html.Div:
    lang = ViewState.from_params(params).lang
    playlist = Playlist.from_params(params)
    denied = not access.allowed(first_param(params.get("token")), _remote())
    problem = None
    r: dict[str, Any] | None = None
    if wh is not None and not denied:
        try:
            r = render(wh, params, None)
        except DataUnavailable as exc:
            problem = str(exc)
    bodies = dict(r["bodies"]) if r else {p: [] for p in PANELS}
    if denied or problem or wh is None:
        first = playlist.panels[0]
        bodies[first] = [html.Div(t("wall.denied", lang) if denied else problem or t("wall.empty", lang),
                                  className="wall-label")]
    pl = r["playlist"] if r else _pl(playlist)
    alerts = (r["alerts"] or []) if r else []
    bad = invalid_params(params)
    note = html.Div(t("wall.params_ignored", lang, names=", ".join(bad)), id="wall-note", className="wall-note",
                    role="status") if bad else None
    stage = [html.Div(html.Div(bodies[p], id=f"wall-body-{p}", className="wall-body"), id=f"wall-panel-{p}",
                      className="wall-panel" + (" wall-on" if p == pl["panels"][0] else "")) for p in PANELS]
    return html.Div(
        [
            html.Div(
                [html.H1(t("wall.title", lang), className="wall-h1"),
                 html.Div(r["fresh"] if r else [], id="wall-fresh", className="wall-fresh"),
                 html.Div("", id="wall-clock", className="wall-clock")],
                className="wall-top",
            ),
            html.Div(alerts, id="wall-alerts", className=_alert_class(alerts), role="alert"),
            html.Div(stage, id="wall-stage", className="wall-stage"),
            html.Div(r["ticker"] if r else [], id="wall-ticker", className="wall-ticker"),
            note,  # a link parameter that fell back to its default says so (over the stage's corner)
            dcc.Interval(id="wall-tick", interval=int(playlist.refresh * 1000), n_intervals=0),
            dcc.Interval(id="wall-rotate", interval=int(playlist.seconds * 1000), n_intervals=0),
            dcc.Interval(id="wall-clock-tick", interval=CLOCK_MS, n_intervals=0),
            dcc.Store(id="wall-state", data=r["state"] if r else {}),
            dcc.Store(id="wall-playlist", data=pl),
        ],
        id="wall-root",
        className=f"wall-root wall-lang-{lang}",
        lang="en" if lang == "en" else "zh-CN",
    )


# The services of the app this page is registered with: ``PageSpec.layout`` takes the URL's parameters alone,
# so ``callbacks(app, services)`` (called by the app factory right after registering the page) binds them here.
_SERVICES: list[Services] = []

ROTATE_JS = """
function(n, pl) {
    const panels = (pl && pl.panels) || [];
    const all = (pl && pl.all) || [];
    const wide = window.innerWidth / Math.max(window.innerHeight, 1) >= 2.5 && panels.length > 1;
    const per = wide ? 2 : 1;
    const k = panels.length ? (((n || 0) * per) % panels.length) : 0;
    const show = new Set();
    for (let i = 0; i < per && panels.length; i++) { show.add(panels[(k + i) % panels.length]); }
    return all.map(p => 'wall-panel' + (show.has(p) ? ' wall-on' : '') + (wide ? ' wall-half' : ''));
}
"""

CLOCK_JS = """
function(n) {
    const d = new Date();
    const p = x => String(x).padStart(2, '0');
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' +
        p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
}
"""


def callbacks(app: dash.Dash, services: Services) -> None:
    """The refresh (server) and the rotation and clock (clientside)."""
    _SERVICES[:] = [services]
    wh = services.warehouse
    body_outputs = [Output(f"wall-body-{p}", "children") for p in PANELS]

    @app.callback(
        *body_outputs,
        Output("wall-ticker", "children"),
        Output("wall-fresh", "children"),
        Output("wall-alerts", "children"),
        Output("wall-alerts", "className"),
        Output("wall-playlist", "data"),
        Output("wall-state", "data"),
        Input("wall-tick", "n_intervals"),
        State("wall-state", "data"),
        State(LOC, "search"),
        prevent_initial_call=True,
    )
    def _refresh(_n: int, state: dict[str, Any] | None, search: str | None) -> tuple[Any, ...]:
        return refresh(wh, search, state, _remote())

    app.clientside_callback(
        ROTATE_JS,
        *(Output(f"wall-panel-{p}", "className") for p in PANELS),
        Input("wall-rotate", "n_intervals"),
        Input("wall-playlist", "data"),
    )
    app.clientside_callback(CLOCK_JS, Output("wall-clock", "children"), Input("wall-clock-tick", "n_intervals"))


def refresh(wh: Warehouse, search: str | None, state: dict[str, Any] | None, remote: str | None) -> tuple[Any, ...]:
    """The refresh callback as a plain function: (each panel's body, ticker, freshness, alerts, alerts' class,
    playlist, next state), ``no_update`` wherever nothing changed."""
    params = parse_qs((search or "").lstrip("?"))
    nothing = (no_update,) * (len(PANELS) + 6)
    state = state if isinstance(state, dict) else None  # the page's own store; anything else starts afresh
    if not access.allowed(first_param(params.get("token")), remote):
        return nothing
    try:
        r = render(wh, params, state)
    except DataUnavailable:
        return nothing
    changed = r.get("changed", set(PANELS) | {"ticker", "fresh", "playlist"})

    def pick(key: str, value: Any) -> Any:
        return value if key in changed else no_update

    alerts = r["alerts"]
    return (
        *(pick(p, r["bodies"][p]) for p in PANELS),
        pick("ticker", r["ticker"]),
        pick("fresh", r["fresh"]),
        no_update if alerts is None else alerts,
        no_update if alerts is None else _alert_class(alerts),
        pick("playlist", r["playlist"]),
        r["state"],
    )
