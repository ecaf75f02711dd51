"""The indicator registry: every indicator's definition, once. One key, one meaning, one label.

Each ``Indicator`` holds its key (also the ``指标编码`` of the targets export), zh/en label, unit, kind,
direction (higher or lower is better), definition in words (``formula``), grain, numerator, denominator,
exclusions, minimum denominator (rates: ``warehouse.rules.status.MIN_DENOMINATOR``), the sources that feed it
and the mart views whose SQL computes it (``marts``). Everything else is a view of this table:

* ``REPORT_FIGURES`` — the annual work report's figures (``area`` 1–7), in the report's order (``kpi report``,
  /report); their keys and meanings are those of data-contract.md;
* ``RANKED`` — the indicators that rank the 9 towns (``mart_town_indicator_day``, /rankings);
* ``ADDITIVE`` — rows of ``mart_kpi_daily`` (tiles, sparklines, town charts: sum num ÷ sum den over any range).

``tests/test_indicator_registry.py`` checks both ways that every key is produced by its marts' SQL and that
every indicator the SQL produces is here. Two meanings are two keys: ``dcm.on_time_close_rate`` (the work
report's share of the bureau's closed cases closed on time) and ``dcm.on_time_due_rate`` (the digital urban
management assessment's 按期结案数 ÷ 应结案数); ``dcm.closed`` (the bureau's closed cases, report) and
``dcm.closed_all`` (every platform case closed, tiles).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from warehouse.rules.status import MIN_DENOMINATOR

Direction = Literal["higher", "lower", "none"]
Kind = Literal["rate", "count", "amount", "level", "rank"]
Lang = Literal["zh", "en"]

KPI, TOWN, REPORT, SNOW, ASSESS = (
    "mart_kpi_daily", "mart_town_indicator_day", "mart_report", "mart_snow_unit", "mart_city_assessment")
GRAINS_OF = {KPI: "day × town", TOWN: "day × town", REPORT: "year", SNOW: "as of a day × unit",
             ASSESS: "assessment period × unit"}


@dataclass(frozen=True)
class Indicator:
    key: str
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    kind: Kind
    direction: Direction
    marts: tuple[str, ...]  # the views whose SQL computes it
    formula_zh: str  # the definition in words
    formula_en: str
    numerator_zh: str = ""
    numerator_en: str = ""
    denominator_zh: str = ""
    denominator_en: str = ""
    exclusions_zh: str = ""
    exclusions_en: str = ""
    sources: tuple[str, ...] = ()  # the exports that feed it
    target_aliases: tuple[str, ...] = ()  # other 指标编码 the targets export uses for it
    area: int | None = None  # a work-report figure: its area of work (1–7)
    ranked: bool = False  # ranks the 9 towns on /rankings
    noun_zh: str = ""  # what one more unit of the numerator is ("needs N more …")
    noun_en: str = ""
    has_exclusions: bool = False  # 作废/缓办/挂账 are left out of the denominator
    item_unit_zh: str = "件"  # the unit of one numerator item ("还需3件…")
    page: str | None = None  # the page that charts its rows
    rows_key: str | None = None  # report figures: the key whose value counts the rows behind it (default: itself)

    @property
    def mart(self) -> str:
        return self.marts[0]

    @property
    def additive(self) -> bool:
        return KPI in self.marts

    @property
    def is_rate(self) -> bool:
        return self.kind == "rate"

    @property
    def grain(self) -> str:
        return GRAINS_OF[self.mart]

    @property
    def min_denominator(self) -> int | None:
        return MIN_DENOMINATOR if self.kind == "rate" else None

    @property
    def target_keys(self) -> tuple[str, ...]:
        return (self.key, *self.target_aliases)

    def label(self, lang: str = "zh") -> str:
        return self.label_en if lang == "en" else self.label_zh

    def unit(self, lang: str = "zh") -> str:
        return self.unit_en if lang == "en" else self.unit_zh

    def text(self, field: str, lang: str) -> str:
        """``formula``, ``numerator``, ``denominator`` or ``exclusions`` in a language."""
        return str(getattr(self, f"{field}_{'en' if lang == 'en' else 'zh'}"))



_I = Indicator
_DCM_EXCL_ZH = "作废、缓办、挂账案件"
_DCM_EXCL_EN = "void (作废) and suspended (缓办, 挂账) cases"
_DUE_ZH = "应结案数：处置截止时间在期内的案件（不含作废、缓办、挂账）"
_DUE_EN = "cases due: deadline in the period, less 作废/缓办/挂账"
_ON_TIME_ZH = "按期结案数：已结案且处置完成时间（缺失时取结案时间）不晚于处置截止时间"
_ON_TIME_EN = "closed cases done (处置完成时间, else 结案时间) on or before the deadline"
_DCM = ("dcm_cases",)


def _r(key: str, area: int, zh: str, en: str, unit_zh: str, unit_en: str, def_zh: str, def_en: str,
       sources: tuple[str, ...], kind: Kind = "count", direction: Direction = "higher", **kw: object) -> Indicator:
    """A work-report figure (mart_report, per calendar year)."""
    return Indicator(key, zh, en, unit_zh, unit_en, kind, direction, kw.pop("marts", (REPORT,)),  # type: ignore[arg-type]
                     def_zh, def_en, sources=sources, area=area, **kw)  # type: ignore[arg-type]


_REF = ("refined_city_issues",)
_ILL = ("illegal_construction",)
_FUME = ("fume_records",)
_COAST = ("coastal_projects", "coastal_logs")
_PEN = ("penalty_cases",)

INDICATORS: tuple[Indicator, ...] = (
    # --- tiles and town rankings (per day and town) ---------------------------------------------------------------
    _I("dcm.on_time_due_rate", "按期结案率", "On-time closure rate", "%", "%", "rate", "higher", (KPI, TOWN),
       "按期结案数 ÷ 应结案数（数字城管考核口径，全区平台案件，按处置截止时间归期）",
       "cases closed by their deadline ÷ cases due (the digital urban management assessment; all platform cases, "
       "by deadline)", _ON_TIME_ZH, _ON_TIME_EN, _DUE_ZH, _DUE_EN, _DCM_EXCL_ZH, _DCM_EXCL_EN, _DCM,
       ranked=True, noun_zh="按期结案", noun_en="on-time closures", has_exclusions=True, page="/violations"),
    _I("dcm.close_rate", "结案率", "Closure rate", "%", "%", "rate", "higher", (KPI, TOWN),
       "应结案件中已结案的比例", "share of the cases due that are closed", "已结案数", "cases closed",
       _DUE_ZH, _DUE_EN, _DCM_EXCL_ZH, _DCM_EXCL_EN, _DCM, ranked=True, noun_zh="结案", noun_en="closures",
       has_exclusions=True, page="/violations"),
    _I("dcm.rework_rate", "返工率", "Rework rate", "%", "%", "rate", "lower", (KPI, TOWN),
       "返工案件数 ÷ 应结案数", "reworked cases ÷ cases due", "返工案件数（返工次数大于0）",
       "reworked cases (返工次数 > 0)", _DUE_ZH, _DUE_EN, _DCM_EXCL_ZH, _DCM_EXCL_EN, _DCM, ranked=True,
       noun_zh="返工案件", noun_en="reworked cases", has_exclusions=True, page="/violations"),
    _I("dcm.filed", "立案数", "Cases filed", "件", "cases", "count", "none", (KPI,),
       "期内立案的案件数（立案时间，缺失时按上报时间）", "cases filed in the period (立案时间, else 上报时间)",
       exclusions_zh="作废案件", exclusions_en="void (作废) cases", sources=_DCM, page="/violations"),
    _I("dcm.closed_all", "平台结案数", "Platform cases closed", "件", "cases", "count", "higher", (KPI,),
       "期内结案的全区平台案件数（各处置部门）", "platform cases of every department closed in the period",
       sources=_DCM, page="/violations"),
    _I("demolition.stock_count", "拆除存量违建", "Existing illegal structures demolished", "处", "sites", "count",
       "higher", (KPI, REPORT), "拆除日期在期内的存量违建数（与年度报告同口径）",
       "existing (存量) structures with 拆除日期 in the period (as the annual report)",
       exclusions_zh="新增违建", exclusions_en="new (新增) structures", sources=_ILL, area=2, page="/demolitions"),
    _I("demolition.stock_area_m2", "拆除存量违建面积", "Existing illegal structures demolished, area", "㎡", "m²",
       "amount", "higher", (KPI, REPORT), "期内拆除的存量违建的拆除面积之和（无拆除面积时取违建面积）",
       "sum of 拆除面积 of existing structures demolished in the period (违建面积 when missing)",
       exclusions_zh="新增违建", exclusions_en="new (新增) structures", sources=_ILL, area=2, page="/demolitions",
       rows_key="demolition.stock_count"),
    _I("demolition.new_found", "新增违建", "New illegal construction", "处", "sites", "count", "lower", (KPI, TOWN),
       "发现日期在期内的新增违建数（目标：动态清零）",
       "new (新增) illegal structures found in the period (goal: cleared to zero)", "期内发现的新增违建数",
       "new illegal structures found in the period", exclusions_zh="存量违建",
       exclusions_en="existing (存量) structures",
       sources=_ILL, ranked=True, noun_zh="新增违建", noun_en="new illegal structures", page="/demolitions",
       item_unit_zh="处"),
    _I("refined.rectified", "不精致问题整改", "Refined-city problems fixed", "处", "items", "count", "higher", (KPI,),
       "整改完成日期在期内且状态为已整改的问题数（各来源）",
       "problems of every channel with status 已整改 and 整改完成日期 in the period",
       exclusions_zh="整改中、未整改的问题", exclusions_en="problems still open", sources=_REF),
    _I("refined.rectified_rate", "不精致问题整改率", "Refined-city problems fixed (rate)", "%", "%", "rate", "higher",
       (KPI, TOWN), "期内发现的不精致问题中已整改的比例", "share of the problems found in the period that are fixed",
       "已整改问题数", "problems fixed (已整改)", "期内发现的问题数", "problems found in the period", sources=_REF,
       ranked=True, noun_zh="整改", noun_en="fixes", item_unit_zh="处"),
    _I("village.rectified_rate", "数字村居整改率", "Village work orders fixed", "%", "%", "rate", "higher",
       (KPI, TOWN),
       "期内派遣的数字村居工单中已整改的比例",
       "share of the village work orders dispatched in the period that are fixed",
       "已整改工单数", "work orders fixed (已整改)", "期内派遣的工单数", "work orders dispatched",
       sources=("village_cases",), ranked=True, noun_zh="整改", noun_en="fixes"),
    _I("video_ai.five_minute_rate", "视频AI五分钟处置率", "Video AI 5-minute rate", "%", "%", "rate", "higher",
       (KPI, TOWN),
       "期内识别的事件中5分钟内到场且到场后5分钟内处置的比例",
       "share of events detected in the period reached within 5 minutes and handled within 5 minutes of arrival",
       "5分钟内到场且到场后5分钟内处置的事件数", "events reached and handled within 5 minutes each",
       "期内识别的事件数", "events detected in the period", sources=("video_ai_events",), ranked=True,
       noun_zh="5分钟处置", noun_en="5-minute responses"),
    _I("assessment.rank", "市级考核名次", "City assessment rank", "名", "rank", "rank", "lower", (ASSESS,),
       "环翠区在各考核项目最近一期的名次（名次缺失时按得分排名，并列同名次）",
       "the district's rank in each item's latest period (from 得分 when 名次 is missing; ties share a rank)",
       sources=("city_assessment",), page="/rankings"),
    # --- the annual work report (per calendar year; keys and meanings as data-contract.md) -----------------------
    _r("refined.town_self_rectified", 1, "镇街自查自改问题", "Problems self-found and fixed by towns", "处", "items",
       "来源为镇街自查、年内整改完成的问题数", "problems of channel 镇街自查 fixed in the year", _REF),
    _r("refined.city_notified", 1, "市精致办通报问题", "Problems notified by the city refined-city office", "处",
       "items", "来源为市精致办通报、年内发现的问题数", "problems of channel 市精致办通报 found in the year", _REF),
    _r("refined.city_notified_rectified_on_time", 1, "通报问题按时完成", "Notified problems fixed on time", "处",
       "items", "年内通报的问题中在整改期限前整改完成的数量", "notified problems fixed on or before 整改期限", _REF),
    _r("refined.wall_removal", 1, "拆围建绿问题整治", "Wall removal and greening problems fixed", "处", "items",
       "来源为拆围建绿且列入市级上报的问题数", "problems of channel 拆围建绿 reported to the city", _REF),
    _r("refined.supervised_rectified", 1, "督导整改问题", "Problems fixed under district supervision", "处", "items",
       "来源为区级督导、年内整改完成的问题数", "problems of channel 区级督导 fixed in the year", _REF),
    _r("refined.outdoor_ads_removed", 1, "整治不规范户外广告", "Non-compliant outdoor ads fixed", "处", "items",
       "类别为不规范户外广告、年内整改完成的问题数", "problems of category 不规范户外广告 fixed in the year", _REF),
    _r("refined.public_ads_replaced", 1, "拆除更换破损公益广告", "Damaged public-service ads replaced", "处", "items",
       "类别为公益广告破损、年内整改完成的问题数", "problems of category 公益广告破损 fixed in the year", _REF),
    _r("refined.night_market_issues", 1, "早夜市督导整改问题", "Night-market problems fixed", "处", "items",
       "来源为早夜市联合检查、年内发现的问题数", "problems of channel 早夜市联合检查 found in the year", _REF),
    _r("refined.first_batch", 1, "市级第一期不精致问题", "City first-batch problems", "处", "items",
       "来源为市级第一期、年内发现的问题数", "problems of channel 市级第一期 found in the year", _REF),
    _r("refined.aerial", 1, "市级航拍不精致问题", "City aerial-survey problems", "处", "items",
       "来源为市级航拍、年内发现的问题数", "problems of channel 市级航拍 found in the year", _REF),
    _r("demolition.campaign_count", 2, "专项整治拆除违建", "Demolitions in the special campaign", "处", "sites",
       "专项行动为违法建设专项整治、年内拆除的违建数",
       "structures of the 违法建设专项整治 campaign demolished in the year",
       _ILL, page="/demolitions"),
    _r("demolition.campaign_area_m2", 2, "专项整治拆除面积", "Area demolished in the campaign", "㎡", "m²",
       "上述违建的拆除面积之和（无拆除面积时取违建面积）", "their 拆除面积 (违建面积 when missing)", _ILL, "amount",
       page="/demolitions", rows_key="demolition.campaign_count"),
    _r("demolition.new_count", 2, "拆除新建违建", "New illegal structures demolished", "处", "sites",
       "新增违建中年内拆除的数量", "new (新增) structures demolished in the year", _ILL, page="/demolitions"),
    _r("demolition.new_area_m2", 2, "拆除新建违建面积", "New illegal structures demolished, area", "㎡", "m²",
       "上述违建的拆除面积之和（无拆除面积时取违建面积）", "their 拆除面积 (违建面积 when missing)", _ILL, "amount",
       page="/demolitions", rows_key="demolition.new_count"),
    _r("fume.lab_tests", 2, "油烟专业检测", "Professional fume tests", "次", "tests",
       "类型为专业检测、年内的油烟记录数", "fume records of kind 专业检测 in the year", _FUME),
    _r("fume.lab_tests_compliant", 2, "检测结果达标", "Tests meeting the standard", "次", "tests",
       "其中结果为达标的检测数", "of those, tests with result 达标", _FUME),
    _r("fume.site_surveys", 2, "审管联动现场勘查", "Joint approval site surveys", "次", "surveys",
       "类型为审管联动现场勘查、年内的记录数", "records of kind 审管联动现场勘查 in the year", _FUME),
    _r("dcm.closed", 3, "处理城市管理类案件", "Urban management cases closed by the bureau", "件", "cases",
       "处置部门为本局、年内结案的案件数", "cases of the bureau (处置部门) closed in the year", _DCM,
       page="/violations"),
    _r("dcm.on_time_close_rate", 3, "本局结案按期率", "Bureau's closed cases closed on time", "%", "%",
       "本局年内结案的案件中按期结案的比例（年度报告口径；考核口径见按期结案率）",
       "share of the bureau's cases closed in the year that were closed on time (the report's figure; the "
       "assessment's is the on-time closure rate)", _DCM, "rate", numerator_zh=_ON_TIME_ZH,
       numerator_en=_ON_TIME_EN, denominator_zh="本局年内结案的案件数",
       denominator_en="the bureau's cases closed in the year",
       page="/violations", rows_key="dcm.closed"),
    _r("dcm.rework_cases", 3, "返工案件", "Reworked cases", "件", "cases",
       "本局年内结案的案件中返工次数大于0的数量", "of the bureau's cases closed in the year, those reworked", _DCM,
       direction="lower", page="/violations", rows_key="dcm.closed"),
    _r("snow.personnel", 3, "清雪队伍", "Snow-clearing force", "人", "people",
       "期末最近一次清雪力量台账的人员数合计（每单位计一次）",
       "people on the latest roster on or before the period end (once per unit)", ("snow_roster",), "level",
       marts=(SNOW, REPORT), page="/snow"),
    _r("snow.machines", 3, "清雪机械", "Snow-clearing machines", "台", "machines",
       "期末最近一次清雪力量台账的机械台数合计", "machines on the latest roster on or before the period end",
       ("snow_roster",), "level", marts=(SNOW, REPORT), page="/snow"),
    _r("village.dispatched", 3, "数字村居派遣案件", "Digital village cases dispatched", "件", "cases",
       "年内派遣的数字村居工单数", "village work orders dispatched in the year", ("village_cases",), direction="none"),
    _r("village.inspection_notices", 3, "实地巡查下发通知", "Inspection notices issued", "次", "notices",
       "年内下发的实地巡查通知数", "inspection notices issued in the year", ("village_inspections",)),
    _r("village.rectified_from_inspections", 3, "巡查整改问题", "Problems fixed after inspections", "个", "items",
       "年内下发通知的已整改数之和", "sum of 已整改数 over the notices issued in the year", ("village_inspections",),
       rows_key="village.inspection_notices"),
    _r("coastal.projects", 4, "海岸带整治修复项目", "Coastal restoration projects", "项", "projects",
       "年度项目数：年度（立项、开工）列在当年的项目，在建的也计；无此列时按所在导出文件的年份",
       "projects of the year (年度/立项/开工 column, else the export file's period), in progress included",
       _COAST),
    _r("coastal.projects_done", 4, "按计划完成项目", "Projects completed as planned", "项", "projects",
       "其中状态为已完成的项目数", "of those, projects with status 已完成", _COAST, rows_key="coastal.projects"),
    _r("coastal.person_times", 4, "海岸带出动人员", "Coastal clean-up person-times", "人次", "person-times",
       "年内海岸带日志的出动人次之和", "sum of 出动人次 over the year's coastal logs", _COAST, "amount",
       rows_key="coastal.log_entries"),
    _r("coastal.vehicle_times", 4, "海岸带出动车辆", "Coastal clean-up vehicle-times", "台次", "vehicle-times",
       "年内海岸带日志的车辆台次之和", "sum of 车辆台次 over the year's coastal logs", _COAST, "amount",
       rows_key="coastal.log_entries"),
    _r("coastal.garbage_t", 4, "清理垃圾", "Garbage cleared", "吨", "t",
       "年内海岸带日志的清理垃圾吨数之和", "sum of 清理垃圾(吨) over the year's coastal logs", _COAST, "amount",
       rows_key="coastal.log_entries"),
    _r("refined.railway", 4, "铁路沿线问题销号", "Railway-side problems closed", "个", "items",
       "来源为铁路沿线、年内发现的问题数", "problems of channel 铁路沿线 found in the year", _REF),
    _r("permits.bilingual_signs", 4, "门头招牌增设外文标识", "Shop signs with foreign-language text", "家", "shops",
       "年内受理的门头招牌许可中外文标识为英文、韩文或英韩的数量",
       "shop-sign permits of the year with 外文标识 英文, 韩文 or 英韩", ("permits",)),
    _r("penalty.filed", 5, "新立案审核", "Penalty cases filed", "件", "cases",
       "立案日期在年内的处罚案件数", "penalty cases with 立案日期 in the year", _PEN, direction="none"),
    _r("penalty.online_rate", 5, "网上运行率", "Share run online", "%", "%",
       "年内立案的处罚案件中网上运行的比例", "share of the year's penalty cases run online", _PEN, "rate",
       numerator_zh="网上运行的案件数", numerator_en="cases run online", denominator_zh="年内立案的案件数",
       denominator_en="cases filed in the year", rows_key="penalty.filed"),
    _r("penalty.fines_yuan", 5, "罚款", "Fines", "元", "yuan", "年内立案案件的罚款金额之和（元）",
       "sum of fines (元) of the year's cases", _PEN, "amount", direction="none", rows_key="penalty.filed"),
    _r("penalty.court_enforcement", 5, "申请法院强制执行", "Court enforcement applications", "件", "cases",
       "强制执行为申请法院强制执行的案件数", "cases with enforcement 申请法院强制执行", _PEN, direction="none"),
    _r("penalty.gov_enforcement", 5, "申请政府强制执行", "Government enforcement applications", "件", "cases",
       "强制执行为申请政府强制执行的案件数", "cases with enforcement 申请政府强制执行", _PEN, direction="none"),
    _r("permits.temp_occupation", 6, "临时占道行政许可", "Temporary road-occupation permits", "件", "permits",
       "年内受理的临时占道许可数", "temporary road-occupation permits accepted in the year", ("permits",),
       direction="none"),
    _r("service.consultations", 6, "咨询及热线答复", "Consultations and hotline replies", "人次", "contacts",
       "年内受理的咨询、投诉、求助工单数", "service orders of kind 咨询, 投诉 or 求助 in the year", ("service_log",),
       direction="none"),
    _r("service.good_deeds", 6, "为群众办实事", "Practical help for residents", "件", "cases",
       "年内类型为为民办实事的工单数", "service orders of kind 为民办实事 in the year", ("service_log",)),
    _r("penalty.double_publicity", 7, "双公示信息归集", "Double-publicity records filed", "条", "records",
       "双公示为是的年内处罚案件数", "the year's penalty cases with 双公示 是", _PEN),
    _r("video_ai.channels", 7, "视频AI分析路数", "Video AI channels", "路", "channels",
       "截至年底出现过事件的不同通道编号数", "distinct 通道编号 seen by the year end", ("video_ai_events",), "level"),
    # --- rows behind report figures (not a report figure themselves) ---------------------------------------------
    _I("coastal.log_entries", "海岸带日志条数", "Coastal log entries", "条", "entries", "count", "none", (REPORT,),
       "年内的海岸带作业日志条数", "coastal work log entries in the year", sources=_COAST),
)

BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}
REPORT_FIGURES: tuple[Indicator, ...] = tuple(
    sorted((i for i in INDICATORS if i.area is not None), key=lambda i: i.area or 0))
RANKED: dict[str, Indicator] = {i.key: i for i in INDICATORS if i.ranked}
ADDITIVE: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.additive)


def get(key: str) -> Indicator:
    """The indicator with this key (KeyError names the unknown key)."""
    return BY_KEY[key]


def ranking_view(key: str) -> Indicator:
    """The indicator as /rankings scores it: a rate or a count, higher or lower is better.

    Keys outside the registry get a neutral higher-is-better rate (so that a targets row with an unknown
    指标编码 can still be shown)."""
    ind = BY_KEY.get(key)
    if ind is None:
        return Indicator(key, key, key, "", "", "rate", "higher", (TOWN,), "", "", "分子", "numerator", "分母",
                         "denominator")
    kind: Kind = "rate" if ind.kind == "rate" else "count"
    direction: Direction = "lower" if ind.direction == "lower" else "higher"
    return dataclasses.replace(ind, kind=kind, direction=direction)
