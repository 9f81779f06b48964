"""Writes: store an upload, queue a run, claim and execute runs, record an officer's outcome."""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import traceback
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from birtizim.engine import preview as engine_preview
from birtizim.engine.ingest import Source
from birtizim.engine.sources import KINDS, SourceError
from birtizim.tables.sniff import XLSX_MAGIC, is_binary
from birtizim.web.accounts.scope import Scope, require
from birtizim.web.registry import runstore, selectors
from birtizim.web.registry.models import Outcome, Run, Upload

log = logging.getLogger("birtizim.web.runs")

EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx")


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
    require(scope.may_run)
    if kind not in KINDS:
        raise UploadError(f"unknown kind {kind!r}")
    name = Path(file.name or "upload").name
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise UploadError(f"{name}: only {', '.join(EXTENSIONS)} files are accepted")
    size = file.size or 0
    if size == 0:
        raise UploadError(f"{name}: the file is empty")
    if size > settings.MAX_UPLOAD_BYTES:
        raise UploadError(f"{name}: {size / 2**20:.0f} MB is over the {settings.MAX_UPLOAD_BYTES / 2**20:.0f} MB limit")
    head = next(file.chunks(65536), b"")
    file.seek(0)
    if suffix == ".xlsx" and not head.startswith(XLSX_MAGIC):
        raise UploadError(f"{name}: not an Excel workbook (.xlsx) inside")
    if suffix != ".xlsx" and is_binary(head):
        raise UploadError(f"{name}: binary content in a text file; is it a workbook with the wrong extension?")

    # Stored byte for byte under its checksum; the same file uploaded twice is kept once.
    incoming = Path(settings.DATA_DIR) / "uploads" / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    tmp = incoming / f"{timezone.now():%Y%m%d%H%M%S%f}{suffix}"
    with tmp.open("wb") as out:
        for chunk in file.chunks():
            digest.update(chunk)
            out.write(chunk)
    sha = digest.hexdigest()
    safe = re.sub(r"[^\w.\-]+", "_", name)[:120] or f"upload{suffix}"
    relative = Path("uploads") / sha[:2] / sha / safe
    final = Path(settings.DATA_DIR) / relative
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp.replace(final)
    try:
        found = engine_preview.preview(kind, final)
    except SourceError as exc:
        final.unlink(missing_ok=True)
        raise UploadError(str(exc).replace(str(final), name)) from exc
    except BaseException:
        final.unlink(missing_ok=True)  # nothing unpreviewed stays on disk
        raise
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
        stored_path=str(relative),
        sha256=sha,
        size=size,
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
    require(scope.may_run)
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
    from birtizim.engine.pipeline import STEPS, reconcile

    uploads = list(run.uploads.all())
    sources = [Source(u.kind, Path(settings.DATA_DIR) / u.stored_path) for u in uploads]
    relative = Path("runs") / str(run.pk)
    folder = Path(settings.DATA_DIR) / relative
    shutil.rmtree(folder, ignore_errors=True)
    total = len(sources) + len(STEPS)
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
        result = reconcile(sources, folder, progress=progress)
    except Exception as exc:  # any failure must end as a failed run with its reason, not a stuck one
        run.state = Run.State.FAILED
        run.error = str(exc) if isinstance(exc, SourceError) else f"{type(exc).__name__}: {exc}"
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
    require(scope.may_record_outcomes)
    if result not in Outcome.Result.values:
        raise ValueError(f"unknown outcome {result!r}")
    found = runstore.rows(run.folder, "SELECT iin, district, status FROM statuses WHERE person_id = ?", [person_id])
    if not found or not scope.covers(found[0]["district"]):
        raise Http404  # another district's resident does not exist for this officer
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
