"""The pack's charts: plotly figures (the dashboard's own builders and template) rendered to PNG by Kaleido.

Kaleido 1.x drives a headless Chrome through ``choreographer``; with Debian's ``chromium`` on the PATH it
renders offline, and Chinese comes out in Noto Sans CJK (fonts-noto-cjk), the font the dashboard's template
names. All charts of a pack are rendered in one browser session (``plotly.io.write_images``): about 5 s
for the pack's four charts on a busy 2-core machine, against about 4.5 s for each image drawn alone.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from dashboard import format as fmt
from dashboard.figures import overview as ov_figures
from dashboard.figures.theme import NEUTRAL, new_figure, town_label
from dashboard.i18n import t
from dashboard.meeting_pack.pack import IndicatorFigures, WeekPack
from dashboard.meeting_pack.sections import TOWN_KEYS

WIDTH, HEIGHT, SCALE = 1200, 620, 2
FONT_SIZE = 16


def _rates(fig: IndicatorFigures, lang: str) -> go.Figure:
    ind = fig.indicator
    df = pd.DataFrame({
        "town_code": [tw.code for tw in fig.towns], "town_name": [tw.name for tw in fig.towns],
        "value": [tw.now.value for tw in fig.towns], "status": [tw.now.status for tw in fig.towns],
        "target": [tw.now.target for tw in fig.towns], "n": [int(tw.now.den or 0) for tw in fig.towns],
    }, dtype=object)
    df["value"] = pd.to_numeric(df["value"]).astype(float)
    df["target"] = pd.to_numeric(df["target"]).astype(float)
    chart = ov_figures.town_rate_bars(df, lang, ind.label(lang))
    if ind.direction == "lower":  # a small rate (返工率): from 0 to a little past the largest value or target
        top = max([v for v in [*df["value"], *df["target"]] if pd.notna(v)], default=0.0)
        chart.update_xaxes(range=[0, max(top * 1.25, 0.01)])
    return chart


def _counts(fig: IndicatorFigures, lang: str) -> go.Figure:
    ind = fig.indicator
    names = [town_label(tw.code, tw.name, lang) for tw in fig.towns]
    out = new_figure()
    for label, values, color in (
        (t("meeting.chart.last_week", lang), [tw.before.value for tw in fig.towns], "#b9c6d6"),
        (t("meeting.chart.this_week", lang), [tw.now.value for tw in fig.towns], NEUTRAL),
    ):
        out.add_bar(x=names, y=values, name=label, marker_color=color,
                    text=[fmt.indicator(ind, v, lang, with_unit=False) for v in values], textposition="outside")
    out.update_layout(barmode="group", legend={"orientation": "h", "y": 1.08},
                      margin={"l": 48, "r": 24, "t": 64, "b": 48})
    return out


def figures(pack: WeekPack, lang: str) -> list[tuple[str, go.Figure]]:
    """(title, figure) of each chart: per town, this week (rates against their target, counts beside last week)."""
    out = []
    for key in TOWN_KEYS:
        fig = pack.get(key)
        if fig is None:
            continue
        rate = fig.indicator.kind == "rate"
        title = t("meeting.chart.rates" if rate else "meeting.chart.counts", lang, indicator=fig.indicator.label(lang))
        chart = _rates(fig, lang) if rate else _counts(fig, lang)
        chart.update_layout(title_text=title, width=WIDTH, height=HEIGHT, paper_bgcolor="white", font_size=FONT_SIZE)
        out.append((title, chart))
    return out


def render(charts: list[tuple[str, go.Figure]], out_dir: Path, stem: str) -> list[Path]:
    """Each chart as ``<stem>-<n>.png`` in ``out_dir`` (one browser session for all)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = [out_dir / f"{stem}-{i + 1}.png" for i in range(len(charts))]
    if charts:
        pio.write_images([c for _title, c in charts], paths, width=WIDTH, height=HEIGHT, scale=SCALE)
    return paths
