-- mart_city_assessment: the city's assessment results, one row per (period, item, unit), with 考核期 read as
-- (period_type, period_start, period_end inclusive, label); the rank (名次, else RANK() over 得分 descending:
-- ties share a rank); the points to first place, up to the next better score (gap_to_above) and down to the
-- next lower score (gap_to_below: the cushion over the unit below; NULL when last). The same period written
-- two ways ('2022-03' and '2022年3月') is one period: the latest load wins. A unit without a score (无数据) has
-- score and rank NULL and is not counted in units (the units ranked).
CREATE OR REPLACE VIEW mart_city_assessment AS
WITH parsed AS (
    SELECT a.*, dp.period_type, dp.period_start
    FROM fact_city_assessment AS a LEFT JOIN dim_period AS dp ON dp.period_text = a.period
),
dated AS (
    SELECT * EXCLUDE (rn) FROM (
        SELECT p.*,
            row_number() OVER (PARTITION BY p.period_type, p.period_start, p.item,
                p.unit_code ORDER BY p._load_id DESC, p._row_no DESC) AS rn
        FROM parsed AS p WHERE p.period_type IS NOT NULL
    ) WHERE rn = 1  -- a parsed period has a start (dim_period gives both or neither)
),
ranked AS (
    SELECT d.*,
        CAST(CASE WHEN d.rank IS NOT NULL THEN d.rank WHEN d.score IS NOT NULL THEN rank() OVER w END AS BIGINT)
            AS rank_eff,
        d.rank IS NULL AND d.score IS NOT NULL AS rank_computed,
        count(d.score) OVER (PARTITION BY d.period_type, d.period_start, d.item) AS units,
        max(d.score) OVER (PARTITION BY d.period_type, d.period_start, d.item) AS first_score
    FROM dated AS d
    WINDOW w AS (PARTITION BY d.period_type, d.period_start, d.item ORDER BY d.score DESC)
),
final AS (
    SELECT r.*,
        (SELECT min(b.score) FROM ranked AS b WHERE b.period_type = r.period_type AND b.period_start = r.period_start
            AND b.item = r.item AND b.score > r.score) AS score_above,
        (SELECT max(b.score) FROM ranked AS b WHERE b.period_type = r.period_type AND b.period_start = r.period_start
            AND b.item = r.item AND b.score < r.score) AS score_below
    FROM ranked AS r
)
SELECT
    r.period_type,
    r.period_start,
    CAST(cal_next(r.period_start, r.period_type) - INTERVAL 1 DAY AS DATE) AS period_end,
    cal_label(r.period_start, r.period_type) AS label,
    r.period AS period_text,
    r.item,
    r.unit_code,
    u.unit_name,
    coalesce(u.is_district, false) AS is_district,
    CAST(r.score AS DOUBLE) AS score,
    r.rank_eff AS rank,
    r.rank_computed,
    r.units,
    CAST(r.first_score AS DOUBLE) AS first_score,
    CAST(r.first_score - r.score AS DOUBLE) AS gap_to_first,
    CAST(r.score_above AS DOUBLE) AS score_above,
    CAST(r.score_above - r.score AS DOUBLE) AS gap_to_above,
    CAST(r.score_below AS DOUBLE) AS score_below,
    CAST(r.score - r.score_below AS DOUBLE) AS gap_to_below
FROM final AS r
LEFT JOIN dim_city_unit AS u ON u.unit_code = r.unit_code;
