"""/dispatch in headless Chromium on the demo warehouse: the week, holding the meeting, a commitment recorded,
coming back next week with its movement and closed with a note, the supervised list, both languages."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from dashboard.appdb import AppDB
from tests.browser.conftest import console_errors, lcp, shot, viewport, visit

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]


def _wait(cond: Any, timeout: float = 20.0) -> Any:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            value = cond()
        except (StaleElementReferenceException, NoSuchElementException):  # the page is re-rendering
            value = None
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError("condition not met")


def _click(duo: Any, element: Any) -> None:
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def test_dispb001_hold_the_meeting_and_follow_up_a_commitment(dash_duo: Any, browser_warehouse: Path,
                                                               tmp_path: Path, latency: dict) -> None:
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    dash_duo.start_server(create_app(browser_warehouse, app_db=url))
    viewport(dash_duo)
    d = dash_duo.driver
    visit(dash_duo, "/dispatch")  # cold caches
    seconds = visit(dash_duo, "/dispatch")
    latency.setdefault("dispatch", {})["page_load_zh"] = {"ready_s": round(seconds, 3), "lcp_s": lcp(dash_duo)}
    # the demo's data end on Friday 2023-06-30: the last complete week is W25
    assert "2023年第25周（06-19—06-25）" in dash_duo.find_element(".kpi-page-sub").text
    assert len(d.find_elements(By.CSS_SELECTOR, "#dp-indicators tbody tr")) == 8
    assert len(d.find_elements(By.CSS_SELECTOR, "#dp-towns tbody tr")) == 9
    assert "本周会议尚未召开" in dash_duo.find_element("#dp-state").text
    assert dash_duo.find_element("#nav-dispatch").text == "周调度会"
    grid = '[id^="card-dispatch-supervised"]'
    _wait(lambda: d.find_elements(By.CSS_SELECTOR, f"{grid} .ag-row"))
    assert len(d.find_elements(By.CSS_SELECTOR, f"{grid} .ag-row")) == 3  # the demo's 3 overdue cases that week
    assert d.find_elements(By.CSS_SELECTOR, f"{grid} .kpi-rows-btn")  # CSV export
    shot(dash_duo, "dispatch_zh")

    # hold the meeting: the figures freeze
    dash_duo.find_element("#dp-by").send_keys("张主任")
    _click(dash_duo, dash_duo.find_element("#dp-hold"))
    _wait(lambda: d.find_elements(By.CSS_SELECTOR, "#dp-state.dp-state-frozen"))
    assert "会议数据已冻结" in dash_duo.find_element("#dp-flash").text
    db = AppDB(url)
    snap = db.snapshot("2023-W25")
    assert snap is not None and snap.taken_by == "张主任"

    # record a commitment
    dash_duo.find_element("#dp-c-owner").send_keys("张村镇城管中队")
    dash_duo.find_element("#dp-c-text").send_keys("逐件核查超期案件")
    _click(dash_duo, dash_duo.find_element("#dp-c-add"))
    _wait(lambda: d.find_elements(By.CSS_SELECTOR, "#dp-c-this .dp-commitment"))
    assert "逐件核查超期案件" in dash_duo.find_element("#dp-c-this").text
    [made] = db.list_commitments()
    assert (made["owner"], made["week"], made["created_by"]) == ("张村镇城管中队", "2023-W25", "张主任")

    # next week: it comes back with the indicator's movement, and is closed with a note
    visit(dash_duo, "/dispatch?week=2023-W26")
    assert "与上次会议（2023-W25）的冻结数据相比" in dash_duo.find_element("#dp-since-basis").text
    earlier = dash_duo.find_element("#dp-c-earlier").text
    assert "逐件核查超期案件" in earlier and "会议时" in earlier
    shot(dash_duo, "dispatch_followup_zh")
    note = d.find_element(By.CSS_SELECTOR, "#dp-c-earlier input")
    note.send_keys("已全部办结")
    _click(dash_duo, d.find_element(By.CSS_SELECTOR, "#dp-c-earlier button"))
    _wait(lambda: "事项已关闭" in dash_duo.find_element("#dp-flash").text)
    closed = db.commitment(made["id"])
    assert closed is not None and (closed["status"], closed["closed_note"]) == ("closed", "已全部办结")
    assert "暂无" in dash_duo.find_element("#dp-c-earlier").text
    db.dispose()
    assert console_errors(dash_duo) == []


def test_dispb002_english(dash_duo: Any, browser_warehouse: Path, tmp_path: Path) -> None:
    dash_duo.start_server(create_app(browser_warehouse, app_db=f"sqlite:///{tmp_path / 'app.sqlite'}"))
    viewport(dash_duo)
    visit(dash_duo, "/dispatch?lang=en&week=2023-W24")
    assert dash_duo.find_element("#nav-dispatch").text == "Dispatch meeting"
    assert "Week 24, 2023" in dash_duo.find_element(".kpi-page-sub").text
    assert "Not yet held" in dash_duo.find_element("#dp-state").text
    shot(dash_duo, "dispatch_en")
    assert console_errors(dash_duo) == []


def test_dispb003_the_meeting_pack_download_opens_and_matches_the_screen(dash_duo: Any, browser_warehouse: Path,
                                                                          tmp_path: Path) -> None:
    """Click 下载会议材料: a ZIP of the week's XLSX, PPTX and PDF arrives, and each opens with the screen's week
    and indicators."""
    import io
    import zipfile

    from openpyxl import load_workbook
    from pptx import Presentation

    dash_duo.start_server(create_app(browser_warehouse, app_db=f"sqlite:///{tmp_path / 'app.sqlite'}"))
    viewport(dash_duo)
    d = dash_duo.driver
    visit(dash_duo, "/dispatch?week=2023-W25")
    on_screen = [r.find_elements(By.CSS_SELECTOR, "td")[0].text
                 for r in d.find_elements(By.CSS_SELECTOR, "#dp-indicators tbody tr")]
    _click(dash_duo, dash_duo.wait_for_element("#meeting-pack-button", timeout=30))
    folder = Path(dash_duo.download_path)
    target = folder / "meeting-2023-W25-zh.zip"
    _wait(lambda: target.is_file() and not list(folder.glob("*.crdownload")), timeout=180.0)
    with zipfile.ZipFile(target) as zf:
        assert sorted(zf.namelist()) == ["meeting-2023-W25-zh.pdf", "meeting-2023-W25-zh.pptx",
                                         "meeting-2023-W25-zh.xlsx"]
        wb = load_workbook(io.BytesIO(zf.read("meeting-2023-W25-zh.xlsx")))
        deck = Presentation(io.BytesIO(zf.read("meeting-2023-W25-zh.pptx")))
        pdf = zf.read("meeting-2023-W25-zh.pdf")
    assert wb.sheetnames[0] == "周调度工作简报（2023年第25周）"
    ws = wb["指标总览"]
    in_pack = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1) if ws.cell(row=r, column=1).value]
    assert len(on_screen) == 8 and in_pack == on_screen
    title_slide = " ".join(shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame)
    assert "2023年第25周" in title_slide
    assert pdf.startswith(b"%PDF-")
    assert console_errors(dash_duo) == []
