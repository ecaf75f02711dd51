"""The drafted weekly brief (周报): exact text from the hand-made week of ``tests/meeting_data.py``, every
number with its source, the change words at their boundaries, the choices (ties, grey towns) and English."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard.meeting_pack import brief
from dashboard.meeting_pack.pack import Source, Value, from_figures, shift_week
from tests.meeting_data import COMMITMENTS, week_figures


@pytest.fixture
def pack():
    return from_figures(week_figures(), basis="snapshot", frozen_at="2022-12-05T09:30", commitments=COMMITMENTS)


# By hand: filed 95 vs 85 → +10/85 = +11.76 %; on time 69/79 = 87.34 % vs 54/64 = 84.38 % → +2.97 points;
# amber against 90 %. Towns judged (not grey): 鲸园 10/10 and 温泉 6/6 tie at 100 % (鲸园 is listed first),
# 竹岛 7/10 lowest; 孙家疃 4/4 and 桥头 2/3 have fewer than 5 cases due. Red (< 81 %): 竹岛 70 %, 张村 80 %.
ZH = [
    "2022年第48周（11-28—12-04），全区数字城管立案 95 件，较上周增加 11.8%；按期结案率 87.3%，较上周上升 3.0 个百分点，"
    "距 90% 的目标尚有差距；结案率 95.0%，返工率 2.0%。",
    "分镇街看，鲸园街道按期结案率最高（100.0%），竹岛街道最低（70.0%）；立案最多的是环翠楼街道（25 件）。",
    "2 个镇街按期结案率未达目标：竹岛街道、张村镇，请属地执法中队重点督办。",
    "截至2022年12月4日，督办清单共 3 项，其中张村镇最多（2 项），超期最长 14 天。",
    "此前会议议定事项 2 项，已办结 1 项，1 项正在推进。",
    "（本简报数据取自2022-12-05 09:30会议冻结的快照。）",
]


def test_mbrief001_zh_text_exact(pack) -> None:
    assert brief.as_text(brief.draft(pack, "zh")).split("\n") == ZH


def test_mbrief002_en_text_exact(pack) -> None:
    lines = brief.as_text(brief.draft(pack, "en")).split("\n")
    assert lines[0] == ("In Week 48, 2022 (11-28–12-04) the district filed 95 cases in digital urban management "
                        "(up 11.8% on the week before). The on-time closure rate was 87.3% (up 3.0 pp), just short "
                        "of the 90% target; the closure rate was 95.0% and the rework rate 2.0%.")
    assert lines[1] == ("By town, Jingyuan had the highest on-time closure rate (100.0%) and Zhudao the lowest "
                        "(70.0%); Huancuilou filed the most cases (25 cases).")
    assert lines[3] == ("As of 12/4/2022, items on the supervised list: 3, most of them in Zhangcun (2); the oldest "
                        "is 14 days overdue.")
    assert lines[4] == "Commitments of earlier meetings under review: 2 (1 closed, 1 in progress)."


def test_mbrief003_every_number_has_its_source(pack) -> None:
    parts = brief.numbers(brief.draft(pack, "zh"))
    w48 = "2022-W48"
    assert [(p.text, p.source) for p in parts] == [
        ("95 件", Source("dcm.filed", w48)), ("增加 11.8%", Source("dcm.filed", w48)),
        ("87.3%", Source("dcm.on_time_due_rate", w48)), ("上升 3.0 个百分点", Source("dcm.on_time_due_rate", w48)),
        ("95.0%", Source("dcm.close_rate", w48)), ("2.0%", Source("dcm.rework_rate", w48)),
        ("100.0%", Source("dcm.on_time_due_rate", w48, "371002002")),
        ("70.0%", Source("dcm.on_time_due_rate", w48, "371002003")),
        ("25 件", Source("dcm.filed", w48, "371002001")),
        ("2", Source("dcm.on_time_due_rate", w48)),
        ("3", Source("supervised", w48)), ("2", Source("supervised", w48)), ("14", Source("supervised", w48)),
        ("2", Source("commitments", w48)), ("1", Source("commitments", w48)), ("1", Source("commitments", w48)),
    ]


def test_mbrief004_links(pack) -> None:
    assert Source("dcm.on_time_due_rate", "2022-W48", "371002100").href() == \
        "/violations?start=2022-11-28&end=2022-12-04&towns=371002100"
    assert Source("dcm.filed", "2023-W01").href() == "/violations?start=2023-01-02&end=2023-01-08"
    html = brief.as_html(brief.draft(pack, "zh"))
    assert '<a class="mp-src" href="/violations?start=2022-11-28&amp;end=2022-12-04" ' \
           'data-indicator="dcm.filed" data-week="2022-W48">95 件</a>' in html
    assert html.count('class="mp-src"') == 16


@pytest.mark.parametrize(("now", "before", "kind", "zh", "en"), [
    (80, 85, "count", "减少 5.9%", "down 5.9%"),  # −5/85 = −5.88 %
    (85, 85, "count", "持平", "unchanged"),
    (5, 0, "count", "增加 5", "up 5"),  # nothing the week before: the difference itself
    (3, None, "count", "无可比数据", "no comparable figure"),
    (0.8, 0.85, "rate", "下降 5.0 个百分点", "down 5.0 pp"),
    (0.9, 0.9, "rate", "持平", "unchanged"),
    (None, 0.9, "rate", "无可比数据", "no comparable figure"),
])
def test_mbrief005_change_words(now, before, kind, zh, en) -> None:
    assert brief.change_words(now, before, kind, "zh") == zh
    assert brief.change_words(now, before, kind, "en") == en


def test_mbrief006_target_words_follow_the_status(pack) -> None:
    fig = pack.get("dcm.on_time_due_rate")
    for status, words in (("green", "达到 90% 的目标"), ("red", "低于 90% 的目标"),
                          ("grey", "应结案件不足，暂不评价"), (None, "未设目标")):
        changed = dataclasses.replace(fig, now=dataclasses.replace(fig.now, status=status))
        other = dataclasses.replace(pack, indicators=tuple(changed if i.key == fig.key else i
                                                           for i in pack.indicators))
        assert words in brief.as_text(brief.draft(other, "zh")).split("\n")[0]


def test_mbrief007_too_few_towns_to_compare_and_none_red(pack) -> None:
    fig = pack.get("dcm.on_time_due_rate")
    grey = tuple(dataclasses.replace(tw, now=Value(tw.now.value, tw.now.num, 4, 0.9, "grey")) for tw in fig.towns)
    # one town left to judge: nothing to compare, and no town red
    towns = (dataclasses.replace(grey[0], now=Value(0.95, 19, 20, 0.9, "green")), *grey[1:])
    other = dataclasses.replace(pack, indicators=tuple(
        dataclasses.replace(i, towns=towns) if i.key == fig.key else i for i in pack.indicators))
    lines = brief.as_text(brief.draft(other, "zh")).split("\n")
    assert lines[1] == "本周各镇街应结案件均不足，暂不比较按期结案率。"
    assert lines[2] == "各镇街按期结案率均未出现未达标情况。"


def test_mbrief008_empty_lists_and_live_basis() -> None:
    figures = {**week_figures(), "supervised": [], "supervised_total": 0}
    pack = from_figures(figures, basis="live")
    lines = brief.as_text(brief.draft(pack, "zh")).split("\n")
    assert lines[-3:] == ["截至2022年12月4日，督办清单无超期未结事项。", "此前会议无待回顾的议定事项。",
                          "（本简报数据为截至2022年12月4日的实时数据，本周尚未召开会议冻结。）"]


def test_mbrief009_commitments_of_this_meeting_are_not_reviewed_yet() -> None:
    this_week = {**COMMITMENTS[0], "id": 3, "week": "2022-W48"}
    pack = from_figures(week_figures(), basis="live", commitments=[*COMMITMENTS, this_week])
    assert brief.as_text(brief.draft(pack, "zh")).split("\n")[4] == "此前会议议定事项 2 项，已办结 1 项，1 项正在推进。"


def test_mbrief010_weeks_across_the_year() -> None:
    assert shift_week("2022-W52", 1) == "2023-W01"
    assert shift_week("2021-W01", -1) == "2020-W53"  # 2020 has 53 ISO weeks
    with pytest.raises(ValueError, match="not an ISO week"):
        shift_week("2022-12", 1)
