"""Every form a town's name takes in real exports resolves to its one code and its one name.

Town names in the exports come with ideographic spaces (U+3000, typed by Chinese input methods), no-break
spaces (U+00A0, from web pages pasted into Excel), plain spaces, and short or long forms (鲸园 / 鲸园街道 /
鲸园街道办事处). Where a town name is part of a key (the snow roster's 镇街/单位), every form must give the
same key, or one unit counts twice. Codes from warehouse/reference/towns.csv.
"""

from __future__ import annotations

import pytest

from tests.fixtures.exports import write_csv
from tests.fixtures.warehouse import query_runner

HEADER = ["任务号", "上报时间", "问题来源", "小类名称", "所属街道", "所属社区", "单元网格", "立案时间", "派遣时间",
          "处置部门", "处置截止时间", "处置完成时间", "结案时间", "当前阶段名称", "返工次数"]
HLL, JY, ZD, SJT = "371002001", "371002002", "371002003", "371002011"
FORMS = {
    "A1": ("环翠楼　街道", HLL),  # U+3000 inside
    "A2": ("环翠楼\u00a0街道", HLL),  # NBSP inside
    "A3": ("　鲸园街道　", JY),  # U+3000 around
    "A4": ("\u00a0竹岛\u00a0", ZD),  # NBSP around
    "A5": ("竹岛 街道", ZD),  # a plain space inside
    "A6": ("孙家疃镇", SJT),  # the former name (a 镇 before it became a 街道)
    "A7": ("环翠楼街道办事处", HLL),  # the office's name
    "A8": ("鲸园　街道　办事处", JY),  # long form with U+3000
    "A9": ("371002003", ZD),  # the code itself
}


def _row(no: str, town: str) -> list[str]:
    return [no, "2023-05-01 08:00:00", "12345", "暴露垃圾", town, "", "", "", "", "区综合执法局",
            "2023-05-02 08:00:00", "", "", "处置", "0"]


ROSTER_TITLE = ["环翠区清雪力量台账（截至2022年11月30日）"]
ROSTER_HEADER = ["镇街/单位", "人员数", "机械类型", "台数"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("aliases")
    cases = write_csv(tmp / "案件.csv", [HEADER, *[_row(no, town) for no, (town, _) in FORMS.items()]], "utf-8")
    roster = write_csv(tmp / "清雪力量.csv", [
        ROSTER_TITLE, ROSTER_HEADER,
        ["鲸园", "100", "推雪铲", "2"],
        ["鲸园街道办事处", "100", "滚雪刷", "1"],
        ["鲸园　街道", "100", "撒布机", "1"],
        ["区环境卫生服务中心", "40", "推雪铲", "3"],
    ])
    with query_runner(tmp / "wh" / "warehouse.duckdb", [cases, roster]) as execute:
        yield execute


def test_alias001_every_form_resolves_to_the_town(run) -> None:
    df = run("SELECT case_no, town_code FROM fact_dcm_case ORDER BY case_no")
    assert dict(zip(df.case_no, df.town_code, strict=True)) == {no: code for no, (_, code) in FORMS.items()}
    assert run("SELECT count(*) AS n FROM rejects").n.tolist() == [0]


def test_alias002_roster_unit_names_are_canonical(run) -> None:
    df = run("SELECT unit_name, machine_type, coalesce(town_code, '-') AS town FROM fact_snow_roster")
    assert set(df.itertuples(index=False, name=None)) == {
        ("鲸园街道", "推雪铲", JY),
        ("鲸园街道", "滚雪刷", JY),
        ("鲸园街道", "撒布机", JY),
        ("区环境卫生服务中心", "推雪铲", "-"),
    }
    assert len(df) == 4


def test_alias003_a_unit_under_three_names_counts_its_people_once(run) -> None:
    report = run("SELECT key, value FROM mart_report WHERE year = 2022 AND key IN ('snow.personnel', 'snow.machines')")
    assert dict(zip(report.key, report.value, strict=True)) == {"snow.personnel": 140, "snow.machines": 7}
    units = run("SELECT unit_key, personnel, machines FROM mart_snow_unit ORDER BY unit_key")
    assert list(units.itertuples(index=False, name=None)) == [(JY, 100, 4), ("区环境卫生服务中心", 40, 3)]


def test_alias004_the_same_unit_in_two_loads_merges_by_its_canonical_name(tmp_path) -> None:
    first = write_csv(tmp_path / "a.csv", [ROSTER_TITLE, ROSTER_HEADER, ["竹岛", "60", "推雪铲", "2"]])
    second = write_csv(tmp_path / "b.csv", [ROSTER_TITLE, ROSTER_HEADER, ["竹岛街道办事处", "60", "推雪铲", "2"]])
    wh = tmp_path / "wh" / "warehouse.duckdb"
    with query_runner(wh, [first]):
        pass
    with query_runner(wh, [second]) as run:
        df = run("SELECT unit_name, machines FROM fact_snow_roster")
        assert list(df.itertuples(index=False, name=None)) == [("竹岛街道", 2)]


def test_alias005_full_width_forms_resolve(tmp_path) -> None:
    rows = [_row("W1", "３７１００２００１")]  # the town code in full-width digits
    cases = write_csv(tmp_path / "案件.csv", [HEADER, *rows], "utf-8")
    with query_runner(tmp_path / "wh" / "warehouse.duckdb", [cases]) as run:
        df = run("SELECT case_no, town_code FROM fact_dcm_case ORDER BY case_no")
        assert dict(zip(df.case_no, df.town_code, strict=True)) == {"W1": HLL}


def test_alias006_key_lookup_equals_the_regex_key_for_every_spacing() -> None:
    """``key_lookup`` tries ``lower(text)`` before ``kpi_key(text)``: the same code for every spelling."""
    import duckdb

    from etl.sqlgen import MACROS, key_lookup

    con = duckdb.connect()
    con.execute(MACROS)
    table = "MAP {'hc': 'district', '鲸园街道': '371002002'}"
    texts = ["HC", "hc", "H C", "h\u3000c", "h\u00a0C", "h\tc", "鲸园街道", "鲸园　街道", "鲸 园 街 道", "hcx", None]
    got = [con.execute(f"SELECT {key_lookup(table, '$1')}", [t]).fetchone()[0] for t in texts]
    assert got == ["district", "district", "district", "district", "district", "district", "371002002",
                   "371002002", "371002002", None, None]
