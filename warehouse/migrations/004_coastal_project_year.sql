-- 004: the year a coastal project belongs to, where the list says it: 年度 (as written: 2022, 2022年, 2022年度)
-- and 开工日期 / 立项日期. mart_report counts a project in that year, else in its list file's period.
ALTER TABLE fact_coastal_project ADD COLUMN plan_year VARCHAR;
ALTER TABLE fact_coastal_project ADD COLUMN started_on DATE;
