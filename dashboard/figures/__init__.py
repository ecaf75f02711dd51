"""Figure builders: pure functions ``(df, *, lang="zh", ...) -> plotly Figure``, one module per page.

They take the DataFrames of ``warehouse.queries`` as they come and never query or read files. Every
point carries its drill-down key in ``customdata[0]`` (``fig.layout.meta["drill"]`` names it: town_code,
area_key, category, channel, stage, period, month, unit_key, campaign); an empty DataFrame gives a figure
that says in words that there is no data (``fig.layout.meta["empty"]``). Importing the package registers
the "kpi" and "kpi_dark" plotly templates.
"""

from dashboard.figures import theme
from dashboard.figures.theme import TEMPLATE, TEMPLATE_DARK, empty_figure, is_empty_figure

__all__ = ["TEMPLATE", "TEMPLATE_DARK", "empty_figure", "is_empty_figure", "theme"]
