-- mart_report: every figure of the bureau's annual work report, per calendar year, in long form.
-- One row per (year, key). These definitions are the single source of truth for the calibration
-- table in data-contract.md; pages and `kpi report` read them, never recompute them.
CREATE OR REPLACE VIEW mart_report AS
WITH
refined AS (
    SELECT
        year(found_on) AS found_year,
        year(rectified_on) AS rectified_year,
        channel, category, status, city_reported,
        rectified_on <= due_on AS on_time  -- NULL without either date: counted by no FILTER
    FROM fact_refined_issue
),
refined_found AS (
    SELECT found_year AS year,
        count(*) FILTER (channel = '市精致办通报') AS city_notified,
        count(*) FILTER (channel = '市精致办通报' AND on_time) AS city_notified_rectified_on_time,
        count(*) FILTER (channel = '拆围建绿' AND city_reported) AS wall_removal,
        count(*) FILTER (channel = '早夜市联合检查') AS night_market_issues,
        count(*) FILTER (channel = '市级第一期') AS first_batch,
        count(*) FILTER (channel = '市级航拍') AS aerial,
        count(*) FILTER (channel = '铁路沿线') AS railway
    FROM refined GROUP BY ALL
),
refined_done AS (
    SELECT rectified_year AS year,
        count(*) FILTER (channel = '区级督导') AS supervised_rectified,
        count(*) FILTER (channel = '镇街自查') AS town_self_rectified,
        count(*) FILTER (category = '不规范户外广告') AS outdoor_ads_removed,
        count(*) FILTER (category = '公益广告破损') AS public_ads_replaced
    FROM refined WHERE status = '已整改' AND rectified_year IS NOT NULL GROUP BY ALL
),
demolition AS (
    SELECT year(demolished_on) AS year,
        count(*) FILTER (kind = '存量') AS stock_count,
        sum(coalesce(demolished_area_m2, area_m2)) FILTER (kind = '存量') AS stock_area_m2,
        count(*) FILTER (kind = '新增') AS new_count,
        sum(coalesce(demolished_area_m2, area_m2)) FILTER (kind = '新增') AS new_area_m2,
        count(*) FILTER (campaign = '违法建设专项整治') AS campaign_count,
        sum(coalesce(demolished_area_m2, area_m2)) FILTER (campaign = '违法建设专项整治') AS campaign_area_m2
    FROM fact_illegal_construction WHERE demolished_on IS NOT NULL GROUP BY ALL
),
fume AS (
    SELECT year(record_on) AS year,
        count(*) FILTER (kind = '专业检测') AS lab_tests,
        count(*) FILTER (kind = '专业检测' AND result = '达标') AS lab_tests_compliant,
        count(*) FILTER (kind = '审管联动现场勘查') AS site_surveys
    FROM fact_fume_record GROUP BY ALL
),
dcm AS (  -- the bureau's own closed cases; on-time and rework as mart_dcm_case defines them
    SELECT year(closed_at) AS year,
        count(*) AS closed,
        count(*) FILTER (is_on_time) / count(*) AS on_time_close_rate,
        count(*) FILTER (is_reworked) AS rework_cases
    FROM mart_dcm_case WHERE is_bureau AND is_closed AND closed_at IS NOT NULL GROUP BY ALL
),
years AS (
    SELECT DISTINCT year FROM (
        SELECT year(as_of) AS year FROM fact_snow_roster
        UNION ALL SELECT year(detected_at) FROM fact_video_ai_event
        UNION ALL SELECT year(found_on) FROM fact_refined_issue
        UNION ALL SELECT year(closed_at) FROM fact_dcm_case WHERE closed_at IS NOT NULL
    ) WHERE year IS NOT NULL
),
roster_dates AS (
    SELECT y.year, max(r.as_of) AS as_of
    FROM years AS y JOIN fact_snow_roster AS r ON r.as_of <= make_date(y.year, 12, 31) GROUP BY ALL
),
snow AS (
    SELECT d.year, sum(t.personnel) AS personnel, sum(t.machines) AS machines
    FROM roster_dates AS d
    JOIN (
        SELECT as_of, unit_name, max(personnel) AS personnel, sum(machines) AS machines
        FROM fact_snow_roster GROUP BY ALL
    ) AS t ON t.as_of = d.as_of
    GROUP BY ALL
),
village AS (
    SELECT year(dispatched_at) AS year, count(*) AS dispatched FROM fact_village_case GROUP BY ALL
),
inspections AS (
    SELECT year(issued_on) AS year, count(*) AS inspection_notices,
        coalesce(sum(rectified), 0) AS rectified_from_inspections
    FROM fact_village_inspection GROUP BY ALL
),
coastal_logs AS (
    SELECT year(log_on) AS year, sum(person_times) AS person_times, sum(vehicle_times) AS vehicle_times,
        sum(garbage_t) AS garbage_t, count(*) AS log_entries
    FROM fact_coastal_log GROUP BY ALL
),
coastal_projects AS (  -- every project of the year, in progress included. Its year: the list's 年度 column, else
    -- its 开工/立项 date, else the period of the list it came from (海岸带综合整治修复项目清单2022.xlsx), else its
    -- completion year
    SELECT coalesce(year(py.period_start), year(p.started_on), year(dp.period_start), year(p.completed_on)) AS year,
        count(*) AS projects, count(*) FILTER (p.status = '已完成') AS projects_done
    FROM fact_coastal_project AS p
    LEFT JOIN load_log AS l ON l.load_id = p._load_id
    LEFT JOIN dim_period AS dp ON dp.period_text = nullif(regexp_extract(l.file_name, '((?:19|20)\d{2})', 1), '')
    LEFT JOIN dim_period AS py ON py.period_text = p.plan_year AND py.period_type = 'year'
    GROUP BY 1 HAVING year IS NOT NULL
),
penalty AS (
    SELECT year(filed_on) AS year,
        count(*) AS filed,
        coalesce(sum(fine_yuan), 0) AS fines_yuan,
        count(*) FILTER (online) / nullif(count(online), 0) AS online_rate,  -- of cases whose 网上运行 is known
        count(*) FILTER (enforcement = '申请法院强制执行') AS court_enforcement,
        count(*) FILTER (enforcement = '申请政府强制执行') AS gov_enforcement,
        count(*) FILTER (double_publicity) AS double_publicity
    FROM fact_penalty_case GROUP BY ALL
),
permits AS (
    SELECT year(accepted_on) AS year,
        count(*) FILTER (matter = '临时占道') AS temp_occupation,
        count(*) FILTER (matter = '门头招牌' AND foreign_script IN ('英文', '韩文', '英韩')) AS bilingual_signs
    FROM fact_permit GROUP BY ALL
),
service AS (
    SELECT year(accepted_at) AS year,
        count(*) FILTER (kind IN ('咨询', '投诉', '求助')) AS consultations,
        count(*) FILTER (kind = '为民办实事') AS good_deeds
    FROM fact_service_log GROUP BY ALL
),
video_first AS (  -- each channel's first event: a channel counts in every year from that one on
    SELECT channel_no, min(detected_at) AS first_at FROM fact_video_ai_event
    WHERE channel_no IS NOT NULL AND detected_at IS NOT NULL GROUP BY ALL
),
video AS (  -- channels with an event before the year's end (one row per channel joined, not per event)
    SELECT y.year, count(*) AS channels
    FROM years AS y JOIN video_first AS e ON e.first_at < make_date(y.year + 1, 1, 1) GROUP BY ALL
)
SELECT year, 'refined.' || key AS key, CAST(value AS DOUBLE) AS value FROM (
    SELECT year, city_notified, city_notified_rectified_on_time, wall_removal, night_market_issues, first_batch,
        aerial, railway FROM refined_found
) UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'refined.' || key, CAST(value AS DOUBLE) FROM refined_done
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'demolition.' || key, CAST(value AS DOUBLE) FROM demolition
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'fume.' || key, CAST(value AS DOUBLE) FROM fume UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'dcm.' || key, CAST(value AS DOUBLE) FROM dcm UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'snow.' || key, CAST(value AS DOUBLE) FROM snow UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'village.' || key, CAST(value AS DOUBLE) FROM village
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'village.' || key, CAST(value AS DOUBLE) FROM inspections
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'coastal.' || key, CAST(value AS DOUBLE) FROM coastal_logs
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'coastal.' || key, CAST(value AS DOUBLE) FROM coastal_projects
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'penalty.' || key, CAST(value AS DOUBLE) FROM penalty
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'permits.' || key, CAST(value AS DOUBLE) FROM permits
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'service.' || key, CAST(value AS DOUBLE) FROM service
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)))
UNION ALL SELECT year, 'video_ai.' || key, CAST(value AS DOUBLE) FROM video
    UNPIVOT (value FOR key IN (COLUMNS(* EXCLUDE year)));
