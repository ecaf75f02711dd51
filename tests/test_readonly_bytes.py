"""The dashboard never writes to the warehouse: every byte of every file under the warehouse's folder is the
same after every page has rendered (both languages, with and without filters).

This is the promise tested as it can fail. A 0444 file proves nothing when the tests run as root (root writes
through the mode bits); a hash of the bytes (and the list of files: no WAL, no temporary file left beside it)
catches a read-write connection, a checkpoint, a migration or a cache written next to the data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

import dash
import pytest

from dashboard.app import create_app
from tests.dashboard_data import small_warehouse_fixture  # noqa: F401

PARAMS: list[dict[str, Any]] = [
    {},
    {"lang": "en", "start": "2022-01-01", "end": "2023-06-30"},
    {"lang": "zh", "start": "2023-03-01", "end": "2023-03-31", "towns": "371002001"},
    {"year": "2022"},
]


def snapshot(folder: Path) -> dict[str, str]:
    """Every entry under ``folder``: a regular file's SHA-256, a link's target."""
    out: dict[str, str] = {}
    for root, dirs, files in os.walk(folder):
        for name in sorted(dirs + files):
            p = Path(root) / name
            rel = str(p.relative_to(folder))
            if p.is_symlink():
                out[rel] = "→ " + os.readlink(p)
            elif p.is_file():
                out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture
def warehouse_copy(small_warehouse: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "wh"
    shutil.copytree(small_warehouse.parent, folder, symlinks=True)
    return folder / small_warehouse.name


def test_readonly001_every_page_leaves_every_byte(warehouse_copy: Path, tmp_path: Path) -> None:
    before = snapshot(warehouse_copy.parent)
    assert any(v.startswith("→") for v in before.values())  # the published generation is a link …
    assert sum(not v.startswith("→") for v in before.values()) >= 1  # … to a real file that is hashed
    # the application database (user data: meeting snapshots, commitments) is written by design; kept in a
    # folder of its own here so that every byte of the warehouse's folder is still checked
    app = create_app(warehouse_copy, warm=False, app_db=f"sqlite:///{tmp_path / 'appdb' / 'app.sqlite'}")
    pages = [p for p in dash.page_registry.values() if p.get("path")]
    assert len(pages) >= 5
    rendered = 0
    with app.server.test_request_context():
        for page in pages:
            for params in PARAMS:
                layout = page["layout"]
                if callable(layout):
                    layout(**params).to_plotly_json()
                    rendered += 1
    assert rendered == len(pages) * len(PARAMS)
    client = app.server.test_client()
    for page in pages:
        assert client.get(page["path"]).status_code == (404 if page["path"] == "/404" else 200), page["path"]
    assert snapshot(warehouse_copy.parent) == before
