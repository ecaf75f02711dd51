"""The bureau's export formats: one ``SourceSpec`` per export, as data.

Each spec names its fact table, its columns (canonical name, the header real exports use,
header aliases, whether required, and how values are parsed), its key and how a later
export of the same key wins the merge. Sources are detected from headers, never file names.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from etl.text import header_key


@cache
def _header_keys(header: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(header_key(h) for h in (header, *aliases))

Kind = Literal[
    "text",  # trimmed, full-width folded text
    "id",  # identifier kept as a string (case numbers get one bracket style)
    "ts",  # timestamp
    "date",  # date
    "int",  # whole number
    "num",  # decimal number (with 万 / % handling and a unit scale)
    "bool",  # 是/否
    "town",  # town or sub-district, resolved to its NBS code through the alias table
    "unit",  # a unit of Weihai ranked by the city, resolved through the alias table
    "dept",  # department: kept as text, plus a flag for the bureau itself
    "category",  # digital urban management minor category, resolved through the alias table
    "channel",  # dcm problem source, resolved through the alias table
    "stage",  # case stage, brackets like [作废] removed
]


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    header: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: Kind = "text"
    unit: Literal["yuan", "m2"] | None = None  # for num: which title-row unit applies
    values: dict[str, str] = field(default_factory=dict)  # accepted-value aliases → canonical
    from_title: Literal["as_of"] | None = None  # may be given by the title block instead
    town_of: bool = False  # also resolve the text to a town_code column (NULL for other units)

    def header_keys(self) -> tuple[str, ...]:
        return _header_keys(self.header, self.aliases)


@dataclass(frozen=True)
class SourceSpec:
    name: str
    label: str
    table: str
    columns: tuple[ColumnSpec, ...]
    key: tuple[str, ...]
    version: tuple[str, ...] = ()  # columns whose greatest value orders versions of a key
    status: str | None = None  # column whose progression breaks version ties
    status_rank: dict[str, int] = field(default_factory=dict)

    @functools.cached_property
    def required(self) -> tuple[ColumnSpec, ...]:
        return tuple(c for c in self.columns if c.required)

    def column(self, name: str) -> ColumnSpec:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, header: str, aliases: str = "", kind: Kind = "text", *, req: bool = False, **kw) -> ColumnSpec:
    return ColumnSpec(name, header, tuple(a for a in aliases.split("|") if a), req, kind, **kw)


STAGES = ("上报", "受理", "立案", "派遣", "处置", "核查", "结案", "作废", "缓办", "挂账")
_STAGE_RANK = {s: i for i, s in enumerate(STAGES)}

SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        "dcm_cases", "数字城管案件", "fact_dcm_case",
        (
            _c("case_no", "任务号", "案件编号|案卷编号|案件号", "id", req=True),
            _c("reported_at", "上报时间", "发现时间", "ts", req=True),
            _c("channel", "问题来源", "案件来源|来源", "channel", req=True),
            _c("problem_type", "问题类型", "案件类型", values={"部件": "部件", "事件": "事件"}),
            _c("major_category", "大类名称", "大类"),
            _c("minor_category", "小类名称", "小类", "category", req=True),
            _c("category_code", "小类编码", "小类代码|类别编码", "id"),
            _c("description", "问题描述", "案件描述"),
            _c("address", "地址描述", "发生地址|地址"),
            _c("town_code", "所属街道", "街道|镇街|所属镇街", "town", req=True),
            _c("community", "所属社区", "社区"),
            _c("grid_code", "单元网格", "网格编码|单元网格编码", "id"),
            _c("filed_at", "立案时间", "", "ts"),
            _c("dispatched_at", "派遣时间", "", "ts"),
            _c("department", "处置部门", "责任部门|处置单位|专业部门", "dept", req=True),
            _c("deadline_at", "处置截止时间", "处置时限|处置截至时间", "ts"),
            _c("handled_at", "处置完成时间", "处置时间", "ts"),
            _c("closed_at", "结案时间", "", "ts"),
            _c("stage", "当前阶段名称", "当前阶段|案件状态|阶段", "stage", req=True),
            _c("rework_count", "返工次数", "", "int"),
            _c("extension_count", "延期次数", "", "int"),
            _c("x", "X坐标", "经度|X", "num"),
            _c("y", "Y坐标", "纬度|Y", "num"),
        ),
        key=("case_no",),
        version=("reported_at", "filed_at", "dispatched_at", "handled_at", "closed_at"),
        status="stage", status_rank=_STAGE_RANK,
    ),
    SourceSpec(
        "village_cases", "数字村居平台工单", "fact_village_case",
        (
            _c("order_no", "工单编号", "工单号", "id", req=True),
            _c("dispatched_at", "派遣时间", "派单时间", "ts", req=True),
            _c("town_code", "镇街", "所属镇街|街道", "town", req=True),
            _c("village", "村居", "村（居）|所属村居"),
            _c("category", "问题类别", "问题类型"),
            _c("description", "问题描述"),
            _c("rectify_status", "整改状态", "处理状态"),
            _c("rectified_at", "整改时间", "整改完成时间", "ts"),
        ),
        key=("order_no",), version=("dispatched_at", "rectified_at"),
        status="rectify_status", status_rank={"未整改": 0, "整改中": 1, "已整改": 2},
    ),
    SourceSpec(
        "village_inspections", "实地巡查通知", "fact_village_inspection",
        (
            _c("notice_no", "通知编号", "通知单号", "id", req=True),
            _c("issued_on", "下发日期", "下发时间", "date", req=True),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("problems", "问题数", "发现问题数", "int", req=True),
            _c("rectified", "已整改数", "整改数", "int"),
            _c("rectified_on", "整改完成日期", "", "date"),
        ),
        key=("notice_no",), version=("issued_on", "rectified_on"),
    ),
    SourceSpec(
        "illegal_construction", "违法建设台账", "fact_illegal_construction",
        (
            _c("case_no", "违建编号", "台账编号", "id", req=True),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("community", "社区/村居", "社区|村居"),
            _c("address", "地址", "违建地址"),
            _c("party", "当事人", "违建当事人"),
            _c("kind", "违建类型", "类型", req=True, values={"存量": "存量", "新增": "新增", "新建": "新增"}),
            _c("structure", "结构"),
            _c("usage", "用途"),
            _c("area_m2", "违建面积(㎡)", "违建面积|违建面积(平方米)|违建面积(万㎡)", "num", req=True, unit="m2"),
            _c("found_on", "发现日期", "发现时间", "date", req=True),
            _c("found_by", "案件来源", "发现方式"),
            _c("campaign", "专项行动", "所属专项行动"),
            _c("disposal", "处置方式"),
            _c("demolished_on", "拆除日期", "拆除时间", "date"),
            _c("demolished_area_m2", "拆除面积(㎡)", "拆除面积|拆除面积(平方米)|拆除面积(万㎡)", "num", unit="m2"),
            _c("status", "状态", "处置状态", req=True),
        ),
        key=("case_no",), version=("found_on", "demolished_on"),
        status="status", status_rank={"待处置": 0, "限拆阶段": 1, "已整改": 2, "已拆除": 2},
    ),
    SourceSpec(
        "penalty_cases", "行政处罚案件", "fact_penalty_case",
        (
            _c("case_no", "案号", "行政处罚决定书文号|决定书文号|案件编号", "id", req=True),
            _c("filed_on", "立案日期", "立案时间", "date", req=True),
            _c("cause", "案由", "违法行为类型", req=True),
            _c("party", "当事人", "行政相对人名称"),
            _c("party_type", "当事人类型", "行政相对人类别"),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("squad", "执法中队", "承办中队", req=True),
            _c("decided_on", "处罚决定日期", "决定日期|处罚决定书日期", "date"),
            _c("fine_yuan", "罚款金额(元)", "罚款金额|罚款金额(万元)|罚没金额(元)", "num", unit="yuan"),
            _c("online", "网上运行", "是否网上运行", "bool"),
            _c("closed_on", "结案日期", "结案时间", "date"),
            _c("enforcement", "强制执行", "强制执行情况"),
            _c("enforcement_result", "执行结果", "裁定结果"),
            _c("double_publicity", "双公示", "是否双公示", "bool"),
        ),
        key=("case_no",), version=("filed_on", "decided_on", "closed_on"),
    ),
    SourceSpec(
        "refined_city_issues", "不精致问题台账", "fact_refined_issue",
        (
            _c("issue_no", "问题编号", "编号", "id", req=True),
            _c("channel", "问题来源", "来源|交办来源", req=True),
            _c("batch", "批次"),
            _c("town_code", "镇街", "所属镇街|责任镇街", "town", req=True),
            _c("road", "道路/区域", "道路|区域|点位"),
            _c("category", "问题类别", "问题类型", req=True),
            _c("found_on", "发现日期", "发现时间|交办日期", "date", req=True),
            _c("due_on", "整改期限", "整改时限", "date"),
            _c("rectified_on", "整改完成日期", "整改完成时间|完成日期", "date"),
            _c("status", "状态", "整改状态", req=True),
            _c("recheck", "回头看", "回头看情况"),
            _c("city_reported", "列入市级上报", "是否列入市级上报|市级上报", "bool"),
        ),
        key=("issue_no",), version=("found_on", "rectified_on"),
        status="status", status_rank={"未整改": 0, "整改中": 1, "已整改": 2},
    ),
    SourceSpec(
        "fume_records", "餐饮油烟检测与审管联动勘查", "fact_fume_record",
        (
            _c("record_no", "记录编号", "编号", "id", req=True),
            _c("record_on", "日期", "检测日期|勘查日期", "date", req=True),
            _c("kind", "类型", "记录类型|工作类型", req=True),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("merchant", "商户名称", "店铺名称"),
            _c("result", "结果", "检测结果|勘查结果"),
        ),
        key=("record_no",), version=("record_on",),
    ),
    SourceSpec(
        "snow_roster", "清雪力量台账", "fact_snow_roster",
        (
            _c("as_of", "统计日期", "截至日期|截止日期", "date", req=True, from_title="as_of"),
            _c("unit_name", "镇街/单位", "镇街|单位|责任单位", req=True, town_of=True),
            _c("personnel", "人员数", "清雪人员|人员(人)|人员数(人)", "int", req=True),
            _c("machine_type", "机械类型", "设备类型|机械名称", req=True),
            _c("machines", "台数", "数量|机械数量|台数(台)", "int", req=True),
            _c("deicer_t", "融雪剂储备(吨)", "融雪剂储备|融雪剂(吨)", "num"),
            _c("road_km", "责任路段里程(km)", "责任路段里程|路段里程(公里)|责任里程", "num"),
        ),
        key=("as_of", "unit_name", "machine_type"), version=("as_of",),
    ),
    SourceSpec(
        "snow_events", "降雪作业记录", "fact_snow_event",
        (
            _c("event_no", "作业编号", "编号", "id", req=True),
            _c("event_on", "日期", "作业日期|降雪日期", "date", req=True),
            _c("town_code", "镇街", "所属镇街|镇街/单位", "town", req=True),
            _c("snowfall_mm", "降雪量(mm)", "降雪量", "num"),
            _c("person_times", "出动人次", "出动人员", "int", req=True),
            _c("machine_times", "出动机械台次", "出动机械", "int", req=True),
            _c("deicer_t", "融雪剂(吨)", "融雪剂用量|使用融雪剂(吨)", "num"),
            _c("swept_area_m2", "清扫面积(万㎡)", "清扫面积|清扫面积(㎡)", "num", unit="m2"),
            _c("reopen_hours", "主干道恢复通行用时(小时)", "主干道恢复通行用时|恢复通行用时", "num"),
        ),
        key=("event_no",), version=("event_on",),
    ),
    SourceSpec(
        "coastal_projects", "海岸带综合整治项目", "fact_coastal_project",
        (
            _c("project_no", "项目编号", "编号", "id", req=True),
            _c("project_name", "项目名称", "名称", req=True),
            _c("category", "类别", "项目类别", req=True),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("status", "状态", "项目状态|进展情况", req=True),
            _c("completed_on", "完成日期", "完成时间", "date"),
        ),
        key=("project_no",), version=("completed_on",),
        status="status", status_rank={"未开工": 0, "实施中": 1, "已完成": 2},
    ),
    SourceSpec(
        "coastal_logs", "海岸带整治日志", "fact_coastal_log",
        (
            _c("log_no", "日志编号", "编号", "id", req=True),
            _c("log_on", "日期", "作业日期", "date", req=True),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("person_times", "出动人次", "出动人员", "int", req=True),
            _c("vehicle_times", "车辆台次", "出动车辆", "int", req=True),
            _c("garbage_t", "清理垃圾(吨)", "清理垃圾|垃圾清理量(吨)", "num", req=True),
        ),
        key=("log_no",), version=("log_on",),
    ),
    SourceSpec(
        "permits", "临时占道与门头招牌许可", "fact_permit",
        (
            _c("permit_no", "许可编号", "办件编号|受理编号", "id", req=True),
            _c("accepted_on", "受理日期", "受理时间", "date", req=True),
            _c("matter", "事项", "许可事项|事项名称", req=True),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("place", "地点", "占道地点|设置地点"),
            _c("period", "起止日期", "许可期限"),
            _c("site_survey", "现场勘验", "是否现场勘验", "bool"),
            _c("foreign_script", "外文标识", "外文标识类型"),
        ),
        key=("permit_no",), version=("accepted_on",),
    ),
    SourceSpec(
        "service_log", "咨询与热线答复", "fact_service_log",
        (
            _c("order_no", "工单编号", "登记编号", "id", req=True),
            _c("accepted_at", "受理时间", "登记时间", "ts", req=True),
            _c("service_channel", "渠道", "受理渠道", req=True),
            _c("kind", "类型", "诉求类型", req=True),
            _c("town_code", "镇街", "所属镇街", "town"),
            _c("content", "诉求内容", "内容"),
            _c("closed_at", "办结时间", "", "ts"),
            _c("on_time", "是否按期", "按期办结", "bool"),
            _c("satisfaction", "满意度"),
        ),
        key=("order_no",), version=("accepted_at", "closed_at"),
    ),
    SourceSpec(
        "city_assessment", "市级考核成绩", "fact_city_assessment",
        (
            _c("period", "考核期", "考核周期|考核月份", req=True),
            _c("item", "考核项目", "考核内容|项目", req=True),
            _c("unit_code", "区市", "单位|区市名称", "unit", req=True),
            _c("score", "得分", "成绩|考核得分", "num", req=True),
            _c("rank", "名次", "排名", "int"),
        ),
        key=("period", "item", "unit_code"), version=(),
    ),
    SourceSpec(
        "targets", "考核目标", "fact_target",
        (
            _c("indicator", "指标编码", "indicator|指标", req=True),
            _c("scope", "范围", "scope|考核范围", req=True),
            _c("period_type", "周期类型", "period_type", req=True),
            _c("period", "周期", "period", req=True),
            _c("target", "目标值", "target|target_value", "num", req=True),
            _c("direction", "方向", "direction", req=True,
               values={"越高越好": "higher", "越低越好": "lower", "higher": "higher", "lower": "lower"}),
            _c("basis", "依据", "basis|依据文件"),
        ),
        key=("indicator", "scope", "period"), version=(),
    ),
    SourceSpec(
        "video_ai_events", "智慧城管视频AI事件", "fact_video_ai_event",
        (
            _c("event_no", "事件编号", "告警编号", "id", req=True),
            _c("channel_no", "通道编号", "摄像头编号|点位编号", "id", req=True),
            _c("detected_at", "识别时间", "发现时间|告警时间", "ts", req=True),
            _c("event_type", "事件类型", "告警类型", req=True),
            _c("town_code", "镇街", "所属镇街", "town", req=True),
            _c("arrived_at", "到场时间", "", "ts"),
            _c("handled_at", "处置完成时间", "处置时间", "ts"),
        ),
        key=("event_no",), version=("detected_at", "arrived_at", "handled_at"),
    ),
)

SOURCES_BY_NAME: dict[str, SourceSpec] = {s.name: s for s in SOURCES}
