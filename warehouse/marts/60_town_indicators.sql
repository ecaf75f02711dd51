-- Town rankings (issue 5): the indicators that rank the 9 towns, per town and day/month, as numerator and
-- denominator. They are rows of the one KPI mart, mart_kpi_daily (50_kpi.sql: definitions there and in
-- warehouse/indicators.py); used by warehouse/queries/rankings.py and warehouse.scoring. Any period's value is
-- sum(numerator) / sum(denominator) (a count when the denominator is NULL): never an average of ratios.
CREATE OR REPLACE VIEW mart_town_indicator_day AS
SELECT town_code, day, indicator, num AS numerator, den AS denominator, excl_void, excl_deferred, excl_hung
FROM mart_kpi_daily
WHERE indicator IN ('dcm.on_time_due_rate', 'dcm.close_rate', 'dcm.rework_rate', 'refined.rectified_rate',
    'demolition.new_found', 'village.rectified_rate', 'video_ai.five_minute_rate');

-- mart_town_indicator_month: the same per town and calendar month (month = its first day).
CREATE OR REPLACE VIEW mart_town_indicator_month AS
SELECT town_code, CAST(date_trunc('month', day) AS DATE) AS month, indicator,
    sum(numerator) AS numerator, sum(denominator) AS denominator,
    CASE WHEN sum(denominator) > 0 THEN sum(numerator) / sum(denominator)
        WHEN count(denominator) = 0 THEN sum(numerator) END AS value,
    CAST(sum(excl_void) AS BIGINT) AS excl_void, CAST(sum(excl_deferred) AS BIGINT) AS excl_deferred,
    CAST(sum(excl_hung) AS BIGINT) AS excl_hung
FROM mart_town_indicator_day
GROUP BY ALL;
