"""The business rules every layer shares, each written once.

* ``warehouse.rules.calendar`` — periods: ``period_of(grain, day)``, ``previous(grain, day)``,
  ``parse(text)`` → ``Period(type, start, end)``, ``label(grain, start, lang)``, ``periods(...)``,
  ``same_length_before`` / ``year_before`` (环比 / 同比). Its SQL twin is ``warehouse/marts/10_calendar.sql``.
* ``warehouse.rules.status`` — ``status_of(value, target, direction, denominator, kind)``: green / amber /
  red / grey, with ``AMBER_BAND`` and ``MIN_DENOMINATOR`` defined once (``status_sql`` for queries).
* ``warehouse.rules.targets`` — the one target rule: ``pick(...)`` in Python, ``target_sql(...)`` in queries.
* ``warehouse.rules.alerts`` — what the wall screen raises: ``alerts(now, before)`` (a KPI or town turned red,
  a town into the bottom three, a city rank below its target). The snow season is the calendar's
  (``in_snow_season``).
"""
