-- mart_illegal_construction: one row per ledger entry of 违法建设台账 (fact_illegal_construction), enriched for
-- the /demolitions page. Demolished area follows the annual report (mart_report): 拆除面积, else 违建面积.
--
--   is_stock / is_new       违建类型 存量 / 新增 (新建 is loaded as 新增)
--   is_demolished           拆除日期 present (counts for the month and year of 拆除日期)
--   demolished_area_eff_m2  拆除面积 when given, else 违建面积; NULL when not demolished
--   is_resolved             demolished, or 状态 已拆除 / 已整改 (e.g. 补办手续, 没收)
--   is_open                 not resolved: the ledger's stock still to clear (新增 open = against 动态清零)
--   days_to_demolish        拆除日期 − 发现日期 in days (NULL when not demolished or negative)
CREATE OR REPLACE VIEW mart_illegal_construction AS
SELECT
    f.case_no,
    f.town_code,
    t.town_name,
    t.pinyin AS town_pinyin,
    t.sort_order AS town_sort,
    coalesce(f.community, '（未注明）') AS community,
    f.address,
    f.party,
    f.kind,
    f.kind = '存量' AS is_stock,
    f.kind = '新增' AS is_new,
    f.structure,
    f.usage,
    CAST(f.area_m2 AS DOUBLE) AS area_m2,
    f.found_on,
    f.found_by,
    f.campaign,
    f.disposal,
    f.demolished_on,
    CAST(f.demolished_area_m2 AS DOUBLE) AS demolished_area_m2,
    f.status,
    f.demolished_on IS NOT NULL AS is_demolished,
    CASE WHEN f.demolished_on IS NOT NULL THEN CAST(coalesce(f.demolished_area_m2, f.area_m2) AS DOUBLE) END
        AS demolished_area_eff_m2,
    f.demolished_on IS NOT NULL OR f.status IN ('已拆除', '已整改') AS is_resolved,
    NOT (f.demolished_on IS NOT NULL OR f.status IN ('已拆除', '已整改')) AS is_open,
    CASE WHEN f.demolished_on >= f.found_on THEN date_diff('day', f.found_on, f.demolished_on) END
        AS days_to_demolish
FROM fact_illegal_construction AS f
LEFT JOIN dim_town AS t ON t.town_code = f.town_code;
