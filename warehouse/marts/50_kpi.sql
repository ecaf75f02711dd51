-- mart_kpi_daily: the additive headline indicators, per day and town, as numerator and denominator.
-- One row per (day, town_code, indicator). Any period's value is sum(num) / sum(den) (or sum(num) when
-- den is NULL), so tiles, sparklines, town rankings and deltas all read the same definition.
-- Built on the subject marts (mart_dcm_case, mart_illegal_construction) with the same flags the /violations
-- and /demolitions queries use, over all the district's platform cases as the city assesses them (the
-- annual report's dcm.* figures count the bureau's own cases only). The keys, labels and formula
-- texts live in warehouse/indicators.py — keep both in step (tests check every key appears here).
CREATE OR REPLACE VIEW mart_kpi_daily AS
WITH
dcm_due AS (  -- 应结案数: cases whose deadline falls on the day, less 作废/缓办/挂账
    SELECT CAST(deadline_at AS DATE) AS day, town_code,
        count(*) AS due, count(*) FILTER (is_on_time) AS on_time, count(*) FILTER (is_reworked) AS reworked
    FROM mart_dcm_case WHERE is_due_basis GROUP BY ALL
),
dcm_closed AS (
    SELECT CAST(closed_at AS DATE) AS day, town_code, count(*) AS closed
    FROM mart_dcm_case WHERE is_closed AND closed_at IS NOT NULL GROUP BY ALL
),
dcm_filed AS (  -- 立案数: cases filed on the day (立案时间, else 上报时间), less 作废
    SELECT CAST(filed_ts AS DATE) AS day, town_code, count(*) AS filed
    FROM mart_dcm_case WHERE is_filed GROUP BY ALL
),
stock_demolished AS (  -- as the annual report: 存量 entries by 拆除日期; area 拆除面积, else 违建面积
    SELECT demolished_on AS day, town_code, count(*) AS n, sum(demolished_area_eff_m2) AS area
    FROM mart_illegal_construction WHERE is_demolished AND is_stock GROUP BY ALL
),
new_found AS (
    SELECT found_on AS day, town_code, count(*) AS n FROM mart_illegal_construction WHERE is_new GROUP BY ALL
),
refined_done AS (
    SELECT rectified_on AS day, town_code, count(*) AS n
    FROM fact_refined_issue WHERE status = '已整改' AND rectified_on IS NOT NULL GROUP BY ALL
)
SELECT day, town_code, 'dcm.on_time_due_rate' AS indicator, CAST(on_time AS DOUBLE) AS num,
    CAST(due AS DOUBLE) AS den FROM dcm_due
UNION ALL SELECT day, town_code, 'dcm.rework_rate', CAST(reworked AS DOUBLE), CAST(due AS DOUBLE) FROM dcm_due
UNION ALL SELECT day, town_code, 'dcm.closed_all', CAST(closed AS DOUBLE), NULL FROM dcm_closed
UNION ALL SELECT day, town_code, 'dcm.filed', CAST(filed AS DOUBLE), NULL FROM dcm_filed
UNION ALL SELECT day, town_code, 'demolition.stock_count', CAST(n AS DOUBLE), NULL FROM stock_demolished
UNION ALL SELECT day, town_code, 'demolition.stock_area_m2', CAST(area AS DOUBLE), NULL FROM stock_demolished
UNION ALL SELECT day, town_code, 'demolition.new_found', CAST(n AS DOUBLE), NULL FROM new_found
UNION ALL SELECT day, town_code, 'refined.rectified', CAST(n AS DOUBLE), NULL FROM refined_done;

-- mart_source_freshness: per source, the last successful load and how far its data reaches.
CREATE OR REPLACE VIEW mart_source_freshness AS
WITH loads AS (
    SELECT source, max(started_at) AS last_load_at, CAST(sum(rows_loaded) AS BIGINT) AS rows_loaded
    FROM load_log WHERE status = 'loaded' AND source IS NOT NULL GROUP BY ALL
),
data AS (
    SELECT 'dcm_cases' AS source, CAST(max(reported_at) AS DATE) AS data_through, count(*) AS rows_now FROM fact_dcm_case
    UNION ALL SELECT 'village_cases', CAST(max(dispatched_at) AS DATE), count(*) FROM fact_village_case
    UNION ALL SELECT 'village_inspections', max(issued_on), count(*) FROM fact_village_inspection
    UNION ALL SELECT 'illegal_construction', greatest(max(found_on), max(demolished_on)), count(*)
        FROM fact_illegal_construction
    UNION ALL SELECT 'penalty_cases', max(filed_on), count(*) FROM fact_penalty_case
    UNION ALL SELECT 'refined_city_issues', greatest(max(found_on), max(rectified_on)), count(*) FROM fact_refined_issue
    UNION ALL SELECT 'fume_records', max(record_on), count(*) FROM fact_fume_record
    UNION ALL SELECT 'snow_roster', max(as_of), count(*) FROM fact_snow_roster
    UNION ALL SELECT 'snow_events', max(event_on), count(*) FROM fact_snow_event
    UNION ALL SELECT 'coastal_projects', max(completed_on), count(*) FROM fact_coastal_project
    UNION ALL SELECT 'coastal_logs', max(log_on), count(*) FROM fact_coastal_log
    UNION ALL SELECT 'permits', max(accepted_on), count(*) FROM fact_permit
    UNION ALL SELECT 'service_log', CAST(max(accepted_at) AS DATE), count(*) FROM fact_service_log
    UNION ALL SELECT 'city_assessment', (SELECT max(period_end) FROM mart_city_assessment), count(*) FROM fact_city_assessment
    UNION ALL SELECT 'targets', NULL, count(*) FROM fact_target
    UNION ALL SELECT 'video_ai_events', CAST(max(detected_at) AS DATE), count(*) FROM fact_video_ai_event
)
SELECT d.source, l.last_load_at, coalesce(l.rows_loaded, 0) AS rows_loaded, d.rows_now, d.data_through
FROM data AS d LEFT JOIN loads AS l USING (source);
