"""Reads of the fares pages. Every function checks the actor's role first; an inspector's reads are
bounded by their team (shifts, checks) and by themselves (protocols), and anything outside that is
``NotFound`` (404), so ids cannot be probed.

The figures are computed on read from the rows (a few thousand checks and protocols a month) by
the core (``birtizim.fares``); nothing is stored by a page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from birtizim.fares import MonthKPIs, link_protocols, month_kpis
from birtizim.fares.fines import FINE_MRP, FineState, fine_states
from birtizim.fares.offenders import Offender, ProtocolLink, offenders
from birtizim.fares.plan import shift_visible
from birtizim.reference.mrp import mrp_table
from birtizim.tables.months import month_days
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common.errors import NotFound
from birtizim.web.fares import entities
from birtizim.web.fares.models import (
    Band,
    Check,
    ImportBatch,
    Inspector,
    Payment,
    Plan,
    Protocol,
    Ridership,
    Route,
    Shift,
    Stop,
)
from birtizim.web.fares.services import inspector_of
from birtizim.wording import Language, language_of

RECENT_PROTOCOLS = dt.timedelta(days=14)  # what an inspector's phone keeps showing of their own work


def reader() -> Language:
    return language_of(get_language())


def mask(iin: str) -> str:
    """All but the last four characters starred, as the registry's exports show IINs."""
    iin = (iin or "").strip()
    return "" if not iin else "*" * max(len(iin) - 4, 0) + iin[-4:]


# --------------------------------------------------------------------------------------------
# Months and figures
# --------------------------------------------------------------------------------------------


def months_list(*, scope: Scope) -> list[str]:
    """Months with ridership, newest first: the months a rate can be estimated for."""
    require(scope, Action.FARES_READ)
    return list(Ridership.objects.order_by("-month").values_list("month", flat=True).distinct())


def month_check(*, scope: Scope, month: str, months: Sequence[str]) -> str:
    """``month`` if figures exist for it, else the newest one (or "" when there is nothing yet)."""
    require(scope, Action.FARES_READ)
    return month if month in months else (months[0] if months else "")


def as_of_date() -> dt.date:
    """The day fines are judged on: the latest payment on file (what is known), never after today."""
    today = timezone.localdate()
    latest = Payment.objects.aggregate(latest=Max("paid_on"))["latest"]
    return min(latest, today) if latest else today


@dataclass(frozen=True)
class MonthFigures:
    month: str
    kpis: MonthKPIs | None
    problem: str  # why there is no estimate ("" when there is one)
    sentence: str
    fare: int | None


def _team_sizes() -> dict[str, int]:
    return dict(Inspector.objects.values_list("team__code").annotate(n=Count("pk")).values_list("team__code", "n"))


def month_figures(*, scope: Scope, month: str) -> MonthFigures:
    """The month's estimate, headline and KPIs (``fares.month_kpis``)."""
    require(scope, Action.FARES_READ)
    window = entities.in_month("start", month)
    checks = entities.checks_of(Check.objects.filter(riders_checked__isnull=False, **window).select_related("team"))
    ridership = entities.ridership_of(Ridership.objects.filter(month=month))
    protocol_rows = list(
        Protocol.objects.filter(**entities.in_month("offence_at", month)).select_related("check_ref").order_by("pk")
    )
    protocols = entities.protocols_of(protocol_rows)
    numbers = {p.pk: p.number for p in protocol_rows}
    payments = entities.payments_of(Payment.objects.filter(protocol_id__in=numbers), numbers)
    # Hours worked: the shifts on which at least one check was recorded (a shift nobody worked is no hours).
    worked = Shift.objects.filter(checks__riders_checked__isnull=False, **window).distinct().select_related("team")
    plan = Plan.objects.filter(month=month).first()
    fare = plan.fare if plan else None
    try:
        kpis = month_kpis(
            month=month,
            checks=checks,
            ridership=ridership,
            protocols=protocols,
            payments=payments,
            shifts=[entities.shift_of(s) for s in worked],
            team_sizes=_team_sizes(),
            as_of=as_of_date(),
            fare=fare,
        )
    except ValueError as exc:
        return MonthFigures(month, None, str(exc), "", fare)
    return MonthFigures(month, kpis, "", kpis.headline.sentence(reader()), fare)


def trend_figures(*, scope: Scope, months: Sequence[str]) -> list[MonthFigures]:
    """``month_figures`` for each month, oldest first (at most the last twelve)."""
    require(scope, Action.FARES_READ)
    return [month_figures(scope=scope, month=m) for m in sorted(months)[-12:]]


def band_names() -> dict[str, str]:
    language = reader()
    return {b.code: b.name(language) for b in Band.objects.all()} or {
        b.code: b.name(language) for b in entities.bands()
    }


# --------------------------------------------------------------------------------------------
# Plans
# --------------------------------------------------------------------------------------------


def plans_list(*, scope: Scope) -> QuerySet[Plan]:
    require(scope, Action.FARES_READ)
    return Plan.objects.annotate(n_checks=Count("checks"))


def plan_get(*, scope: Scope, month: str) -> Plan:
    require(scope, Action.FARES_READ)
    found = Plan.objects.filter(month=month).first()
    if found is None:
        raise NotFound(month)
    return found


def seed_revealed(plan: Plan, *, today: dt.date | None = None) -> bool:
    """The seed is shown once the month is over; before, riders who knew it could compute the plan."""
    last = month_days(plan.month)[-1]
    return (today or timezone.localdate()) > last


def plan_counts(plan: Plan) -> dict[str, int]:
    rows = Check.objects.filter(plan=plan)
    return {
        "measurement": rows.filter(kind=Check.Kind.MEASUREMENT).count(),
        "enforcement": rows.filter(kind=Check.Kind.ENFORCEMENT).count(),
        "recorded": rows.filter(riders_checked__isnull=False).count(),
        "shifts": plan.shifts.count(),
    }


# --------------------------------------------------------------------------------------------
# Protocols and offenders
# --------------------------------------------------------------------------------------------


def protocols_list(*, scope: Scope, month: str = "") -> QuerySet[Protocol]:
    require(scope, Action.FARES_PEOPLE)
    rows = Protocol.objects.select_related("check_ref", "inspector")
    return rows.filter(**entities.in_month("offence_at", month)) if month else rows


def protocol_get(*, scope: Scope, protocol_id: int) -> Protocol:
    require(scope, Action.FARES_PEOPLE)
    found = Protocol.objects.select_related("check_ref", "inspector").filter(pk=protocol_id).first()
    if found is None:
        raise NotFound(str(protocol_id))
    return found


def protocol_states(protocols: Sequence[Protocol]) -> dict[str, FineState]:
    """What became of each protocol's fine, by number (as of the latest payment on file)."""
    numbers = {p.pk: p.number for p in protocols}
    payments = entities.payments_of(Payment.objects.filter(protocol_id__in=numbers), numbers)
    states = fine_states(entities.protocols_of(protocols), payments, as_of=as_of_date())
    return {s.protocol: s for s in states}


@dataclass(frozen=True)
class Person:
    key: str
    iin: str | None
    protocols: list[Protocol]  # in time order
    method: str  # how the protocols were linked to this person (the first one's link)

    @property
    def fines(self) -> int:
        return sum(p.fine for p in self.protocols if not p.cancelled)


def _linked() -> tuple[list[Protocol], list[ProtocolLink]]:
    rows = list(Protocol.objects.select_related("check_ref").order_by("pk"))
    return rows, link_protocols(entities.protocols_of(rows))


def offenders_list(*, scope: Scope, start: dt.date | None, end: dt.date | None, at_least: int = 2) -> list[Person]:
    """People with at least ``at_least`` protocols in [start, end], most first (``fares.offenders``)."""
    require(scope, Action.FARES_PEOPLE)
    rows, links = _linked()
    by_number = {p.number: p for p in rows}
    method = {link.number: link.method for link in links}
    found: list[Offender] = offenders(entities.protocols_of(rows), links, start=start, end=end)
    return [
        Person(o.person_key, o.iin, [by_number[p.number] for p in o.protocols], method[o.protocols[0].number])
        for o in found
        if len(o.protocols) >= at_least
    ]


def person_history(*, scope: Scope, protocol_id: int) -> Person:
    """Everyone's protocols are linked, and the person of ``protocol_id`` is returned with all of theirs."""
    require(scope, Action.FARES_PEOPLE)
    rows, links = _linked()
    keys = {link.number: link for link in links}
    anchor = next((p for p in rows if p.pk == protocol_id), None)
    if anchor is None:
        raise NotFound(str(protocol_id))
    link = keys[anchor.number]
    mine = sorted((p for p in rows if keys[p.number].person_key == link.person_key), key=lambda p: p.offence_at)
    return Person(link.person_key, link.iin, mine, link.method)


# --------------------------------------------------------------------------------------------
# Imports and the network
# --------------------------------------------------------------------------------------------


def imports_list(*, scope: Scope) -> QuerySet[ImportBatch]:
    require(scope, Action.FARES_IMPORT)
    return ImportBatch.objects.select_related("imported_by")[:50]


def import_get(*, scope: Scope, batch_id: int) -> ImportBatch:
    require(scope, Action.FARES_IMPORT)
    found = ImportBatch.objects.filter(pk=batch_id).first()
    if found is None:
        raise NotFound(str(batch_id))
    return found


def reject_rows(batch: ImportBatch) -> list[dict[str, Any]]:
    """The batch's rejects with their reasons in the reader's language (the core's sentences)."""
    from birtizim.fares.messages import REJECT_TEXTS, reject_text

    language = reader()
    return [
        {
            "row": r["row"],
            "code": r["code"],
            "reason": reject_text(r["code"], language, r.get("values", {})) if r["code"] in REJECT_TEXTS else r["code"],
        }
        for r in batch.rejects
    ]


# --------------------------------------------------------------------------------------------
# The inspector's page
# --------------------------------------------------------------------------------------------


def _visible_shifts(inspector: Inspector, now: dt.datetime) -> list[Shift]:
    """The team's shifts open to it at ``now`` by the core's rule (``fares.plan.shift_visible``)."""
    soon = Shift.objects.filter(team=inspector.team, end__gt=now, start__lte=now + dt.timedelta(days=1))
    out = []
    for shift in soon.select_related("plan", "team"):
        lead = dt.timedelta(minutes=int(shift.plan.parameters.get("publish_lead_minutes", 60)))
        if shift_visible(entities.shift_of(shift), team=inspector.team.code, now=entities.local(now), lead=lead):
            out.append(shift)
    return out


def inspector_state(*, scope: Scope, user: User, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the phone page needs, as JSON: the team's open shifts with their checks and the
    routes' stops, the inspector's own recent protocols (IINs masked), and the fine of each year."""
    inspector = inspector_of(scope=scope, user=user)
    now = now or timezone.now()
    language = reader()
    names = band_names()
    shifts = _visible_shifts(inspector, now)
    checks = list(Check.objects.filter(shift__in=shifts).order_by("start", "code"))
    routes = {r.code: r for r in Route.objects.filter(code__in={c.route for c in checks})}
    stop_names = dict(Stop.objects.values_list("code", "name"))
    mine = Protocol.objects.filter(inspector=user, created_at__gte=now - RECENT_PROTOCOLS).order_by("-offence_at")
    return {
        "inspector": {"username": user.get_username(), "name": inspector.name, "team": inspector.team.code},
        "language": language,
        "now": entities.local(now).isoformat(timespec="minutes"),
        "shifts": [
            {
                "id": s.pk,
                "start": entities.local(s.start).isoformat(timespec="minutes"),
                "end": entities.local(s.end).isoformat(timespec="minutes"),
                "checks": [
                    {
                        "code": c.code,
                        "route": c.route,
                        "route_name": routes[c.route].name if c.route in routes else c.route,
                        "band": names.get(c.band, c.band),
                        "start": entities.local(c.start).isoformat(timespec="minutes"),
                        "kind": c.kind,
                        "recorded": c.recorded,
                    }
                    for c in checks
                    if c.shift_id == s.pk
                ],
            }
            for s in shifts
        ],
        "stops": {
            code: [{"code": s, "name": stop_names.get(s, s)} for s in route.stops] for code, route in routes.items()
        },
        "protocols": [
            {
                "number": p.number,
                "client_id": str(p.client_id) if p.client_id else "",
                "offence_at": entities.local(p.offence_at).isoformat(timespec="minutes"),
                "route": p.route,
                "iin": mask(p.iin),
                "fine": p.fine,
            }
            for p in mine[:50]
        ],
        "fines": {str(year): FINE_MRP * value for year, value in mrp_table().items()},
    }
