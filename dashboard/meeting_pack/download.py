"""The meeting pack's download button, for a page to place (/dispatch): one ZIP of the week's XLSX, PPTX and PDF.

    from dashboard.meeting_pack import download
    download.controls(lang)                                   # the button, its spinner and the dcc.Download
    download.register(app, services, State("week-id", "value"), State("url", "search"))   # in PAGE.callbacks

``pack_zip(services, week, lang)`` is the server side (a plain function: tested without a browser): it builds the
pack with ``build_pack`` in a temporary folder (about 25 s: charts and printing) and returns the ZIP's name and
bytes. ``BUTTON`` and ``DOWNLOAD`` are the components' ids (declare them in the page's skeleton when the page
shows them only with data).
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html

from dashboard.i18n import norm_lang, t
from dashboard.meeting_pack import build_pack
from dashboard.services import Services

BUTTON, DOWNLOAD = "meeting-pack-button", "meeting-pack-download"


def controls(lang: str) -> html.Div:
    """The download button (with a spinner while the pack is built) and its ``dcc.Download``."""
    return html.Div([
        dbc.Button(t("meeting.download", lang), id=BUTTON, color="primary", outline=True, size="sm"),
        dcc.Loading(dcc.Download(id=DOWNLOAD), type="circle"),
    ], className="meeting-pack-download")


def pack_zip(services: Services, week: str, lang: str) -> tuple[str, bytes]:
    """``meeting-<week>-<lang>.zip`` holding the week's three files (ValueError for a bad week)."""
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="kpi-pack-") as tmp:
        paths = build_pack(services.warehouse, services.appdb, week, Path(tmp), lang)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in paths:
                zf.write(path, path.name)
    return f"meeting-{week}-{lang}.zip", buffer.getvalue()


def _lang(search: str | None) -> str:
    return norm_lang((parse_qs((search or "").lstrip("?")).get("lang") or [None])[0])


def register(app: Any, services: Services, week: State, search: State | None = None) -> None:
    """The button's callback: ``week`` names the component holding the ISO week; ``search`` the URL's query
    (its ``lang``; Chinese without it)."""
    states = [week] if search is None else [week, search]

    @app.callback(Output(DOWNLOAD, "data"), Input(BUTTON, "n_clicks"), *states, prevent_initial_call=True)
    def _download(n_clicks: int | None, week_id: str | None, query: str | None = None) -> dict | None:
        if not n_clicks or not week_id:
            return None
        name, data = pack_zip(services, week_id, _lang(query))
        return dcc.send_bytes(data, name)
