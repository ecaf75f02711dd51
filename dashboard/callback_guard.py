"""Answer malformed callback requests with HTTP 400 before Dash sees them.

Dash's renderer posts ``/_dash-update-component`` with the callback's output id and one entry per input and
state, in the order the callback declared them. Dash itself trusts that shape: a body with a key missing, an
output that names no server callback, entries of the wrong shape, or a value of a type the component can never
send (a string for ``n_clicks``) ends in an exception, i.e. HTTP 500. ``install(app)`` checks the shape against the
callback's own declaration and the value types of the properties below, and answers anything else with a JSON
400, so the callbacks only ever see what a browser could send. Values of the right type are the callbacks' to
judge (they fall back to defaults with a note).
"""

from __future__ import annotations

import json
from typing import Any

import dash
import flask

UPDATE_PATH = "/_dash-update-component"
MAX_BODY_BYTES = 4 * 1024 * 1024  # the largest honest request (a chart click with many points) is a few kB
# property → the JSON types a component sends for it (None is always allowed: "not set yet")
PROP_TYPES: dict[str, tuple[type, ...]] = {
    "search": (str,),
    "pathname": (str,),
    "hash": (str,),
    "n_clicks": (int,),
    "n_intervals": (int,),
    "clickData": (dict,),
    "selectedData": (dict,),
    "hoverData": (dict,),
    "start_date": (str,),
    "end_date": (str,),
    "date": (str,),
    "is_open": (bool,),
    "getRowsRequest": (dict,),
    "id": (dict, str),
}


class Malformed(ValueError):
    """The request is not one Dash's renderer could send."""


def _typed(prop: str, value: Any) -> bool:
    types = PROP_TYPES.get(prop)
    if value is None:
        return prop != "id"  # a component always has its id
    if prop == "pathname" and not (isinstance(value, str) and value.startswith("/")):
        return False  # a browser's location.pathname always starts with '/'
    if types is None:
        return True
    if isinstance(value, bool) and bool not in types:  # JSON true is not a click count
        return False
    return isinstance(value, types)


def _check_entry(entry: Any, dep: dict[str, Any]) -> None:
    cid, prop = dep["id"], dep["property"]
    if cid.startswith("{"):  # pattern-matching: ALL gives a list of entries, MATCH one entry
        entries = entry if isinstance(entry, list) else [entry]
        for one in entries:
            if not isinstance(one, dict) or not isinstance(one.get("id"), dict) or one.get("property") != prop:
                raise Malformed(f"entry for {cid}.{prop} is not a pattern-matching entry")
            pattern = json.loads(cid)
            if set(one["id"]) != set(pattern) or not _typed(prop, one.get("value")):
                raise Malformed(f"entry for {cid}.{prop} does not match its pattern or type")
        return
    if not isinstance(entry, dict) or entry.get("id") != cid or entry.get("property") != prop:
        raise Malformed(f"entry for {cid}.{prop} is missing or names another component")
    if not _typed(prop, entry.get("value")):
        raise Malformed(f"{cid}.{prop} has a value of type {type(entry.get('value')).__name__}")


def check(app: dash.Dash, body: Any) -> None:
    """Raise ``Malformed`` unless ``body`` is a callback request Dash's renderer could send."""
    if not isinstance(body, dict):
        raise Malformed("the body is not a JSON object")
    output = body.get("output")
    if not isinstance(output, str) or "callback" not in app.callback_map.get(output, {}):
        raise Malformed("no server callback has this output")
    declared = next((cb for cb in app._callback_list if cb["output"] == output), None)
    if declared is None:
        raise Malformed("no server callback has this output")
    for part in ("inputs", "state"):
        entries, deps = body.get(part, []), declared[part]
        if not isinstance(entries, list) or len(entries) != len(deps):
            raise Malformed(f"{part} must list {len(deps)} entries")
        for entry, dep in zip(entries, deps, strict=True):
            _check_entry(entry, dep)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise Malformed("changedPropIds must be a list of strings")
    outputs = body.get("outputs")
    if outputs is not None and not isinstance(outputs, dict | list):
        raise Malformed("outputs must be an object or a list")
    for out in outputs if isinstance(outputs, list) else [outputs] if outputs else []:
        if not isinstance(out, dict) or "id" not in out or not isinstance(out.get("property"), str):
            raise Malformed("each output needs an id and a property")


def install(app: dash.Dash) -> None:
    """Check every callback request before Dash dispatches it; 400 with a JSON error for a malformed one."""

    @app.server.before_request
    def _guard() -> flask.Response | None:
        request = flask.request
        if request.path != UPDATE_PATH or request.method != "POST":
            return None
        if (request.content_length or 0) > MAX_BODY_BYTES:
            return flask.Response(json.dumps({"error": "request too large"}), 413, mimetype="application/json")
        try:
            check(app, request.get_json(silent=True))
        except Malformed as exc:
            return flask.Response(json.dumps({"error": str(exc)}), 400, mimetype="application/json")
        return None
