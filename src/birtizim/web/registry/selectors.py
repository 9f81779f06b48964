"""Reads, every one scoped: figures for dashboards, pages of work lists, one resident's IIN.

Aggregates come from the run's summary (copied at the end of the run); personal records come from
the run's DuckDB file with the scope's districts in the WHERE clause. A district outside the scope
is answered with 404, as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from birtizim import engine
from birtizim.web.accounts.models import Profile, Role
from birtizim.web.accounts.permissions import Action, may, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.common import labels
from birtizim.web.common.errors import Conflict, NotFound
from birtizim.web.registry import runstore, worklist_table
from birtizim.web.registry.models import Assignment, Decision, Merge, Outcome, Run

PAGE_SIZE = 50


def run_current() -> Run | None:
    """The published run: what the dashboard, the trend and the work lists show (drafts never)."""
    return published_runs().order_by("-published_at", "-id").first()


def published_runs() -> QuerySet[Run]:
    return Run.objects.filter(state=Run.State.SUCCEEDED, published_at__isnull=False)


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
        for r in published_runs().order_by("published_at", "id")
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


# The work list's filters: everyone, the residents nobody has worked since the run, those whose follow-up is due.
SHOW = ("all", "todo", "due")


@dataclass(frozen=True)
class WorkFilters:
    query: str = ""
    show: str = "all"
    officer: int | None = None  # the residents assigned to this officer

    @property
    def narrowed(self) -> bool:
        return self.show != "all" or self.officer is not None

    def params(self) -> str:
        """The filters as a query string, for the pages' links and the export."""
        from urllib.parse import urlencode

        found = {"q": self.query, "show": "" if self.show == "all" else self.show, "officer": self.officer or ""}
        return urlencode({k: v for k, v in found.items() if v})


def run_taken(run: Run) -> Any:
    """When the run took the outcomes recorded so far (it was claimed): later ones are news to it."""
    return run.claimed_at or run.created_at


def _filter_tables(run: Run, district: str, filters: WorkFilters) -> tuple[str, dict[str, pa.Table]]:
    """The filters as SQL over the work list and the tables of resident numbers they need (outcomes and
    assignments live in the web's database; the rows in the run's file)."""
    where: list[str] = []
    tables: dict[str, pa.Table] = {}

    def ids(values: list[int]) -> pa.Table:
        return pa.table({"person_id": pa.array(values, pa.int64())})

    if filters.show == "todo":
        worked = Outcome.objects.filter(district=district, recorded_at__gte=run_taken(run), person_id__isnull=False)
        tables["worked_ids"] = ids(sorted({int(p or 0) for p in worked.values_list("person_id", flat=True)}))
        where.append("person_id NOT IN (SELECT person_id FROM worked_ids)")
    elif filters.show == "due":
        tables["due_ids"] = ids(follow_ups_due(district))
        where.append("person_id IN (SELECT person_id FROM due_ids)")
    if filters.officer is not None:
        mine = Assignment.objects.filter(district=district, officer_id=filters.officer)
        tables["officer_ids"] = ids(list(mine.values_list("person_id", flat=True)))
        where.append("person_id IN (SELECT person_id FROM officer_ids)")
    return "".join(f" AND {w}" for w in where), tables


def follow_ups_due(district: str, today: Any = None) -> list[int]:
    """Residents whose latest outcome asks to call again on or before today."""
    today = today or timezone.localdate()
    latest: dict[int, Any] = {}
    for pid, follow_up in (
        Outcome.objects.filter(district=district, person_id__isnull=False)
        .order_by("-recorded_at", "-id")
        .values_list("person_id", "follow_up")
    ):
        latest.setdefault(int(pid or 0), follow_up)
    return sorted(pid for pid, due in latest.items() if due is not None and due <= today)


def worklist_page(
    *, scope: Scope, run: Run, district: str, query: str = "", page: int = 1, filters: WorkFilters | None = None
) -> Page:
    """One page of the district's work list: one query on the run's tables.

    Without a search or filter the count is the run's own (its summary, copied when the run finished) and
    the query is a top-50 of the ordered rows; with one, the count comes with the rows (a window over the
    matches). A page past the end shows the last one.
    """
    district_check(scope=scope, run=run, district=district)
    filters = filters or WorkFilters(query=query)
    where, params = search_sql(filters.query)
    narrowing, tables = _filter_tables(run, district, filters)
    where += narrowing
    known = None if where else run.summary.get("worklist", {}).get(district)
    fields = ", ".join(worklist_table.page_fields(run.folder))
    order = worklist_table.order_sql(run.folder)

    def query_rows(sql: str, args: list[Any]) -> list[dict[str, Any]]:
        if not tables:
            return runstore.rows(run.folder, sql, args)
        cur = runstore.cursor(run.folder)
        try:
            for name, table in tables.items():
                cur.register(name, table)
            cur.execute(sql, args)
            names = [d[0] for d in cur.description or []]
            return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        finally:
            cur.close()

    def read(number: int) -> list[dict[str, Any]]:
        counted = "" if known is not None else ", count(*) OVER () AS total"
        return query_rows(
            f"""SELECT {fields}{counted}
                FROM worklist WHERE district = ?{where}
                ORDER BY {order}
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
            counted = query_rows(f"SELECT count(*) AS n FROM worklist WHERE district = ?{where}", [district, *params])
            total = int(counted[0]["n"]) if counted else 0
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


def worklist_ids(*, scope: Scope, run: Run, district: str, filters: WorkFilters) -> list[int]:
    """Every resident number the filters show in the district's work list (to assign them all at once)."""
    district_check(scope=scope, run=run, district=district)
    where, params = search_sql(filters.query)
    narrowing, tables = _filter_tables(run, district, filters)
    cur = runstore.cursor(run.folder)
    try:
        for name, table in tables.items():
            cur.register(name, table)
        found = cur.execute(
            f"SELECT person_id FROM worklist WHERE district = ?{where}{narrowing} ORDER BY person_id",
            [district, *params],
        ).fetchall()
    finally:
        cur.close()
    return [int(r[0]) for r in found]


def worklist_members(*, run: Run, district: str, person_ids: list[int]) -> list[int]:
    """Which of ``person_ids`` are in the district's work list of the run (a post names only those)."""
    if not person_ids:
        return []
    cur = runstore.cursor(run.folder)
    try:
        cur.register("asked", pa.table({"person_id": pa.array(person_ids, pa.int64())}))
        found = cur.execute(
            "SELECT person_id FROM worklist WHERE district = ? AND person_id IN (SELECT person_id FROM asked)",
            [district],
        ).fetchall()
    finally:
        cur.close()
    return sorted(int(r[0]) for r in found)


def district_officers(district: str) -> list[tuple[int, str]]:
    """The officers who work ``district`` (whom its residents may be assigned to), as (user id, name)."""
    found = Profile.objects.filter(role=Role.OFFICER, user__is_active=True).select_related("user")
    return sorted(
        ((p.user_id, p.user.get_full_name() or p.user.get_username()) for p in found if district in p.districts),
        key=lambda o: o[1],
    )


def officer_progress(*, scope: Scope, run: Run) -> list[dict[str, Any]]:
    """Each officer's assigned residents in the scope's districts and how many they have worked (an outcome
    recorded since the assignment), by district and officer."""
    require(scope, Action.PEOPLE_READ)
    assigned = Assignment.objects.select_related("officer")
    if scope.districts is not None:
        assigned = assigned.filter(district__in=sorted(scope.districts))
    rows = list(assigned)
    if not rows:
        return []
    recorded: dict[int, Any] = {}
    for pid, at in (
        Outcome.objects.filter(person_id__in=[a.person_id for a in rows])
        .order_by("recorded_at")
        .values_list("person_id", "recorded_at")
    ):
        recorded[int(pid or 0)] = at  # the latest, ordered ascending
    progress: dict[tuple[str, int], dict[str, Any]] = {}
    for a in rows:
        key = (a.district, a.officer_id)
        entry = progress.setdefault(
            key,
            {
                "district": a.district,
                "district_name": labels.district_name(a.district),
                "officer_id": a.officer_id,
                "officer": a.officer.get_full_name() or a.officer.get_username(),
                "assigned": 0,
                "worked": 0,
            },
        )
        entry["assigned"] += 1
        worked_at = recorded.get(a.person_id)
        entry["worked"] += int(worked_at is not None and worked_at >= a.assigned_at)
    return sorted(progress.values(), key=lambda e: (e["district_name"], e["officer"]))


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
    """A resident of ``run`` by their stable id (with the fingerprint decisions name them by); 404 outside
    the scope."""
    require(scope, Action.PEOPLE_READ)
    found = runstore.rows(
        run.folder,
        f"""SELECT person_id, iin, last_name, first_name, patronymic, birth_date, sex, district, status, category,
                   registry_status, {engine.person_fingerprint_sql()} AS person_fingerprint
            FROM statuses WHERE person_id = ?""",
        [person_id],
    )
    if not found or not scope.covers(found[0]["district"]):
        raise NotFound
    return found[0]


def person_current(*, scope: Scope, run: Run, person_id: int, shown_run: Run | None = None) -> dict[str, Any]:
    """The resident ``person_id`` as the current run ``run`` has them, for a form or a reveal sent from a page
    of ``shown_run``. Ids are stable, but a page can outlive its run: the resident must be in the current
    run and, where the page's run still answers, carry the IIN the page showed. Otherwise the post is
    refused with a reason (409) -- never applied to whoever holds the number now."""
    require(scope, Action.PEOPLE_READ)
    shown = None
    if shown_run is not None and shown_run.pk != run.pk and shown_run.folder:
        try:
            shown = person_get(scope=scope, run=shown_run, person_id=person_id)
        except (NotFound, FileNotFoundError):
            shown = None
    try:
        now = person_get(scope=scope, run=run, person_id=person_id)
    except NotFound:
        if shown is None:
            raise
        raise Conflict(
            _(
                "This resident is not in the current list (run #%(run)s): the page was shown from run #%(shown)s. "
                "Reload the work list; nothing was saved."
            )
            % {"run": run.pk, "shown": shown_run.pk if shown_run else "?"}
        ) from None
    if shown is not None and shown["iin"] != now["iin"]:
        raise Conflict(
            _("The page was shown from run #%(shown)s and names someone else than run #%(run)s; reload it.")
            % {"run": run.pk, "shown": shown_run.pk if shown_run else "?"}
        )
    return now


def person_contacts(*, scope: Scope, run: Run, person_id: int, shown_run: Run | None = None) -> dict[str, Any]:
    """A work-list resident's phone and address in full (for an audited reveal); 404 outside the scope, and
    nothing to show from a run made before the registry's contacts were read."""
    person = person_current(scope=scope, run=run, person_id=person_id, shown_run=shown_run)
    if not {"phone", "address"} <= worklist_table.run_columns(run.folder):
        raise NotFound
    found = runstore.rows(run.folder, "SELECT phone, address FROM worklist WHERE person_id = ?", [person_id])
    if not found:
        raise NotFound
    return {**person, **found[0]}


def changes_since(*, scope: Scope, run: Run, district: str) -> list[dict[str, Any]]:
    """Outcomes recorded in earlier runs and the status the current run gives the same residents."""
    district_check(scope=scope, run=run, district=district)
    # Only the run's id is shown: joining the runs would load each one's summary with every outcome. One line
    # per resident (their latest outcome): an outcome recorded twice is one change, not two.
    latest: dict[str, Outcome] = {}
    for o in Outcome.objects.filter(district=district).exclude(run=run)[:2000]:
        latest.setdefault(o.iin, o)  # newest first by the model's ordering
    earlier = list(latest.values())[:500]
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


# --- a resident's rows (detaching, merging) ------------------------------------------------------------


def person_rows(*, scope: Scope, run: Run, person_id: int) -> list[dict[str, Any]]:
    """The agency rows the run links to the resident, with how and the fingerprint a decision names them by."""
    person_get(scope=scope, run=run, person_id=person_id)
    return runstore.rows(
        run.folder,
        """SELECT a.record_id, a.source, a.row_number, a.fingerprint, a.iin, a.last_name, a.first_name, a.patronymic,
                  a.birth_date, a.district_raw, l.method, l.match_probability
           FROM links l JOIN agency a USING (record_id) WHERE l.person_id = ? ORDER BY a.source, a.row_number""",
        [person_id],
    )


def person_row(*, run: Run, person_id: int, record_id: int) -> dict[str, Any]:
    """One row the run links to the resident (404 when it is not theirs); the caller checked the scope."""
    found = runstore.rows(
        run.folder,
        """SELECT a.record_id, a.source, a.row_number, a.fingerprint FROM links l JOIN agency a USING (record_id)
           WHERE l.person_id = ? AND l.record_id = ?""",
        [person_id, record_id],
    )
    if not found:
        raise NotFound
    return found[0]


def merges_of(*, person_id: int) -> list[Merge]:
    """Live merges that take the resident in or take them away."""
    found = Merge.objects.filter(undone_at=None).filter(Q(person_id=person_id) | Q(into_id=person_id))
    return list(found.select_related("decided_by"))


# --- the review band -----------------------------------------------------------------------------------

REVIEW_PAGE_SIZE = 50
REVIEW_STATES = ("open", "left", "unsure", "stale", "decided", "all")


@dataclass(frozen=True)
class ReviewFilters:
    source: str = ""
    district: str = ""
    low: float = 0.0  # the best candidate's probability, from
    high: float = 1.0  # ... to
    state: str = "open"  # open: left, unsure or stale (a person must look)

    def query(self) -> str:
        """The filters as a query string, for the links between rows."""
        from urllib.parse import urlencode

        return urlencode(
            {
                k: v
                for k, v in (
                    ("source", self.source),
                    ("district", self.district),
                    ("low", self.low),
                    ("high", self.high),
                    ("state", self.state),
                )
                if v not in ("", None)
            }
        )


def review_run(*, scope: Scope, run_id: int | None) -> Run:
    """The run whose review band to show: the published one, or a draft for those who run and publish."""
    require(scope, Action.REVIEW)
    current = run_current()
    if run_id is None or (current is not None and run_id == current.pk):
        if current is None:
            raise NotFound
        return current
    if not may_see_drafts(scope):
        raise NotFound
    found = Run.objects.filter(pk=run_id, state=Run.State.SUCCEEDED).first()
    if found is None:
        raise NotFound
    return found


def may_see_drafts(scope: Scope) -> bool:
    return may(scope, Action.PUBLISH)


def _live_decisions(scope: Scope) -> pa.Table:
    """Every live decision in the scope, as a table DuckDB can join with the review band."""
    found = Decision.objects.filter(undone_at=None)
    if scope.districts is not None:
        found = found.filter(district__in=sorted(scope.districts))
    rows = list(found.values_list("id", "source", "fingerprint", "verdict", "decided_at", "run_id"))
    return pa.table(
        {
            "decision_id": pa.array([r[0] for r in rows], pa.int64()),
            "source": pa.array([r[1] for r in rows], pa.string()),
            "fingerprint": pa.array([r[2] for r in rows], pa.string()),
            "verdict": pa.array([r[3] for r in rows], pa.string()),
            "decided_at": pa.array([r[4] for r in rows], pa.timestamp("us", tz="UTC")),
            "decision_run": pa.array([r[5] for r in rows], pa.int64()),
        }
    )


def _review_where(scope: Scope, filters: ReviewFilters) -> tuple[str, list[Any]]:
    where: list[str] = ["true"]
    params: list[Any] = []
    if scope.districts is not None:
        where.append(f"r.district IN ({', '.join('?' for _ in scope.districts)})")
        params += sorted(scope.districts)
    if filters.source:
        where.append("r.source = ?")
        params.append(filters.source)
    if filters.district:
        where.append("r.district = ?")
        params.append(filters.district)
    where.append("coalesce(r.share, r.match_probability, 0) BETWEEN ? AND ?")
    params += [filters.low, filters.high]
    return " AND ".join(where), params


# The state of a review row: nobody decided it (left), someone was unsure, a decision the run was given
# and could not apply (stale: the row or the resident changed since), or a decision made since (it applies
# from the next run). The one parameter is when the run took the decisions (it was claimed).
_STATE = """CASE WHEN d.decision_id IS NULL THEN 'left' WHEN d.verdict = 'unsure' THEN 'unsure'
                 WHEN d.decided_at < ? AND EXISTS (SELECT 1 FROM decided x WHERE x.source = r.source
                      AND x.fingerprint = r.fingerprint AND x.state <> 'applied') THEN 'stale'
                 ELSE 'decided' END"""


def _taken(run: Run) -> Any:
    return run.claimed_at or run.created_at


def _review_cursor(scope: Scope, run: Run) -> Any:
    cur = runstore.cursor(run.folder)
    cur.register("live_decisions", _live_decisions(scope))
    return cur


def review_page(*, scope: Scope, run: Run, filters: ReviewFilters, page: int = 1) -> dict[str, Any]:
    """A page of the review band (the scope's districts, the filters), each row with its best candidate and
    its state, and the counts of what is left."""
    require(scope, Action.REVIEW)
    if not runstore.has_table(run.folder, "review_candidates"):
        return {"rows": [], "counts": {}, "total": 0, "number": 1, "pages": 1, "sources": [], "districts": []}
    where, params = _review_where(scope, filters)
    cur = _review_cursor(scope, run)
    try:
        cur.execute(
            f"""CREATE OR REPLACE TEMP TABLE shown AS
                SELECT r.record_id, r.source, r.row_number, r.last_name, r.first_name, r.patronymic, r.birth_date,
                       r.district, r.share, r.match_probability, r.reason, {_STATE} AS state, d.decision_id
                FROM review r LEFT JOIN live_decisions d USING (source, fingerprint) WHERE {where}""",
            [_taken(run), *params],
        )
        counts = dict(cur.execute("SELECT state, count(*) FROM shown GROUP BY 1").fetchall())
        wanted = _state_sql(filters.state)
        total = int((cur.execute(f"SELECT count(*) FROM shown WHERE {wanted}").fetchone() or (0,))[0])
        pages = max(1, -(-total // REVIEW_PAGE_SIZE))
        number = min(max(1, page), pages)
        cur.execute(
            f"""SELECT * FROM (
                    SELECT s.*, c.person_id AS best_id, c.last_name AS best_last_name,
                           c.first_name AS best_first_name, c.patronymic AS best_patronymic,
                           c.birth_date AS best_birth_date
                    FROM shown s LEFT JOIN review_candidates c ON c.record_id = s.record_id AND c.rank = 1)
                WHERE {wanted} ORDER BY {_REVIEW_ORDER}
                LIMIT {REVIEW_PAGE_SIZE} OFFSET {(number - 1) * REVIEW_PAGE_SIZE}"""
        )
        names = [d[0] for d in cur.description or []]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        scoped, scoped_params = _review_where(scope, ReviewFilters())
        sources = [
            s
            for (s,) in cur.execute(
                f"SELECT DISTINCT source FROM review r WHERE {scoped} ORDER BY 1", scoped_params
            ).fetchall()
        ]
        districts = [
            d
            for (d,) in cur.execute(
                f"SELECT DISTINCT district FROM review r WHERE {scoped} ORDER BY 1", scoped_params
            ).fetchall()
        ]
    finally:
        cur.close()
    counts = {k: int(counts.get(k, 0)) for k in ("left", "unsure", "stale", "decided")}
    counts["in_band"] = sum(counts.values())
    counts["open"] = counts["left"] + counts["unsure"] + counts["stale"]
    return {
        "rows": rows,
        "counts": counts,
        "total": total,
        "number": number,
        "pages": pages,
        "sources": sources,
        "districts": districts,
    }


_REVIEW_ORDER = "coalesce(share, match_probability, 0) DESC, source, row_number"


def _state_sql(state: str) -> str:
    if state == "all":
        return "true"
    if state == "open":
        return "state IN ('left', 'unsure', 'stale')"
    return f"state = '{state if state in REVIEW_STATES else 'left'}'"


def review_row(*, scope: Scope, run: Run, record_id: int) -> dict[str, Any]:
    """One row of the review band, its candidates (best first) with each comparison's level and weight,
    and the row's live decision; 404 when the row is not in the band or outside the scope."""
    require(scope, Action.REVIEW)
    if not runstore.has_table(run.folder, "review_candidates"):
        raise NotFound
    found = runstore.rows(run.folder, "SELECT * FROM review WHERE record_id = ?", [record_id])
    if not found or not scope.covers(found[0]["district"]):
        raise NotFound
    row = found[0]
    row["candidates"] = runstore.rows(
        run.folder, "SELECT * FROM review_candidates WHERE record_id = ? ORDER BY rank", [record_id]
    )
    row["decision"] = (
        Decision.objects.filter(source=row["source"], fingerprint=row["fingerprint"], undone_at=None)
        .select_related("decided_by")
        .first()
    )
    stale = runstore.rows(
        run.folder,
        "SELECT state FROM decided WHERE source = ? AND fingerprint = ? AND state <> 'applied' LIMIT 1",
        [row["source"], row["fingerprint"]],
    )
    row["stale_because"] = stale[0]["state"] if stale else ""
    return row


def review_neighbours(*, scope: Scope, run: Run, filters: ReviewFilters, record_id: int) -> dict[str, int | None]:
    """The rows before and after ``record_id`` among the open rows of the filtered band (for next/previous)."""
    where, params = _review_where(scope, filters)
    cur = _review_cursor(scope, run)
    try:
        rows = cur.execute(
            f"""SELECT record_id, {_STATE} AS state FROM review r LEFT JOIN live_decisions d USING (source, fingerprint)
                WHERE {where} ORDER BY {_REVIEW_ORDER}""",
            [_taken(run), *params],
        ).fetchall()
    finally:
        cur.close()
    wanted = {"open": ("left", "unsure", "stale"), "all": None}.get(filters.state, (filters.state,))
    ids = [int(r) for r, state in rows if r == record_id or wanted is None or state in wanted]
    at = ids.index(record_id) if record_id in ids else -1
    return {
        "previous": ids[at - 1] if at > 0 else None,
        "next": ids[at + 1] if 0 <= at < len(ids) - 1 else (ids[0] if at < 0 and ids else None),
        "position": at + 1,
        "of": len(ids),
    }


def decisions_list(*, scope: Scope) -> QuerySet[Decision]:
    require(scope, Action.REVIEW)
    found = Decision.objects.select_related("decided_by", "undone_by")
    return found if scope.districts is None else found.filter(district__in=sorted(scope.districts))


def merges_list(*, scope: Scope) -> QuerySet[Merge]:
    require(scope, Action.REVIEW)
    found = Merge.objects.select_related("decided_by", "undone_by")
    return found if scope.districts is None else found.filter(district__in=sorted(scope.districts))


# --- publication ----------------------------------------------------------------------------------------


def publication_thresholds() -> Any:
    """The limits past which a run's change is a warning (settings.PUBLICATION_THRESHOLDS over the engine's)."""
    return engine.RunThresholds(**getattr(settings, "PUBLICATION_THRESHOLDS", {}))


def run_comparison(*, run: Run) -> dict[str, Any]:
    """The run beside the run published now: as kept when it finished, or read again if another run has been
    published since (nothing is written: a page only reads)."""
    current = run_current()
    against = current.pk if current is not None and current.pk != run.pk else None
    if run.published_at is not None:  # a published run keeps what it was published against
        return dict(run.comparison)
    if run.comparison and run.comparison.get("against_run") == against:
        return dict(run.comparison)
    other = runstore.run_path(current.folder) if current is not None and against is not None else None
    try:
        found = engine.compare_runs(runstore.run_path(run.folder), other, publication_thresholds())
    except Exception:  # a folder gone, a file unreadable: the page says so, and publishing needs a reason
        return comparison_failed(against=against)
    return {**found.as_json(), "against_run": against}


def comparison_failed(*, against: int | None) -> dict[str, Any]:
    """The comparison of a run that could not be compared: one warning, so publishing needs a reason."""
    return {"warnings": [{"code": "comparison_failed"}], "against_run": against}


def runs_list(*, scope: Scope) -> list[Run]:
    """The latest runs with their files (for the runs page: each run's files and headline figures)."""
    require(scope, Action.RUN)
    return list(Run.objects.select_related("requested_by", "published_by").prefetch_related("uploads")[:50])


# --- the agencies' rows at fault (data quality) ------------------------------------------------------------

DATA_QUALITY_PAGE = 100


def data_quality(*, scope: Scope, run: Run, source: str = "", page: int = 1) -> dict[str, Any]:
    """The agency rows no call can fix (``data_quality`` of the run): counts per agency and type, and a page
    of one agency's rows (or all), within the scope's districts."""
    require(scope, Action.PEOPLE_READ)
    empty = {"counts": [], "rows": [], "total": 0, "number": 1, "pages": 1, "sources": [], "source": source}
    if not runstore.has_table(run.folder, "data_quality"):
        return empty
    where, params = data_quality_where(scope)
    counts = runstore.rows(
        run.folder,
        f"SELECT source, type, count(*) AS n FROM data_quality WHERE {where} GROUP BY ALL ORDER BY source, n DESC",
        params,
    )
    sources = sorted({str(c["source"]) for c in counts})
    chosen = source if source in sources else ""
    if chosen:
        where += " AND source = ?"
        params = [*params, chosen]
    total = int(runstore.value(run.folder, f"SELECT count(*) FROM data_quality WHERE {where}", params) or 0)
    pages = max(1, -(-total // DATA_QUALITY_PAGE))
    number = min(max(1, page), pages)
    rows = runstore.rows(
        run.folder,
        f"""SELECT source, row_number, person_id, district, type, facts FROM data_quality WHERE {where}
            ORDER BY source, row_number, type LIMIT {DATA_QUALITY_PAGE} OFFSET {(number - 1) * DATA_QUALITY_PAGE}""",
        params,
    )
    return {
        "counts": counts,
        "rows": rows,
        "total": total,
        "number": number,
        "pages": pages,
        "sources": sources,
        "source": chosen,
    }


def data_quality_where(scope: Scope, alias: str = "") -> tuple[str, list[Any]]:
    """The scope's districts over ``data_quality`` (``alias``: its name in a join)."""
    if scope.districts is None:
        return "true", []
    column = f"{alias}.district" if alias else "district"
    return f"{column} IN ({', '.join('?' for _ in scope.districts)})", sorted(scope.districts)
