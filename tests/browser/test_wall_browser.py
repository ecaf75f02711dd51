"""/wall in headless Chromium at 1920×1080, 3840×2160 and 3840×1080: no scrollbars, every panel drawn with
data and fitting its box, minimum font sizes, rotation, a new load shown without a reload, an alert when a
town turns red. Screenshots: ``artifacts/screenshots/wall_*.png``."""

from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from dashboard.app import create_app
from pages.wall.playlist import PANELS
from tests.browser.conftest import console_errors, shot, wait_ready
from tests.dashboard_data import DCM_HEADER, load

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

SIZES = [(1920, 1080), (3840, 2160), (3840, 1080)]
ALL = ",".join(PANELS)

FIT_JS = """
const out = {scroll: null, panels: [], small: [], clipped: []};
const s = document.scrollingElement;
out.scroll = [s.scrollWidth, s.clientWidth, s.scrollHeight, s.clientHeight];
const scale = window.innerHeight / 1080;
for (const p of document.querySelectorAll('.wall-panel.wall-on')) {
  const box = p.getBoundingClientRect();
  let over = 0;
  for (const el of p.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width && r.height && r.bottom > box.bottom + 1) over += 1;
  }
  const nums = [...p.querySelectorAll('.wall-num, .wall-lg-score')].map(e => e.textContent.trim());
  out.panels.push([p.id, p.innerText.trim().length, nums, over]);
}
for (const el of document.querySelectorAll('#wall-root *')) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  const r = el.getBoundingClientRect();
  if (!own || !r.width || !r.height) continue;
  const size = parseFloat(getComputedStyle(el).fontSize);
  const need = (el.classList.contains('wall-num') ? 48 : 20) * scale - 0.5;
  if (size < need) out.small.push([el.className, el.textContent.trim().slice(0, 20), size]);
  if (el.classList.contains('wall-num') && el.scrollWidth > el.clientWidth + 1) out.clipped.push(el.textContent);
}
return out;
"""

BANNER_JS = """const b = document.getElementById('wall-alerts');
const tops = new Set([...b.children].map(c => Math.round(c.getBoundingClientRect().top)));
return [tops.size, b.scrollHeight, b.clientHeight];"""
CJK = re.compile(r"[\u3400-\u9fff]")
ON_JS = "return [...document.querySelectorAll('.wall-panel.wall-on')].map(p => p.id.replace('wall-panel-', ''))"


def _size(duo: Any, width: int, height: int) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


def _wait(cond: Any, timeout: float = 20.0) -> Any:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        value = cond()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError("condition not met")


def _open(duo: Any, query: str) -> None:
    duo.driver.get(duo.server_url + "/wall" + query)
    wait_ready(duo)
    _wait(lambda: duo.driver.execute_script(ON_JS))


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_wall101_fits_rotates_and_reads(dash_duo: Any, browser_warehouse: Path, width: int, height: int) -> None:
    dash_duo.start_server(create_app(browser_warehouse))
    _size(dash_duo, width, height)
    _open(dash_duo, f"?panels={ALL}&seconds=3")
    per = 2 if width / height >= 2.5 else 1
    steps = len(PANELS) // per
    seen: list[list[str]] = []
    for step in range(steps):
        on = _wait(lambda: (now := dash_duo.driver.execute_script(ON_JS)) and now not in seen and now, timeout=8)
        seen.append(on)
        time.sleep(0.3)  # the panel's layout settles
        fit = dash_duo.driver.execute_script(FIT_JS)
        sw, cw, sh, ch = fit["scroll"]
        assert sw <= cw and sh <= ch, f"scrollbars at {width}×{height}: {fit['scroll']}"
        assert fit["small"] == [], f"text below the minimum size at {width}×{height}: {fit['small'][:5]}"
        assert fit["clipped"] == [], f"numerals cut off at {width}×{height}: {fit['clipped']}"
        for panel_id, text_len, nums, over in fit["panels"]:
            assert text_len > 20 and nums, f"{panel_id} has no data"
            assert any(ch.isdigit() for n in nums for ch in n), f"{panel_id}: {nums}"
            assert over == 0, f"{panel_id} overflows its box at {width}×{height} ({over} elements)"
        if height == 1080 or step < 2:
            shot(dash_duo, f"wall_{width}x{height}_{'_'.join(on)}")
    # the playlist in order, every panel once, `per` at a time
    assert [p for group in seen for p in group] == list(PANELS)
    assert console_errors(dash_duo) == []


def test_wall102_fixed_panel_and_english(dash_duo: Any, browser_warehouse: Path) -> None:
    dash_duo.start_server(create_app(browser_warehouse))
    _size(dash_duo, 1920, 1080)
    _open(dash_duo, "?panel=league&seconds=3&lang=en")
    assert dash_duo.driver.execute_script(ON_JS) == ["league"]
    time.sleep(4)  # a rotation interval later: still the league
    assert dash_duo.driver.execute_script(ON_JS) == ["league"]
    text = dash_duo.find_element("#wall-panel-league").text
    assert "Town league" in text and len(dash_duo.driver.find_elements("css selector", ".wall-lg-row")) == 9
    assert not dash_duo.driver.find_element("css selector", ".kpi-navbar").is_displayed()
    shot(dash_duo, "wall_1920x1080_league_en")
    assert console_errors(dash_duo) == []
    banner = dash_duo.driver.execute_script(BANNER_JS)  # two lines of alerts shown whole, not cut in half
    assert banner[0] >= 2 and banner[1] <= banner[2] + 1, banner
    ticker = dash_duo.find_element("#wall-ticker").text
    assert "overdue" in ticker and not CJK.search(ticker), ticker  # towns in pinyin, categories in English
    _open(dash_duo, "?panel=league&of=" + quote("²") + "&lang=en")  # a bad link value: default, and a note
    assert dash_duo.find_element("#wall-note").text == "Link parameter(s) of not usable, defaults shown"
    fit = dash_duo.driver.execute_script(FIT_JS)
    assert fit["scroll"][0] <= fit["scroll"][1] and fit["scroll"][2] <= fit["scroll"][3], fit["scroll"]
    assert fit["small"] == [] and [over for *_, over in fit["panels"]] == [0]
    shot(dash_duo, "wall_1920x1080_note_en")
    assert console_errors(dash_duo) == []


def _overdue_cases(path: Path, town: str, n: int) -> Path:
    """``n`` open cases of ``town`` due in June 2023, all overdue by the data's end and all reworked."""
    rows = []
    for i in range(n):
        reported = dt.datetime(2023, 6, 5, 8, 0) + dt.timedelta(minutes=7 * i)
        fmt = "%Y-%m-%d %H:%M:%S"
        rows.append([f"W23{i:07d}", reported.strftime(fmt), "监督员上报", "暴露垃圾", town, "", "",
                     reported.strftime(fmt), (reported + dt.timedelta(hours=1)).strftime(fmt), "环翠区综合行政执法局",
                     (reported + dt.timedelta(hours=25)).strftime(fmt), "", "", "处置", 1])
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([DCM_HEADER, *rows])
    return path


def test_wall103_new_load_shows_without_reload_and_alerts(dash_duo: Any, browser_warehouse: Path,
                                                         tmp_path: Path) -> None:
    """A load published while the wall runs: the league and the alerts change in place (same page, same root
    element: no reload, no re-render), and the town that turned red is named in the banner."""
    shutil.copytree(browser_warehouse.parent, tmp_path / "wh", symlinks=True)
    warehouse = tmp_path / "wh" / browser_warehouse.name
    dash_duo.start_server(create_app(warehouse, warm=False))
    _size(dash_duo, 1920, 1080)
    _open(dash_duo, "?panel=league&refresh=1")
    town_row = dash_duo.driver.find_element("css selector", ".wall-lg-row")
    assert "温泉镇" in town_row.text and "wall-st-green" in town_row.get_attribute("class")
    assert "温泉镇 转为未达标" not in dash_duo.find_element("#wall-alerts").text
    dash_duo.driver.execute_script("window.__wallMarker = 7; document.getElementById('wall-root').__mark = 7;")
    load(_overdue_cases(tmp_path / "more" / "cases.csv", "温泉镇", 300), warehouse)
    started = time.perf_counter()
    _wait(lambda: "温泉镇 转为未达标" in dash_duo.find_element("#wall-alerts").text, timeout=30)
    shown_s = time.perf_counter() - started
    rows = dash_duo.driver.find_elements("css selector", ".wall-lg-row")
    wenquan = next(r for r in rows if "温泉镇" in r.text)
    assert "wall-st-red" in wenquan.get_attribute("class")
    assert dash_duo.driver.execute_script("return window.__wallMarker") == 7  # not reloaded
    assert dash_duo.driver.execute_script("return document.getElementById('wall-root').__mark") == 7  # not re-rendered
    shot(dash_duo, "wall_1920x1080_alert_town_red")
    assert shown_s < 30
    assert console_errors(dash_duo) == []
