"""Town-scoped accounts: the view state and the query filters of a scoped account are its own town's whatever
the URL asks, so its overview is exactly an unscoped analyst's overview of that town."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import flask
import flask_login

from dashboard.app import create_app
from dashboard.auth import store
from dashboard.auth.accounts import Account
from dashboard.auth.roles import Role
from dashboard.auth.session import Gate
from dashboard.state import ViewState
from tests.auth_helpers import make_db, post_callback, route_body, sign_in
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401
from warehouse.sql import Filters

HOME, OTHER = "371002001", "371002002"


def test_scope001_view_state_and_filters() -> None:
    app = flask.Flask("t")
    app.secret_key = "test"
    flask_login.LoginManager(app)
    day = dt.date(2023, 6, 30)
    assert ViewState.from_params({"towns": OTHER}).towns == (OTHER,)  # outside a request: as the URL says
    with app.test_request_context("/"):
        flask.g.kpi_gate = Gate(None, "10.0.0.1", open_flag=False)
        flask_login.login_user(Account("u:1:x", "squad", Role.viewer, HOME))
        for params in ({}, {"towns": OTHER}, {"towns": f"{OTHER},{HOME}"}, {"towns": "nonsense"}):
            state = ViewState.from_params({**params, "start": "2023-01-01", "end": "2023-06-30"})
            assert state.towns == (HOME,)
            assert state.filters(day) == Filters(dt.date(2023, 1, 1), day, (HOME,), None)
        inside = ViewState.from_params({"towns": HOME, "community": "古北社区"})
        assert inside.filters(day).community == "古北社区"
        forged = ViewState(towns=(OTHER,), community="古北社区")  # built without parsing: filters still hold
        assert forged.filters(day) == Filters(dt.date(2023, 1, 1), day, (HOME,), None)


def test_scope002_the_overview_is_the_town_s(small_warehouse: Path, tmp_path: Path) -> None:
    url, db = make_db(tmp_path)
    store.add_user(db, "squad", "squad-pass-1", "viewer", HOME)
    app = create_app(small_warehouse, warm=False, app_db=url, host="0.0.0.0")
    squad, analyst = app.server.test_client(), app.server.test_client()
    sign_in(squad, "squad", "squad-pass-1")
    sign_in(analyst, "analyst", "analyst-pass-1")

    def overview(client: flask.testing.FlaskClient, search: str) -> str:
        response = post_callback(client, route_body("/", search))
        assert response.status_code == 200
        return json.dumps(response.get_json()["response"]["_pages_content"], sort_keys=True)

    home = overview(analyst, f"?towns={HOME}")
    assert overview(analyst, "") != home  # the district differs from the town
    assert overview(squad, "") == home
    assert overview(squad, f"?towns={OTHER}") == home
