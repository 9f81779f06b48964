"""Reads, every one scoped: figures for dashboards, pages of work lists, one resident's IIN.

Aggregates come from the run's summary (copied at the end of the run); personal records come from
the run's DuckDB file with the scope's districts in the WHERE clause. A district outside the scope
is answered with 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from birtizim import engine
from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import labels
from birtizim.web.common.errors import NotFound
from birtizim.web.registry import runstore, worklist_table
from birtizim.web.registry.models import Outcome, Run

PAGE_SIZE = 50


def run_current() -> Run | None:
    return Run.objects.filter(state=Run.State.SUCCEEDED).order_by("-finished_at", "-id").first()


def _totals(districts: list[dict[str, Any]]) -> dict[str, Any]:
    keys = ("residents", "state", "contributor", "lapsed", "undetermined")
    totals: dict[str, Any] = {k: sum(int(d[k]) for d in districts) for k in keys}
    totals["insured"] = totals["state"] + totals["contributor"]
    totals["actualisation"] = engine.actualisation(totals["residents"], totals["undetermined"])
    return totals


def dashboard_get(*, scope: Scope, run: Run) -> dict[str, Any]:
    districts = run.summary.get("districts", [])
    mine = [d for d in districts if scope.covers(d["district"])]
    conflicts: dict[str, int] = {}
    for row in run.summary.get("conflicts", []):
        if scope.covers(row["district"]):
            conflicts[row["type"]] = conflicts.get(row["type"], 0) + int(row["n"])
    trend = [
        {
            "run": r.pk,
            "finished_at": r.finished_at,
            # The same districts as the tiles above it, so the last point equals the actualisation tile.
            "actualisation": _totals([d for d in r.summary.get("districts", []) if scope.covers(d["district"])])[
                "actualisation"
            ],
        }
        for r in Run.objects.filter(state=Run.State.SUCCEEDED).order_by("finished_at", "id")
    ]
    may_open = may(scope, Action.PEOPLE_READ)
    return {
        "totals": _totals(mine),
        "region_totals": _totals(districts),
        # An officer whose districts the run does not hold (another region's, say) reads that, not zeros.
        "outside": scope.districts is not None and not mine,
        # District figures are aggregates, not personal data: every role sees the whole ranking; a name
        # links to the district's work list for whoever may open it.
        "ranking": [
            {
                **d,
                "name": labels.district_name(d["district"], written=d["name"]),
                "mine": scope.districts is not None and scope.covers(d["district"]),
                "link": may_open and scope.covers(d["district"]),
            }
            for d in districts
        ],
        "best": labels.district_name(districts[0]["district"], written=districts[0]["name"]) if districts else "",
        "worst": labels.district_name(districts[-1]["district"], written=districts[-1]["name"]) if districts else "",
        "sources": run.summary.get("sources", []),
        "conflicts": sorted(conflicts.items(), key=lambda kv: -kv[1]),
        "trend": trend,
    }


def worklist_districts(*, scope: Scope, run: Run) -> list[dict[str, Any]]:
    require(scope, Action.PEOPLE_READ)
    counts = run.summary.get("worklist", {})
    found = [
        {**d, "name": labels.district_name(d["district"], written=d["name"]), "worklist": counts.get(d["district"], 0)}
        for d in run.summary.get("districts", [])
        if scope.covers(d["district"])
    ]
    return sorted(found, key=lambda d: d["name"])


def district_check(*, scope: Scope, run: Run, district: str) -> dict[str, Any]:
    require(scope, Action.PEOPLE_READ)
    for d in run.summary.get("districts", []):
        if d["district"] == district and scope.covers(district):
            return {**d, "name": labels.district_name(district, written=d["name"])}
    raise NotFound


def search_sql(query: str) -> tuple[str, list[Any]]:
    q = query.strip()
    if not q:
        return "", []
    if q.isdigit():
        return " AND iin LIKE ?", [q + "%"] if len(q) < 12 else [q]
    escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return " AND lower(concat_ws(' ', last_name, first_name, patronymic)) LIKE ? ESCAPE '\\'", [f"%{escaped}%"]


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    number: int
    pages: int


def worklist_page(*, scope: Scope, run: Run, district: str, query: str = "", page: int = 1) -> Page:
    """One page of the district's work list: one query on the run's tables.

    Without a search the count is the run's own (its summary, copied when the run finished) and the query
    is a top-50 of the ordered rows; with a search the count comes with the rows (a window over the
    matches, usually few). A page past the end shows the last one.
    """
    district_check(scope=scope, run=run, district=district)
    where, params = search_sql(query)
    known = None if where else run.summary.get("worklist", {}).get(district)

    def read(number: int) -> list[dict[str, Any]]:
        counted = "" if known is not None else ", count(*) OVER () AS total"
        return runstore.rows(
            run.folder,
            f"""SELECT {", ".join(worklist_table.page_fields(run.folder))}{counted}
                FROM worklist WHERE district = ?{where}
                ORDER BY {worklist_table.order_sql()}
                LIMIT {PAGE_SIZE} OFFSET {(number - 1) * PAGE_SIZE}""",
            [district, *params],
        )

    number = max(1, page)
    if known is not None:
        total = int(known)
        number = min(number, max(1, -(-total // PAGE_SIZE)))
        rows = read(number) if total else []
    else:
        rows = read(number)
        if rows:
            total = int(rows[0]["total"])
        else:  # past the last page (or nothing found): count, and show the last page
            total = int(
                runstore.value(
                    run.folder, f"SELECT count(*) FROM worklist WHERE district = ?{where}", [district, *params]
                )
            )
            number = max(1, -(-total // PAGE_SIZE))
            rows = read(number) if total else []
    pages = max(1, -(-total // PAGE_SIZE))
    latest = latest_outcomes(district, [r["iin"] for r in rows])
    for r in rows:
        r.pop("total", None)
        iin = r.pop("iin")  # pages carry masked IINs only; revealing one is its own audited request
        r["iin_masked"] = mask(iin)
        r["outcome"] = latest.get(iin)
    return Page(rows, total, number, pages)


def latest_outcomes(district: str, iins: list[str] | None = None) -> dict[str, Outcome]:
    """Each resident's newest outcome in the district (all residents when ``iins`` is None)."""
    found = Outcome.objects.filter(district=district)
    if iins is not None:
        found = found.filter(iin__in=iins)
    latest: dict[str, Outcome] = {}
    for o in found:
        latest.setdefault(o.iin, o)  # newest first by the model's ordering
    return latest


def mask(iin: object) -> str:
    """``********2728``, as in the engine's exports."""
    text = "" if iin is None else str(iin)
    return "*" * max(len(text) - 4, 0) + text[-4:]


def person_get(*, scope: Scope, run: Run, person_id: int) -> dict[str, Any]:
    require(scope, Action.PEOPLE_READ)
    found = runstore.rows(
        run.folder,
        """SELECT person_id, iin, last_name, first_name, patronymic, birth_date, district, status, category
           FROM statuses WHERE person_id = ?""",
        [person_id],
    )
    if not found or not scope.covers(found[0]["district"]):
        raise NotFound
    return found[0]


def changes_since(*, scope: Scope, run: Run, district: str) -> list[dict[str, Any]]:
    """Outcomes recorded in earlier runs and the status the current run gives the same residents."""
    district_check(scope=scope, run=run, district=district)
    # Only the run's id is shown: joining the runs would load each one's summary with every outcome.
    earlier = list(Outcome.objects.filter(district=district).exclude(run=run)[:500])
    if not earlier:
        return []
    cur = runstore.cursor(run.folder)
    try:
        cur.register("earlier", pa.table({"iin": [o.iin for o in earlier]}))
        now = {
            r[0]: r[1:]
            for r in cur.execute(
                "SELECT s.iin, s.status, s.category, s.last_name, s.first_name FROM statuses s JOIN earlier USING (iin)"
            ).fetchall()
        }
    finally:
        cur.close()
    out = []
    for o in earlier:
        status, category, last, first = now.get(o.iin, (None, None, "", ""))
        out.append(
            {
                "outcome": o,
                "iin_masked": mask(o.iin),
                "name": f"{last} {first}".strip(),
                "status_then": o.status_then,
                "status_now": status,
                "category_now": category,
                "changed": status != o.status_then,
            }
        )
    return out
