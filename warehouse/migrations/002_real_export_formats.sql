-- 002: columns the real platforms' exports carry, and values they may leave empty.
--   fact_dcm_case.stage_name            当前阶段名称 as written (workflow node: [办结], 监督中心（核查）); stage is its stage
--   fact_dcm_case.handling_deadline_at  处置截止时间 where the export also has 捆绑处置截止时间 (then deadline_at)
--   fact_dcm_case.sub_category          案件子类 of grid-platform exports
--   fact_penalty_case.address/party_code/confiscated_yuan  of 双公示 publications; they have no 镇街 or 执法中队
--   fact_service_log.topic              事项小类 of 12345 exports
--   fact_city_assessment.score          a unit the circular lists with 无数据 has no score
ALTER TABLE fact_dcm_case ADD COLUMN stage_name VARCHAR;
ALTER TABLE fact_dcm_case ADD COLUMN handling_deadline_at TIMESTAMP;
ALTER TABLE fact_dcm_case ADD COLUMN sub_category VARCHAR;
ALTER TABLE fact_penalty_case ADD COLUMN address VARCHAR;
ALTER TABLE fact_penalty_case ADD COLUMN party_code VARCHAR;
ALTER TABLE fact_penalty_case ADD COLUMN confiscated_yuan DECIMAL(18,4);
ALTER TABLE fact_penalty_case ALTER COLUMN town_code DROP NOT NULL;
ALTER TABLE fact_penalty_case ALTER COLUMN squad DROP NOT NULL;
ALTER TABLE fact_service_log ADD COLUMN topic VARCHAR;
ALTER TABLE fact_city_assessment ALTER COLUMN score DROP NOT NULL;
