"""Writes: store an upload, queue a run, claim and execute runs (with a heartbeat, and the recovery of
runs whose worker died), publish or discard a finished run, record an officer's outcome, and people's
decisions about rows and residents (decide, undo, detach, merge)."""

from __future__ import annotations

import csv
import dataclasses
import logging
import shutil
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from birtizim import engine
from birtizim.eval.decisions import agreement
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.models import Access
from birtizim.web.audit.services import access_record
from birtizim.web.common import intake
from birtizim.web.common.errors import Conflict, NotFound
from birtizim.web.registry import identity_store, plan_words, run_log, runstore, selectors
from birtizim.web.registry.models import Assignment, Decision, Merge, Outcome, Run, Upload

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
    _remove_folder(relative)  # a run file this process opened is released first (a reused run id)
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
        # People's decisions and officers' outcomes so far go with the run; the identity table is held from
        # reading to replacing (inside the heartbeat: a worker waiting for another run's table is alive).
        decided = decisions_file(folder)
        reported = outcomes_file(folder)  # the officers' outcomes: evidence beside the agencies' data
        with RunHeartbeat(run), identity_store.held() as identities:
            result = engine.reconcile(
                sources, folder, progress=progress, identities=identities, decisions=decided, outcomes=reported
            )
            identity_store.replace(folder)
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
        try:
            comparison = run_compare(folder)
        except Exception as exc:  # the run stands; publishing it then needs a person's reason
            log.error("run %s: the comparison failed: %s", run.pk, traceback.format_exception_only(exc)[-1].strip())
            published = selectors.run_current()
            comparison = selectors.comparison_failed(against=published.pk if published else None)
        outcome = {
            "state": Run.State.SUCCEEDED,
            "folder": str(relative),
            "region": result.region,
            "as_of": result.as_of,
            "summary": {
                **run_summary(str(relative)),
                "review": result.review,
                "decisions": dataclasses.asdict(result.decisions),
                "agreement": agreement(folder),
            },
            "comparison": comparison,
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


class OutcomeRefused(ValueError):
    """An outcome the engine's validator refuses (``engine.outcome_problems``): the problems as codes,
    put into words by the page (``plan_words.problems``)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems


def outcome_record(
    *,
    scope: Scope,
    user: User,
    run: Run,
    person_id: int,
    result: str,
    category: str = "",
    on_date: date | None = None,
    follow_up: date | None = None,
    comment: str = "",
    shown_run: Run | None = None,
) -> Outcome:
    """Record what an officer found for the resident ``person_id`` of the current run ``run``, as shown on a
    page of ``shown_run``: the same resident there and now, or refused (``selectors.person_current``). The
    fields the result needs are checked against the resident's age and sex by the engine's validator (the
    next run reads the outcome as evidence); a field the result does not need is not kept."""
    require(scope, Action.OUTCOME_RECORD)
    person = selectors.person_current(scope=scope, run=run, person_id=person_id, shown_run=shown_run)
    needed = plan_words.OUTCOME_FIELDS.get(result, ())
    category = category if "category" in needed else ""
    on_date = on_date if "on_date" in needed else None
    follow_up = follow_up if "follow_up" in needed else None
    problems = plan_words.outcome_problems(
        result, on_date, category or None, follow_up, person.get("birth_date"), person.get("sex"), timezone.localdate()
    )
    if problems:
        raise OutcomeRefused(problems)
    return Outcome.objects.create(
        run=run,
        person_id=person_id,
        iin=person["iin"],
        district=person["district"],
        result=result,
        category=category,
        on_date=on_date,
        follow_up=follow_up,
        status_then=person["status"] or "",
        comment=comment.strip(),
        recorded_by=user,
    )


def outcomes_file(folder: Path) -> Path:
    """Every resident's latest outcome with a code the engine knows, written into the run's folder as the
    engine's outcomes file (the run reads them as evidence beside the agencies' and keeps what it was given).
    Older results (before the codes) tell the engine nothing and stay out."""
    latest: dict[int, Outcome] = {}
    for o in (
        Outcome.objects.filter(person_id__isnull=False, result__in=plan_words.OUTCOMES)
        .order_by("-recorded_at", "-id")
        .iterator()
    ):
        latest.setdefault(int(o.person_id or 0), o)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "outcomes.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["person_id", "iin", "result", "on_date", "category", "follow_up", "recorded_at"])
        for o in latest.values():
            out.writerow(
                [
                    o.person_id,
                    o.iin,
                    o.result,
                    o.on_date.isoformat() if o.on_date else "",
                    o.category,
                    o.follow_up.isoformat() if o.follow_up else "",
                    timezone.localtime(o.recorded_at).replace(tzinfo=None).isoformat(sep=" "),
                ]
            )
    return path


def assign(*, scope: Scope, user: User, run: Run, district: str, officer_id: int, person_ids: list[int]) -> list[int]:
    """Give residents of the district's work list to one of its officers (replacing whoever had them);
    returns the residents assigned. Audited: who assigned whom to which officer."""
    require(scope, Action.ASSIGN, district=district)
    selectors.district_check(scope=scope, run=run, district=district)
    if officer_id not in {o for o, _name in selectors.district_officers(district)}:
        raise Conflict(_("Residents can be assigned only to an officer of their district."))
    found = selectors.worklist_members(run=run, district=district, person_ids=person_ids)
    if not found:
        return []
    now = timezone.now()
    with transaction.atomic():
        Assignment.objects.bulk_create(
            [
                Assignment(
                    person_id=pid, district=district, officer_id=officer_id, run=run, assigned_by=user, assigned_at=now
                )
                for pid in found
            ],
            update_conflicts=True,
            unique_fields=["person_id"],
            update_fields=["district", "officer", "run", "assigned_by", "assigned_at"],
        )
        officer = User.objects.get(pk=officer_id)
        access_record(
            user=user,
            action=Access.Action.ASSIGN,
            run_id=run.pk,
            district=district,
            subject="registry.assigned_to",
            subject_ref=officer.get_username(),
            person_ids=found,
        )
    return found


# --- runs: what goes in, how they compare, publication ------------------------------------------------


def decisions_file(folder: Path) -> Path:
    """Every live decision and merge as the engine's decisions table, written into the run's folder (the
    run keeps what it was given). "Unsure" tells the engine nothing; "same" also carries the residents
    rejected before it."""
    rows: list[dict[str, object]] = []
    for d in Decision.objects.filter(undone_at=None).exclude(verdict=Decision.Verdict.UNSURE).order_by("id"):
        row = {"source": d.source, "fingerprint": d.fingerprint}
        if d.verdict == Decision.Verdict.SAME:
            rows.append({**row, "action": "same", "person_id": d.person_id, "person_fingerprint": d.person_fingerprint})
        rows += [
            {**row, "action": "not", "person_id": r["person_id"], "person_fingerprint": r["fingerprint"]}
            for r in d.rejected
            if r["person_id"] != d.person_id
        ]
    for m in Merge.objects.filter(undone_at=None).order_by("id"):
        rows.append(
            {
                "action": "merge",
                "person_id": m.person_id,
                "person_fingerprint": m.person_fingerprint,
                "into_id": m.into_id,
                "into_fingerprint": m.into_fingerprint,
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "decisions.csv"
    engine.write_decisions(path, rows)
    return path


def run_compare(folder: Path) -> dict[str, Any]:
    """The finished run in ``folder`` beside the run published now (engine.compare_runs), kept on the run."""
    published = selectors.run_current()
    against = runstore.run_path(published.folder) if published is not None else None
    found = engine.compare_runs(folder, against, selectors.publication_thresholds())
    return {**found.as_json(), "against_run": published.pk if published is not None else None}


def run_publish(*, scope: Scope, user: User, run: Run, acknowledged: bool = False, note: str = "") -> Run:
    """Publish a draft: from now on the dashboard, trend and work lists show it. A run with warnings is
    published only when the analyst says they read them and why it should stand."""
    require(scope, Action.PUBLISH)
    if not run.is_draft:
        raise Conflict(
            _("Run #%(run)s is not a draft: only a finished run not yet published or discarded can be.")
            % {"run": run.pk}
        )
    current = selectors.run_current()
    if current is not None and current.finished_at and run.finished_at and run.finished_at < current.finished_at:
        raise Conflict(
            _("Run #%(newer)s, finished after this one, is already published: publish a newer run instead.")
            % {"newer": current.pk}
        )
    comparison = selectors.run_comparison(run=run)
    note = note.strip()
    if comparison["warnings"] and not (acknowledged and note):
        raise Conflict(
            _("This run has warnings. Read them, tick that you have, and say why it should be published anyway.")
        )
    with transaction.atomic():
        done = Run.objects.filter(pk=run.pk, state=Run.State.SUCCEEDED, published_at=None, discarded_at=None).update(
            published_at=timezone.now(), published_by=user, publication_note=note[:2000], comparison=comparison
        )
        if not done:
            raise Conflict(_("Someone published or discarded run #%(run)s meanwhile.") % {"run": run.pk})
        access_record(user=user, action=Access.Action.PUBLISH, run_id=run.pk, query=note)
    run.refresh_from_db()
    return run


def run_discard(*, scope: Scope, user: User, run: Run, note: str = "") -> Run:
    """Set a draft aside: it is never shown on the dashboard; its files and figures stay for the record."""
    require(scope, Action.PUBLISH)
    with transaction.atomic():
        done = Run.objects.filter(pk=run.pk, state=Run.State.SUCCEEDED, published_at=None, discarded_at=None).update(
            discarded_at=timezone.now(), discarded_by=user, publication_note=note.strip()[:2000]
        )
        if not done:
            raise Conflict(
                _("Run #%(run)s is not a draft: only a finished run not yet published or discarded can be.")
                % {"run": run.pk}
            )
        access_record(user=user, action=Access.Action.DISCARD, run_id=run.pk, query=note)
    run.refresh_from_db()
    return run


# --- decisions about rows and residents ---------------------------------------------------------------


def _already(decision: Decision) -> Conflict:
    who = decision.decided_by.get_username() if decision.decided_by else "—"
    when = date_format(timezone.localtime(decision.decided_at), "DATETIME_FORMAT")
    return Conflict(
        _("%(who)s already decided this row (%(verdict)s, %(when)s); undo that decision to change it.")
        % {"who": who, "verdict": decision.get_verdict_display(), "when": when}
    )


def _replace_live(*, source: str, fingerprint: str, user: User, run: Run, replaceable: bool) -> list[dict[str, Any]]:
    """Undo the row's live decision if the new one may take its place; returns the residents it rejected
    (they stay rejected). A decision made from this very run, other than "unsure", is someone else's
    answer to the same question: refused, unless ``replaceable`` (a detach overrides any link)."""
    live = Decision.objects.filter(source=source, fingerprint=fingerprint, undone_at=None).first()
    if live is None:
        return []
    if not replaceable and live.verdict != Decision.Verdict.UNSURE and live.run_id == run.pk:
        raise _already(live)
    if not Decision.objects.filter(pk=live.pk, undone_at=None).update(undone_at=timezone.now(), undone_by=user):
        raise _already(live)
    return list(live.rejected)


@contextmanager
def _one_at_a_time() -> Iterator[None]:
    """Two people writing about one row at the same moment: on PostgreSQL the unique constraint refuses the
    second (``_create_decision``); SQLite refuses a second writer with "database is locked". Either way the
    second is told, and nothing of theirs is half-written."""
    try:
        yield
    except OperationalError:
        raise Conflict(_("Someone was saving a decision about this row at the same moment; reload the page.")) from None


def _create_decision(**fields: Any) -> Decision:
    """Insert the row's live decision; a concurrent one wins the unique constraint and this one is refused."""
    try:
        with transaction.atomic():
            return Decision.objects.create(**fields)
    except IntegrityError:
        live = Decision.objects.filter(
            source=fields["source"], fingerprint=fields["fingerprint"], undone_at=None
        ).first()
        raise _already(live) if live else Conflict(_("Someone decided this row meanwhile.")) from None


def decision_record(
    *,
    scope: Scope,
    user: User,
    run: Run,
    record_id: int,
    fingerprint: str,
    verdict: str,
    person_id: int | None = None,
    comment: str = "",
) -> Decision:
    """Decide a row of the review band of ``run`` as shown (its fingerprint): the same person as one of its
    candidates, none of them, or unsure. Audited; applied from the next run on."""
    require(scope, Action.REVIEW)
    if verdict not in (Decision.Verdict.SAME, Decision.Verdict.NONE, Decision.Verdict.UNSURE):
        raise ValueError(f"unknown verdict {verdict!r}")
    item = selectors.review_row(scope=scope, run=run, record_id=record_id)
    if item["fingerprint"] != fingerprint:
        raise Conflict(_("This row has changed since the page was shown; reload it."))
    candidates = {int(c["person_id"]): c for c in item["candidates"]}
    if verdict == Decision.Verdict.SAME and person_id not in candidates:
        raise Conflict(_("That resident is not one of this row's candidates; reload the page."))
    with _one_at_a_time(), transaction.atomic():
        rejected = _replace_live(source=item["source"], fingerprint=fingerprint, user=user, run=run, replaceable=False)
        if verdict == Decision.Verdict.NONE:
            rejected += [{"person_id": pid, "fingerprint": c["person_fingerprint"]} for pid, c in candidates.items()]
        chosen = candidates.get(person_id or -1)
        decision = _create_decision(
            source=item["source"],
            fingerprint=fingerprint,
            verdict=verdict,
            person_id=person_id if verdict == Decision.Verdict.SAME else None,
            person_fingerprint=chosen["person_fingerprint"] if chosen and verdict == Decision.Verdict.SAME else "",
            rejected=_distinct(rejected),
            district=item["district"],
            run=run,
            record_id=record_id,
            comment=comment.strip()[:2000],
            decided_by=user,
        )
        access_record(
            user=user,
            action=Access.Action.DECIDE,
            run_id=run.pk,
            district=item["district"],
            query=verdict,
            person_ids=list(candidates),
        )
    return decision


def _distinct(rejected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for r in rejected:
        seen.setdefault(int(r["person_id"]), {"person_id": int(r["person_id"]), "fingerprint": r["fingerprint"]})
    return list(seen.values())


def decision_undo(*, scope: Scope, user: User, decision_id: int) -> Decision:
    """Undo a live decision: the next run gives the engine's own answer again. Audited."""
    decision = Decision.objects.filter(pk=decision_id).first()
    if decision is None or not scope.covers(decision.district):
        raise NotFound
    require(scope, Action.REVIEW, district=decision.district)
    person_ids = [p for p in [decision.person_id] if p is not None]
    return _undo(decision, user=user, action=Access.Action.UNDO_DECISION, person_ids=person_ids)


Settled = TypeVar("Settled", Decision, Merge)


def _undo(settled: Settled, *, user: User, action: str, person_ids: list[int]) -> Settled:
    """Mark a live decision or merge undone — once: two people undoing it at the same moment, the second is
    told it is done (a conditional UPDATE) — and audit it."""
    already = (
        _("This decision was already undone.") if isinstance(settled, Decision) else _("This merge was already undone.")
    )
    with transaction.atomic():
        if (
            not type(settled)
            .objects.filter(pk=settled.pk, undone_at=None)
            .update(undone_at=timezone.now(), undone_by=user)
        ):
            raise Conflict(already)
        access_record(user=user, action=action, run_id=settled.run_id, district=settled.district, person_ids=person_ids)
    settled.refresh_from_db()
    return settled


def detach_record(
    *, scope: Scope, user: User, run: Run, person_id: int, record_id: int, fingerprint: str, comment: str = ""
) -> Decision:
    """Say a row linked to the resident is not theirs: from the next run it waits for review with its other
    candidates, or is a person outside the registry. Replaces any live decision about the row. Audited."""
    require(scope, Action.REVIEW)
    person = selectors.person_get(scope=scope, run=run, person_id=person_id)
    row = selectors.person_row(run=run, person_id=person_id, record_id=record_id)
    if row["fingerprint"] != fingerprint:
        raise Conflict(_("This row has changed since the page was shown; reload it."))
    with _one_at_a_time(), transaction.atomic():
        rejected = _replace_live(source=row["source"], fingerprint=fingerprint, user=user, run=run, replaceable=True)
        rejected.append({"person_id": person_id, "fingerprint": person["person_fingerprint"]})
        decision = _create_decision(
            source=row["source"],
            fingerprint=fingerprint,
            verdict=Decision.Verdict.DETACH,
            rejected=_distinct(rejected),
            district=person["district"],
            run=run,
            record_id=record_id,
            comment=comment.strip()[:2000],
            decided_by=user,
        )
        access_record(
            user=user, action=Access.Action.DETACH, run_id=run.pk, district=person["district"], person_ids=[person_id]
        )
    return decision


def merge_create(
    *, scope: Scope, user: User, run: Run, person_id: int, into_id: int, reason: str = "", confirmed: bool = False
) -> Merge:
    """Merge resident ``person_id`` into ``into_id`` (a registry duplicate): from the next run one resident
    holds both residents' rows. Two different valid IINs are two people unless someone confirms with a reason."""
    require(scope, Action.MERGE)
    if person_id == into_id:
        raise Conflict(_("A resident cannot be merged into themselves."))
    absorbed = selectors.person_get(scope=scope, run=run, person_id=person_id)
    staying = selectors.person_get(scope=scope, run=run, person_id=into_id)
    reason = reason.strip()
    different = bool(
        absorbed["iin"]
        and staying["iin"]
        and absorbed["iin"] != staying["iin"]
        and engine.iin.is_valid(absorbed["iin"])
        and engine.iin.is_valid(staying["iin"])
    )
    if different and not (confirmed and reason):
        raise Conflict(
            _(
                "These residents have two different valid IINs, so they are two people unless you confirm "
                "the merge and say why."
            )
        )
    live = Merge.objects.filter(undone_at=None)
    if live.filter(person_id=into_id).exists():
        raise Conflict(_("The resident to keep was merged into another resident; merge into that one instead."))
    if live.filter(into_id=person_id).exists():
        raise Conflict(_("Other residents were merged into this one; merge the other way, or undo those merges first."))
    with transaction.atomic():
        try:
            with transaction.atomic():
                merge = Merge.objects.create(
                    person_id=person_id,
                    person_fingerprint=absorbed["person_fingerprint"],
                    into_id=into_id,
                    into_fingerprint=staying["person_fingerprint"],
                    different_iins=different,
                    reason=reason[:2000],
                    district=staying["district"],
                    run=run,
                    decided_by=user,
                )
        except IntegrityError:
            raise Conflict(_("This resident is already merged into another one.")) from None
        access_record(
            user=user,
            action=Access.Action.MERGE,
            run_id=run.pk,
            district=staying["district"],
            person_ids=[person_id, into_id],
        )
    return merge


def merge_undo(*, scope: Scope, user: User, merge_id: int) -> Merge:
    merge = Merge.objects.filter(pk=merge_id).first()
    if merge is None:
        raise NotFound
    require(scope, Action.MERGE, district=merge.district)
    return _undo(merge, user=user, action=Access.Action.UNDO_MERGE, person_ids=[merge.person_id, merge.into_id])
