"""The charts of /snow, one module each."""

from __future__ import annotations

import pandas as pd

from dashboard.pagekit import PageContext
from warehouse.queries import snow as qs


def roster_as_of(ctx: PageContext) -> str | None:
    """The day the snow-clearing roster shown is as of (the roster charts' subtitle)."""
    day = ctx.wh.frame(qs.kpis(ctx.filters)).iloc[0]["as_of"]
    return None if pd.isna(day) else ctx.t("sn.as_of", day=str(day)[:10])
