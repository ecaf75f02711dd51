-- mart_dcm_case: one row per digital urban management case (fact_dcm_case), enriched for the
-- /violations page. Indicator building blocks (flags and lifecycle hours) are defined here once;
-- warehouse/queries/violations.py only counts and divides them.
--
--   is_void        当前阶段 作废: never in 立案数, 应结案数 or any rate
--   is_suspended   当前阶段 缓办 or 挂账: excluded from 应结案数
--   is_filed       立案: not void, and 立案时间 present or the case has passed the 立案 stage
--   filed_ts       when it counts for 立案数: 立案时间, else 上报时间
--   is_due_basis   counts towards 应结案数 when its 处置截止时间 (deadline_at) falls in the period
--   is_closed      当前阶段 结案
--   is_on_time     closed, and done (处置完成时间, else 结案时间) on or before 处置截止时间
--   is_reworked    返工次数 > 0
--   is_open        neither closed, void nor suspended
--   h_*            hours between lifecycle timestamps (NULL when either is missing or negative)
--   reached_*      the case got at least as far as that stage of 上报→立案→派遣→处置→核查→结案
-- Cached as a table at publish, open cases last by 上报时间 (warehouse/store.py MATERIALISED), so the open-case
-- lists and ranges by 上报时间 read only the row groups that can hold them.
CREATE OR REPLACE VIEW mart_dcm_case AS
WITH base AS (
    SELECT
        f.*,
        CASE f.stage WHEN '上报' THEN 0 WHEN '受理' THEN 1 WHEN '立案' THEN 2 WHEN '派遣' THEN 3
            WHEN '处置' THEN 4 WHEN '核查' THEN 5 WHEN '结案' THEN 6 END AS stage_rank,
        f.stage = '作废' AS is_void,
        f.stage IN ('缓办', '挂账') AS is_suspended,
        f.stage = '结案' AS is_closed
    FROM fact_dcm_case AS f
)
SELECT
    b.case_no,
    b.reported_at,
    CAST(b.reported_at AS DATE) AS reported_on,
    b.channel,
    b.problem_type,
    coalesce(c.major_name, b.major_category, '其他') AS major_category,
    b.minor_category,
    coalesce(c.minor_code, b.category_code) AS category_code,
    b.description,
    b.address,
    b.town_code,
    t.town_name,
    t.pinyin AS town_pinyin,
    t.sort_order AS town_sort,
    coalesce(b.community, '（未注明）') AS community,
    coalesce(b.grid_code, '（未注明）') AS grid_code,
    b.filed_at,
    b.dispatched_at,
    b.department,
    b.is_bureau,
    b.deadline_at,
    b.handled_at,
    b.closed_at,
    b.stage,
    coalesce(b.rework_count, 0) AS rework_count,
    coalesce(b.extension_count, 0) AS extension_count,
    b.x,
    b.y,
    b.is_void,
    b.is_suspended,
    NOT b.is_void AND (b.filed_at IS NOT NULL OR b.stage_rank >= 2 OR b.is_suspended) AS is_filed,
    coalesce(b.filed_at, b.reported_at) AS filed_ts,
    NOT b.is_void AND NOT b.is_suspended AND b.deadline_at IS NOT NULL AS is_due_basis,
    b.is_closed,
    b.is_closed AND b.deadline_at IS NOT NULL
        AND coalesce(b.handled_at, b.closed_at) <= b.deadline_at AS is_on_time,
    coalesce(b.rework_count, 0) > 0 AS is_reworked,
    NOT b.is_closed AND NOT b.is_void AND NOT b.is_suspended AS is_open,
    -- lifecycle: how far the case got (void cases stop at 上报)
    TRUE AS reached_report,
    NOT b.is_void AND (b.filed_at IS NOT NULL OR b.stage_rank >= 2 OR b.is_suspended) AS reached_file,
    NOT b.is_void AND (b.dispatched_at IS NOT NULL OR b.stage_rank >= 3) AS reached_dispatch,
    NOT b.is_void AND (b.handled_at IS NOT NULL OR b.stage_rank >= 5) AS reached_handle,
    NOT b.is_void AND (b.closed_at IS NOT NULL OR b.stage_rank >= 5) AS reached_check,
    NOT b.is_void AND b.is_closed AS reached_close,
    -- lifecycle hours
    CASE WHEN b.filed_at >= b.reported_at
        THEN date_diff('second', b.reported_at, b.filed_at) / 3600.0 END AS h_report_to_file,
    CASE WHEN b.dispatched_at >= b.filed_at
        THEN date_diff('second', b.filed_at, b.dispatched_at) / 3600.0 END AS h_file_to_dispatch,
    CASE WHEN b.handled_at >= b.dispatched_at
        THEN date_diff('second', b.dispatched_at, b.handled_at) / 3600.0 END AS h_dispatch_to_handle,
    CASE WHEN b.closed_at >= b.handled_at
        THEN date_diff('second', b.handled_at, b.closed_at) / 3600.0 END AS h_handle_to_close,
    CASE WHEN b.dispatched_at >= b.reported_at
        THEN date_diff('second', b.reported_at, b.dispatched_at) / 3600.0 END AS h_report_to_dispatch,
    CASE WHEN b.closed_at >= b.dispatched_at
        THEN date_diff('second', b.dispatched_at, b.closed_at) / 3600.0 END AS h_dispatch_to_close,
    CASE WHEN b.closed_at >= b.reported_at
        THEN date_diff('second', b.reported_at, b.closed_at) / 3600.0 END AS h_report_to_close
FROM base AS b
LEFT JOIN dim_town AS t ON t.town_code = b.town_code
LEFT JOIN dim_category AS c ON c.minor_name = b.minor_category;

-- mart_target: fact_target with its scope resolved to a town code (or is_district; any other scope matches
-- neither and is ignored) and its 周期 read by the calendar (dim_period, 10_calendar.sql: year, half, quarter,
-- month or week; period_start .. period_end inclusive); rates given as 90 (per cent) become 0.9. Which target
-- applies to a range is the one rule of warehouse/rules/targets.py.
CREATE OR REPLACE VIEW mart_target AS
SELECT
    g.indicator,
    g.scope,
    tw.town_code,
    tw.town_code IS NULL AND lower(regexp_replace(g.scope, '\s+', '', 'g'))
        IN ('district', '环翠区', '威海市环翠区', '全区', '区级', 'hc') AS is_district,
    dp.period_type,
    g.period,
    year(dp.period_start) AS year,
    dp.period_start,
    dp.period_end,
    CAST(CASE WHEN g.indicator LIKE '%rate' AND g.target > 1 THEN g.target / 100 ELSE g.target END AS DOUBLE) AS target,
    g.direction,
    g.basis
FROM fact_target AS g
JOIN dim_period AS dp ON dp.period_text = g.period AND dp.period_type IS NOT NULL
LEFT JOIN ref_alias AS a ON a.kind = 'town' AND a.alias = lower(regexp_replace(g.scope, '\s+', '', 'g'))
LEFT JOIN dim_town AS tw ON tw.town_code = a.code;
