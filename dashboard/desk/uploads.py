"""Uploads: bounded, checked by content, stored in the spool under generated names.

A file dropped on /data arrives as a base64 data URL with the name the browser gave it. The name is only a
label (escaped; a path, a newline or a control character in it is harmless): the file is stored as
``<spool>/uploads/<uuid><suffix>`` with its facts beside it in ``<uuid>.json``. Before anything reads it, the
size is bounded (before decoding), the type is checked from the content (a zip for .xlsx, an OLE file for
.xls, decodable text for .csv) and a workbook's zip members are checked (``etl.xlsxguard``: zip bombs).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import math
import os
import re
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from dashboard.desk.config import MAX_UPLOAD_BYTES
from dashboard.i18n import t
from etl.problems import LoadError, shown
from etl.readers import CSV_SUFFIXES, SUPPORTED_SUFFIXES, sniff_encoding
from etl.xlsxguard import check_xlsx

UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
MAX_LABEL_CHARS = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TEXT_SAMPLE = 1 << 16


class Refused(LoadError):
    """An upload that is not kept; ``zh`` and ``en`` say why in one line."""

    @classmethod
    def because(cls, key: str, **values: object) -> Refused:
        """A refusal in both languages from the catalogue (``desk.*`` in ``keys/data.csv``)."""
        return cls(t(key, "zh", **values), t(key, "en", **values))


@dataclass(frozen=True)
class Upload:
    id: str
    label: str  # the client's file name, escaped: for display only
    suffix: str
    size: int
    sha256: str
    uploaded_at: str
    actor: str
    spool: str

    @property
    def stored_name(self) -> str:
        return f"{self.id}{self.suffix}"

    @property
    def path(self) -> Path:
        return Path(self.spool) / "uploads" / self.stored_name


def label_of(client_name: object) -> str:
    """The client's file name as a label: control characters escaped, cut to ``MAX_LABEL_CHARS``."""
    text = shown(str(client_name or "")).strip() or "?"
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1] + "…"


def suffix_of(client_name: object) -> str:
    """The lower-case suffix of the name's last part ('' when it has none)."""
    last = re.split(r"[/\\]", str(client_name or ""))[-1]
    return os.path.splitext(last)[1].lower() if "." in last.lstrip(".") else ""


def decode(contents: object, max_bytes: int = MAX_UPLOAD_BYTES) -> bytes:
    """The bytes of a ``data:…;base64,…`` URL, its size bounded before it is decoded."""
    if not isinstance(contents, str):
        raise Refused.because("desk.not_file")
    head, _, body = contents.partition(",")
    if not head.startswith("data:") or not head.endswith(";base64"):
        raise Refused.because("desk.not_file")
    if len(body) > (max_bytes // 3 + 1) * 4:
        raise _too_large(len(body) * 3 // 4, max_bytes)
    try:
        data = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refused.because("desk.bad_base64") from exc
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    return data


def _too_large(size: int, limit: int) -> Refused:
    shown_mb = math.ceil(size * 10 / (1 << 20)) / 10  # rounded up: one byte over 50 MB never reads "50.0 MB"
    return Refused.because("desk.too_large", mb=f"{shown_mb:.1f}", limit=f"{limit / (1 << 20):g}")


def check_content(data: bytes, suffix: str, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse a file whose name's type its content does not bear out (the bytes are never trusted)."""
    if suffix not in SUPPORTED_SUFFIXES:
        raise Refused(t("desk.unsupported", "zh", suffix=suffix or t("desk.no_suffix", "zh")),
                      t("desk.unsupported", "en", suffix=suffix or t("desk.no_suffix", "en")))
    if not data.strip():
        raise Refused.because("desk.empty")
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes)
    if suffix in (".xlsx", ".xlsm") and not data.startswith(ZIP_MAGIC):
        raise Refused.because("desk.not_xlsx")
    if suffix == ".xls" and not data.startswith(OLE_MAGIC):
        raise Refused.because("desk.not_xls")
    if suffix in CSV_SUFFIXES:
        if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
            raise Refused.because("desk.workbook_as_csv")
        sniff_encoding(data[:TEXT_SAMPLE])  # raises a ReadError naming the encoding problem


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def store(spool: Path, client_name: object, data: bytes, actor: str, max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """Check and keep one upload; raises ``Refused`` (or the reader's ``LoadError``) and keeps nothing then."""
    suffix = suffix_of(client_name)
    try:
        check_content(data, suffix, max_bytes)
    except LoadError as exc:
        raise Refused(exc.zh, exc.en) from exc
    folder = Path(spool) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    upload = Upload(uuid.uuid4().hex, label_of(client_name), suffix, len(data), hashlib.sha256(data).hexdigest(),
                    dt.datetime.now().isoformat(timespec="seconds"), str(actor), str(Path(spool).absolute()))
    temp = folder / f"tmp-{upload.id}{suffix}"
    _write_new(temp, data)
    try:
        if suffix in (".xlsx", ".xlsm"):
            check_xlsx(temp)  # sizes counted as the members unzip, before the Excel reader opens it
    except LoadError as exc:
        temp.unlink(missing_ok=True)
        raise Refused(exc.zh, exc.en) from exc
    _write_new(folder / f"tmp-{upload.id}.json", json.dumps(asdict(upload), ensure_ascii=False).encode())
    os.replace(folder / f"tmp-{upload.id}.json", folder / f"{upload.id}.json")
    os.replace(temp, upload.path)
    return upload


def receive(spool: Path, client_name: object, contents: object, actor: str,
            max_bytes: int = MAX_UPLOAD_BYTES) -> Upload:
    """One file of a drop (a data URL and its client name) checked and stored: what the page calls."""
    return store(spool, client_name, decode(contents, max_bytes), actor, max_bytes)


def get(spool: Path, upload_id: object) -> Upload | None:
    """The stored upload of an id (None for anything that is not one: the id comes from the browser)."""
    if not isinstance(upload_id, str) or not UPLOAD_ID.fullmatch(upload_id):
        return None
    meta = Path(spool) / "uploads" / f"{upload_id}.json"
    try:
        upload = Upload(**json.loads(meta.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return upload if upload.path.is_file() else None


def by_stored_name(spool: Path, names: Iterable[object]) -> dict[str, Upload]:
    """The stored uploads among file names of the load log (an upload is loaded as ``<id><suffix>``); names of
    files loaded from a terminal are not uploads and are left out. Reads only those uploads' records."""
    found = {}
    for name in {str(n) for n in names}:
        upload = get(spool, Path(name).stem)
        if upload is not None and upload.stored_name == name:
            found[name] = upload
    return found
