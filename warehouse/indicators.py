"""The indicator registry: every headline indicator's definition, in one place.

Each ``Indicator`` names its key (also the ``指标编码`` of the targets export), Chinese and English
labels, unit, formula, numerator, denominator, exclusions and direction. The SQL that computes it
lives in ``warehouse/marts/`` (``mart`` says where); pages and tiles read labels, units and
explanations only from here, so one indicator shows the same number and the same words everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["higher", "lower", "none"]
Kind = Literal["rate", "count", "amount", "level", "rank"]
Lang = Literal["zh", "en"]


@dataclass(frozen=True)
class Indicator:
    key: str
    label_zh: str
    label_en: str
    unit_zh: str
    unit_en: str
    kind: Kind
    direction: Direction
    mart: str  # the view whose SQL defines it
    formula_zh: str
    formula_en: str
    numerator_zh: str = ""
    numerator_en: str = ""
    denominator_zh: str = ""
    denominator_en: str = ""
    exclusions_zh: str = ""
    exclusions_en: str = ""
    sources: tuple[str, ...] = ()  # the exports that feed it
    additive: bool = True  # a row of mart_kpi_daily (sum num / sum den over any period and towns)
    target_aliases: tuple[str, ...] = ()  # other 指标编码 the targets export uses for it

    @property
    def target_keys(self) -> tuple[str, ...]:
        return (self.key, *self.target_aliases)

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh

    def unit(self, lang: str) -> str:
        return self.unit_en if lang == "en" else self.unit_zh

    def text(self, field: str, lang: str) -> str:
        """``formula``, ``numerator``, ``denominator`` or ``exclusions`` in a language."""
        return str(getattr(self, f"{field}_{'en' if lang == 'en' else 'zh'}"))

    def format(self, value: float | None, lang: str = "zh", with_unit: bool = True) -> str:
        """The value as leaders read it: rates in %, counts with separators, ranks as 第N名."""
        if value is None:
            return "—"
        if self.kind == "rate":
            return f"{value * 100:.1f}%"
        if self.kind == "rank":
            return f"第{int(value)}名" if lang != "en" else f"#{int(value)}"
        text = f"{value:,.0f}" if self.kind != "amount" or abs(value) >= 100 else f"{value:,.1f}"
        return f"{text} {self.unit(lang)}" if with_unit and self.unit(lang) else text


_I = Indicator
_DCM_EXCL_ZH = "作废、缓办、挂账案件"
_DCM_EXCL_EN = "void (作废) and suspended (缓办, 挂账) cases"

INDICATORS: tuple[Indicator, ...] = (
    _I("dcm.on_time_close_rate", "按期结案率", "On-time closure rate", "%", "%", "rate", "higher", "mart_kpi_daily",
       "按期结案数 ÷ 应结案数（处置截止时间在期内）",
       "cases closed by their deadline ÷ cases due (deadline in the period)",
       "按期结案数：已结案且处置完成时间（缺失时取结案时间）不晚于处置截止时间",
       "closed cases done (处置完成时间, else 结案时间) on or before the deadline",
       "应结案数：处置截止时间在期内的案件", "cases whose deadline falls in the period",
       _DCM_EXCL_ZH, _DCM_EXCL_EN, ("dcm_cases",)),
    _I("dcm.rework_rate", "返工率", "Rework rate", "%", "%", "rate", "lower", "mart_kpi_daily",
       "返工案件数 ÷ 应结案数", "reworked cases ÷ cases due",
       "返工次数大于0的案件", "cases with 返工次数 > 0",
       "应结案数（同按期结案率）", "cases due (as for on-time closure)",
       _DCM_EXCL_ZH, _DCM_EXCL_EN, ("dcm_cases",)),
    _I("dcm.filed", "立案数", "Cases filed", "件", "cases", "count", "none", "mart_kpi_daily",
       "期内立案的案件数（立案时间，缺失时按上报时间）", "cases filed in the period (立案时间, else 上报时间)",
       exclusions_zh="作废案件", exclusions_en="void (作废) cases",
       sources=("dcm_cases",)),
    _I("dcm.closed", "结案数", "Cases closed", "件", "cases", "count", "higher", "mart_kpi_daily",
       "期内结案的案件数", "cases closed in the period", sources=("dcm_cases",)),
    _I("demolition.stock_count", "拆除存量违建", "Existing illegal structures demolished", "处", "sites", "count",
       "higher", "mart_kpi_daily", "拆除日期在期内的存量违建数（与年度报告同口径）",
       "existing (存量) structures with 拆除日期 in the period (as the annual report)",
       exclusions_zh="新增违建", exclusions_en="new (新增) structures", sources=("illegal_construction",)),
    _I("demolition.stock_area_m2", "拆除存量违建面积", "Existing illegal structures demolished, area", "㎡", "m²",
       "amount", "higher", "mart_kpi_daily", "期内拆除的存量违建的拆除面积之和（无拆除面积时取违建面积）",
       "sum of 拆除面积 of existing structures demolished in the period (违建面积 when missing)",
       exclusions_zh="新增违建", exclusions_en="new (新增) structures", sources=("illegal_construction",)),
    _I("demolition.new_found", "新增违建", "New illegal construction", "处", "sites", "count", "lower",
       "mart_kpi_daily", "发现日期在期内的新增违建数（目标：动态清零）",
       "new (新增) illegal structures found in the period (goal: cleared to zero)",
       exclusions_zh="存量违建", exclusions_en="existing (存量) structures", sources=("illegal_construction",),
       target_aliases=("demolition.new_count",)),
    _I("refined.rectified", "不精致问题整改", "Refined-city problems fixed", "处", "items", "count", "higher",
       "mart_kpi_daily", "整改完成日期在期内且状态为已整改的问题数（各来源）",
       "problems of every channel with status 已整改 and 整改完成日期 in the period",
       exclusions_zh="整改中、未整改的问题", exclusions_en="problems still open", sources=("refined_city_issues",)),
    _I("snow.personnel", "清雪队伍", "Snow-clearing force", "人", "people", "level", "higher", "mart_snow_unit",
       "期末最近一次清雪力量台账的人员数合计（每单位计一次）",
       "people on the latest roster on or before the period end (once per unit)",
       sources=("snow_roster",), additive=False),
    _I("snow.machines", "清雪机械", "Snow-clearing machines", "台", "machines", "level", "higher", "mart_snow_unit",
       "期末最近一次清雪力量台账的机械台数合计", "machines on the latest roster on or before the period end",
       sources=("snow_roster",), additive=False),
    _I("assessment.rank", "市级考核名次", "City assessment rank", "名", "rank", "rank", "lower", "mart_city_assessment",
       "环翠区在各考核项目最近一期的名次（名次缺失时按得分排名，并列同名次）",
       "the district's rank in each item's latest period (from 得分 when 名次 is missing; ties share a rank)",
       sources=("city_assessment",), additive=False),
)

BY_KEY: dict[str, Indicator] = {i.key: i for i in INDICATORS}


def get(key: str) -> Indicator:
    """The indicator with this key (KeyError names the unknown key)."""
    return BY_KEY[key]
