-- mart_dcm_daily: the digital urban management case counts of mart_dcm_case per day × town × community ×
-- 处置部门 is the bureau. Each count is dated by its own timestamp, so a range of days selects exactly the cases a
-- row-level count with that timestamp in the range selects (warehouse/queries/violations.py sums this mart for
-- its headline, trend, town and community figures; the KPI mart's dcm indicators are its day × town slice).
-- Flags are mart_dcm_case's; nothing is redefined here. A row exists when at least one case has one of its dates
-- on that day; deadline_rows > 0 says a deadline fell on it (the KPI mart keeps only such days for its rates).
--
--   by 上报时间 (reported_at)   reported, reported_void (is_void), reported_open (is_open), and the whole seconds
--                              (exact integers, so every sum is the same in any order) and counts of
--                              h_report_to_dispatch and h_dispatch_to_close: mean hours = seconds / 3600 / n
--   by filed_ts                filed (is_filed)
--   by 处置截止时间 (deadline_at) deadline_rows (a deadline on the day), due (is_due_basis), due_on_time, due_closed,
--                              due_reworked (each among the due), deadline_void, deadline_deferred (缓办),
--                              deadline_hung (挂账): the cases left out of 应结案数
--   by 结案时间 (closed_at)      closed (is_closed with a 结案时间)
CREATE OR REPLACE VIEW mart_dcm_daily AS
WITH dated AS (
    SELECT reported_on AS day, town_code, town_name, town_sort, community, is_bureau,
        1 AS reported, CAST(is_void AS INTEGER) AS reported_void, CAST(is_open AS INTEGER) AS reported_open,
        CAST(round(h_report_to_dispatch * 3600) AS BIGINT) AS s_rd,
        CAST(round(h_dispatch_to_close * 3600) AS BIGINT) AS s_dc,
        0 AS filed, 0 AS deadline_rows, 0 AS due, 0 AS due_on_time, 0 AS due_closed, 0 AS due_reworked,
        0 AS deadline_void, 0 AS deadline_deferred, 0 AS deadline_hung, 0 AS closed
    FROM mart_dcm_case
    UNION ALL
    SELECT CAST(filed_ts AS DATE), town_code, town_name, town_sort, community, is_bureau,
        0, 0, 0, NULL, NULL, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0
    FROM mart_dcm_case WHERE is_filed
    UNION ALL
    SELECT CAST(deadline_at AS DATE), town_code, town_name, town_sort, community, is_bureau,
        0, 0, 0, NULL, NULL, 0, 1,
        CAST(is_due_basis AS INTEGER),
        CAST(is_due_basis AND is_on_time AS INTEGER),
        CAST(is_due_basis AND is_closed AS INTEGER),
        CAST(is_due_basis AND is_reworked AS INTEGER),
        CAST(is_void AS INTEGER),
        CAST(stage = '缓办' AS INTEGER),
        CAST(stage = '挂账' AS INTEGER),
        0
    FROM mart_dcm_case WHERE deadline_at IS NOT NULL
    UNION ALL
    SELECT CAST(closed_at AS DATE), town_code, town_name, town_sort, community, is_bureau,
        0, 0, 0, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
    FROM mart_dcm_case WHERE is_closed AND closed_at IS NOT NULL
)
SELECT day, town_code, town_name, town_sort, community, is_bureau,
    CAST(sum(reported) AS BIGINT) AS reported,
    CAST(sum(reported_void) AS BIGINT) AS reported_void,
    CAST(sum(reported_open) AS BIGINT) AS reported_open,
    CAST(sum(s_rd) AS BIGINT) AS report_dispatch_seconds,
    count(s_rd) AS report_dispatch_n,
    CAST(sum(s_dc) AS BIGINT) AS dispatch_close_seconds,
    count(s_dc) AS dispatch_close_n,
    CAST(sum(filed) AS BIGINT) AS filed,
    CAST(sum(deadline_rows) AS BIGINT) AS deadline_rows,
    CAST(sum(due) AS BIGINT) AS due,
    CAST(sum(due_on_time) AS BIGINT) AS due_on_time,
    CAST(sum(due_closed) AS BIGINT) AS due_closed,
    CAST(sum(due_reworked) AS BIGINT) AS due_reworked,
    CAST(sum(deadline_void) AS BIGINT) AS deadline_void,
    CAST(sum(deadline_deferred) AS BIGINT) AS deadline_deferred,
    CAST(sum(deadline_hung) AS BIGINT) AS deadline_hung,
    CAST(sum(closed) AS BIGINT) AS closed
FROM dated
GROUP BY day, town_code, town_name, town_sort, community, is_bureau;
