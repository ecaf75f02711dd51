"""Every drill level of every page that drills, clicked in the browser: the tiles change to the values of the
level, counted here by plain SQL over the mart rows (never through the page's queries or figures).

District → town (a click on a town's bar) → community (a click on a community's bar) → rows (a click on a grid):
/violations and /demolitions to the community, / and /snow to the town (their data has no community).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from selenium.webdriver.common.by import By

from dashboard.app import create_app
from tests.browser.conftest import console_errors, shot, until, viewport, visit, wait_ready

pytestmark = [pytest.mark.browser, pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")]

START, END = dt.date(2023, 1, 1), dt.date(2023, 6, 30)
RANGE = f"start={START}&end={END}"
TOWN = "371002001"  # 环翠楼街道


def _sql(warehouse: Path, sql: str, *params: object) -> Any:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchone()[0]
    finally:
        con.close()



def _stats(duo: Any) -> dict[str, str]:
    """label → value of the page's headline figures (strip stats and tiles)."""
    return duo.driver.execute_script("""
        const out = {};
        for (const el of document.querySelectorAll('#_pages_content .kpi-stat')) {
          const label = el.querySelector('.kpi-stat-label').innerText.trim();
          out[label] = el.querySelector('.kpi-stat-value').innerText.trim();
        }
        for (const el of document.querySelectorAll('#_pages_content .kpi-tile')) {
          const label = el.querySelector('.kpi-tile-label').innerText.trim();
          out[label] = el.querySelector('.kpi-tile-value').innerText.trim();
        }
        return out;""")


def _click(duo: Any, key: str, value: str) -> None:
    """A click on the mark of ``key``'s chart whose customdata[0] is ``value`` (as plotly reports a click)."""
    done = duo.driver.execute_script(
        """
        const box = document.getElementById(JSON.stringify({key: arguments[0], type: 'chart'}));
        const gd = box && box.querySelector('.js-plotly-plot');
        if (!gd) return false;
        for (const [c, trace] of gd.data.entries()) {
          const custom = trace.customdata || [];
          for (let i = 0; i < custom.length; i++) {
            const cd = custom[i];
            if (String(Array.isArray(cd) ? cd[0] : cd) === arguments[1]) {
              gd.emit('plotly_click', {points: [{curveNumber: c, pointNumber: i, pointIndex: i, customdata: cd,
                                                 x: (trace.x || [])[i], y: (trace.y || [])[i]}]});
              return true;
            }
          }
        }
        return false;""",
        key,
        value,
    )
    assert done, f"no mark {value!r} in {key}"


def _after_drill(duo: Any, part: str) -> None:
    until(lambda: part in duo.driver.current_url)
    wait_ready(duo)
    time.sleep(0.3)
    wait_ready(duo)


def _filed(wh: Path, where: str = "true", *params: object) -> str:
    n = _sql(
        wh,
        f"SELECT count(*) FROM mart_dcm_case WHERE is_filed AND CAST(filed_ts AS DATE) "
        f"BETWEEN ? AND ? AND {where}",
        START,
        END,
        *params,
    )
    return f"{n:,} 件"


def test_drill_b001_violations_district_town_community_rows(dash_duo: Any, browser_warehouse: Path) -> None:
    wh = browser_warehouse
    dash_duo.start_server(create_app(wh))
    viewport(dash_duo)
    visit(dash_duo, f"/violations?{RANGE}")
    assert _stats(dash_duo)["立案数"] == _filed(wh)
    _click(dash_duo, "vi.towns", TOWN)
    _after_drill(dash_duo, f"towns={TOWN}")
    assert _stats(dash_duo)["立案数"] == _filed(wh, "town_code = ?", TOWN)
    community = _sql(
        wh,
        "SELECT community FROM mart_dcm_case WHERE town_code = ? AND community IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        TOWN,
    )
    _click(dash_duo, "vi.areas", community)
    _after_drill(dash_duo, "community=")
    at_community = _filed(wh, "town_code = ? AND community = ?", TOWN, community)
    assert _stats(dash_duo)["立案数"] == at_community
    assert at_community != _filed(wh, "town_code = ?", TOWN)
    shot(dash_duo, "drill-violations-community")
    grid = _sql(
        wh,
        "SELECT grid_code FROM mart_dcm_case WHERE town_code = ? AND community = ? AND grid_code IS NOT NULL "
        "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        TOWN,
        community,
    )
    rows = _sql(
        wh,
        "SELECT count(*) FROM mart_dcm_case WHERE town_code = ? AND community = ? AND grid_code = ? AND is_filed "
        "AND CAST(filed_ts AS DATE) BETWEEN ? AND ?",
        TOWN,
        community,
        grid,
        START,
        END,
    )
    _click(dash_duo, "vi.areas", grid)
    title = until(lambda: (el := dash_duo.driver.find_element(By.ID, "rows-title")).is_displayed() and el.text)
    assert title.endswith(f"网格 {grid}")
    count = until(lambda: dash_duo.driver.find_element(By.ID, "rows-count").text)
    assert count == f"共 {min(rows, 500)} 行"
    assert [e["message"] for e in console_errors(dash_duo)] == []


def test_drill_b002_demolitions_district_town_community(dash_duo: Any, browser_warehouse: Path) -> None:
    wh = browser_warehouse
    dash_duo.start_server(create_app(wh))
    viewport(dash_duo)

    def campaign(where: str = "true", *params: object) -> str:
        n = _sql(
            wh,
            "SELECT count(*) FROM mart_illegal_construction WHERE is_demolished AND campaign = '违法建设专项整治' "
            f"AND demolished_on BETWEEN ? AND ? AND {where}",
            START,
            END,
            *params,
        )
        return f"{n} 处"

    in_campaign = (
        "FROM mart_illegal_construction WHERE is_demolished AND campaign = '违法建设专项整治' "
        "AND demolished_on BETWEEN ? AND ?"
    )
    # the town whose campaign demolitions spread over the most communities, and its busiest community
    town = _sql(wh, f"SELECT town_code {in_campaign} GROUP BY 1 ORDER BY count(DISTINCT community) DESC, 1 LIMIT 1",
                START, END)
    community = _sql(wh, f"SELECT community {in_campaign} AND town_code = ? GROUP BY 1 ORDER BY count(*) DESC, 1 "
                     "LIMIT 1", START, END, town)
    visit(dash_duo, f"/demolitions?{RANGE}")
    assert _stats(dash_duo)["专项行动拆除"] == campaign()
    _click(dash_duo, "de.by_town", town)
    _after_drill(dash_duo, f"towns={town}")
    assert _stats(dash_duo)["专项行动拆除"] == campaign("town_code = ?", town)
    _click(dash_duo, "de.by_town", community)
    _after_drill(dash_duo, "community=")
    at_community = campaign("town_code = ? AND community = ?", town, community)
    assert _stats(dash_duo)["专项行动拆除"] == at_community
    assert at_community != campaign("town_code = ?", town)
    shot(dash_duo, "drill-demolitions-community")
    assert [e["message"] for e in console_errors(dash_duo)] == []


def test_drill_b003_overview_and_snow_district_town(dash_duo: Any, browser_warehouse: Path) -> None:
    wh = browser_warehouse
    dash_duo.start_server(create_app(wh))
    viewport(dash_duo)
    week = (END - dt.timedelta(days=6), END)

    def filed_week(where: str = "true", *params: object) -> str:
        n = _sql(
            wh,
            "SELECT count(*) FROM mart_dcm_case WHERE is_filed AND CAST(filed_ts AS DATE) "
            f"BETWEEN ? AND ? AND {where}",
            *week,
            *params,
        )
        return f"{n} 件"

    visit(dash_duo, f"/?{RANGE}")
    assert _stats(dash_duo)["本周案件"] == filed_week()
    _click(dash_duo, "ov.towns_chart", TOWN)
    _after_drill(dash_duo, f"towns={TOWN}")
    assert _stats(dash_duo)["本周案件"] == filed_week("town_code = ?", TOWN)

    def machines(where: str = "true", *params: object) -> str:
        n = _sql(
            wh,
            "SELECT sum(machines) FROM mart_snow_roster WHERE as_of = (SELECT max(as_of) FROM mart_snow_roster "
            f"WHERE as_of <= ?) AND {where}",
            END,
            *params,
        )
        return f"{n:,} 台"

    visit(dash_duo, f"/snow?{RANGE}")
    assert _stats(dash_duo)["清雪机械"] == machines()
    _click(dash_duo, "sn.force", TOWN)
    _after_drill(dash_duo, f"towns={TOWN}")
    assert _stats(dash_duo)["清雪机械"] == machines("town_code = ?", TOWN)
    assert re.fullmatch(r"[\d,]+ 台", _stats(dash_duo)["清雪机械"])
    assert [e["message"] for e in console_errors(dash_duo)] == []
