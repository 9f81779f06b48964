"""The allocation queue: who gets the vouchers a budget pays for, decided for all applications at once.

Rules, applied in this order (a lower key is served first):

1. **Priority tier.** The most urgent category a child has, in ``model.PRIORITY_ORDER``: orphan or
   left without parental care, disability, large family, social assistance recipient; children with
   no category come last. Several categories do not add up: only the most urgent one counts.
2. **Application time, coarsened.** ``applied_at`` is cut to buckets of ``time_bucket`` (one day by
   default): applying at 00:00:01 beats nobody who applied later that day. Set the bucket to the
   whole intake window to ignore time altogether.
3. **Lottery.** Within the same tier and bucket, the order is ``sha256(salt || ':' || child_id)``.
   The salt is fixed for the batch and published with the results (commit to its hash before the
   intake opens), so anyone can recompute the order and nobody can influence it by clicking first,
   resubmitting (the draw depends on the child, not the application) or retrying.

One child, one application: a child's later applications are duplicates and are not ranked. The
batch is deterministic: the same applications and salt always give the same ranks.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from birtizim.vouchers.model import PRIORITY_ORDER

REQUIRED = ("application_id", "child_id", "applied_at", "priorities")


def rank(applications: pa.Table, *, salt: str, time_bucket: dt.timedelta = dt.timedelta(days=1)) -> pa.Table:
    """Rank every application; returns one row per input application.

    ``applications`` has ``application_id`` BIGINT, ``child_id`` BIGINT, ``applied_at`` TIMESTAMP and
    ``priorities`` LIST<VARCHAR> (null or empty: no category). The result keeps those columns and
    adds ``tier`` (0 = most urgent), ``bucket`` (start of the time bucket), ``lottery`` (hex),
    ``rank`` (1 = first; null for a duplicate) and ``duplicate_of`` (the application that counts
    for the child).
    """
    missing = [c for c in REQUIRED if c not in applications.column_names]
    if missing:
        raise ValueError(f"applications table lacks {', '.join(missing)}")
    if not salt:
        raise ValueError("a batch needs a salt: without one the lottery could be predicted")
    if time_bucket <= dt.timedelta(0):
        raise ValueError("time_bucket must be positive")
    con = duckdb.connect()
    con.register("applications", applications)
    tiers = ", ".join(f"('{p.value}', {i})" for i, p in enumerate(PRIORITY_ORDER))
    return con.execute(
        f"""
        WITH tiers(category, tier) AS (VALUES {tiers}),
        apps AS (
            SELECT a.application_id, a.child_id, a.applied_at, a.priorities,
                   coalesce((SELECT min(t.tier) FROM unnest(coalesce(a.priorities, []::VARCHAR[])) AS u(category)
                             JOIN tiers t USING (category)), {len(PRIORITY_ORDER)}) AS tier,
                   time_bucket(to_microseconds($bucket), a.applied_at, TIMESTAMP '2000-01-01') AS bucket,
                   sha256($salt || ':' || CAST(a.child_id AS VARCHAR)) AS lottery,
                   -- the child's first application counts: later ones cannot buy a second draw
                   first_value(a.application_id) OVER (
                       PARTITION BY a.child_id ORDER BY a.applied_at, a.application_id) AS counted
            FROM applications a
        )
        SELECT application_id, child_id, applied_at, priorities, tier, bucket, lottery,
               CASE WHEN application_id = counted THEN
                   row_number() OVER (PARTITION BY application_id = counted ORDER BY tier, bucket, lottery, child_id)
               END AS rank,
               CASE WHEN application_id <> counted THEN counted END AS duplicate_of
        FROM apps
        ORDER BY rank NULLS LAST, application_id
        """,
        {"bucket": int(time_bucket.total_seconds() * 1_000_000), "salt": salt},
    ).to_arrow_table()


def allocate(
    applications: pa.Table, *, vouchers: int, salt: str, time_bucket: dt.timedelta = dt.timedelta(days=1)
) -> pa.Table:
    """``rank`` plus ``allocated`` BOOLEAN: true for the first ``vouchers`` ranked applications."""
    if vouchers < 0:
        raise ValueError("the number of vouchers cannot be negative")
    ranked = rank(applications, salt=salt, time_bucket=time_bucket)
    allocated = pc.fill_null(pc.less_equal(ranked.column("rank"), vouchers), False)
    return ranked.append_column("allocated", allocated)
