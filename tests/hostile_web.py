"""Hostile web requests: query strings for every page and payloads for every server callback.

``QUERIES`` are the query strings a stranger (or a mangled permalink) can send; ``VALUES`` are junk values for any
callback input (wrong types, huge lists, script and SQL text); ``CLICKS`` are crafted chart ``clickData``. The
driver posts them to the Flask test client exactly as Dash's renderer does (``/_dash-update-component``), so a
500 here is a 500 a browser (or a script) could cause.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import dash

UPDATE = "/_dash-update-component"
LONG = "9" * 20_000
# Query strings (without "?"), each sent to every page. Values are percent-encoded where a browser would.
QUERIES: tuple[str, ...] = (
    "year=" + quote("²"),
    "year=" + quote("１２"),
    "year=-1",
    "year=0",
    "year=99999999999999999999",
    "year=2022.5",
    "year=" + LONG,
    "year=2022&year=abc&year=" + quote("²"),
    "end=9999-12-31",
    "start=0001-01-01",
    "start=0001-01-01&end=9999-12-31",
    "start=9999-12-31",
    "end=0001-01-01",
    "start=2023-02-30",
    "start=2023-13-01&end=2023-00-10",
    "start=" + quote("٢٠٢٣-٠١-٠١"),
    "start=2023-01-01T99:99&end=20230630",
    "start=2023-07-01&end=2023-01-01",
    "start=%00&end=%FF%FE",
    "towns=" + quote("999,'; DROP TABLE fact_dcm_case;--"),
    "towns=" + ",".join(["371002001"] * 5000),
    "towns=371002001&towns=371002002&towns=" + quote("<b>"),
    "towns=371002001&community=" + quote("<script>alert(1)</script>"),
    "towns=371002001&community=" + quote("' OR 1=1 --"),
    "towns=371002001&community=" + "x" * 20_000,
    "community=" + quote("‮\u0000\ufeff𝔘𝔫𝔦"),
    "lang=xx",
    "lang=" + quote("<script>") + "&lang=en",
    "period=9999-12-31",
    "period=0001-01-01&grain=year",
    "period=2023-02-30&grain=century&mode=" + quote("';--") + "&w=1e309,nan,-1,inf",
    "grain=week&period=0001-01-01",
    "w=" + ",".join(["1"] * 10_000),
    "week=2022-W99",
    "week=9999-W52",
    "week=0001-W01",
    "week=" + quote("²⁰²²-W01"),
    "panels=" + quote("../../etc/passwd") + "&panel=" + quote("<img src=x>"),
    "seconds=-1&refresh=1e309",
    "seconds=NaN&refresh=-inf",
    "screen=0&of=0",
    "screen=99999999999999999999&of=-3",
    "playlist=" + quote("../../../etc/passwd"),
    "src=nope&m=" + quote("';--") + "&by=__class__&grain=" + quote("²") + "&cmp=yoy",
    "src=dcm_cases&m=median:nonexistent&by=town,town,town&f_town=" + quote("' OR '1'='1"),
    "src=dcm_cases&f_" + "x" * 500 + "=1&f_town=" + ",".join(["371002001"] * 3000),
    "token=" + quote("' OR 1=1--"),
    "a=1&" * 300 + "year=2022",
)

# Junk values for any one callback input or state.
VALUES: tuple[Any, ...] = (
    None,
    "",
    "²",
    -1,
    1e308,
    "9" * 5000,
    [1] * 5000,
    {"a": {"b": [None]}},
    True,
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "?year=" + quote("²") + "&end=9999-12-31",
)

# Crafted chart clicks (clickData of a dcc.Graph).
CLICKS: tuple[Any, ...] = (
    {},
    {"points": []},
    {"points": "x"},
    {"points": [None]},
    {"points": [{}]},
    {"points": [{"x": "²", "y": None, "customdata": [None]}]},
    {"points": [{"x": [1, 2], "y": {"a": 1}, "label": 7, "customdata": {"k": "v"}}]},
    {"points": [{"x": "9999-12-31", "y": "0001-01-01", "customdata": ["' OR 1=1 --"]}]},
    {"points": [{"x": "x" * 20_000, "customdata": "y" * 20_000}]},
    {"points": [{"x": 1, "pointNumber": -1, "curveNumber": 10**9}] * 5000},
)


@dataclass(frozen=True)
class Outcome:
    what: str
    status: int
    body: str


def page_paths() -> list[str]:
    """Every registered page path (the not-found page too: it renders for unknown paths)."""
    return sorted({page["path"] for page in dash.page_registry.values()})


def _concrete(pattern: dict[str, Any]) -> dict[str, Any]:
    return {k: ("x" if isinstance(v, list) or v in ("ALL", "MATCH", "ALLSMALLER") else v) for k, v in pattern.items()}


def _spec(dep: dict[str, Any], value: Any) -> Any:
    """One input/state entry as the renderer sends it (a pattern-matching ALL input is a list of entries)."""
    cid = dep["id"]
    if cid.startswith("{"):
        pattern = json.loads(cid)
        entry = {"id": _concrete(pattern), "property": dep["property"], "value": value}
        return [entry] if '"ALL"' in cid or '["ALL"]' in cid else entry
    return {"id": cid, "property": dep["property"], "value": value}


def _outputs(callback: dict[str, Any]) -> Any:
    out = callback["output"]
    parts = out[2:-2].split("...") if out.startswith("..") else [out]
    specs = []
    for part in parts:
        cid, prop = part.rsplit(".", 1)
        prop = prop.split("@")[0]
        specs.append({"id": _concrete(json.loads(cid)) if cid.startswith("{") else cid, "property": prop})
    return specs if out.startswith("..") else specs[0]


def body(callback: dict[str, Any], values: dict[int, Any], search: str = "", pathname: str = "/") -> dict[str, Any]:
    """A callback request: ``values`` maps the index (inputs, then state) of the argument to junk; the rest are
    what a fresh page would send (``_pages_location`` gets ``search``/``pathname``; others None)."""
    deps = callback["inputs"] + callback["state"]
    entries = []
    for i, dep in enumerate(deps):
        if i in values:
            value = values[i]
        elif dep["id"] == "_pages_location":
            value = {"search": search, "pathname": pathname}.get(dep["property"])
        else:
            value = None
        entries.append(_spec(dep, value))
    n = len(callback["inputs"])
    changed = [f"{d['id']}.{d['property']}" for d in callback["inputs"]]
    return {
        "output": callback["output"],
        "outputs": _outputs(callback),
        "inputs": entries[:n],
        "state": entries[n:],
        "changedPropIds": changed,
    }


def server_callbacks(app: dash.Dash) -> list[dict[str, Any]]:
    """The callbacks that run on the server (clientside ones have no Python function)."""
    return [cb for cb in app._callback_list if cb["output"] in app.callback_map]


def routing_callback(app: dash.Dash) -> dict[str, Any]:
    return next(cb for cb in app._callback_list if cb["output"].startswith(".._pages_content.children"))


def post(client: Any, payload: Any) -> Any:
    return client.post(UPDATE, data=json.dumps(payload), content_type="application/json")


def page_requests(app: dash.Dash) -> Iterator[tuple[str, dict[str, Any] | None, str]]:
    """(label, callback body or None for a plain GET, url) for every page × query: the page's HTML and its
    content as the routing callback renders it."""
    routing = routing_callback(app)
    for path in page_paths():
        for query in QUERIES:
            url = f"{path}?{query}"
            yield f"GET {url[:80]}", None, url
            yield f"render {url[:80]}", body(routing, {}, search="?" + query, pathname=path), url


def callback_requests(app: dash.Dash) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every server callback with each junk value in each argument in turn (clickData gets the crafted clicks),
    and with each hostile query string as the page's search."""
    for cb in server_callbacks(app):
        deps = cb["inputs"] + cb["state"]
        for i, dep in enumerate(deps):
            junk = CLICKS if dep["property"] == "clickData" else VALUES
            for value in junk:
                label = f"{cb['output'][:60]} arg {dep['id'][:30]}.{dep['property']}={str(value)[:30]}"
                yield label, body(cb, {i: value})
        if any(d["id"] == "_pages_location" and d["property"] == "search" for d in deps):
            for query in QUERIES:
                yield f"{cb['output'][:60]} search ?{query[:40]}", body(cb, {}, search="?" + query)


def malformed_bodies(app: dash.Dash) -> list[tuple[str, Any]]:
    """Requests that break Dash's own protocol: missing keys, unknown outputs, wrong shapes."""
    routing = routing_callback(app)
    good = body(routing, {}, pathname="/")
    return [
        ("empty object", {}),
        ("a list", [1, 2, 3]),
        ("a string", "x"),
        ("unknown output", {**good, "output": "nope.children"}),
        ("output not a string", {**good, "output": ["x"]}),
        ("inputs missing", {k: v for k, v in good.items() if k != "inputs"}),
        ("inputs a string", {**good, "inputs": "x"}),
        ("inputs entries not objects", {**good, "inputs": [1, 2, 3]}),
        ("inputs too few", {**good, "inputs": good["inputs"][:1]}),
        ("inputs without id", {**good, "inputs": [{"property": "x", "value": 1}] * 3}),
        ("state a number", {**good, "state": 5}),
        ("changedPropIds junk", {**good, "changedPropIds": [None, 5, {"a": 1}]}),
        ("outputs junk", {**good, "outputs": "x"}),
    ]
