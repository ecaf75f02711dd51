"""Who does what on the desk: the actor of a request, and the audit record of uploads, mappings and loads.

Sign-in and the audit log belong to the app's access layer (``dashboard.auth``: ``session.actor()`` and
``audit.record(actor, action, detail)``); the desk calls them when they are installed. Without them the actor is
``anonymous`` and the desk's own records (each upload's and job's JSON in the spool, the mapping overlay's
``created_by``) are the trail. Actions: ``data_upload``, ``data_mapping``, ``data_load_queued``,
``data_load_done``, ``data_load_failed``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

ANONYMOUS = "anonymous"


def _auth(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"dashboard.auth.{name}")
    except ImportError:  # no access layer installed
        return None


def actor() -> str:
    """The signed-in user of the current request, else ``anonymous``."""
    session = _auth("session")
    return session.actor() if session is not None else ANONYMOUS


def record(who: str, action: str, detail: dict[str, Any]) -> None:
    """Record a data change in the app's audit log, when there is one (it never raises into the caller)."""
    log = _auth("audit")
    if log is not None:
        log.record(who, action, detail)


def job_finished(job: Any) -> None:
    """The audit record of a load that finished (done or failed)."""
    record(job.actor, f"data_load_{job.state}", {"job": job.id, "files": job.labels, "generation": job.generation,
                                                 "message": job.message_en})
