"""The fares demo: a synthetic Shymkent-like city (``birtizim.synth.fares``) into the database.

Three months to June 2026, the last with exactly 983 protocols (the news story): the network, the
published plans with their shifts and checks, what inspectors found, the protocols, and the
ridership and payments files imported through the web's own import services (the one intake), as
an analyst would. Then a plan is drawn for the current month, so the inspector's page has shifts.
Running it again replaces the earlier demo rows.
"""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from birtizim.fares.importers import read_checks, read_protocols
from birtizim.fares.model import DEFAULT_BANDS
from birtizim.fares.model import Shift as CoreShift
from birtizim.fares.plan import Plan as CorePlan
from birtizim.fares.plan import PlannedCheck, PlanSettings, StratumWeight
from birtizim.synth.fares.city import WorldSettings
from birtizim.synth.fares.world import synthesize
from birtizim.tables.months import month_of
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.fares import entities, services
from birtizim.web.fares.models import (
    Band,
    Check,
    ImportBatch,
    Payment,
    Plan,
    Protocol,
    Ridership,
    Route,
    Shift,
    Stop,
)

ANALYST = Scope(Role.FARES_ANALYST, frozenset())
DEFAULT = WorldSettings()
SMALL = WorldSettings(routes=6, measurement_checks=120, enforcement_checks=12, teams=2)


@dataclass(frozen=True)
class DemoLoaded:
    months: list[str]
    protocols: int
    last_month_protocols: int
    checks: int
    payments: int
    current_plan: Plan | None


def plan_from_json(data: dict[str, object]) -> CorePlan:
    """A published plan (``Plan.to_json``) as the core's ``Plan``."""
    settings = dict(data["settings"])  # type: ignore[call-overload]
    settings["teams"] = tuple(settings["teams"])
    checks = tuple(
        PlannedCheck(c["id"], c["route"], c["band"], dt.datetime.fromisoformat(c["start"]), c["kind"], c["team"])
        for c in data["checks"]  # type: ignore[attr-defined]
    )
    shifts = tuple(
        CoreShift(s["team"], dt.datetime.fromisoformat(s["start"]), dt.datetime.fromisoformat(s["end"]))
        for s in data["shifts"]  # type: ignore[attr-defined]
    )
    return CorePlan(
        month=str(data["month"]),
        seed=int(data["seed"]),  # type: ignore[call-overload]
        seed_commitment=str(data["seed_commitment"]),
        settings=PlanSettings(**settings),
        weights=tuple(StratumWeight(**w) for w in data["weights"]),  # type: ignore[attr-defined]
        checks=checks,
        shifts=shifts,
        digest=str(data["digest"]),
    )


def _clear(months: list[str]) -> None:
    """The rows an earlier load made (and the plans of the demo's months), so a load replaces them."""
    Payment.objects.filter(protocol__batch__kind=ImportBatch.Kind.DEMO).delete()
    Payment.objects.filter(batch__original_name="payments.csv", batch__kind=ImportBatch.Kind.PAYMENTS).delete()
    Protocol.objects.filter(batch__kind=ImportBatch.Kind.DEMO).delete()
    Plan.objects.filter(month__in=months).delete()
    Ridership.objects.filter(month__in=months).delete()
    ImportBatch.objects.filter(original_name__in=("ridership.csv", "payments.csv")).delete()
    ImportBatch.objects.filter(kind=ImportBatch.Kind.DEMO).delete()


def _upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


@transaction.atomic
def demo_load(
    *,
    user: User,
    seed: int = 1,
    settings: WorldSettings = DEFAULT,
    protocols: int | None = 983,
    current_plan: bool = True,
    folder: Path | None = None,
) -> DemoLoaded:
    """Synthesise the city into ``folder`` (a temporary one by default) and load it; ``user`` imports."""
    with tempfile.TemporaryDirectory(prefix="fares-demo-") as scratch:
        out = folder or Path(scratch)
        summary = synthesize(out, seed=seed, settings=settings, demo_protocols=protocols)
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        _clear(summary.months)
        for b in DEFAULT_BANDS:
            Band.objects.update_or_create(
                code=b.code,
                defaults={
                    "start_hour": b.start_hour,
                    "end_hour": b.end_hour,
                    "name_ru": b.name_ru,
                    "name_kk": b.name_kk,
                    "name_en": b.name_en,
                },
            )
        _network(out)
        batch = ImportBatch.objects.create(kind=ImportBatch.Kind.DEMO, original_name=f"demo seed {seed}")
        services.ridership_import(scope=ANALYST, user=user, file=_upload(out / "ridership.csv"))
        for month in summary.months:
            data = json.loads((out / "plans" / f"plan-{month}.json").read_text(encoding="utf-8"))
            services.plan_store(plan_from_json(data), user=user, fare=int(manifest["fare"]))
        checks = _checks(out, batch)
        made = _protocols(out, batch)
        payments = services.payments_import(scope=ANALYST, user=user, file=_upload(out / "payments.csv"))
        batch.accepted = checks + made
        batch.rows_in = checks + made
        batch.save(update_fields=["accepted", "rows_in"])
    plan = None
    today = timezone.localdate()
    month = month_of(today)
    if current_plan and month not in summary.months and not Plan.objects.filter(month=month).exists():
        plan = services.plan_draw(
            scope=ANALYST,
            user=user,
            request=services.PlanRequest(
                month=month,
                measurement_checks=settings.measurement_checks,
                enforcement_checks=settings.enforcement_checks,
                floor=settings.floor,
                fare=settings.fare,
            ),
        )
    last = summary.months[-1]
    return DemoLoaded(
        months=summary.months,
        protocols=made,
        last_month_protocols=Protocol.objects.filter(**entities.in_month("offence_at", last)).count(),
        checks=checks,
        payments=payments.accepted,
        current_plan=plan,
    )


def _network(out: Path) -> None:
    import csv

    with (out / "stops.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Stop.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})
    with (out / "routes.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            Route.objects.update_or_create(
                code=row["route"],
                defaults={
                    "name": row["name"],
                    "headway_minutes": int(row["headway_minutes"]),
                    "stops": row["stops"].split(),
                },
            )


def _checks(out: Path, batch: ImportBatch) -> int:
    """What inspectors found on the planned checks they carried out (raids past the demo's count were not)."""
    found = {c.id: c for c in read_checks(out / "checks.csv").records}
    rows = list(Check.objects.filter(code__in=found))
    for row in rows:
        c = found[row.code]
        row.riders_checked, row.paid, row.unpaid, row.exempt = c.riders_checked, c.paid, c.unpaid, c.exempt
        row.recorded_at = entities.aware(c.start)
        row.batch = batch
    Check.objects.bulk_update(rows, ["riders_checked", "paid", "unpaid", "exempt", "recorded_at", "batch"], 500)
    return len(rows)


def _protocols(out: Path, batch: ImportBatch) -> int:
    records = read_protocols(out / "protocols.csv").records
    checks = {c.code: c for c in Check.objects.filter(code__in={p.check_id for p in records})}
    Protocol.objects.bulk_create(
        (
            Protocol(
                number=p.number,
                check_ref=checks.get(p.check_id),
                offence_at=entities.aware(p.offence_at),
                route=p.route,
                stop=p.stop,
                iin=p.iin or "",
                last_name=p.last_name or "",
                first_name=p.first_name or "",
                patronymic=p.patronymic or "",
                birth_date=p.birth_date,
                address=(p.address or "")[:300],
                fine=p.fine,
                served_on=p.served_on,
                appealed=p.appealed,
                cancelled=p.cancelled,
                team_id=checks[p.check_id].team_id if p.check_id in checks else None,
                batch=batch,
            )
            for p in records
        ),
        batch_size=500,
    )
    return len(records)


def next_shift(team: str, now: dt.datetime | None = None) -> Shift | None:
    """The team's next (or current) shift, for the demo's printout."""
    now = now or timezone.now()
    return Shift.objects.filter(team__code=team, end__gt=now).order_by("start").first()
