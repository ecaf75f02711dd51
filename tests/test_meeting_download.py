"""The download button's server side: the ZIP of the week's three files, the language from the URL, the callback
registered on a Dash app and called as a plain function (the pack builder replaced: building it for real is
``tests/test_meeting_pack.py``'s job)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import dash
import pytest
from dash import State, dcc, html

from dashboard.meeting_pack import download
from dashboard.services import Services

CALLS: list[tuple[str, str]] = []


def _fake(_wh, _db, week: str, out_dir: Path, lang: str) -> list[Path]:
    CALLS.append((week, lang))
    folder = out_dir / week
    folder.mkdir(parents=True)
    paths = []
    for kind in ("xlsx", "pptx", "pdf"):
        path = folder / f"meeting-{week}-{lang}.{kind}"
        path.write_bytes(kind.encode() * 3)
        paths.append(path)
    return paths


@pytest.fixture(autouse=True)
def fake_builder(monkeypatch: pytest.MonkeyPatch) -> None:
    CALLS.clear()
    monkeypatch.setattr(download, "build_pack", _fake)


def test_mdl001_zip_of_the_three_files() -> None:
    name, data = download.pack_zip(Services(warehouse=None), "2022-W48", "en")  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        contents = {n: zf.read(n) for n in zf.namelist()}
    assert name == "meeting-2022-W48-en.zip"
    assert contents == {"meeting-2022-W48-en.xlsx": b"xlsxxlsxxlsx", "meeting-2022-W48-en.pptx": b"pptxpptxpptx",
                        "meeting-2022-W48-en.pdf": b"pdfpdfpdf"}


def test_mdl002_callback_language_from_the_url_and_no_click_no_build() -> None:
    app = dash.Dash(__name__)
    app.layout = html.Div([dcc.Input(id="week", value="2022-W48"), dcc.Location(id="url"), download.controls("zh")])
    download.register(app, Services(warehouse=None), State("week", "value"), State("url", "search"))  # type: ignore[arg-type]
    callback = app.callback_map[f"{download.DOWNLOAD}.data"]["callback"].__wrapped__
    assert callback(None, "2022-W48", "?lang=en") is None
    assert callback(1, None, "?lang=en") is None
    assert CALLS == []
    sent = callback(2, "2022-W48", "?start=2022-11-28&lang=en")
    assert (sent["filename"], CALLS) == ("meeting-2022-W48-en.zip", [("2022-W48", "en")])
    assert callback(3, "2022-W47", "")["filename"] == "meeting-2022-W47-zh.zip"  # Chinese without lang
    assert callback(4, "2022-W47", "?lang=fr")["filename"] == "meeting-2022-W47-zh.zip"
