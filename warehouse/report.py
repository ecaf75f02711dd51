"""The annual work-report figures, read from the ``mart_report`` view.

``REPORT_FIGURES`` lists every figure of the bureau's report in the report's own order (its
seven areas of work), with labels and units; the values come only from the mart.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


@dataclass(frozen=True)
class ReportFigure:
    key: str
    area: int  # 1–7: the report's areas of work (一、(一)…(七))
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    is_rate: bool = False


_F = ReportFigure
REPORT_FIGURES: tuple[ReportFigure, ...] = (
    _F("refined.town_self_rectified", 1, "镇街自查自改问题", "Problems self-found and fixed by towns", "处", "items"),
    _F("refined.city_notified", 1, "市精致办通报问题", "Problems notified by the city refined-city office", "处", "items"),
    _F("refined.city_notified_rectified_on_time", 1, "通报问题按时完成", "Notified problems fixed on time", "处", "items"),
    _F("refined.wall_removal", 1, "拆围建绿问题整治", "Wall removal and greening problems fixed", "处", "items"),
    _F("refined.supervised_rectified", 1, "督导整改问题", "Problems fixed under district supervision", "处", "items"),
    _F("refined.outdoor_ads_removed", 1, "整治不规范户外广告", "Non-compliant outdoor ads fixed", "处", "items"),
    _F("refined.public_ads_replaced", 1, "拆除更换破损公益广告", "Damaged public-service ads replaced", "处", "items"),
    _F("refined.night_market_issues", 1, "早夜市督导整改问题", "Night-market problems fixed", "处", "items"),
    _F("refined.first_batch", 1, "市级第一期不精致问题", "City first-batch problems", "处", "items"),
    _F("refined.aerial", 1, "市级航拍不精致问题", "City aerial-survey problems", "处", "items"),
    _F("demolition.campaign_count", 2, "专项整治拆除违建", "Demolitions in the special campaign", "处", "sites"),
    _F("demolition.campaign_area_m2", 2, "专项整治拆除面积", "Area demolished in the campaign", "㎡", "m²"),
    _F("demolition.stock_count", 2, "拆除存量违建", "Existing illegal structures demolished", "处", "sites"),
    _F("demolition.stock_area_m2", 2, "拆除存量违建面积", "Existing illegal structures, area", "㎡", "m²"),
    _F("demolition.new_count", 2, "拆除新建违建", "New illegal structures demolished", "处", "sites"),
    _F("demolition.new_area_m2", 2, "拆除新建违建面积", "New illegal structures, area", "㎡", "m²"),
    _F("fume.lab_tests", 2, "油烟专业检测", "Professional fume tests", "次", "tests"),
    _F("fume.lab_tests_compliant", 2, "检测结果达标", "Tests meeting the standard", "次", "tests"),
    _F("fume.site_surveys", 2, "审管联动现场勘查", "Joint approval site surveys", "次", "surveys"),
    _F("dcm.closed", 3, "处理城市管理类案件", "Urban management cases closed", "件", "cases"),
    _F("dcm.on_time_close_rate", 3, "按期结案率", "On-time closure rate", "%", "%", True),
    _F("dcm.rework_cases", 3, "返工案件", "Reworked cases", "件", "cases"),
    _F("snow.personnel", 3, "清雪队伍", "Snow-clearing force", "人", "people"),
    _F("snow.machines", 3, "清雪机械", "Snow-clearing machines", "台", "machines"),
    _F("village.dispatched", 3, "数字村居派遣案件", "Digital village cases dispatched", "件", "cases"),
    _F("village.inspection_notices", 3, "实地巡查下发通知", "Inspection notices issued", "次", "notices"),
    _F("village.rectified_from_inspections", 3, "巡查整改问题", "Problems fixed after inspections", "个", "items"),
    _F("coastal.projects", 4, "海岸带整治修复项目", "Coastal restoration projects", "项", "projects"),
    _F("coastal.projects_done", 4, "按计划完成项目", "Projects completed as planned", "项", "projects"),
    _F("coastal.person_times", 4, "海岸带出动人员", "Coastal clean-up person-times", "人次", "person-times"),
    _F("coastal.vehicle_times", 4, "海岸带出动车辆", "Coastal clean-up vehicle-times", "台次", "vehicle-times"),
    _F("coastal.garbage_t", 4, "清理垃圾", "Garbage cleared", "吨", "t"),
    _F("refined.railway", 4, "铁路沿线问题销号", "Railway-side problems closed", "个", "items"),
    _F("permits.bilingual_signs", 4, "门头招牌增设外文标识", "Shop signs with foreign-language text", "家", "shops"),
    _F("penalty.filed", 5, "新立案审核", "Penalty cases filed", "件", "cases"),
    _F("penalty.online_rate", 5, "网上运行率", "Share run online", "%", "%", True),
    _F("penalty.fines_yuan", 5, "罚款", "Fines", "元", "yuan"),
    _F("penalty.court_enforcement", 5, "申请法院强制执行", "Court enforcement applications", "件", "cases"),
    _F("penalty.gov_enforcement", 5, "申请政府强制执行", "Government enforcement applications", "件", "cases"),
    _F("permits.temp_occupation", 6, "临时占道行政许可", "Temporary road-occupation permits", "件", "permits"),
    _F("service.consultations", 6, "咨询及热线答复", "Consultations and hotline replies", "人次", "contacts"),
    _F("service.good_deeds", 6, "为群众办实事", "Practical help for residents", "件", "cases"),
    _F("penalty.double_publicity", 7, "双公示信息归集", "Double-publicity records filed", "条", "records"),
    _F("video_ai.channels", 7, "视频AI分析路数", "Video AI channels", "路", "channels"),
)

AREAS_ZH = {
    1: "市容市貌精细化管理", 2: "群众满意度专项提升", 3: "市级考核专项工作", 4: "市级督导专项整治",
    5: "执法队伍规范化建设", 6: "便民服务与营商环境", 7: "信用体系与智慧城管",
}
AREAS_EN = {
    1: "Refined city appearance", 2: "Resident satisfaction", 3: "City assessments", 4: "City-supervised campaigns",
    5: "Enforcement standards", 6: "Public services", 7: "Credit and smart city",
}


def report(con: duckdb.DuckDBPyConnection, year: int) -> dict[str, float | None]:
    """Every report figure for a year: counts default to 0 when no row fed them, rates to None."""
    rows = dict(con.execute("SELECT key, value FROM mart_report WHERE year = ?", [year]).fetchall())
    result: dict[str, float | None] = {}
    for fig in REPORT_FIGURES:
        value = rows.get(fig.key)
        if value is None:
            result[fig.key] = None if fig.is_rate else 0
        elif fig.is_rate:
            result[fig.key] = round(float(value), 6)
        else:
            result[fig.key] = int(value) if float(value).is_integer() else round(float(value), 4)
    return result
