"""One background load queue per server: a load never runs on a request thread.

A job (the uploads to load, who asked, its state) is a JSON file in ``<spool>/jobs/``, so every process of
the server can answer for it; while it is queued or running an empty marker ``<spool>/jobs/active/<id>``
names it, so a worker's poll reads those few jobs, never the whole history. Each process runs one worker
thread; a worker runs jobs only while it holds ``<spool>/queue.lock`` (``flock``), so however many processes
gunicorn starts, one job runs at a time, in the order they were queued. ``etl.load.load_files`` then takes
the warehouse's writer lock, so a desk load and a ``kpi load`` from a terminal never publish at once either.
States: queued → running (files done of total) → done (the result table) or failed (the message). A job
found running while its worker is gone (the process was killed) is marked failed; nothing of it was
published (loads publish atomically).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dashboard.desk import uploads
from dashboard.desk.config import spool_dir, write_atomic
from dashboard.i18n import t
from etl.load import load_files
from etl.problems import engine_error
from etl.results import TableResult

JOB_ID = re.compile(r"[0-9a-f]{32}")
POLL_S = 1.0  # how often an idle worker looks for jobs queued by another process


@dataclass
class Job:
    id: str
    uploads: list[str]
    labels: list[str]
    actor: str
    created_at: str
    seq: int  # queue order
    state: str = "queued"  # queued, running, done, failed
    files_total: int = 0
    files_done: int = 0
    current: str = ""  # the label of the file being read or loaded
    started_at: str | None = None
    finished_at: str | None = None
    duration_s: float = 0.0
    tables: list[dict[str, object]] = field(default_factory=list)
    generation: str | None = None
    message: str | None = None
    message_en: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def _both(key: str) -> tuple[str, str]:
    return t(key, "zh"), t(key, "en")


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


def table_row(t: TableResult, label: str) -> dict[str, object]:
    """One table of a load's result, as the page shows it."""
    return {"file": label, "sheet": t.sheet, "source": t.source, "rows_in": t.rows_in, "rows_loaded": t.rows_loaded,
            "rows_rejected": t.rows_rejected, "rows_skipped": t.rows_skipped, "status": t.status,
            "error": t.error, "error_en": t.error_en}


class JobQueue:
    """The load queue of one warehouse; ``start()`` runs this process's worker thread."""

    def __init__(self, warehouse: Path, on_finish: Callable[[Job], None] | None = None, autostart: bool = True) -> None:
        self.warehouse = Path(warehouse).absolute()
        self.spool = spool_dir(self.warehouse)
        self.folder = self.spool / "jobs"
        self.active = self.folder / "active"  # markers of the queued and running jobs
        self.on_finish = on_finish  # e.g. the audit log
        self.autostart = autostart  # False: jobs run only when ``run_pending`` is called (tests, scripts)
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    # --- the page's side -----------------------------------------------------------------

    def submit(self, upload_ids: list[str], actor: str) -> Job:
        """Queue a load of stored uploads (unknown ids are refused) and wake the worker."""
        found = [uploads.get(self.spool, u) for u in upload_ids]
        chosen = [u for u in found if u is not None]
        if not chosen or len(chosen) != len(upload_ids):
            raise uploads.Refused.because("desk.gone")
        job = Job(uuid.uuid4().hex, [u.id for u in chosen], [u.label for u in chosen], str(actor), _now(),
                  time.time_ns(), files_total=len(chosen))
        self._save(job)
        self.active.mkdir(parents=True, exist_ok=True)
        (self.active / job.id).touch()
        if self.autostart:
            self.start()
            self._wake.set()
        return job

    def get(self, job_id: object) -> Job | None:
        if not isinstance(job_id, str) or not JOB_ID.fullmatch(job_id):
            return None
        try:
            return Job(**json.loads((self.folder / f"{job_id}.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def jobs(self) -> list[Job]:
        """Every job, oldest first."""
        found = [j for p in self.folder.glob("*.json") if (j := self.get(p.stem)) is not None]
        return sorted(found, key=lambda j: j.seq)

    def _unfinished(self) -> list[Job]:
        """The queued and running jobs (by their markers), oldest first: what a worker's poll reads."""
        found = [j for p in self.active.glob("*") if (j := self.get(p.name)) is not None and not j.finished]
        return sorted(found, key=lambda j: j.seq)

    # --- the worker's side ---------------------------------------------------------------

    def start(self) -> None:
        """Start this process's worker thread (once)."""
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="kpi-desk-worker", daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        try:
            while True:
                self._wake.wait(POLL_S)
                self._wake.clear()
                try:
                    self.run_pending()
                except Exception as exc:  # the worker must outlive any one job's surprise
                    print(f"kpi desk worker: {exc}", flush=True)
        except SystemExit:  # the server is stopping (a test server stops its threads so)
            return

    def run_pending(self, block: bool = False) -> int:
        """Run queued jobs in order while holding the queue lock; 0 when another worker holds it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.spool / "queue.lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | (0 if block else fcntl.LOCK_NB))
            except BlockingIOError:
                return 0
            try:
                for job in self._unfinished():
                    if job.state == "running":  # its worker died: only a lock holder runs jobs
                        self._finish(job, "failed", _both("desk.interrupted"))
                done = 0
                while (job := next((j for j in self._unfinished() if j.state == "queued"), None)) is not None:
                    self._run(job)
                    done += 1
                return done
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _run(self, job: Job) -> None:
        job.state, job.started_at = "running", _now()
        self._save(job)
        started = time.perf_counter()
        stored = [uploads.get(self.spool, u) for u in job.uploads]
        if any(u is None for u in stored):
            self._finish(job, "failed", _both("desk.upload_gone"))
            return
        labels = {u.path.name: u.label for u in stored if u is not None}

        def on_start(file: Path) -> None:
            job.current = labels.get(file.name, file.name)
            self._save(job)

        def on_file(file: Path, tables: list[TableResult]) -> None:
            job.files_done += 1
            self._save(job)

        try:
            result = load_files(self.warehouse, [u.path for u in stored if u is not None],
                                on_start=on_start, on_file=on_file)
        except Exception as exc:  # the job fails with the message; the worker goes on
            problem = engine_error(exc)
            job.duration_s = time.perf_counter() - started
            self._finish(job, "failed", (problem.zh, problem.en))
            return
        job.tables = [table_row(t, labels.get(t.file.name, t.file.name)) for t in result.tables]
        job.generation = result.generation.name if result.generation else None
        job.files_done, job.current = job.files_total, ""
        job.duration_s = time.perf_counter() - started
        self._finish(job, "done")

    def _finish(self, job: Job, state: str, message: tuple[str, str] | None = None) -> None:
        job.state, job.finished_at = state, _now()
        if message:
            job.message, job.message_en = message
        self._save(job)
        (self.active / job.id).unlink(missing_ok=True)
        if self.on_finish is not None:
            self.on_finish(job)

    def _save(self, job: Job) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        write_atomic(self.folder / f"{job.id}.json", json.dumps(asdict(job), ensure_ascii=False))
