"""The akimat's figures: money paid against attendance parents confirmed, by provider and district.

Confirmed attendance comes from the core's ``payment.lines_sql`` over the exported tables (one
query per table, DuckDB in memory); paid money from the timesheets marked paid. Where the money
paid exceeds the value of confirmed sessions, something was paid that no parent confirmed.
Aggregates only: no child appears here, so viewers read it too.

Computing the figures reads every mark and answer — only the columns ``payment.lines_sql`` reads
(``payment.LINES_COLUMNS``): the marks' timestamps, which it does not need, had cost half the time. It
still takes about 0.6 s at the demo's 68,000 marks, so the figures are computed once per change of the
data they rest on and kept in each process's cache: ``data_stamp`` is a few indexed lookups that any new
mark, answer, timesheet move, flag run or case note changes.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from typing import Any

import duckdb
import pyarrow as pa
from django.core.cache import cache
from django.db.models import Max, Q, Sum

from birtizim.vouchers import payment
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.vouchers import core_tables, selectors
from birtizim.web.vouchers.models import (
    CaseNote,
    Confirmation,
    Flag,
    FlagRun,
    Mark,
    Provider,
    Timesheet,
    TimesheetEvent,
)

ZERO = Decimal("0.00")
CASE_OPEN = (Flag.Status.OPEN, Flag.Status.INVESTIGATING, Flag.Status.CONFIRMED)


def _confirmed_by_provider(provider_ids: list[int]) -> dict[int, dict[str, Any]]:
    con = duckdb.connect()
    con.register("visible", pa.table({"provider_id": pa.array(provider_ids, pa.int64())}))
    for name, columns in payment.LINES_COLUMNS.items():
        con.register(name, core_tables.export(name, only=columns))
    rows = con.execute(
        f"""SELECT provider_id, sum(present) AS present, sum(confirmed_present) AS confirmed_present,
                   CAST(sum(amount) AS DECIMAL(14, 2)) AS confirmed_value
            FROM ({payment.lines_sql()}) WHERE provider_id IN (SELECT provider_id FROM visible) GROUP BY provider_id"""
    ).fetchall()
    return {int(r[0]): {"present": int(r[1]), "confirmed_present": int(r[2]), "confirmed_value": r[3]} for r in rows}


CACHE_SECONDS = 24 * 3600  # the stamp decides; this only bounds how long an unused copy stays


def data_stamp() -> str:
    """What the figures rest on, in a few lookups on indexed columns: a mark saved or changed (``entered_at``),
    a parent's answer, a timesheet created or moved (its events), a flag run, a case worked, a provider."""
    parts = [
        Mark.objects.aggregate(i=Max("id"), t=Max("entered_at")),
        Confirmation.objects.aggregate(i=Max("id")),
        Timesheet.objects.aggregate(i=Max("id")),
        TimesheetEvent.objects.aggregate(i=Max("id")),
        FlagRun.objects.aggregate(i=Max("id"), t=Max("finished_at")),
        CaseNote.objects.aggregate(i=Max("id")),
        Provider.objects.aggregate(i=Max("id")),
    ]
    joined = "|".join(str(v) for p in parts for v in p.values())
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def dashboard_get(*, scope: Scope) -> dict[str, Any]:
    """The figures (computed once per data change and scope) and the queue's counts (cheap, read each time)."""
    require(scope, Action.VOUCHERS_FIGURES)
    districts = "*" if scope.districts is None else ",".join(sorted(scope.districts))
    key = f"vouchers-dashboard:{data_stamp()}:{scope.role}:{districts}:{scope.organisation or ''}"
    figures = cache.get(key)
    if figures is None:
        figures = _figures(scope)
        cache.set(key, figures, CACHE_SECONDS)
    return {**figures, "queue": selectors.queue_get(scope=scope)}


def _figures(scope: Scope) -> dict[str, Any]:
    providers = list(selectors.providers_visible(scope=scope))
    ids = [p.pk for p in providers]
    confirmed = _confirmed_by_provider(ids) if ids else {}
    money: dict[int, dict[str, Any]] = {
        row["provider_id"]: dict(row)
        for row in Timesheet.objects.filter(provider_id__in=ids)
        .values("provider_id")
        .annotate(paid=Sum("amount", filter=Q(status="paid")), approved=Sum("amount", filter=Q(status="approved")))
    }
    flagged: Counter[int] = Counter()
    flags = Flag.objects.filter(active=True, status__in=CASE_OPEN)
    if scope.districts is not None:
        flags = flags.filter(district__in=sorted(scope.districts))
    for provider_ids in flags.values_list("provider_ids", flat=True):
        for pid in set(provider_ids):
            flagged[int(pid)] += 1
    rows = []
    for p in providers:
        c = confirmed.get(p.pk, {"present": 0, "confirmed_present": 0, "confirmed_value": ZERO})
        paid = money.get(p.pk, {}).get("paid") or ZERO
        rows.append(
            {
                "provider": p,
                "district": p.district,
                "present": c["present"],
                "confirmed_present": c["confirmed_present"],
                "confirmed_share": c["confirmed_present"] / c["present"] if c["present"] else None,
                "confirmed_value": c["confirmed_value"],
                "paid": paid,
                "approved": money.get(p.pk, {}).get("approved") or ZERO,
                "overpaid": max(paid - c["confirmed_value"], ZERO),
                "flags": flagged.get(p.pk, 0),
            }
        )
    rows.sort(key=lambda r: (-r["flags"], -r["overpaid"], r["provider"].name))
    districts: dict[str, dict[str, Any]] = {}
    for r in rows:
        d = districts.setdefault(
            r["district"],
            {
                "district": r["district"],
                "providers": 0,
                "present": 0,
                "confirmed_present": 0,
                "confirmed_value": ZERO,
                "paid": ZERO,
                "overpaid": ZERO,
                "flags": 0,
            },
        )
        d["providers"] += 1
        for key in ("present", "confirmed_present", "confirmed_value", "paid", "overpaid", "flags"):
            d[key] += r[key]
    by_district = sorted(districts.values(), key=lambda d: d["district"])
    for d in by_district:
        d["confirmed_share"] = d["confirmed_present"] / d["present"] if d["present"] else None
        d["mine"] = scope.districts is not None and scope.covers(d["district"])
    open_flags = flags.count()  # distinct cases: a child's flag may name two providers
    totals = {
        key: sum((r[key] for r in rows), ZERO if key in ("paid", "confirmed_value", "overpaid") else 0)
        for key in ("present", "confirmed_present", "confirmed_value", "paid", "overpaid")
    }
    totals["flags"] = open_flags
    return {
        "providers": rows,
        "flagged": [r for r in rows if r["flags"]][:20],
        "districts": by_district,
        "totals": totals,
    }
