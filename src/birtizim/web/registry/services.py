"""Writes: store an upload, queue a run, claim and execute runs (with a heartbeat, and the recovery of
runs whose worker died), record an officer's outcome."""

from __future__ import annotations

import logging
import shutil
import threading
import traceback
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from birtizim import engine
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import intake
from birtizim.web.common.errors import NotFound
from birtizim.web.registry import run_log, runstore, selectors
from birtizim.web.registry.models import Outcome, Run, Upload

log = logging.getLogger("birtizim.web.runs")


class UploadError(ValueError):
    """A file that cannot become a source; the message is shown to the analyst."""


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
    if "iin_raw" in out:
        out["iin_raw"] = (
            None if out["iin_raw"] is None else selectors.mask(out["iin_raw"])
        )  # the preview is kept in the database: no full IINs there
    return out


def upload_create(*, scope: Scope, user: User, kind: str, file: UploadedFile[bytes]) -> Upload:
    require(scope, Action.RUN)
    if kind not in engine.KINDS:
        raise UploadError(_("unknown kind of list “%(kind)s”") % {"kind": kind})
    try:
        checked = intake.check(file, kind="agency_list")
    except intake.IntakeError as exc:
        raise UploadError(str(exc)) from None
    try:
        found = engine.preview(kind, checked.temporary)
    except engine.SourceError as exc:
        checked.discard()
        raise UploadError(str(exc).replace(str(checked.temporary), checked.name)) from exc
    except BaseException:
        checked.discard()  # nothing unpreviewed stays on disk
        raise
    received = checked.keep()  # byte for byte; the same file sent twice is kept once
    name = received.name
    summary = {
        "encoding": found.encoding,
        "delimiter": found.delimiter,
        "headers": found.headers,
        "recognised": found.recognised,
        "rows_in": found.rows_in,
        "accepted": found.accepted,
        "rejected": found.rejected,
        "invalid_iin": found.invalid_iin,
        "first_rows": [_jsonable(r) for r in found.first_rows],
        "problems": [_jsonable(r) for r in found.problems],
    }
    return Upload.objects.create(
        kind=kind,
        original_name=name,
        stored_path=str(received.relative),
        sha256=received.sha256,
        size=received.size,
        uploaded_by=user,
        preview=summary,
    )


def latest_uploads() -> dict[str, Upload]:
    """The newest upload of each kind: what the next run reads."""
    chosen: dict[str, Upload] = {}
    for upload in Upload.objects.order_by("-uploaded_at", "-id"):
        chosen.setdefault(upload.kind, upload)
    return chosen


@transaction.atomic
def run_create(*, scope: Scope, user: User) -> Run:
    require(scope, Action.RUN)
    uploads = latest_uploads()
    if "registry" not in uploads:
        raise UploadError(_("Upload the population registry first: every run links to it."))
    run = Run.objects.create(requested_by=user)
    run.uploads.set(uploads.values())
    return run


def run_claim_next() -> Run | None:
    """Take the oldest queued run. The conditional UPDATE makes two workers never take the same run."""
    for run_id in Run.objects.filter(state=Run.State.QUEUED).order_by("created_at", "id").values_list("id", flat=True):
        now = timezone.now()
        claimed = Run.objects.filter(id=run_id, state=Run.State.QUEUED).update(
            state=Run.State.RUNNING, claimed_at=now, heartbeat_at=now, attempts=F("attempts") + 1, step="starting"
        )
        if claimed:
            return Run.objects.get(id=run_id)
    return None


def run_folder(run: Run) -> Path:
    """The attempt's folder relative to DATA_DIR: ``runs/<id>``, then ``runs/<id>.<attempt>`` for a retry, so a
    worker that lost its run (and may still be writing) never shares a folder with the one that took it over."""
    name = str(run.pk) if run.attempts <= 1 else f"{run.pk}.{run.attempts}"
    return Path("runs") / name


def _mine(run: Run) -> QuerySet[Run]:
    """The run's row while this attempt still holds it: every write of the attempt is conditional on it."""
    return Run.objects.filter(pk=run.pk, state=Run.State.RUNNING, attempts=run.attempts)


class RunLost(Exception):
    """The attempt's run was requeued or failed meanwhile (its heartbeat looked stopped): stop writing."""


class RunHeartbeat:
    """While a run executes, a thread writes ``heartbeat_at`` every ``RUN_HEARTBEAT_SECONDS``.

    Engine steps run for minutes on a large region without reporting progress; the heartbeat is what
    tells a live worker from a killed one. It is a conditional UPDATE on the attempt: if it finds no
    row, the run was taken over and ``lost`` is set.
    """

    def __init__(self, run: Run) -> None:
        self.run = run
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"run-{run.pk}-heartbeat", daemon=True)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(settings.RUN_HEARTBEAT_SECONDS):
                if not _mine(self.run).update(heartbeat_at=timezone.now()):
                    self.lost = True
                    return
        finally:
            connection.close()  # the thread's own connection

    def __enter__(self) -> RunHeartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def run_recover_stale(*, now: datetime | None = None) -> tuple[int, int]:
    """Runs whose worker stopped (no heartbeat for ``RUN_STALE_SECONDS``): requeued while attempts remain
    (``RUN_ATTEMPTS``), failed after; the attempt's folder is removed. Returns (requeued, failed).

    Every worker calls this between runs, so a killed worker's run is picked up within minutes by any
    worker alive, or by the restarted one.
    """
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.RUN_STALE_SECONDS)
    requeued = failed = 0
    stale = Run.objects.filter(state=Run.State.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, claimed_at__lt=cutoff)
    )
    for run in stale:
        line = run_log.event("worker_stopped")
        # Conditional on the heartbeat read: a worker that beat meanwhile keeps its run.
        still = Run.objects.filter(
            pk=run.pk, state=Run.State.RUNNING, attempts=run.attempts, heartbeat_at=run.heartbeat_at
        )
        if run.attempts < settings.RUN_ATTEMPTS:
            done = still.update(state=Run.State.QUEUED, step="", progress=0, log=run.log + line)
            requeued += done
        else:
            done = still.update(
                state=Run.State.FAILED,
                error=_("The worker executing the run stopped (%(n)s times); the run was given up.")
                % {"n": run.attempts},
                log=run.log + line,
                finished_at=now,
            )
            failed += done
        if done:
            log.warning(
                "run %s: no heartbeat since %s, %s",
                run.pk,
                run.heartbeat_at,
                "requeued" if run.attempts < settings.RUN_ATTEMPTS else "failed",
            )
            _remove_folder(run_folder(run))
    return requeued, failed


def run_folders_sweep() -> int:
    """Remove run folders nothing refers to (left by a worker killed mid-run, or by a failed run):
    every ``runs/<id>[.<attempt>]`` that is not a succeeded run's folder, unless its run is queued or
    running -- asked again for each folder, since another worker may claim a run meanwhile."""
    root = Path(settings.DATA_DIR) / "runs"
    if not root.is_dir():
        return 0
    removed = 0
    for entry in sorted(root.iterdir()):
        run_id = entry.name.split(".")[0]
        if not entry.is_dir() or not run_id.isdigit():
            continue
        relative = str(Path("runs") / entry.name)
        busy = Run.objects.filter(pk=int(run_id), state__in=[Run.State.QUEUED, Run.State.RUNNING]).exists()
        if busy or Run.objects.filter(state=Run.State.SUCCEEDED, folder=relative).exists():
            continue
        _remove_folder(Path(relative))
        removed += 1
    return removed


def _remove_folder(relative: Path) -> None:
    runstore.close_all()  # a DuckDB file this process opened must be released first
    shutil.rmtree(Path(settings.DATA_DIR) / relative, ignore_errors=True)


def _append_log(run: Run, code: str, **figures: Any) -> None:
    run.log += run_log.event(code, **figures)


def run_execute(run: Run) -> Run:
    """Reconcile the run's uploads with the engine; a failure leaves earlier runs' results untouched.

    Every write is conditional on the attempt still holding the run (``_mine``); an attempt that lost it
    stops at its next progress report, removes its own folder and writes nothing more.
    """
    uploads = list(run.uploads.all())
    sources = [engine.Source(u.kind, Path(settings.DATA_DIR) / u.stored_path) for u in uploads]
    relative = run_folder(run)
    folder = Path(settings.DATA_DIR) / relative
    shutil.rmtree(folder, ignore_errors=True)
    total = len(sources) + len(engine.STEPS)
    done = 0

    def progress(step: str) -> None:
        nonlocal done
        done += 1
        run.progress = min(99, round(100 * done / total))
        run.step = step
        _append_log(run, "step", step=step)
        if not _mine(run).update(progress=run.progress, step=step, log=run.log, heartbeat_at=timezone.now()):
            raise RunLost

    _append_log(run, "files", files=[[u.kind, u.preview.get("rows_in")] for u in uploads])
    _mine(run).update(log=run.log)
    outcome: dict[str, Any]
    try:
        with RunHeartbeat(run):
            result = engine.reconcile(sources, folder, progress=progress)
    except RunLost:
        log.warning("run %s: taken over by another worker; this attempt stops", run.pk)
        _remove_folder(relative)
        run.refresh_from_db()
        return run
    except Exception as exc:  # any failure must end as a failed run with its reason, not a stuck one
        error = str(exc) if isinstance(exc, engine.SourceError) else f"{type(exc).__name__}: {exc}"
        _append_log(run, "failed")
        log.error("run %s failed: %s", run.pk, traceback.format_exception_only(exc)[-1].strip())
        _remove_folder(relative)
        outcome = {"state": Run.State.FAILED, "error": error}
    else:
        for warning in result.warnings:  # the run stands, but a person should read these
            run.log += run_log.warning_event(warning)
        _append_log(run, "done", seconds=round(result.seconds, 1))
        outcome = {
            "state": Run.State.SUCCEEDED,
            "folder": str(relative),
            "region": result.region,
            "as_of": result.as_of,
            "summary": run_summary(str(relative)),
            "progress": 100,
        }
        log.info("run %s succeeded in %.1f s", run.pk, result.seconds)
    if not _mine(run).update(**outcome, log=run.log, finished_at=timezone.now()):
        log.warning("run %s: taken over by another worker before it finished; this attempt's result is dropped", run.pk)
        _remove_folder(relative)
    run.refresh_from_db()
    return run


def run_summary(folder: str) -> dict[str, Any]:
    """The figures dashboards and trends need, copied from the run so pages never scan the list."""
    districts = runstore.rows(
        folder,
        """SELECT rank, district, name, residents, state, contributor, lapsed, undetermined, actualisation
           FROM district_report ORDER BY rank""",
    )
    sources = runstore.rows(folder, "SELECT * FROM source_report")
    conflicts = runstore.rows(
        folder,
        """SELECT s.district, c.type, count(*) AS n FROM conflicts c JOIN statuses s USING (person_id)
           GROUP BY ALL ORDER BY 1, 3 DESC""",
    )
    worklist = runstore.rows(folder, "SELECT district, count(*) AS n FROM worklist GROUP BY 1")
    unplaced = runstore.value(folder, "SELECT count(*) FROM conflicts WHERE person_id IS NULL")
    return {
        "districts": districts,
        "sources": sources,
        "conflicts": conflicts,
        "conflicts_without_person": int(unplaced or 0),
        "worklist": {r["district"]: r["n"] for r in worklist},
    }


def outcome_record(
    *, scope: Scope, user: User, run: Run, person_id: int, result: str, actualised_as: str, comment: str
) -> Outcome:
    require(scope, Action.OUTCOME_RECORD)
    if result not in Outcome.Result.values:
        raise ValueError(f"unknown outcome {result!r}")
    found = runstore.rows(run.folder, "SELECT iin, district, status FROM statuses WHERE person_id = ?", [person_id])
    if not found or not scope.covers(found[0]["district"]):
        raise NotFound  # another district's resident does not exist for this officer
    person = found[0]
    return Outcome.objects.create(
        run=run,
        iin=person["iin"],
        district=person["district"],
        result=result,
        actualised_as=actualised_as if result == Outcome.Result.ACTUALISED else "",
        status_then=person["status"] or "",
        comment=comment.strip(),
        recorded_by=user,
    )
