"""Shared fixtures: a temporary warehouse path and a runner for the `kpi` command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "warehouse.duckdb"


def run_kpi(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real `kpi` command in a subprocess, as a user would."""
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard.cli", *args], capture_output=True, text=True, timeout=900
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"kpi {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc
