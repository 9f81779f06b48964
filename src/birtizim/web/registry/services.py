"""Writes: store an upload, queue a run, claim and execute runs, record an officer's outcome."""

from __future__ import annotations

import logging
import shutil
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from birtizim import engine
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import intake
from birtizim.web.common.errors import NotFound
from birtizim.web.registry import runstore, selectors
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
        raise UploadError(f"unknown kind {kind!r}")
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
        raise UploadError("upload the population registry first: every run links to it")
    run = Run.objects.create(requested_by=user)
    run.uploads.set(uploads.values())
    return run


def run_claim_next() -> Run | None:
    """Take the oldest queued run. The conditional UPDATE makes two workers never take the same run."""
    for run_id in Run.objects.filter(state=Run.State.QUEUED).order_by("created_at", "id").values_list("id", flat=True):
        claimed = Run.objects.filter(id=run_id, state=Run.State.QUEUED).update(
            state=Run.State.RUNNING, claimed_at=timezone.now(), step="starting"
        )
        if claimed:
            return Run.objects.get(id=run_id)
    return None


def run_fail_stale(*, older_than: timedelta = timedelta(hours=6)) -> int:
    """Runs left 'running' by a worker that died are failed, so the page stops showing progress."""
    return Run.objects.filter(state=Run.State.RUNNING, claimed_at__lt=timezone.now() - older_than).update(
        state=Run.State.FAILED, error="the worker stopped before the run finished", finished_at=timezone.now()
    )


def _append_log(run: Run, line: str) -> None:
    run.log += f"{timezone.localtime():%H:%M:%S} {line}\n"


def run_execute(run: Run) -> Run:
    """Reconcile the run's uploads with the engine; a failure leaves earlier runs' results untouched."""
    uploads = list(run.uploads.all())
    sources = [engine.Source(u.kind, Path(settings.DATA_DIR) / u.stored_path) for u in uploads]
    relative = Path("runs") / str(run.pk)
    folder = Path(settings.DATA_DIR) / relative
    shutil.rmtree(folder, ignore_errors=True)
    total = len(sources) + len(engine.STEPS)
    done = 0

    def progress(step: str) -> None:
        nonlocal done
        done += 1
        run.progress = min(99, round(100 * done / total))
        run.step = step
        _append_log(run, step)
        run.save(update_fields=["progress", "step", "log"])

    _append_log(
        run, f"{len(sources)} files: " + ", ".join(f"{u.kind} ({u.preview.get('rows_in', '?')} rows)" for u in uploads)
    )
    run.save(update_fields=["log"])
    try:
        result = engine.reconcile(sources, folder, progress=progress)
    except Exception as exc:  # any failure must end as a failed run with its reason, not a stuck one
        run.state = Run.State.FAILED
        run.error = str(exc) if isinstance(exc, engine.SourceError) else f"{type(exc).__name__}: {exc}"
        _append_log(run, "failed")
        log.error("run %s failed: %s", run.pk, traceback.format_exception_only(exc)[-1].strip())
        shutil.rmtree(folder, ignore_errors=True)
    else:
        run.state = Run.State.SUCCEEDED
        run.folder = str(relative)
        run.region = result.region
        run.as_of = result.as_of
        run.summary = run_summary(str(relative))
        run.progress = 100
        for warning in result.warnings:  # the run stands, but a person should read these
            _append_log(run, f"warning: {warning}")
        _append_log(run, f"done in {result.seconds:.1f} s")
        log.info("run %s succeeded in %.1f s", run.pk, result.seconds)
    run.finished_at = timezone.now()
    run.save()
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
