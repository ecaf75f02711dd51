-- 001: reference data, load bookkeeping and one fact table per source.

CREATE TABLE schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, description VARCHAR);

CREATE TABLE dim_town (town_code VARCHAR PRIMARY KEY, town_name VARCHAR NOT NULL, pinyin VARCHAR, kind VARCHAR,
    population BIGINT, road_km DECIMAL(10,2), sort_order INTEGER);
CREATE TABLE dim_city_unit (unit_code VARCHAR PRIMARY KEY, unit_name VARCHAR NOT NULL, is_district BOOLEAN,
    sort_order INTEGER);
CREATE TABLE dim_category (minor_name VARCHAR PRIMARY KEY, minor_code VARCHAR, major_code VARCHAR,
    major_name VARCHAR, deadline_hours INTEGER);
CREATE TABLE ref_alias (kind VARCHAR NOT NULL, alias VARCHAR NOT NULL, code VARCHAR NOT NULL,
    PRIMARY KEY (kind, alias));

CREATE SEQUENCE load_id_seq START 1;
CREATE TABLE load_log (
    load_id BIGINT PRIMARY KEY, batch_id VARCHAR NOT NULL, file_path VARCHAR NOT NULL, file_name VARCHAR NOT NULL,
    file_sha256 VARCHAR, sheet VARCHAR, source VARCHAR, rows_in BIGINT NOT NULL DEFAULT 0,
    rows_loaded BIGINT NOT NULL DEFAULT 0, rows_rejected BIGINT NOT NULL DEFAULT 0,
    rows_skipped BIGINT NOT NULL DEFAULT 0, rows_new BIGINT NOT NULL DEFAULT 0,
    rows_replaced BIGINT NOT NULL DEFAULT 0, status VARCHAR NOT NULL, error VARCHAR, note VARCHAR,
    started_at TIMESTAMP NOT NULL, duration_s DOUBLE NOT NULL DEFAULT 0);
CREATE TABLE rejects (
    load_id BIGINT NOT NULL, file_sha256 VARCHAR, file_name VARCHAR NOT NULL, sheet VARCHAR, source VARCHAR,
    row_no BIGINT NOT NULL, column_name VARCHAR, header VARCHAR, value VARCHAR, reason VARCHAR NOT NULL);

-- dcm_cases: 数字城管案件
CREATE TABLE fact_dcm_case (
    case_no VARCHAR NOT NULL,  -- 任务号
    reported_at TIMESTAMP NOT NULL,  -- 上报时间
    channel VARCHAR NOT NULL,  -- 问题来源
    problem_type VARCHAR,  -- 问题类型
    major_category VARCHAR,  -- 大类名称
    minor_category VARCHAR NOT NULL,  -- 小类名称
    category_code VARCHAR,  -- 小类编码
    description VARCHAR,  -- 问题描述
    address VARCHAR,  -- 地址描述
    town_code VARCHAR NOT NULL,  -- 所属街道
    community VARCHAR,  -- 所属社区
    grid_code VARCHAR,  -- 单元网格
    filed_at TIMESTAMP,  -- 立案时间
    dispatched_at TIMESTAMP,  -- 派遣时间
    department VARCHAR NOT NULL,  -- 处置部门
    is_bureau BOOLEAN NOT NULL,  -- 处置部门 is the bureau
    deadline_at TIMESTAMP,  -- 处置截止时间
    handled_at TIMESTAMP,  -- 处置完成时间
    closed_at TIMESTAMP,  -- 结案时间
    stage VARCHAR NOT NULL,  -- 当前阶段名称
    rework_count BIGINT,  -- 返工次数
    extension_count BIGINT,  -- 延期次数
    x DECIMAL(18,4),  -- X坐标
    y DECIMAL(18,4),  -- Y坐标
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (case_no), kept unique by the merge
);

-- village_cases: 数字村居平台工单
CREATE TABLE fact_village_case (
    order_no VARCHAR NOT NULL,  -- 工单编号
    dispatched_at TIMESTAMP NOT NULL,  -- 派遣时间
    town_code VARCHAR NOT NULL,  -- 镇街
    village VARCHAR,  -- 村居
    category VARCHAR,  -- 问题类别
    description VARCHAR,  -- 问题描述
    rectify_status VARCHAR,  -- 整改状态
    rectified_at TIMESTAMP,  -- 整改时间
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (order_no), kept unique by the merge
);

-- village_inspections: 实地巡查通知
CREATE TABLE fact_village_inspection (
    notice_no VARCHAR NOT NULL,  -- 通知编号
    issued_on DATE NOT NULL,  -- 下发日期
    town_code VARCHAR NOT NULL,  -- 镇街
    problems BIGINT NOT NULL,  -- 问题数
    rectified BIGINT,  -- 已整改数
    rectified_on DATE,  -- 整改完成日期
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (notice_no), kept unique by the merge
);

-- illegal_construction: 违法建设台账
CREATE TABLE fact_illegal_construction (
    case_no VARCHAR NOT NULL,  -- 违建编号
    town_code VARCHAR NOT NULL,  -- 镇街
    community VARCHAR,  -- 社区/村居
    address VARCHAR,  -- 地址
    party VARCHAR,  -- 当事人
    kind VARCHAR NOT NULL,  -- 违建类型
    structure VARCHAR,  -- 结构
    usage VARCHAR,  -- 用途
    area_m2 DECIMAL(18,4) NOT NULL,  -- 违建面积(㎡)
    found_on DATE NOT NULL,  -- 发现日期
    found_by VARCHAR,  -- 案件来源
    campaign VARCHAR,  -- 专项行动
    disposal VARCHAR,  -- 处置方式
    demolished_on DATE,  -- 拆除日期
    demolished_area_m2 DECIMAL(18,4),  -- 拆除面积(㎡)
    status VARCHAR NOT NULL,  -- 状态
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (case_no), kept unique by the merge
);

-- penalty_cases: 行政处罚案件
CREATE TABLE fact_penalty_case (
    case_no VARCHAR NOT NULL,  -- 案号
    filed_on DATE NOT NULL,  -- 立案日期
    cause VARCHAR NOT NULL,  -- 案由
    party VARCHAR,  -- 当事人
    party_type VARCHAR,  -- 当事人类型
    town_code VARCHAR NOT NULL,  -- 镇街
    squad VARCHAR NOT NULL,  -- 执法中队
    decided_on DATE,  -- 处罚决定日期
    fine_yuan DECIMAL(18,4),  -- 罚款金额(元)
    online BOOLEAN,  -- 网上运行
    closed_on DATE,  -- 结案日期
    enforcement VARCHAR,  -- 强制执行
    enforcement_result VARCHAR,  -- 执行结果
    double_publicity BOOLEAN,  -- 双公示
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (case_no), kept unique by the merge
);

-- refined_city_issues: 不精致问题台账
CREATE TABLE fact_refined_issue (
    issue_no VARCHAR NOT NULL,  -- 问题编号
    channel VARCHAR NOT NULL,  -- 问题来源
    batch VARCHAR,  -- 批次
    town_code VARCHAR NOT NULL,  -- 镇街
    road VARCHAR,  -- 道路/区域
    category VARCHAR NOT NULL,  -- 问题类别
    found_on DATE NOT NULL,  -- 发现日期
    due_on DATE,  -- 整改期限
    rectified_on DATE,  -- 整改完成日期
    status VARCHAR NOT NULL,  -- 状态
    recheck VARCHAR,  -- 回头看
    city_reported BOOLEAN,  -- 列入市级上报
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (issue_no), kept unique by the merge
);

-- fume_records: 餐饮油烟检测与审管联动勘查
CREATE TABLE fact_fume_record (
    record_no VARCHAR NOT NULL,  -- 记录编号
    record_on DATE NOT NULL,  -- 日期
    kind VARCHAR NOT NULL,  -- 类型
    town_code VARCHAR NOT NULL,  -- 镇街
    merchant VARCHAR,  -- 商户名称
    result VARCHAR,  -- 结果
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (record_no), kept unique by the merge
);

-- snow_roster: 清雪力量台账
CREATE TABLE fact_snow_roster (
    as_of DATE NOT NULL,  -- 统计日期
    unit_name VARCHAR NOT NULL,  -- 镇街/单位
    town_code VARCHAR,  -- the town 镇街/单位 names, if it is one
    personnel BIGINT NOT NULL,  -- 人员数
    machine_type VARCHAR NOT NULL,  -- 机械类型
    machines BIGINT NOT NULL,  -- 台数
    deicer_t DECIMAL(18,4),  -- 融雪剂储备(吨)
    road_km DECIMAL(18,4),  -- 责任路段里程(km)
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (as_of, unit_name, machine_type), kept unique by the merge
);

-- snow_events: 降雪作业记录
CREATE TABLE fact_snow_event (
    event_no VARCHAR NOT NULL,  -- 作业编号
    event_on DATE NOT NULL,  -- 日期
    town_code VARCHAR NOT NULL,  -- 镇街
    snowfall_mm DECIMAL(18,4),  -- 降雪量(mm)
    person_times BIGINT NOT NULL,  -- 出动人次
    machine_times BIGINT NOT NULL,  -- 出动机械台次
    deicer_t DECIMAL(18,4),  -- 融雪剂(吨)
    swept_area_m2 DECIMAL(18,4),  -- 清扫面积(万㎡)
    reopen_hours DECIMAL(18,4),  -- 主干道恢复通行用时(小时)
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (event_no), kept unique by the merge
);

-- coastal_projects: 海岸带综合整治项目
CREATE TABLE fact_coastal_project (
    project_no VARCHAR NOT NULL,  -- 项目编号
    project_name VARCHAR NOT NULL,  -- 项目名称
    category VARCHAR NOT NULL,  -- 类别
    town_code VARCHAR NOT NULL,  -- 镇街
    status VARCHAR NOT NULL,  -- 状态
    completed_on DATE,  -- 完成日期
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (project_no), kept unique by the merge
);

-- coastal_logs: 海岸带整治日志
CREATE TABLE fact_coastal_log (
    log_no VARCHAR NOT NULL,  -- 日志编号
    log_on DATE NOT NULL,  -- 日期
    town_code VARCHAR NOT NULL,  -- 镇街
    person_times BIGINT NOT NULL,  -- 出动人次
    vehicle_times BIGINT NOT NULL,  -- 车辆台次
    garbage_t DECIMAL(18,4) NOT NULL,  -- 清理垃圾(吨)
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (log_no), kept unique by the merge
);

-- permits: 临时占道与门头招牌许可
CREATE TABLE fact_permit (
    permit_no VARCHAR NOT NULL,  -- 许可编号
    accepted_on DATE NOT NULL,  -- 受理日期
    matter VARCHAR NOT NULL,  -- 事项
    town_code VARCHAR NOT NULL,  -- 镇街
    place VARCHAR,  -- 地点
    period VARCHAR,  -- 起止日期
    site_survey BOOLEAN,  -- 现场勘验
    foreign_script VARCHAR,  -- 外文标识
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (permit_no), kept unique by the merge
);

-- service_log: 咨询与热线答复
CREATE TABLE fact_service_log (
    order_no VARCHAR NOT NULL,  -- 工单编号
    accepted_at TIMESTAMP NOT NULL,  -- 受理时间
    service_channel VARCHAR NOT NULL,  -- 渠道
    kind VARCHAR NOT NULL,  -- 类型
    town_code VARCHAR,  -- 镇街
    content VARCHAR,  -- 诉求内容
    closed_at TIMESTAMP,  -- 办结时间
    on_time BOOLEAN,  -- 是否按期
    satisfaction VARCHAR,  -- 满意度
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (order_no), kept unique by the merge
);

-- city_assessment: 市级考核成绩
CREATE TABLE fact_city_assessment (
    period VARCHAR NOT NULL,  -- 考核期
    item VARCHAR NOT NULL,  -- 考核项目
    unit_code VARCHAR NOT NULL,  -- 区市
    score DECIMAL(18,4) NOT NULL,  -- 得分
    rank BIGINT,  -- 名次
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (period, item, unit_code), kept unique by the merge
);

-- targets: 考核目标
CREATE TABLE fact_target (
    indicator VARCHAR NOT NULL,  -- 指标编码
    scope VARCHAR NOT NULL,  -- 范围
    period_type VARCHAR NOT NULL,  -- 周期类型
    period VARCHAR NOT NULL,  -- 周期
    target DECIMAL(18,4) NOT NULL,  -- 目标值
    direction VARCHAR NOT NULL,  -- 方向
    basis VARCHAR,  -- 依据
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (indicator, scope, period), kept unique by the merge
);

-- video_ai_events: 智慧城管视频AI事件
CREATE TABLE fact_video_ai_event (
    event_no VARCHAR NOT NULL,  -- 事件编号
    channel_no VARCHAR NOT NULL,  -- 通道编号
    detected_at TIMESTAMP NOT NULL,  -- 识别时间
    event_type VARCHAR NOT NULL,  -- 事件类型
    town_code VARCHAR NOT NULL,  -- 镇街
    arrived_at TIMESTAMP,  -- 到场时间
    handled_at TIMESTAMP,  -- 处置完成时间
    _load_id BIGINT NOT NULL,  -- load_log row the version came from
    _row_no BIGINT NOT NULL,  -- its row in that file
    _version BIGINT NOT NULL,  -- latest lifecycle timestamp (epoch µs) × 100 + status rank
    _row_hash UBIGINT NOT NULL  -- key: (event_no), kept unique by the merge
);
