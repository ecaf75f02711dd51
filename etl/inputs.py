"""The files a load is given: folders walked, each file once, links out of a folder marked."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from pathlib import Path

from etl.readers import SUPPORTED_SUFFIXES


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files given, plus every export file below the folders given (sorted, hidden ones skipped)."""
    return [file for file, _ in expand_inputs(paths)]


def expand_inputs(paths: Iterable[Path]) -> list[tuple[Path, Path | None]]:
    """(file, the folder it was found in, or None when given itself), each file once.

    Folders are walked without following links to folders; a link to a file is listed (and later
    refused if it points outside the folder it sits in). FIFOs and devices with an export's name
    are listed too, so that they are refused with a message rather than silently passed over.
    """
    found: list[tuple[Path, Path | None]] = []
    seen: set[Path] = set()

    def add(file: Path, root: Path | None) -> None:
        key = file.absolute()
        if key not in seen:
            seen.add(key)
            found.append((file, root))

    for path in paths:
        if path.is_dir():
            for folder, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "~$")))
                for name in sorted(names):
                    if name.startswith((".", "~$")) or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                        continue
                    add(Path(folder) / name, path)
        else:
            add(path, None)
    return found


def outside_link(file: Path, root: Path | None) -> bool:
    """Whether a file found in a folder is a link leading out of that folder."""
    if root is None or not file.is_symlink():
        return False
    return not file.resolve().is_relative_to(root.resolve())


def file_sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()
