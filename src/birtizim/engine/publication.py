"""What an analyst reads before a run is published: the run beside the published one, and warnings.

A run is a draft until a person publishes it. Two kinds of checks tell them what to look at:

* the run's own files (``file_checks``, made while the files are at hand and kept in run.json): two kinds
  given byte-identical files (``same_file``), and a file whose columns are another kind's and none of its
  own (``columns_of_another_kind``: the social-assistance file sent as the pension list);
* the run against the published one (``compare``): per source the rows, accepted, linked by each method,
  awaiting review and not in the registry; per district the actualisation; the statuses residents moved
  between (by their stable ``person_id``). Warnings: rows of a kind down or up by more than
  ``Thresholds.rows_share`` (``rows_changed``), the share of a kind's rows linked by IIN moving more than
  ``iin_share_points`` (``iin_share_moved``), a file whose linked rows are too often of an age its kind
  cannot have (``ages_misfit``, the status rules' limits), the region's actualisation moving more than
  ``actualisation_points`` (``actualisation_moved``) or a district's more than ``district_points``
  (``district_actualisation_moved``).

A warning is data (a code, the kinds or district it is about, the figures); the web words it in the
reader's language. Everything is JSON-able (``asdict``) so the web can keep it with the run.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from birtizim.engine.ingest import Ingested
from birtizim.engine.sources import KIND_FIELDS
from birtizim.engine.status import CATEGORY_AGE_LIMITS
from birtizim.tables.sql import quote_literal

METHODS = ("matched_iin", "iin_repaired", "matched_probabilistic", "matched_decided", "for_review", "not_in_registry")


@dataclass(frozen=True)
class Thresholds:
    rows_share: float = 0.2  # a kind's rows down or up by more than a fifth
    iin_share_points: float = 10.0  # the share of a kind's rows linked by IIN, in points
    ages_misfit_share: float = 0.2  # linked rows of an age the kind cannot have (a pension recipient of 30)
    actualisation_points: float = 2.0  # the region's actualisation, in points
    district_points: float = 5.0  # a district's actualisation, in points


@dataclass(frozen=True)
class RunWarning:
    code: str
    source: str = ""  # the kind it is about
    other: str = ""  # the other kind (same file, columns of another kind)
    district: str = ""
    values: dict[str, Any] = field(default_factory=dict)


@dataclass
class Comparison:
    against: str  # the published run's folder ("" for the first run)
    sources: list[dict[str, Any]] = field(default_factory=list)
    districts: list[dict[str, Any]] = field(default_factory=list)
    region: dict[str, Any] = field(default_factory=dict)
    statuses_moved: list[dict[str, Any]] = field(default_factory=list)  # {"before", "after", "n"}
    residents_added: int = 0
    residents_removed: int = 0
    warnings: list[RunWarning] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


# --- the run's own files ---------------------------------------------------------------------------


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_checks(ingested: list[Ingested]) -> list[RunWarning]:
    """Same bytes given as two kinds, and columns that are another kind's (none of the file's own kind's).
    Only files of equal size are hashed, so a run of distinct files reads nothing twice."""
    found: list[RunWarning] = []
    by_size: dict[int, list[Ingested]] = {}
    for i in ingested:
        try:
            by_size.setdefault(i.path.stat().st_size, []).append(i)
        except OSError:
            continue
    for same_size in by_size.values():
        if len(same_size) < 2:
            continue
        digests: dict[str, list[str]] = {}
        for i in same_size:
            digests.setdefault(_digest(i.path), []).append(i.kind)
        for kinds in digests.values():
            distinct = sorted(set(kinds))
            for a, b in itertools.pairwise(distinct):
                found.append(RunWarning("same_file", source=a, other=b))
    for i in ingested:
        own = [f for f in KIND_FIELDS.get(i.kind, ()) if f in i.columns]
        if i.kind == "registry" or own:
            continue
        for other, fields in KIND_FIELDS.items():
            theirs = [f for f in fields if f in i.columns]
            if other not in (i.kind, "registry") and theirs:
                found.append(
                    RunWarning(
                        "columns_of_another_kind",
                        source=i.kind,
                        other=other,
                        values={"columns": [i.columns[f] for f in theirs], "expected": list(KIND_FIELDS[i.kind])},
                    )
                )
    return found


def describe(warning: RunWarning) -> str:
    """One English sentence for the command line and the run's log (the web words warnings itself)."""
    w, v = warning, warning.values
    sentences = {
        "same_file": f"the files given as {w.source} and {w.other} are byte-identical",
        "columns_of_another_kind": f"the {w.source} file has {w.other}'s columns ({', '.join(v.get('columns', []))}) "
        f"and none of its own",
        "ages_misfit": f"{v.get('share', 0):.0%} of the {w.source} rows linked are of an age it cannot have",
        "rows_changed": f"{w.source}: {v.get('before')} rows before, {v.get('after')} now",
        "iin_share_moved": f"{w.source}: rows linked by IIN {v.get('before', 0):.0%} before, "
        f"{v.get('after', 0):.0%} now",
        "actualisation_moved": f"actualisation {v.get('before', 0):.1%} before, {v.get('after', 0):.1%} now",
        "district_actualisation_moved": f"{w.district}: actualisation {v.get('before', 0):.1%} before, "
        f"{v.get('after', 0):.1%} now",
    }
    return sentences.get(w.code, w.code)


# --- the run against the published one ---------------------------------------------------------------


def _meta(folder: Path) -> dict[str, Any]:
    path = folder / "run.json"
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else {}


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cur = con.execute(sql)
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]


def _points(after: float | None, before: float | None) -> float | None:
    return None if after is None or before is None else round(100 * (after - before), 2)


def compare(new: Path, published: Path | None, thresholds: Thresholds | None = None) -> Comparison:
    """The run in ``new`` beside the one in ``published`` (None: the first run, checked on its own)."""
    limits = thresholds or Thresholds()
    con = duckdb.connect(config={"memory_limit": "1GB"})
    try:
        con.execute(f"ATTACH {quote_literal(str(new / 'run.duckdb'))} AS n (READ_ONLY)")
        if published is not None:
            con.execute(f"ATTACH {quote_literal(str(published / 'run.duckdb'))} AS o (READ_ONLY)")
        return _compare(con, new, published, limits)
    finally:
        con.close()


def _source_rows(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, dict[str, Any]]:
    """Per kind (a kind has one file a run): rows received, rejected and each method's count."""
    have = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {db}.source_report)").fetchall()}
    sums = ", ".join(f"sum({m}) AS {m}" if m in have else f"0 AS {m}" for m in METHODS)
    rows = _rows(
        con,
        f"SELECT source, sum(rows_received) AS rows_received, sum(rejected) AS rejected, {sums} "
        f"FROM {db}.source_report GROUP BY source",
    )
    return {str(r["source"]): {k: (int(v) if isinstance(v, int | float) else v) for k, v in r.items()} for r in rows}


def _totals(con: duckdb.DuckDBPyConnection, db: str) -> dict[str, dict[str, Any]]:
    rows = _rows(con, f"SELECT district, name, residents, undetermined, actualisation FROM {db}.district_report")
    return {str(r["district"]): r for r in rows}


def _region(districts: dict[str, dict[str, Any]]) -> float | None:
    residents = sum(int(d["residents"]) for d in districts.values())
    undetermined = sum(int(d["undetermined"]) for d in districts.values())
    return round(1 - undetermined / residents, 4) if residents else None


def _compare(con: duckdb.DuckDBPyConnection, new: Path, published: Path | None, limits: Thresholds) -> Comparison:
    out = Comparison(against=str(published or ""))
    meta = _meta(new)
    out.warnings += [RunWarning(**w) for w in meta.get("file_checks", [])]
    after = _source_rows(con, "n")
    before = _source_rows(con, "o") if published is not None else {}
    misfit = dict(
        con.execute(
            "SELECT source, count(*) FROM n.conflicts WHERE type = 'category_age_mismatch' GROUP BY source"
        ).fetchall()
    )
    for kind in sorted(set(after) | set(before)):
        a, b = after.get(kind), before.get(kind)
        row: dict[str, Any] = {"source": kind, "after": a, "before": b}
        out.sources.append(row)
        if a is None:
            continue
        received = int(a["rows_received"])
        accepted = received - int(a["rejected"])
        linked = sum(int(a[m]) for m in ("matched_iin", "iin_repaired", "matched_probabilistic", "matched_decided"))
        if kind in CATEGORY_AGE_LIMITS and linked:
            share = int(misfit.get(kind, 0)) / linked
            if share > limits.ages_misfit_share:
                low, high = CATEGORY_AGE_LIMITS[kind]
                out.warnings.append(
                    RunWarning("ages_misfit", source=kind, values={"share": round(share, 4), "low": low, "high": high})
                )
        if b is None:
            continue
        was = int(b["rows_received"])
        if was and abs(received - was) / was > limits.rows_share:
            out.warnings.append(
                RunWarning(
                    "rows_changed",
                    source=kind,
                    values={"before": was, "after": received, "share": (received - was) / was},
                )
            )
        was_accepted = was - int(b["rejected"])
        if accepted and was_accepted:
            moved = 100 * (int(a["matched_iin"]) / accepted - int(b["matched_iin"]) / was_accepted)
            if abs(moved) > limits.iin_share_points:
                out.warnings.append(
                    RunWarning(
                        "iin_share_moved",
                        source=kind,
                        values={
                            "before": round(int(b["matched_iin"]) / was_accepted, 4),
                            "after": round(int(a["matched_iin"]) / accepted, 4),
                        },
                    )
                )
    districts_after = _totals(con, "n")
    districts_before = _totals(con, "o") if published is not None else {}
    for code in sorted(set(districts_after) | set(districts_before)):
        a_row, b_row = districts_after.get(code), districts_before.get(code)
        a_act = None if a_row is None else float(a_row["actualisation"])
        b_act = None if b_row is None else float(b_row["actualisation"])
        change = _points(a_act, b_act)
        out.districts.append(
            {
                "district": code,
                "name": (a_row or b_row or {}).get("name"),
                "residents_before": None if b_row is None else int(b_row["residents"]),
                "residents_after": None if a_row is None else int(a_row["residents"]),
                "before": b_act,
                "after": a_act,
                "points": change,
            }
        )
        if change is not None and abs(change) > limits.district_points:
            out.warnings.append(
                RunWarning("district_actualisation_moved", district=code, values={"before": b_act, "after": a_act})
            )
    region_after, region_before = _region(districts_after), _region(districts_before) if published else None
    out.region = {"before": region_before, "after": region_after, "points": _points(region_after, region_before)}
    moved = out.region["points"]
    if moved is not None and abs(moved) > limits.actualisation_points:
        out.warnings.append(
            RunWarning("actualisation_moved", values={"before": region_before, "after": region_after, "points": moved})
        )
    if published is not None:
        _moves(con, out)
    return out


def _moves(con: duckdb.DuckDBPyConnection, out: Comparison) -> None:
    """Residents by the status they had and have, and who came or went."""
    rows = con.execute(
        """
        SELECT o.status AS before, n.status AS after, count(*) AS n,
               count(*) FILTER (o.iin IS NULL) AS added, count(*) FILTER (n.iin IS NULL) AS removed
        -- a registry resident's IIN is their key (their stable id is the IIN's), and it also pairs a run made
        -- before ids were stable with one made after
        FROM n.statuses n FULL JOIN o.statuses o USING (iin)
        WHERE o.status IS DISTINCT FROM n.status
        GROUP BY ALL ORDER BY n DESC
        """
    ).fetchall()
    for before, after, n, added, removed in rows:
        out.residents_added += int(added)
        out.residents_removed += int(removed)
        if before is not None and after is not None:
            out.statuses_moved.append({"before": before, "after": after, "n": int(n)})
