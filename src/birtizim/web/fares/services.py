"""Writes of the fares pages: drawing a plan, recording a check or a protocol, importing files.

Every function checks the actor's role first (``accounts.permissions``) and raises the domain's
errors: ``NotAllowed`` (403), ``NotFound`` (404: not there, or not the inspector's team),
``Conflict`` (409: the check was already recorded from another entry), and ``FaresError`` (400) with
a sentence in the reader's language for input that cannot be taken.

Entries from the inspector's phone carry the UUID the phone gave them (``client_id``). It is unique
in the database, so an entry the phone sends again (it never heard the answer) finds the row the
first sending made and changes nothing: ``created`` says which happened.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from birtizim.engine import iin as iin_rules
from birtizim.fares import draw_plan, estimate_month, protocol_fine
from birtizim.fares.importers import Imported, import_payments, import_ridership
from birtizim.fares.messages import reject_text
from birtizim.fares.plan import Plan as CorePlan
from birtizim.fares.plan import PlanSettings, StratumInput
from birtizim.fares.reading import FaresImportError
from birtizim.reference.mrp import UnknownMRP
from birtizim.tables.months import check_month
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import intake
from birtizim.web.common.errors import Conflict, NotFound
from birtizim.web.fares import entities
from birtizim.web.fares.models import (
    Check,
    ImportBatch,
    Inspector,
    Payment,
    Plan,
    Protocol,
    Ridership,
    Route,
    Shift,
    Team,
)
from birtizim.wording import Language, language_of

PROTOCOL_PREFIX = "П-"
FUTURE_SLACK = dt.timedelta(minutes=10)  # a phone's clock may run a little ahead


class FaresError(ValueError):
    """Input that cannot be taken; the message is for the person who sent it, in their language."""


def _reader() -> Language:
    return language_of(get_language())


# --------------------------------------------------------------------------------------------
# Teams and inspectors
# --------------------------------------------------------------------------------------------


def team_ensure(*, code: str) -> Team:
    team, _created = Team.objects.get_or_create(code=code)
    return team


@transaction.atomic
def inspector_create(*, username: str, password: str, team: str, name: str = "") -> User:
    """A fare inspector's account (role ``inspector``) in ``team``."""
    from birtizim.web.accounts.models import Role
    from birtizim.web.accounts.services import user_create

    user = user_create(username=username, password=password, role=Role.INSPECTOR)
    Inspector.objects.create(user=user, team=team_ensure(code=team), name=name)
    return user


# --------------------------------------------------------------------------------------------
# The plan
# --------------------------------------------------------------------------------------------


def _month_before(month: str) -> str:
    year, mon = (int(x) for x in month.split("-"))
    return f"{year - 1:04d}-12" if mon == 1 else f"{year:04d}-{mon - 1:02d}"


def plan_inputs(*, month: str) -> tuple[str, list[StratumInput]]:
    """The strata a plan for ``month`` weighs: the latest month of ridership up to ``month``, with
    each stratum's riders and last month's estimated rate where one can be made."""
    base = Ridership.objects.filter(month__lte=month).order_by("-month").values_list("month", flat=True).first()
    if base is None:
        raise FaresError(_("Import ridership first: the plan weighs each route and time band by its riders."))
    rows = list(Ridership.objects.filter(month=base))
    prior: dict[tuple[str, str], float] = {}
    previous = _month_before(month)
    measured = Check.objects.filter(
        kind=Check.Kind.MEASUREMENT, riders_checked__isnull=False, **entities.in_month("start", previous)
    ).select_related("team")
    checks = entities.checks_of(measured)
    ridership = entities.ridership_of(Ridership.objects.filter(month=previous))
    if checks and ridership:
        try:
            estimate = estimate_month(checks, ridership, month=previous)
        except ValueError:
            estimate = None
        if estimate is not None:
            prior = {(s.route, s.band): s.rate.rate for s in estimate.strata if s.rate is not None}
    strata = []
    for r in rows:
        rate = prior.get((r.route, r.band))
        # Validators count payers only: riders are about B / (1 − r).
        riders = r.boardings / (1 - min(rate, 0.5)) if rate is not None and r.basis == "validations" else r.boardings
        strata.append(StratumInput(r.route, r.band, float(riders), rate))
    return base, strata


@dataclass(frozen=True)
class PlanRequest:
    month: str
    measurement_checks: int
    enforcement_checks: int
    floor: int = 2
    fare: int | None = None
    publish_lead_minutes: int = 60


@transaction.atomic
def plan_draw(*, scope: Scope, user: User, request: PlanRequest, seed: int | None = None) -> Plan:
    """Draw and publish ``request.month``'s plan with a fresh secret seed (or ``seed``, for the demo)."""
    require(scope, Action.FARES_PLAN)
    month = check_month(request.month)
    if Plan.objects.filter(month=month).exists():
        raise FaresError(
            _("The plan for %(month)s is already drawn; a published plan is never redrawn.") % {"month": month}
        )
    teams = tuple(Team.objects.values_list("code", flat=True))
    if not teams:
        raise FaresError(_("No inspection teams yet: create the inspectors' accounts first."))
    _base, strata = plan_inputs(month=month)
    least = request.floor * len(strata)
    if request.measurement_checks < least:
        raise FaresError(
            _(
                "%(checks)s measurement checks cannot give each of the %(strata)s routes and time bands its floor "
                "of %(floor)s checks; plan at least %(least)s."
            )
            % {"checks": request.measurement_checks, "strata": len(strata), "floor": request.floor, "least": least}
        )
    settings = PlanSettings(
        measurement_checks=request.measurement_checks,
        enforcement_checks=request.enforcement_checks,
        floor=request.floor,
        teams=teams,
        publish_lead_minutes=request.publish_lead_minutes,
    )
    drawn = draw_plan(
        strata,
        month=month,
        seed=secrets.randbits(62) if seed is None else seed,
        settings=settings,
        bands=entities.bands(),
    )
    return plan_store(drawn, user=user, fare=request.fare)


def plan_store(drawn: CorePlan, *, user: User | None, fare: int | None) -> Plan:
    """Keep a core ``Plan`` (drawn here, or published before and loaded by the demo) with its shifts and checks."""
    published = drawn.to_json()
    plan = Plan.objects.create(
        month=drawn.month,
        seed=drawn.seed,
        seed_commitment=drawn.seed_commitment,
        digest=drawn.digest,
        parameters=published["settings"],
        weights=published["weights"],
        fare=fare,
        drawn_by=user,
    )
    teams = {code: team_ensure(code=code) for code in {s.team for s in drawn.shifts}}
    rows = Shift.objects.bulk_create(
        Shift(plan=plan, team=teams[s.team], start=entities.aware(s.start), end=entities.aware(s.end))
        for s in drawn.shifts
    )
    # A check belongs to its team's shift of the same day and band (the plan deals them so).
    shift_of = {(s.team, s.start): row for s, row in zip(drawn.shifts, rows, strict=True)}
    starts = {s.team: sorted(t.start for t in drawn.shifts if t.team == s.team) for s in drawn.shifts}

    def owner(team: str, start: dt.datetime) -> Shift | None:
        opened = [s for s in starts.get(team, []) if s <= start]
        row = shift_of.get((team, opened[-1])) if opened else None
        return row if row is not None and start < entities.local(row.end) else None

    Check.objects.bulk_create(
        Check(
            code=c.id,
            plan=plan,
            shift=owner(c.team, c.start),
            team=teams.get(c.team) or team_ensure(code=c.team),
            route=c.route,
            band=c.band,
            start=entities.aware(c.start),
            kind=c.kind,
        )
        for c in drawn.checks
    )
    return plan


# --------------------------------------------------------------------------------------------
# The inspector's entries
# --------------------------------------------------------------------------------------------


def inspector_of(*, scope: Scope, user: User) -> Inspector:
    require(scope, Action.FARES_INSPECT)
    found = Inspector.objects.select_related("team").filter(user=user).first()
    if found is None:
        raise NotFound(_("This account is not in an inspection team."))
    return found


def _own_check(inspector: Inspector, code: str, now: dt.datetime) -> Check:
    """A check of the inspector's team whose shift has been published: anything else is not there."""
    found = Check.objects.select_related("shift", "plan").filter(code=code, team=inspector.team).first()
    if found is None:
        raise NotFound(code)
    lead = dt.timedelta(minutes=int((found.plan.parameters if found.plan else {}).get("publish_lead_minutes", 60)))
    opens = (found.shift.start if found.shift else found.start) - lead
    if now < opens:
        raise NotFound(code)  # not published yet: as if it did not exist
    return found


@dataclass(frozen=True)
class CheckEntry:
    client_id: uuid.UUID
    check: str  # the plan's check code
    paid: int
    unpaid: int
    exempt: int


@transaction.atomic
def check_record(*, scope: Scope, user: User, entry: CheckEntry, now: dt.datetime | None = None) -> tuple[Check, bool]:
    """Record what was found on a planned check; (the check, whether this call recorded it)."""
    inspector = inspector_of(scope=scope, user=user)
    now = now or timezone.now()
    earlier = Check.objects.filter(client_id=entry.client_id).first()
    if earlier is not None:
        if earlier.team_id != inspector.team_id or earlier.code != entry.check:
            raise NotFound(str(entry.client_id))
        return earlier, False
    check = _own_check(inspector, entry.check, now)
    if check.recorded:
        raise Conflict(
            _("Check %(code)s was already recorded by %(who)s.")
            % {"code": check.code, "who": check.recorded_by.get_username() if check.recorded_by else "—"}
        )
    updated = Check.objects.filter(pk=check.pk, riders_checked__isnull=True).update(
        riders_checked=entry.paid + entry.unpaid + entry.exempt,
        paid=entry.paid,
        unpaid=entry.unpaid,
        exempt=entry.exempt,
        recorded_by=user,
        recorded_at=now,
        client_id=entry.client_id,
    )
    if not updated:  # someone recorded it between the read and the write
        raise Conflict(_("Check %(code)s was already recorded.") % {"code": check.code})
    check.refresh_from_db()
    return check, True


@dataclass(frozen=True)
class ProtocolEntry:
    client_id: uuid.UUID
    offence_at: dt.datetime  # aware
    check: str = ""  # the plan's check code, if the offence was found on one
    route: str = ""
    stop: str = ""
    iin: str = ""
    last_name: str = ""
    first_name: str = ""
    patronymic: str = ""
    birth_date: dt.date | None = None
    address: str = ""
    served: bool = True  # the decision handed over on the spot


def iin_problem(iin: str, birth_date: dt.date | None) -> str | None:
    """Why ``iin`` cannot stand on a protocol (in the reader's language), or None."""
    if not iin:
        return None
    try:
        parsed = iin_rules.parse(iin)
    except iin_rules.InvalidIIN:
        return reject_text("invalid_iin", _reader(), {"value": iin})
    if birth_date is not None and parsed.birth_date != birth_date:
        return _("The IIN %(iin)s says the person was born on %(born)s, not on %(stated)s.") % {
            "iin": iin,
            "born": parsed.birth_date.strftime("%d.%m.%Y"),
            "stated": birth_date.strftime("%d.%m.%Y"),
        }
    return None


def _next_number() -> str:
    last = (
        Protocol.objects.filter(number__startswith=PROTOCOL_PREFIX)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    digits = last[len(PROTOCOL_PREFIX) :] if last else ""
    following = int(digits) + 1 if digits.isdigit() else 1
    return f"{PROTOCOL_PREFIX}{following:07d}"


def protocol_record(
    *, scope: Scope, user: User, entry: ProtocolEntry, now: dt.datetime | None = None
) -> tuple[Protocol, bool]:
    """Draw up a protocol from the phone; (the protocol, whether this call made it).

    The fine is 2 MRP of the offence year (refused if that year has no MRP); an IIN, if written,
    must be valid and agree with the stated birth date. The number is the next in the register.
    """
    inspector = inspector_of(scope=scope, user=user)
    now = now or timezone.now()
    earlier = Protocol.objects.filter(client_id=entry.client_id).first()
    if earlier is not None:
        if earlier.inspector_id != user.pk:
            raise NotFound(str(entry.client_id))
        return earlier, False
    if entry.offence_at > now + FUTURE_SLACK:
        raise FaresError(_("The offence time is in the future; check the phone's clock."))
    problem = iin_problem(entry.iin, entry.birth_date)
    if problem:
        raise FaresError(problem)
    offence_day = entities.local(entry.offence_at).date()
    try:
        fine = protocol_fine(offence_day)
    except UnknownMRP:
        raise FaresError(reject_text("no_mrp", _reader(), {"value": offence_day.year})) from None
    check = _own_check(inspector, entry.check, now) if entry.check else None
    route = check.route if check else entry.route
    if not route:
        raise FaresError(_("Choose the check or write the route."))
    parsed_birth = entry.birth_date or (iin_rules.parse(entry.iin).birth_date if entry.iin else None)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                protocol = Protocol.objects.create(
                    number=_next_number(),
                    client_id=entry.client_id,
                    check_ref=check,
                    offence_at=entry.offence_at,
                    route=route,
                    stop=entry.stop,
                    iin=entry.iin,
                    last_name=entry.last_name,
                    first_name=entry.first_name,
                    patronymic=entry.patronymic,
                    birth_date=parsed_birth,
                    address=entry.address,
                    fine=fine,
                    served_on=offence_day if entry.served else None,
                    inspector=user,
                    team=inspector.team,
                )
            return protocol, True
        except IntegrityError:
            # Either the same entry arrived twice at once (the client id), or another protocol took
            # the number: the first is an answer, the second a reason to take the next number.
            same = Protocol.objects.filter(client_id=entry.client_id).first()
            if same is not None:
                return same, False
    raise Conflict(_("The register is busy; send the protocol again."))


# --------------------------------------------------------------------------------------------
# Files: ridership and payments
# --------------------------------------------------------------------------------------------


def _received(file: UploadedFile[bytes], kind: str) -> intake.Received:
    try:
        received = intake.receive(file, kind="fares_table")
    except intake.IntakeError as exc:
        raise FaresError(str(exc)) from None
    earlier = ImportBatch.objects.filter(sha256=received.sha256, kind=kind).first()
    if earlier is not None:
        raise FaresError(
            _("%(name)s was already imported on %(date)s (import #%(id)s).")
            % {"name": received.name, "date": timezone.localtime(earlier.imported_at).date(), "id": earlier.pk}
        )
    return received


def _batch(kind: str, received: intake.Received, user: User, result: Imported[object], **more: object) -> ImportBatch:
    return ImportBatch.objects.create(
        kind=kind,
        original_name=received.name,
        sha256=received.sha256,
        imported_by=user,
        rows_in=result.rows_in,
        accepted=result.rows_accepted,
        blank_rows=result.blank_rows,
        rejects=[{"row": r.row, "code": r.code, "values": r.values} for r in result.rejects],
        columns=result.columns,
        **more,
    )


HEADERS_NOT_FOUND = {
    ImportBatch.Kind.RIDERSHIP: gettext_lazy(
        "%(name)s: no header row with the columns route, date or month, hour or time band and boardings "
        "was found among the first 10 rows."
    ),
    ImportBatch.Kind.PAYMENTS: gettext_lazy(
        "%(name)s: no header row with the columns protocol number, date paid and amount was found among the "
        "first 10 rows."
    ),
}


@transaction.atomic
def ridership_import(*, scope: Scope, user: User, file: UploadedFile[bytes]) -> ImportBatch:
    """A validator export summed into route × band × month; the file's months replace what was held.

    Rows for routes not in the network, hours outside every band, dates and counts that are not
    ones are rejected with their row numbers; rows in = accepted + rejected.
    """
    require(scope, Action.FARES_IMPORT)
    kind = ImportBatch.Kind.RIDERSHIP
    received = _received(file, kind)
    routes = set(Route.objects.values_list("code", flat=True))
    if not routes:
        raise FaresError(_("The route network is empty: load the routes before their ridership."))
    try:
        result = import_ridership(received.path, routes=routes, bands=entities.bands())
    except FaresImportError:
        raise FaresError(str(HEADERS_NOT_FOUND[kind]) % {"name": received.name}) from None
    months = sorted({r.month for r in result.records})
    batch = _batch(kind, received, user, result, months=months)  # type: ignore[arg-type]
    Ridership.objects.filter(month__in=months).delete()
    Ridership.objects.bulk_create(
        Ridership(route=r.route, band=r.band, month=r.month, boardings=r.boardings, basis=r.basis, batch=batch)
        for r in result.records
    )
    return batch


@transaction.atomic
def payments_import(*, scope: Scope, user: User, file: UploadedFile[bytes]) -> ImportBatch:
    """Payments of fines; a payment for a protocol that does not exist, or one already held, is rejected."""
    require(scope, Action.FARES_IMPORT)
    kind = ImportBatch.Kind.PAYMENTS
    received = _received(file, kind)
    ids = dict(Protocol.objects.values_list("number", "pk"))
    held = set(Payment.objects.values_list("protocol__number", "paid_on", "amount"))
    try:
        result = import_payments(received.path, protocols=ids, held=held)
    except FaresImportError:
        raise FaresError(str(HEADERS_NOT_FOUND[kind]) % {"name": received.name}) from None
    batch = _batch(kind, received, user, result)  # type: ignore[arg-type]
    Payment.objects.bulk_create(
        Payment(protocol_id=ids[p.protocol], paid_on=p.paid_on, amount=p.amount, batch=batch) for p in result.records
    )
    return batch
