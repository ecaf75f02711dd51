"""Named saved views of /explore (Alembic revision 0002, ``dashboard.appdb.views``): kept, replaced by name,
listed as links that reproduce the view, and nothing but the whitelist's parameters stored."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from dashboard import appdb
from dashboard.appdb import AppDB
from dashboard.appdb import views as saved
from pages.explore import views

SEARCH = "?start=2023-01-01&end=2023-03-31&lang=en&src=dcm_cases&by=channel&evil=%3Cscript%3E&f.channel=x%27--"


def _db(tmp_path: Path) -> AppDB:
    return AppDB(f"sqlite:///{tmp_path / 'app.sqlite'}")


def test_expv001_revision_0002_adds_saved_view_on_top_of_0001_and_goes_back(tmp_path: Path) -> None:
    engine = appdb.make_engine(f"sqlite:///{tmp_path / 'a.sqlite'}")
    assert appdb.upgrade(engine, "0001") == "0001"
    assert "saved_view" not in sa.inspect(engine).get_table_names()
    assert appdb.upgrade(engine, "0002") == "0002"  # (later revisions add other tables; adb001 checks the head)
    assert "saved_view" in sa.inspect(engine).get_table_names()
    with engine.begin() as conn:
        appdb.command.downgrade(appdb.alembic_config(conn), "0001")
    assert "saved_view" not in sa.inspect(engine).get_table_names()
    engine.dispose()


def test_expv002_a_view_is_kept_under_its_name_and_replaced_by_it(tmp_path: Path) -> None:
    db = _db(tmp_path)
    saved.save_view(db, "/explore", "  张村镇占道经营\n", "?src=dcm_cases", "张主任")
    saved.save_view(db, "/explore", "B", "?src=snow_events")
    saved.save_view(db, "/explore", "张村镇占道经营", "?src=dcm_cases&by=community")
    assert [(v["name"], v["search"]) for v in saved.list_views(db, "/explore")] == [
        ("B", "?src=snow_events"), ("张村镇占道经营", "?src=dcm_cases&by=community")]
    assert saved.list_views(db, "/dispatch") == []
    assert saved.delete_view(db, "/explore", "B") is True
    assert saved.delete_view(db, "/explore", "B") is False


def test_expv003_saving_stores_only_the_whitelisted_view_and_lists_links(tmp_path: Path) -> None:
    db = _db(tmp_path)
    links, message = views.refresh(db, SEARCH, "<b>Q1</b>", save=True)
    assert message == "Saved: <b>Q1</b>"
    stored = saved.list_views(db, "/explore")[0]["search"]
    assert stored == "?start=2023-01-01&end=2023-03-31&by=channel&f.channel=x%27--&src=dcm_cases"
    assert [(a.children.children, a.children.href) for a in links] == [("<b>Q1</b>", "/explore" + stored + "&lang=en")]
    assert views.refresh(db, SEARCH, "   ", save=True)[1] == "Give the view a name first"
    assert views.refresh(None, SEARCH, "x", save=True) == ([], "No application database: views cannot be saved")
