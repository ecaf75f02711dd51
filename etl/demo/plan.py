"""The calibrated 2022 plan: what the bureau's 2022 work report says, split into rows.

The warehouse marts compute these figures from the generated rows; every source module builds its
2022 rows from the numbers below, independently of ``scale`` (scale only adds volume elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

#: ``kpi report --year 2022 --json`` must print exactly these values
CALIBRATION_2022: dict[str, float] = {
    "refined.city_notified": 451,
    "refined.city_notified_rectified_on_time": 451,
    "refined.wall_removal": 27,
    "refined.supervised_rectified": 569,
    "refined.town_self_rectified": 220,
    "refined.outdoor_ads_removed": 89,
    "refined.public_ads_replaced": 1540,
    "refined.night_market_issues": 260,
    "refined.first_batch": 43,
    "refined.aerial": 129,
    "refined.railway": 49,
    "demolition.stock_count": 91,
    "demolition.stock_area_m2": 28494,
    "demolition.new_count": 5,
    "demolition.new_area_m2": 90,
    "demolition.campaign_count": 50,
    "demolition.campaign_area_m2": 17281,
    "fume.lab_tests": 173,
    "fume.lab_tests_compliant": 173,
    "fume.site_surveys": 1400,
    "dcm.closed": 547,
    "dcm.on_time_close_rate": 1.0,
    "dcm.rework_cases": 0,
    "snow.personnel": 8900,
    "snow.machines": 947,
    "village.dispatched": 16362,
    "village.inspection_notices": 37,
    "village.rectified_from_inspections": 1113,
    "coastal.person_times": 4670,
    "coastal.vehicle_times": 380,
    "coastal.garbage_t": 3668,
    "coastal.projects": 17,
    "coastal.projects_done": 17,
    "penalty.filed": 25,
    "penalty.fines_yuan": 42320,
    "penalty.online_rate": 1.0,
    "penalty.court_enforcement": 5,
    "penalty.gov_enforcement": 12,
    "penalty.double_publicity": 9,
    "permits.temp_occupation": 743,
    "permits.bilingual_signs": 360,
    "service.consultations": 1500,
    "service.good_deeds": 50,
    "video_ai.channels": 150,
}

ADS = "不规范户外广告"
PUBLIC_ADS = "公益广告破损"


@dataclass(frozen=True)
class RefinedBlock:
    """A block of refined-city issues of one source.

    ``found`` is the window of 发现日期; ``rectified`` the window of 整改完成日期 (``None``: never
    rectified as of the latest export); ``ads``/``public_ads`` how many rows carry those two categories;
    the rest take categories from ``pool``. ``reported`` sets 列入市级上报 for the whole block.
    """

    source: str
    n: int
    found: tuple[date, date]
    rectified: tuple[date, date] | None
    pool: tuple[str, ...]
    ads: int = 0
    public_ads: int = 0
    batch: str | None = None
    deadline: date | None = None
    reported: str | None = None
    evening_batches: int = 0


_GENERAL = ("乱堆乱放", "破损墙体", "乱扯乱挂", "垃圾死角", "卫生死角", "破损路面", "违规晾晒", "占道经营")
_MARKET = ("占道经营", "流动摊贩", "乱堆乱放", "垃圾死角", "卫生死角", "乱扯乱挂")
_RAIL = ("防尘网彩钢瓦", "乱堆乱放", "垃圾死角", "破损墙体", "乱扯乱挂")
_HILL = ("绿化带广告", "流动摊贩", "乱堆乱放", "垃圾死角", "卫生死角")
_WALL = ("破损墙体", "乱堆乱放", "垃圾死角")

D = date
#: refined-city issues behind the 2022 figures (rows of other years come from the background model)
REFINED_2022: tuple[RefinedBlock, ...] = (
    # 市精致办通报 451, all rectified on time; the ad categories are rectified within 2022
    RefinedBlock("市精致办通报", 40, (D(2022, 1, 6), D(2022, 11, 25)), (D(2022, 1, 8), D(2022, 12, 20)), _GENERAL,
                 ads=10, public_ads=30),
    RefinedBlock("市精致办通报", 411, (D(2022, 1, 6), D(2022, 12, 22)), (D(2022, 1, 8), D(2023, 1, 6)), _GENERAL),
    RefinedBlock("市级第一期", 43, (D(2022, 4, 6), D(2022, 4, 12)), (D(2022, 4, 20), D(2022, 6, 28)),
                 (*_GENERAL, "防尘网彩钢瓦"), batch="第一期", deadline=D(2022, 6, 30)),
    RefinedBlock("市级航拍", 129, (D(2022, 5, 16), D(2022, 5, 31)), (D(2022, 6, 1), D(2022, 7, 29)),
                 _RAIL, batch="航拍第一批", deadline=D(2022, 7, 31)),
    RefinedBlock("铁路沿线", 49, (D(2022, 3, 10), D(2022, 4, 22)), (D(2022, 3, 20), D(2022, 6, 10)), _RAIL,
                 batch="桃威铁路沿线"),
    RefinedBlock("市级视频", 3, (D(2022, 5, 9), D(2022, 6, 14)), (D(2022, 5, 20), D(2022, 6, 30)), _GENERAL),
    RefinedBlock("环山路", 64, (D(2022, 3, 1), D(2022, 10, 30)), (D(2022, 3, 5), D(2023, 1, 10)), _HILL),
    RefinedBlock("环山路", 4, (D(2022, 3, 1), D(2022, 10, 30)), (D(2022, 3, 5), D(2022, 12, 15)), _HILL, ads=4),
    RefinedBlock("拆围建绿", 27, (D(2022, 3, 1), D(2022, 9, 30)), (D(2022, 3, 20), D(2022, 11, 30)), _WALL,
                 reported="是"),
    RefinedBlock("拆围建绿", 1, (D(2022, 6, 1), D(2022, 6, 30)), (D(2022, 7, 1), D(2022, 8, 15)), _WALL,
                 reported="否"),
    RefinedBlock("早夜市联合检查", 260, (D(2022, 5, 13), D(2022, 10, 14)), (D(2022, 5, 14), D(2022, 10, 31)),
                 _MARKET, evening_batches=10),
    # 区级督导: 569 rectified in 2022 = 14 found in Dec 2021 + 555 found in 2022; 21 more roll into 2023
    RefinedBlock("区级督导", 14, (D(2021, 12, 8), D(2021, 12, 28)), (D(2022, 1, 4), D(2022, 1, 25)), _GENERAL,
                 ads=2, public_ads=3),
    RefinedBlock("区级督导", 555, (D(2022, 1, 4), D(2022, 12, 9)), (D(2022, 1, 6), D(2022, 12, 30)), _GENERAL,
                 ads=53, public_ads=117),
    RefinedBlock("区级督导", 21, (D(2022, 12, 12), D(2022, 12, 29)), (D(2023, 1, 4), D(2023, 2, 20)), _GENERAL,
                 ads=2),
    # 镇街自查: 220 rectified in 2022 = 5 from Dec 2021 + 215 from 2022; 9 roll into 2023
    RefinedBlock("镇街自查", 5, (D(2021, 12, 6), D(2021, 12, 27)), (D(2022, 1, 5), D(2022, 1, 28)), _GENERAL,
                 public_ads=2),
    RefinedBlock("镇街自查", 215, (D(2022, 1, 5), D(2022, 12, 10)), (D(2022, 1, 8), D(2022, 12, 29)), _GENERAL,
                 ads=12, public_ads=38),
    RefinedBlock("镇街自查", 9, (D(2022, 12, 13), D(2022, 12, 28)), (D(2023, 1, 5), D(2023, 2, 10)), _GENERAL),
    # 现场督导: 34 on-site problems (8 of them outdoor ads) and the 1,350 broken public-service ads
    RefinedBlock("现场督导", 34, (D(2022, 2, 10), D(2022, 11, 30)), (D(2022, 2, 12), D(2022, 12, 20)), _GENERAL,
                 ads=8),
    RefinedBlock("现场督导", 1350, (D(2022, 2, 15), D(2022, 12, 10)), (D(2022, 2, 18), D(2022, 12, 28)), _GENERAL,
                 public_ads=1350),
)

#: typical yearly rows per source outside 2022 (scaled by the year factor; ads/public-ads shares)
REFINED_BACKGROUND: dict[str, tuple[int, float, float]] = {
    "市精致办通报": (440, 0.03, 0.07),
    "市级第一期": (40, 0.0, 0.0),
    "市级航拍": (110, 0.0, 0.0),
    "铁路沿线": (40, 0.0, 0.0),
    "市级视频": (6, 0.0, 0.0),
    "环山路": (60, 0.05, 0.0),
    "拆围建绿": (20, 0.0, 0.0),
    "早夜市联合检查": (250, 0.0, 0.0),
    "区级督导": (580, 0.1, 0.2),
    "镇街自查": (230, 0.06, 0.18),
    "现场督导": (1300, 0.01, 0.96),
}

# ---------------------------------------------------------------- illegal construction
STOCK_2022 = (91, 28494)
CAMPAIGN_2022 = (50, 17281)  # all of them stock demolished in 2022
NEW_2022 = (5, 90)
CAMPAIGN_NAME = "违法建设专项整治"
#: stock demolished per year outside 2022, and new illegal construction found per year
STOCK_DEMOLISHED = {2021: 84, 2023: 83, 2024: 71, 2025: 62, 2026: 54}
NEW_FOUND = {2021: 13, 2023: 3, 2024: 1, 2025: 1, 2026: 0}
STOCK_INITIAL = 560

# ---------------------------------------------------------------- penalty cases


@dataclass(frozen=True)
class PenaltyCase:
    """One 2022 administrative penalty case of the plan."""

    cause: str
    fine: int | None
    enforcement: str
    result: str | None
    publicity: bool
    party: str  # 个人 / 企业 / 个体工商户


_P = PenaltyCase
PENALTY_2022: tuple[PenaltyCase, ...] = (
    # 12 demolition orders carried out with the district government's approval (no fine)
    *(_P("违法建设", None, "申请政府强制执行", "已批复实施", False, "个人") for _ in range(10)),
    _P("未取得建设工程规划许可证进行建设", None, "申请政府强制执行", "已批复实施", False, "企业"),
    _P("未取得建设工程规划许可证进行建设", None, "申请政府强制执行", "已批复实施", False, "个人"),
    # 5 fines the court declined to enforce
    _P("擅自设置户外广告", 2000, "申请法院强制执行", "不予执行", True, "个体工商户"),
    _P("擅自占用城市道路", 3000, "申请法院强制执行", "不予执行", False, "个人"),
    _P("店外经营", 1000, "申请法院强制执行", "不予执行", False, "个人"),
    _P("油烟超标排放", 5000, "申请法院强制执行", "不予执行", True, "企业"),
    _P("店外经营", 500, "申请法院强制执行", "不予执行", False, "个体工商户"),
    # 8 fines paid
    _P("未按规定倾倒建筑垃圾", 10000, "无", None, True, "企业"),
    _P("擅自挖掘城市道路", 8000, "无", None, True, "企业"),
    _P("夜间施工噪声扰民", 5000, "无", None, True, "企业"),
    _P("擅自设置户外广告", 3000, "无", None, True, "企业"),
    _P("损毁城市绿地", 2000, "无", None, True, "企业"),
    _P("油烟超标排放", 1500, "无", None, True, "个体工商户"),
    _P("擅自占用城市道路", 1000, "无", None, False, "个人"),
    _P("店外经营", 320, "无", None, True, "个体工商户"),
)

# ---------------------------------------------------------------- smaller sources
FUME_2022 = {"专业检测": 173, "审管联动现场勘查": 1400}
SNOW_ROSTER_DATE_2022 = date(2022, 11, 30)
SNOW_2022 = (8900, 947)
VILLAGE_2022 = 16362
VILLAGE_NOTICES_2022 = (37, 1113)
COASTAL_LOGS_2022 = (4670, 380, 3668)
COASTAL_PROJECTS_2022 = {"投资建设": 2, "综合整治": 6, "执法监察": 9}
PERMITS_2022 = {"临时占道": 743, "门头招牌外文": 360, "门头招牌无": 515}
SERVICE_2022 = {"咨询": 910, "投诉": 370, "求助": 220, "为民办实事": 50}
VIDEO_CHANNELS_2022 = 150
DCM_BUREAU_CLOSED_2022 = 547


def check_plan() -> None:
    """Assert the plan's internal sums (run by the tests)."""
    def tot(source: str, field: str = "n") -> int:
        return sum(getattr(b, field) for b in REFINED_2022 if b.source == source)

    found_2022 = [b for b in REFINED_2022 if b.found[0].year == 2022]
    rect_2022 = [b for b in REFINED_2022 if b.rectified and b.rectified[1].year == 2022]
    assert tot("市精致办通报") == 451
    assert sum(b.n for b in REFINED_2022 if b.source == "区级督导" and b in rect_2022) == 569
    assert sum(b.n for b in REFINED_2022 if b.source == "镇街自查" and b in rect_2022) == 220
    assert sum(b.ads for b in rect_2022) == 89
    assert sum(b.public_ads for b in rect_2022) == 1540
    assert sum(b.n for b in found_2022 if b.source == "早夜市联合检查") == 260
    assert sum(b.n for b in found_2022 if b.source == "拆围建绿" and b.reported == "是") == 27
    fined = [c.fine for c in PENALTY_2022 if c.fine]
    assert len(PENALTY_2022) == 25 and sum(fined) == 42320
    assert sum(c.publicity for c in PENALTY_2022) == 9
    assert sum(c.enforcement == "申请法院强制执行" for c in PENALTY_2022) == 5
    assert sum(c.enforcement == "申请政府强制执行" for c in PENALTY_2022) == 12
    assert sum(COASTAL_PROJECTS_2022.values()) == 17
    assert sum(v for k, v in SERVICE_2022.items() if k != "为民办实事") == 1500
