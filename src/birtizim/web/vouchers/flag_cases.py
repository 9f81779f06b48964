"""Running the core's fraud flags on the database and keeping their results as cases.

Set-based end to end: each table leaves the database in one query (``core_tables.connect``), the single
list joins in from the current run's DuckDB file, and ``flags.run`` computes every flag at once.
Results are upserted by key (flag, entity, period): re-running refreshes the evidence of a known
case and never opens a second one; a case whose flag no longer fires stays, marked inactive.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections import Counter

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from birtizim.vouchers import flags
from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.registry.selectors import run_current
from birtizim.web.vouchers.models import Flag, FlagRun, Provider

log = logging.getLogger("birtizim.web.vouchers")
# Without a finished run there is no single list: every child would look "outside the region".
NEEDS_LIST = ("departed_attends", "outside_region")


def flag_key(code: str, kind: str, entity_id: int, period: dt.date | None) -> str:
    return f"{code}:{kind}:{entity_id}:{period.isoformat() if period else '-'}"


@transaction.atomic
def flags_run(*, scope: Scope | None, user: User | None = None, now: dt.datetime | None = None) -> FlagRun:
    """Run every flag; ``scope`` None is the management command (the operator of the server)."""
    from birtizim.web.vouchers import core_tables  # DuckDB and Arrow load only when flags run

    if scope is not None:
        require(scope, Action.RUN)
    run = run_current()
    record = FlagRun.objects.create(by=user, run=run)
    codes = [f.code for f in flags.FLAGS if run is not None or f.code not in NEEDS_LIST]
    now = now or timezone.now()
    # Links still open are not yet "unanswered"; the core compares local wall-clock times.
    as_of = timezone.localtime(now).replace(tzinfo=None)
    con = core_tables.connect(run)
    try:
        found = flags.run(con, flags.Thresholds(links_as_of=as_of), codes=codes).to_pylist()
    finally:
        con.close()
    districts = dict(Provider.objects.values_list("id", "district"))
    existing = {f.key: f for f in Flag.objects.all()}
    seen: set[str] = set()
    new: list[Flag] = []
    changed: list[Flag] = []
    for row in found:
        key = flag_key(row["flag"], row["entity_kind"], row["entity_id"], row["period"])
        if key in seen:
            continue
        seen.add(key)
        providers = [int(p) for p in row["provider_ids"] or []]
        facts = json.loads(row["facts"]) if row.get("facts") else {}
        known = existing.get(key)
        if known is None:
            new.append(
                Flag(
                    key=key,
                    code=row["flag"],
                    entity_kind=row["entity_kind"],
                    entity_id=row["entity_id"],
                    period=row["period"],
                    provider_ids=providers,
                    district=districts.get(providers[0], "") if providers else "",
                    value=row["value"] or 0.0,
                    evidence=row["evidence"],
                    facts=facts,
                    first_run=record,
                    last_run=record,
                )
            )
        else:
            known.evidence, known.value, known.provider_ids = row["evidence"], row["value"] or 0.0, providers
            known.facts = facts
            known.active, known.last_run = True, record
            changed.append(known)
    Flag.objects.bulk_create(new, batch_size=500)
    Flag.objects.bulk_update(
        changed, ["evidence", "facts", "value", "provider_ids", "active", "last_run"], batch_size=500
    )
    gone = [k for k, f in existing.items() if f.active and k not in seen]
    for start in range(0, len(gone), 500):
        Flag.objects.filter(key__in=gone[start : start + 500]).update(active=False)
    record.found = len(seen)
    record.new = len(new)
    record.counts = dict(Counter(r["flag"] for r in found))
    record.finished_at = timezone.now()
    record.save(update_fields=["found", "new", "counts", "finished_at"])
    log.info("voucher flags: %s rows, %s new cases", record.found, record.new)
    return record
