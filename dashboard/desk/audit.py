"""Who does what on the desk: the actor of a request, and the audit record of uploads, mappings and loads.

Sign-in and the audit log belong to the app's access layer (``dashboard.auth``); the desk names the signed-in
actor (``anonymous`` in open mode) and writes its data changes to that one audit log. Actions:
``data_upload``, ``data_mapping``, ``data_load_queued``, ``data_load_done``, ``data_load_failed``.
"""

from __future__ import annotations

from typing import Any

from dashboard.auth import audit, session
from dashboard.auth.accounts import ANONYMOUS

__all__ = ["ANONYMOUS", "actor", "job_finished", "record"]

def actor() -> str:
    """The signed-in user of the current request, else ``anonymous``."""
    return session.actor()


def record(who: str, action: str, detail: dict[str, Any]) -> None:
    """Record a data change in the app's audit log (it never raises into the caller)."""
    audit.record(who, action, detail)


def job_finished(job: Any) -> None:
    """The audit record of a load that finished (done or failed)."""
    record(job.actor, f"data_load_{job.state}", {"job": job.id, "files": job.labels, "generation": job.generation,
                                                 "message": job.message_en})
