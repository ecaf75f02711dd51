"""Who does what on the desk: the actor of a request, and the audit record of uploads, mappings and loads.

Sign-in and the audit log belong to the app's access layer; until one is installed, the actor is the
anonymous user of the server (``anonymous``) and the desk's own records (each upload's and job's JSON in the
spool, the mapping overlay's ``created_by``) are its trail.
"""

from __future__ import annotations

from typing import Any

ANONYMOUS = "anonymous"


def actor() -> str:
    """The signed-in user of the current request, else ``anonymous``."""
    return ANONYMOUS


def record(who: str, action: str, detail: dict[str, Any]) -> None:
    """Record a data change in the app's audit log (none installed yet: the spool's records are the trail)."""


def job_finished(job: Any) -> None:
    """The audit record of a load that finished (done or failed)."""
    record(job.actor, f"data.load.{job.state}", {"job": job.id, "files": job.labels, "generation": job.generation,
                                                 "message": job.message_en})
