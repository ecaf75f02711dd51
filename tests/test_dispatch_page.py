"""/dispatch without a browser: its default week, what it shows live and frozen, and its buttons as plain
functions (``pages.dispatch.page.act``) against a real application database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from dashboard.appdb import AppDB
from dashboard.data import Warehouse
from dashboard.pagekit import PageContext, context
from dashboard.weekly import week_figures
from pages.dispatch import page
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401


def _text(node: object) -> str:
    return json.dumps(node, default=lambda o: o.to_plotly_json() if hasattr(o, "to_plotly_json") else str(o),
                      ensure_ascii=False)


@pytest.fixture
def pc(small_warehouse: Path, tmp_path: Path) -> PageContext:
    db = AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")
    return context({"week": "2023-W10"}, Warehouse(small_warehouse), db)


def test_dpage001_default_week_is_the_last_complete_week_of_the_data(small_warehouse: Path) -> None:
    ctx = context({}, Warehouse(small_warehouse))
    assert ctx.data_end == dt.date(2023, 6, 30)  # a Friday: its week is not complete
    assert page.chosen_week(ctx) == "2023-W25"
    assert page.chosen_week(context({"week": "2023W9"}, Warehouse(small_warehouse))) == "2023-W09"
    assert page.chosen_week(context({"week": "nonsense"}, Warehouse(small_warehouse))) == "2023-W25"
    assert page.search_with_week("?lang=en&week=2023-W01", "2023-W10") == "?lang=en&week=2023-W10"


def test_dpage002_live_until_held_then_frozen(pc: PageContext) -> None:
    before = _text(page.main(pc, "2023-W10"))
    assert "本周会议尚未召开" in before and "dp-state-live" in before
    note = page.act(pc, "dp-hold", "张主任", {}, {})
    assert "会议数据已冻结" in _text(note)
    snap = pc.appdb.snapshot("2023-W10")
    assert (snap.taken_by, snap.figures) == ("张主任", week_figures(pc.wh, "2023-W10"))
    again = page.act(pc, "dp-hold", "李科长", {}, {})
    assert "此前已冻结（张主任）" in _text(again)
    after = _text(page.main(pc, "2023-W10"))
    assert "dp-state-frozen" in after and "dp-drift" not in after  # nothing loaded since: no drift note


def test_dpage003_record_and_close_a_commitment(pc: PageContext) -> None:
    form = {"town": "371002100", "indicator": "dcm.on_time_due_rate", "owner": " 张村镇中队 ", "due": "2023-03-17",
            "text": "逐件核查"}
    assert "请填写" in _text(page.act(pc, "dp-c-add", "张主任", {**form, "owner": "  "}, {}))
    assert pc.appdb.list_commitments() == []
    page.act(pc, "dp-c-add", "张主任", form, {})
    [c] = pc.appdb.list_commitments()
    assert (c["owner"], c["due_on"], c["town_code"], c["baseline"]) == ("张村镇中队", dt.date(2023, 3, 17),
                                                                        "371002100", 2 / 3)  # 2 of 3 due on time
    shown = _text(page.main(pc, "2023-W10"))
    assert "逐件核查" in shown
    note = page.act(pc, {"type": "dp-close", "cid": str(c["id"]), "v": "1"}, "李科长", {}, {str(c["id"]): "已完成"})
    assert "事项已关闭" in _text(note)
    conflict = page.act(pc, {"type": "dp-close", "cid": str(c["id"]), "v": "1"}, "王", {}, {str(c["id"]): "补充"})
    assert "两条说明均已保留" in _text(conflict)
    closed = pc.appdb.commitment(c["id"])
    assert (closed["closed_note"], closed["closed_by"]) == ("已完成\n补充", "李科长, 王")


def test_dpage004_an_open_commitment_comes_back_next_week_with_its_movement(pc: PageContext,
                                                                            small_warehouse: Path) -> None:
    pc.appdb.add_commitment("2023-W10", "371002100", "dcm.on_time_due_rate", "张村镇", None, "核查", "张主任",
                            baseline=2 / 3)
    nxt = context({"week": "2023-W11"}, Warehouse(small_warehouse), pc.appdb)
    shown = _text(page.main(nxt, "2023-W11"))
    # 张村镇 in W11: 4 of 5 cases due were closed on time (by hand from dcm.csv): 66.7 % → 80.0 %, +13.3 pp
    assert "指标：会议时 66.7%，本周 80.0%（+13.3 pp）" in shown
    assert "dp-move-good" in shown
