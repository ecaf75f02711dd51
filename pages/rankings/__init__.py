"""/rankings — the 9 towns against their targets, and the district in the city's assessments.

The league table (rank, change, composite, sub-scores coloured by status) in ratio mode or points mode, the
city assessment panel (the district's rank per item against 争一保二), the bump chart of city ranks, raw vs
per-size volumes, and the explain drawer (formula, numerator and denominator, exclusions, contributions,
forecast, rows). One module per concern:

* ``state`` — the page's own URL parameters (grain, period, mode, weights) and the period choices;
* ``board`` — the scored view of one period (the warehouse's per-generation cache holds it);
* ``league`` — the league table in ratio and points mode;
* ``city`` — the city assessment panel and the explanation of a city rank;
* ``drawer`` — the explain drawer of a town's composite, indicator or points item;
* ``page`` — the layout, the controls and the callbacks (``PAGE``).

Styles are in ``assets/rankings.css``.
"""

from pages.rankings.page import PAGE

__all__ = ["PAGE"]
