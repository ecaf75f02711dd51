"""Figures and small presentation helpers of the /rankings page (issue 5). Pure: frames in, figures out.

* ``bump_chart`` — every unit's rank in one city assessment item per month (from
  ``warehouse.queries.rankings.city_rank_history``): rank 1 on top, the district drawn thick, a band over the
  ranks that meet 争一保二.
* ``waterfall`` — the contributions of an explanation (``warehouse.scoring.Explanation.waterfall()``) up to the
  score they add up to.
* ``per_size_bars`` — one indicator's volume per town raw, per 10,000 residents and per 100 road-km (from
  ``warehouse.scoring.per_size``).
* ``fmt_value``, ``rank_change`` and ``status_class`` — the words and classes the league table
  and the drawer use.

Every text comes from the i18n catalogue (``rankings.*`` keys).
"""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import plotly.graph_objects as go

from dashboard import format as fmt
from dashboard.figures.theme import (
    NEUTRAL,
    STATUS_COLORS,
    common,
    empty_figure,
    hover,
    new_figure,
    new_subplots,
    tint,
    town_label,
)
from dashboard.i18n import t
from warehouse import indicators

DISTRICT_COLOR = "#1f5fa8"
OTHER_UNIT_COLOR = "#b8c2cc"
BAND_COLOR = tint(STATUS_COLORS["green"], 0.12)


# --- words -------------------------------------------------------------------------------------------------------



def rank_change(change: object, prev: object, lang: str = "zh") -> tuple[str, str]:
    """(text, tone) of a rank change: ▲2 up, ▼1 down, — flat, · when there is no previous rank."""
    if fmt.is_missing(change) or change is pd.NA:
        return ("·" if fmt.is_missing(prev) or prev is pd.NA else "—"), "none"
    n = int(change)  # type: ignore[call-overload]
    if n > 0:
        return f"▲{n}", "up"
    if n < 0:
        return f"▼{-n}", "down"
    return t("rankings.flat", lang), "flat"


def status_class(status: object) -> str:
    """The CSS class of a status (green/amber/red/grey; 'none' for no target)."""
    return f"rk-st-{status}" if isinstance(status, str) and status in STATUS_COLORS else "rk-st-none"


# --- bump chart of city ranks --------------------------------------------------------------------------------


def bump_chart(df: pd.DataFrame, *, item: str | None = None, lang: str = "zh", target_rank: int = 2) -> go.Figure:
    """Every unit's rank per month in ``item`` (the first item when None); 1 on top, ranks 1…target_rank banded.

    ``df``: period_start, label, item, unit_code, unit_name, is_district, score, rank, units. ``customdata`` of
    every point: unit_code, period label, score, units.
    """
    if df.empty:
        return empty_figure(lang)
    item = item if item is not None and item in set(df["item"]) else str(df["item"].iloc[0])
    d = df[df["item"] == item].sort_values(["period_start", "rank"])
    if d.empty:
        return empty_figure(lang)
    units = int(d["units"].max())
    fig = new_figure(drill="unit_code")
    x0, x1 = d["period_start"].min(), d["period_start"].max()
    band = {"type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": 0.5, "y1": target_rank + 0.5,
            "fillcolor": BAND_COLOR, "line": {"width": 0}, "layer": "below"}
    labels = [{"xref": "paper", "x": 0.0, "xanchor": "left", "yref": "paper", "y": 1.0, "yanchor": "bottom",
               "showarrow": False, "text": "<b>▇</b> " + t("rankings.fig.band", lang, n=target_rank),
               "font": {"size": 12, "color": STATUS_COLORS["green"]}}]
    score_name, rank_name = t("rankings.fig.score", lang), t("rankings.fig.rank", lang)
    order = sorted(d.groupby("unit_code")["is_district"].max().items(), key=lambda kv: kv[1])  # district last (top)
    by_unit = dict(tuple(d.groupby("unit_code", sort=False)))
    traces = []  # added at once, like the labels: plotly validates a figure's whole list on every single add
    for code, is_district in order:
        u = by_unit[code]
        name = str(u["unit_name"].iloc[-1])
        color = DISTRICT_COLOR if is_district else OTHER_UNIT_COLOR
        custom = list(zip([code] * len(u), u["label"], u["score"], u["units"], strict=True))
        traces.append(go.Scatter(
            x=u["period_start"], y=u["rank"], name=name, mode="lines+markers",
            line={"color": color, "width": 4 if is_district else 1.5, "shape": "linear"},
            marker={"size": 11 if is_district else 6, "color": color},
            customdata=custom, showlegend=False,
            hovertemplate=hover([f"<b>{name}</b> · %{{customdata[1]}}", f"{rank_name}: %{{y}} / %{{customdata[3]}}",
                                 f"{score_name}: %{{customdata[2]:.2f}}"]),
        ))
        last = u.iloc[-1]
        labels.append({"x": last["period_start"], "y": last["rank"], "text": name, "showarrow": False,
                       "xanchor": "left", "xshift": 8, "font": {"size": 12 if is_district else 11,
                                                              "color": DISTRICT_COLOR if is_district else "#6b7785"}})
    fig.add_traces(traces)
    span_days = max(1, (pd.Timestamp(x1) - pd.Timestamp(x0)).days)
    fig.update_layout(
        shapes=[band], annotations=labels,
        yaxis={"autorange": False, "range": [units + 0.5, 0.5], "dtick": 1, "title": {"text": rank_name},
               "zeroline": False},
        xaxis={"tickformat": "%Y-%m", "range": [pd.Timestamp(x0) - pd.Timedelta(days=12),
                                                pd.Timestamp(x1) + pd.Timedelta(days=max(45, span_days // 5))]},
        showlegend=False, margin={"r": 24, "t": 40},
        meta={"drill": "unit_code", "item": item},
    )
    return fig


# --- waterfall of an explanation ---------------------------------------------------------------------------------


def wrap(text: str, width: int) -> str:
    """``text`` broken with <br> into lines of about ``width`` characters (words kept whole when spaced)."""
    if len(text) <= width:
        return text
    if " " not in text:  # Chinese: any character may break
        return "<br>".join(text[i:i + width] for i in range(0, len(text), width))
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def _dec_text(x: float | Decimal, decimals: int, sign: bool = True) -> str:
    q = Decimal(1).scaleb(-decimals)
    d = Decimal(repr(float(x))).quantize(q) if not isinstance(x, Decimal) else x.quantize(q)
    return f"{d:+}" if sign else f"{d}"


def waterfall(wf: pd.DataFrame, *, total: float | Decimal, lang: str = "zh", decimals: int = 3,
              total_label: str | None = None) -> go.Figure:
    """The contributions (``Explanation.waterfall()``: key, label_zh, label_en, amount, start, end, …) and the
    total they add up to as a last bar. Bars are coloured by the status of each contribution when it has one."""
    if wf.empty:
        return empty_figure(lang, message=t("rankings.fig.no_parts", lang))
    width = max(6, 60 // (len(wf) + 1)) * (3 if lang == "en" else 2) // 2
    labels = [wrap(str(x), width) for x in (wf["label_en"] if lang == "en" else wf["label_zh"])]
    amounts = [float(a) for a in wf["amount"]]
    total_name = total_label or t("rankings.fig.total", lang)
    texts = [_dec_text(a, decimals) for a in amounts] + [_dec_text(total, decimals, sign=False)]
    fig = new_figure()
    fig.add_waterfall(
        x=[*labels, total_name], y=[*amounts, float(total)], measure=["relative"] * len(amounts) + ["total"],
        text=texts, textposition="outside", cliponaxis=False,
        increasing={"marker": {"color": STATUS_COLORS["green"]}},
        decreasing={"marker": {"color": STATUS_COLORS["red"]}},
        totals={"marker": {"color": NEUTRAL}},
        connector={"line": {"color": "#c0c7cf", "width": 1}},
        customdata=texts,
        hovertemplate=hover(["%{x}", "%{customdata}"]),
    )
    top = max([float(e) for e in wf["end"]] + [float(s) for s in wf["start"]] + [float(total), 0.0])
    bottom = min([float(e) for e in wf["end"]] + [float(s) for s in wf["start"]] + [0.0])
    pad = (top - bottom) * 0.18 or 0.1
    fig.update_layout(showlegend=False, yaxis={"range": [bottom - (pad if bottom < 0 else 0), top + pad]},
                      margin={"l": 48, "r": 16, "t": 36, "b": 40}, xaxis={"tickangle": 0, "automargin": True})
    return fig


# --- fairness: raw and per-size volumes --------------------------------------------------------------------------


def per_size_bars(df: pd.DataFrame, *, indicator: str, lang: str = "zh", unit: str = "",
                  highlight: tuple[str, ...] = ()) -> go.Figure:
    """One indicator's volume per town (``scoring.per_size`` rows of one period): raw, per 10k residents, per
    100 road-km side by side, towns in the same order (largest raw volume first)."""
    d = df[df["indicator"] == indicator] if not df.empty else df
    if d.empty or d["volume"].fillna(0).sum() == 0:
        return empty_figure(lang, message=t("rankings.fig.fair_empty", lang))
    d = d.sort_values(["volume", "town_sort" if "town_sort" in d else "town_code"], ascending=[True, False])
    names = [town_label(c, n, lang) for c, n in zip(d["town_code"], d.get("town_name", d["town_code"]), strict=True)]
    panels = [("volume", t("rankings.fig.raw", lang), ",.0f"),
              ("volume_per_10k", t("rankings.fig.per_10k", lang), ",.2f"),
              ("volume_per_100km", t("rankings.fig.per_100km", lang), ",.1f")]
    fig = new_subplots(1, 3, drill="town_code", shared_yaxes=True, subplot_titles=[p[1] for p in panels],
                       horizontal_spacing=0.04)
    unit = unit or (indicators.BY_KEY[indicator].unit(lang) if indicator in indicators.BY_KEY else "")
    # one hue for the towns; a highlighted town keeps it and the others turn grey
    colors = [NEUTRAL if not highlight or c in highlight else OTHER_UNIT_COLOR for c in d["town_code"]]
    per = ("", common("per_10k", lang), common("per_100km", lang))
    for i, (col, name, spec) in enumerate(panels, start=1):
        values = d[col].astype(float)
        fig.update_xaxes(title_text=f"{unit}{per[i - 1]}", row=1, col=i)
        fig.add_bar(
            x=values, y=names, orientation="h", name=name, marker_color=colors, row=1, col=i,
            meta="highlight" if highlight else None,
            text=[("—" if math.isnan(v) else format(v, spec)) for v in values], textposition="auto",
            customdata=list(d["town_code"]), showlegend=False,
            hovertemplate=hover(["%{y}", f"{name}: %{{x:{spec}}} {unit}".rstrip()]),
        )
    fig.update_annotations(font_size=13)
    fig.update_layout(margin={"l": 90, "r": 16, "t": 64, "b": 32}, bargap=0.25)
    return fig
