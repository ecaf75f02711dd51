"""The blocks of /dispatch, drawn from week figures (``dashboard.weekly``) and their comparisons
(``dashboard.meeting``): pure functions of plain data and the language, no queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard import format as fmt
from dashboard.components import message, status_dot, table_card
from dashboard.i18n import t, town_label
from dashboard.ids import pattern_id
from dashboard.meeting import movement
from warehouse import indicators
from warehouse.rules import status as status_rule

SUPERVISED_COLUMNS = ["case_no", "town_name", "department", "major_category", "minor_category", "community",
                      "stage", "reported_at", "deadline_at", "closed_at", "age_days", "days_overdue", "address"]


def card(key: str, title: str, body: Any, subtitle: str | None = None) -> dbc.Card:
    head = html.Div([html.H2(title, className="kpi-card-title"),
                     html.Div(subtitle, className="kpi-card-sub") if subtitle else None])
    return dbc.Card([dbc.CardHeader(head, className="kpi-card-header"), dbc.CardBody(body, className="p-2")],
                    className="kpi-card dp-card", id=f"dp-card-{key}")


def value_text(key: str, value: Any, lang: str) -> str:
    return fmt.indicator(indicators.get(key), value, lang)


def _status(status: str | None, lang: str) -> html.Span:
    return html.Span([status_dot(status), " ", status_rule.name(status, lang)], className="dp-status")


def indicator_table(figs: dict[str, Any], lang: str) -> dbc.Card:
    """District: this week, last week, change, target, status per key indicator."""
    head = html.Thead(html.Tr([html.Th(t(f"dispatch.col_{c}", lang)) for c in
                               ("indicator", "this", "last", "change", "target", "status")]))
    rows = []
    for item in figs["indicators"]:
        ind, d = indicators.get(item["key"]), item["district"]
        change, _ = fmt.change(d["value"], d["prev_value"], ind.kind)
        target = fmt.indicator(ind, d["target"], lang) if d["target"] is not None else fmt.MISSING
        rows.append(html.Tr([html.Td(ind.label(lang)), html.Td(value_text(item["key"], d["value"], lang)),
                             html.Td(value_text(item["key"], d["prev_value"], lang)), html.Td(change),
                             html.Td(target), html.Td(_status(d["status"], lang))],
                            className=f"dp-row-{d['status'] or 'none'}", id=f"dp-ind-{item['key']}"))
    table = html.Table([head, html.Tbody(rows)], className="table table-sm dp-table", id="dp-indicators")
    return card("indicators", t("dispatch.indicators", lang), table,
                t("dispatch.indicators_sub", lang, week=figs["week"], prev=figs["prev_week"]))


def town_matrix(figs: dict[str, Any], towns: pd.DataFrame, lang: str) -> dbc.Card:
    """Towns × key indicators: this week's value, coloured by status, and the town's league rank."""
    rank = {r["town_code"]: r["rank"] for r in figs["league"]}
    keys = [i["key"] for i in figs["indicators"]]
    head = html.Thead(html.Tr([html.Th(t("dispatch.col_town", lang)), html.Th(t("dispatch.col_rank", lang)),
                               *[html.Th(indicators.get(k).label(lang)) for k in keys]]))
    by_town: dict[str, dict[str, dict]] = {}
    for item in figs["indicators"]:
        for town in item["towns"]:
            by_town.setdefault(town["town_code"], {})[item["key"]] = town
    rows = []
    for tw in towns.itertuples():
        cells = by_town.get(tw.town_code, {})
        rows.append(html.Tr([
            html.Td(town_label(tw.town_name, tw.pinyin, lang)), html.Td(fmt.rank(rank.get(tw.town_code), lang)),
            *[html.Td(value_text(k, cells.get(k, {}).get("value"), lang),
                      className=f"dp-cell dp-cell-{cells.get(k, {}).get('status') or 'none'}") for k in keys]]))
    table = html.Table([head, html.Tbody(rows)], className="table table-sm dp-table dp-matrix", id="dp-towns")
    return card("towns", t("dispatch.towns", lang), html.Div(table, className="dp-scroll"),
                t("dispatch.towns_sub", lang))


def _names(towns: pd.DataFrame, lang: str) -> dict[str, str]:
    return {r.town_code: town_label(r.town_name, r.pinyin, lang) for r in towns.itertuples()}


def since_card(diff: dict[str, Any], towns: pd.DataFrame, lang: str) -> dbc.Card:
    """Towns turned red, rank changes, supervised items resolved and new."""
    names = _names(towns, lang)
    basis = t(f"dispatch.basis_{diff['basis']}", lang, week=diff["prev_week"])
    none = html.Span(t("dispatch.none", lang), className="text-muted")
    red = [html.Li(f"{names.get(r['town_code'], r['town_code'])} · {indicators.get(r['indicator']).label(lang)}"
                   f" {value_text(r['indicator'], r['before'], lang)} → {value_text(r['indicator'], r['value'], lang)}")
           for r in diff["turned_red"]]
    ranks = [html.Li(t("dispatch.rank_move", lang, town=names.get(r["town_code"], r["town_code"]),
                       prev=fmt.rank(r["prev_rank"], lang), rank=fmt.rank(r["rank"], lang)))
             for r in diff["rank_changes"]]

    def section(key: str, items: list, count: int | None = None) -> html.Div:
        title = t(key, lang) + (f" · {t('dispatch.n_items', lang, n=count)}" if count is not None else "")
        return html.Div([html.H3(title, className="dp-h3"), html.Ul(items, className="dp-list") if items else none],
                        className="dp-since-part")

    cases = [html.Li(f"{i['case_no']} · {i.get('town_name') or ''}") for i in diff["resolved"][:10]]
    new = [html.Li(f"{i['case_no']} · {i.get('town_name') or ''}") for i in diff["new"][:10]]
    body = html.Div([
        html.Div(basis, className="kpi-card-sub mb-2", id="dp-since-basis"),
        html.Div([section("dispatch.turned_red", red), section("dispatch.rank_changes", ranks),
                  section("dispatch.resolved", cases, len(diff["resolved"])),
                  section("dispatch.new_items", new, len(diff["new"]))], className="dp-since-grid"),
    ])
    return card("since", t("dispatch.since", lang), body)


def drift_note(rows: list[dict[str, Any]], towns: pd.DataFrame, lang: str, limit: int = 8) -> dbc.Alert | None:
    """The note that later data changed a frozen week, and by how much (None when nothing moved)."""
    if not rows:
        return None
    names = _names(towns, lang)
    lines = []
    for r in rows[:limit]:
        place = t("dispatch.district", lang) if r["town_code"] is None else names.get(r["town_code"], r["town_code"])
        if r["indicator"] == "supervised":
            what, frozen, live = t("dispatch.supervised_items", lang), fmt.number(r["frozen"]), fmt.number(r["live"])
            delta = fmt.signed(r["delta"], 0) if r["delta"] is not None else fmt.MISSING
        else:
            ind = indicators.get(r["indicator"])
            what = f"{place} · {ind.label(lang)}"
            frozen, live = value_text(r["indicator"], r["frozen"], lang), value_text(r["indicator"], r["live"], lang)
            delta = fmt.change(r["live"], r["frozen"], ind.kind)[0] if ind.kind == "rate" else (
                fmt.signed(r["delta"], 0) if r["delta"] is not None else fmt.MISSING)
        lines.append(html.Li(t("dispatch.drift_line", lang, what=what, frozen=frozen, live=live, delta=delta)))
    if len(rows) > limit:
        lines.append(html.Li(t("dispatch.drift_more", lang, n=len(rows) - limit)))
    return dbc.Alert([html.Strong(t("dispatch.drift", lang)), html.Div(t("dispatch.drift_sub", lang)),
                      html.Ul(lines, className="mb-0")], color="warning", id="dp-drift", className="dp-drift")


def supervised_card(figs: dict[str, Any], lang: str) -> dbc.Card:
    """The supervised list (督办清单): sortable, filterable, CSV export."""
    frame = pd.DataFrame(figs["supervised"], columns=SUPERVISED_COLUMNS)
    for col in ("reported_at", "deadline_at", "closed_at"):
        frame[col] = pd.to_datetime(frame[col])
    frame = frame.rename(columns={"age_days": t("dispatch.col_age", lang),
                                  "days_overdue": t("dispatch.col_overdue", lang)})
    end = dt.date.fromisoformat(figs["end"])
    sub = t("dispatch.supervised_sub", lang, end=fmt.period("day", end, lang), n=figs["supervised_total"])
    if figs["supervised_total"] > len(figs["supervised"]):
        sub += t("dispatch.supervised_cut", lang, shown=len(figs["supervised"]))
    return table_card(f"dispatch-supervised-{figs['week']}", t("dispatch.supervised", lang), frame, lang,
                      t("dispatch.supervised_empty", lang), subtitle=sub, height="460px")


def _commitment(c: dict[str, Any], figs: dict[str, Any], names: dict[str, str], lang: str,
                closable: bool) -> html.Li:
    ind = indicators.BY_KEY.get(c["indicator"])
    label = ind.label(lang) if ind else c["indicator"]
    place = t("dispatch.district", lang) if not c["town_code"] else names.get(c["town_code"], c["town_code"])
    due = c["due_on"].isoformat() if c["due_on"] else fmt.MISSING
    parts: list[Any] = [
        html.Div([html.Strong(f"{place} · {label}"), " ", html.Span(c["text"], className="dp-c-text")]),
        html.Div(t("dispatch.c_made", lang, week=c["week"], owner=c["owner"], due=due), className="kpi-card-sub"),
    ]
    if ind is not None and c["week"] != figs["week"]:
        m = movement(c, figs)
        delta = fmt.change(m["current"], m["baseline"], ind.kind)[0]
        parts.append(html.Div(t("dispatch.c_movement", lang, baseline=fmt.indicator(ind, m["baseline"], lang),
                                current=fmt.indicator(ind, m["current"], lang), delta=delta),
                              className=f"dp-move dp-move-{m['tone']}"))
    if c["status"] == "closed":
        parts.append(html.Div(t("dispatch.c_closed", lang, note=c["closed_note"] or "", by=c["closed_by"] or ""),
                              className="dp-closed"))
    elif closable:
        parts.append(dbc.InputGroup([
            dbc.Input(id=pattern_id("dp-note", cid=str(c["id"])), placeholder=t("dispatch.c_note", lang),
                      size="sm"),
            dbc.Button(t("dispatch.c_close", lang), id=pattern_id("dp-close", cid=str(c["id"]), v=str(c["version"])),
                       size="sm", color="secondary", n_clicks=0),
        ], size="sm", className="dp-close-row"))
    return html.Li(parts, className=f"dp-commitment dp-commitment-{c['status']}", id=f"dp-c-{c['id']}")


def commitment_form(figs: dict[str, Any], towns: pd.DataFrame, lang: str) -> html.Div:
    town_opts = [{"label": t("dispatch.district", lang), "value": ""}] + [
        {"label": label, "value": code} for code, label in _names(towns, lang).items()]
    ind_opts = [{"label": indicators.get(i["key"]).label(lang), "value": i["key"]} for i in figs["indicators"]]

    def field(key: str, control: Any) -> html.Div:
        return html.Div([html.Label(t(key, lang), className="dp-label"), control], className="dp-field")

    return html.Div([
        field("dispatch.c_town", dcc.Dropdown(id="dp-c-town", options=town_opts, value="", clearable=False)),
        field("dispatch.c_indicator", dcc.Dropdown(id="dp-c-ind", options=ind_opts, value=ind_opts[0]["value"],
                                                   clearable=False)),
        field("dispatch.c_owner", dbc.Input(id="dp-c-owner", size="sm")),
        field("dispatch.c_due", dbc.Input(id="dp-c-due", type="date", size="sm")),
        field("dispatch.c_text", dbc.Textarea(id="dp-c-text", rows=2)),
        dbc.Button(t("dispatch.c_add", lang), id="dp-c-add", color="primary", size="sm", n_clicks=0),
    ], className="dp-form", id="dp-form")


def commitments_card(figs: dict[str, Any], earlier: list[dict], this_week: list[dict], towns: pd.DataFrame,
                     lang: str, editable: bool) -> dbc.Card:
    names = _names(towns, lang)

    def listing(key: str, items: list[dict], list_id: str) -> html.Div:
        body = (html.Ul([_commitment(c, figs, names, lang, editable) for c in items], className="dp-c-list")
                if items else html.Div(t("dispatch.no_commitments", lang), className="text-muted"))
        return html.Div([html.H3(t(key, lang), className="dp-h3"), body], id=list_id)

    body = html.Div([
        listing("dispatch.earlier", earlier, "dp-c-earlier"),
        listing("dispatch.this_week", this_week, "dp-c-this"),
        html.Div(commitment_form(figs, towns, lang), hidden=not editable),
    ])
    return card("commitments", t("dispatch.commitments", lang), body, t("dispatch.commitments_sub", lang))


def flash(text: str | None, color: str = "success") -> Any:
    return dbc.Alert(text, color=color, id="dp-flash", className="dp-flash", duration=8000) if text else None


def no_appdb(lang: str) -> Any:
    return message(t("dispatch.no_appdb", lang), kind="warning")
