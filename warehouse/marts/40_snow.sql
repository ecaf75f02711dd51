-- Snow clearing (/snow page): the roster (清雪力量台账, point in time) and the events (降雪作业记录).
--
-- mart_snow_roster: one row per (统计日期, 镇街/单位, 机械类型), as loaded, with the unit's key and name:
--   unit_key = the town code when 镇街/单位 names a town, else the unit's own name (区直单位).
CREATE OR REPLACE VIEW mart_snow_roster AS
SELECT
    r.as_of,
    coalesce(r.town_code, r.unit_name) AS unit_key,
    coalesce(t.town_name, r.unit_name) AS unit_name,
    r.unit_name AS unit_name_raw,
    r.town_code,
    r.town_code IS NOT NULL AS is_town,
    coalesce(t.pinyin, r.unit_name) AS unit_pinyin,
    coalesce(t.sort_order, 100) AS unit_sort,
    r.machine_type,
    r.machines,
    r.personnel,
    CAST(r.deicer_t AS DOUBLE) AS deicer_t,
    CAST(r.road_km AS DOUBLE) AS road_km
FROM fact_snow_roster AS r
LEFT JOIN dim_town AS t ON t.town_code = r.town_code;

-- mart_snow_unit: one row per (统计日期, unit). 人员数 belongs to the unit: it repeats on (or is merged over)
-- each machine row, so it counts once (max per as_of and unit, as in mart_report). 台数 sums over machine
-- types. 融雪剂储备 and 责任路段里程 count once when the rows repeat one value, and sum when rows differ.
-- road_km_ref: the roster's 责任路段里程, else the town's road length from dim_town (per road-km views).
CREATE OR REPLACE VIEW mart_snow_unit AS
SELECT
    r.as_of,
    r.unit_key,
    any_value(r.unit_name) AS unit_name,
    any_value(r.town_code) AS town_code,
    bool_or(r.is_town) AS is_town,
    any_value(r.unit_pinyin) AS unit_pinyin,
    min(r.unit_sort) AS unit_sort,
    max(r.personnel) AS personnel,
    CAST(sum(r.machines) AS BIGINT) AS machines,
    count(DISTINCT r.machine_type) AS machine_types,
    CASE WHEN count(DISTINCT r.deicer_t) <= 1 THEN max(r.deicer_t) ELSE sum(r.deicer_t) END AS deicer_t,
    CASE WHEN count(DISTINCT r.road_km) <= 1 THEN max(r.road_km) ELSE sum(r.road_km) END AS road_km,
    coalesce(CASE WHEN count(DISTINCT r.road_km) <= 1 THEN max(r.road_km) ELSE sum(r.road_km) END,
             CAST(any_value(t.road_km) AS DOUBLE)) AS road_km_ref
FROM mart_snow_roster AS r
LEFT JOIN dim_town AS t ON t.town_code = r.town_code
GROUP BY r.as_of, r.unit_key;

-- mart_snow_event: one row per snow-clearing operation (降雪作业记录). swept_area_m2 is in ㎡ (the loader
-- scales 万㎡ headers); reopen_hours is 主干道恢复通行用时 (小时).
CREATE OR REPLACE VIEW mart_snow_event AS
SELECT
    e.event_no,
    e.event_on,
    e.town_code,
    t.town_name,
    t.pinyin AS town_pinyin,
    t.sort_order AS town_sort,
    CAST(e.snowfall_mm AS DOUBLE) AS snowfall_mm,
    e.person_times,
    e.machine_times,
    CAST(e.deicer_t AS DOUBLE) AS deicer_t,
    CAST(e.swept_area_m2 AS DOUBLE) AS swept_area_m2,
    CAST(e.reopen_hours AS DOUBLE) AS reopen_hours
FROM fact_snow_event AS e
LEFT JOIN dim_town AS t ON t.town_code = e.town_code;
