"""People's decisions apply in every later run: a row settled once is not asked again, a rejected pair never
comes back, merges and detached rows last, stale decisions are not applied, and undoing one restores the
engine's own result. The region has four pension rows the engine cannot settle (two namesakes each)."""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from birtizim.cli import app
from birtizim.engine import SourceError, person_fingerprint_sql, pipeline, write_decisions
from birtizim.engine.ingest import Source
from birtizim.eval.decisions import agreement
from birtizim.synth import synthesize
from tests.review_region import PENSION, REGISTRY, Namesakes, with_namesakes


@dataclass(frozen=True)
class World:
    region: Path
    namesakes: list[Namesakes]
    first: pipeline.Run


def sources(region: Path) -> list[Source]:
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    return [Source(s["kind"], region / s["path"]) for s in manifest["sources"]]


def query(folder: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(folder / "run.duckdb"), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    plain = tmp_path_factory.mktemp("plain")
    synthesize(region="almaty-2019", residents=3_000, seed=21, out=plain)
    region = tmp_path_factory.mktemp("region")
    namesakes = with_namesakes(plain, region)
    return World(region, namesakes, pipeline.reconcile(sources(region), tmp_path_factory.mktemp("first")))


def person(folder: Path, iin: str) -> tuple[int, str]:
    """(person_id, fingerprint) of the resident with ``iin`` in a run."""
    ((pid, fingerprint),) = query(
        folder, f"SELECT person_id, {person_fingerprint_sql('s')} FROM statuses s WHERE iin = ?", [iin]
    )
    return int(pid), str(fingerprint)


def pension_row(folder: Path, row_number: int) -> dict[str, Any]:
    """A pension row's fingerprint, its link or review, and its candidates' ids."""
    ((record_id, fingerprint),) = query(
        folder, "SELECT record_id, fingerprint FROM agency WHERE source = 'pension' AND row_number = ?", [row_number]
    )
    linked = query(folder, "SELECT person_id, method FROM links WHERE record_id = ?", [record_id])
    review = query(folder, "SELECT person_id FROM review WHERE record_id = ?", [record_id])
    candidates = query(folder, "SELECT person_id FROM review_candidates WHERE record_id = ? ORDER BY rank", [record_id])
    return {
        "fingerprint": fingerprint,
        "link": linked[0] if linked else None,
        "review": review[0][0] if review else None,
        "candidates": [c for (c,) in candidates],
    }


def shown(folder: Path, row: dict[str, Any]) -> list[str]:
    """The IINs of a review row's candidates, as the review page shows them."""
    return [
        str(query(folder, "SELECT iin FROM statuses WHERE person_id = ?", [pid])[0][0]) for pid in row["candidates"]
    ]


def decision(action: str, folder: Path, row: dict[str, Any], iin: str) -> dict[str, object]:
    pid, fingerprint = person(folder, iin)
    return {
        "action": action,
        "source": "pension",
        "fingerprint": row["fingerprint"],
        "person_id": pid,
        "person_fingerprint": fingerprint,
    }


def links(folder: Path) -> set[tuple[Any, ...]]:
    return set(
        query(
            folder, "SELECT a.source, a.row_number, l.person_id, l.method FROM links l JOIN agency a USING (record_id)"
        )
    )


def test_the_review_band_keeps_both_namesakes_with_each_comparisons_weight(world: World) -> None:
    folder = world.first.folder
    for n in world.namesakes:
        row = pension_row(folder, n.row_number)
        assert row["link"] is None and row["review"] is not None
        ids = {person(folder, n.original)[0], person(folder, n.namesake)[0]}
        assert ids <= set(row["candidates"])
    ((gamma_name, mw_name, gamma_birth, share),) = query(
        folder,
        "SELECT gamma_name, mw_name, gamma_birth_date, share FROM review_candidates c JOIN agency a USING (record_id) "
        "WHERE a.row_number = ? AND rank = 1",
        [world.namesakes[0].row_number],
    )
    assert gamma_name == 5 and mw_name > 3  # both names the same: strong evidence for
    assert gamma_birth == -1  # the row has no birth date: the comparison says nothing
    assert 0.3 < share < 0.7


@pytest.fixture(scope="module")
def decided(world: World, tmp_path_factory: pytest.TempPathFactory) -> tuple[pipeline.Run, list[dict[str, object]]]:
    """A run given decisions: the first row is the namesake, the second none of the candidates shown, the
    fourth namesake merged into their original; and a pension row linked by its IIN detached."""
    folder = world.first.folder
    a, b, _c, d = world.namesakes
    row_a, row_b = pension_row(folder, a.row_number), pension_row(folder, b.row_number)
    ((detached_row, detached_iin),) = query(
        folder,
        "SELECT a.row_number, s.iin FROM links l JOIN agency a USING (record_id) JOIN statuses s USING (person_id) "
        "WHERE a.source = 'pension' AND l.method = 'iin' ORDER BY a.row_number LIMIT 1",
    )
    detached = pension_row(folder, detached_row)
    absorbed, into = person(folder, d.namesake), person(folder, d.original)
    rows: list[dict[str, object]] = [
        decision("same", folder, row_a, a.namesake),
        *(decision("not", folder, row_b, iin) for iin in shown(folder, row_b)),
        decision("not", folder, detached, detached_iin),
        {
            "action": "merge",
            "person_id": absorbed[0],
            "person_fingerprint": absorbed[1],
            "into_id": into[0],
            "into_fingerprint": into[1],
        },
    ]
    path = tmp_path_factory.mktemp("decisions") / "decisions.csv"
    write_decisions(path, rows)
    run = pipeline.reconcile(
        sources(world.region),
        tmp_path_factory.mktemp("decided"),
        identities=folder / "identities.parquet",
        decisions=path,
    )
    numbers = [a.row_number] + [b.row_number] * (len(rows) - 3) + [detached_row, 0]
    return run, [{**r, "row_number": n} for r, n in zip(rows, numbers, strict=True)]


def test_a_decision_links_the_row_to_the_resident_people_named(world: World, decided: Any) -> None:
    run, _ = decided
    a = world.namesakes[0]
    row = pension_row(run.folder, a.row_number)
    assert row["link"] == (person(run.folder, a.namesake)[0], "decided") and row["review"] is None
    assert run.decisions.applied == run.decisions.given - 1 and run.decisions.merges_applied == 1
    ((status, category),) = query(run.folder, "SELECT status, category FROM statuses WHERE iin = ?", [a.namesake])
    assert (status, category) == ("state", "pensioner")  # the decided row is the resident's evidence


def test_none_of_these_keeps_the_rejected_pairs_out_of_review(world: World, decided: Any) -> None:
    run, rows = decided
    b = world.namesakes[1]
    row = pension_row(run.folder, b.row_number)
    assert row["review"] is None and row["link"] is not None and row["link"][1] == "new"
    rejected = {int(r["person_id"]) for r in rows if r["action"] == "not" and r["row_number"] == b.row_number}
    assert len(rejected) >= 2 and not rejected & set(row["candidates"])
    assert ("not_in_registry",) in query(
        run.folder, "SELECT type FROM conflicts WHERE source = 'pension' AND row_number = ?", [b.row_number]
    )


def test_a_detached_row_leaves_its_resident(world: World, decided: Any) -> None:
    run, rows = decided
    detached = rows[-2]
    row = pension_row(run.folder, int(detached["row_number"]))
    assert row["link"] is not None and row["link"][0] != detached["person_id"]
    evidence = query(run.folder, "SELECT evidence FROM statuses WHERE person_id = ?", [detached["person_id"]])
    assert f"pension:{detached['row_number']}" not in (evidence[0][0] or [])


def test_a_merge_leaves_one_resident_with_both_residents_rows(world: World, decided: Any) -> None:
    run, rows = decided
    merge = rows[-1]
    assert not query(run.folder, "SELECT 1 FROM statuses WHERE person_id = ?", [merge["person_id"]])
    assert query(run.folder, "SELECT state FROM merged") == [("applied",)]
    residents = query(run.folder, "SELECT sum(residents) FROM district_report")[0][0]
    assert residents == query(world.first.folder, "SELECT sum(residents) FROM district_report")[0][0] - 1
    assert not query(run.folder, "SELECT 1 FROM links WHERE person_id = ?", [merge["person_id"]])


def test_undoing_the_decisions_restores_the_engines_result(world: World, decided: Any, tmp_path: Path) -> None:
    run, _ = decided
    undone = pipeline.reconcile(
        sources(world.region), tmp_path / "undone", identities=run.folder / "identities.parquet"
    )
    assert links(undone.folder) == links(world.first.folder)
    assert query(undone.folder, "SELECT * FROM review ORDER BY record_id") == query(
        world.first.folder, "SELECT * FROM review ORDER BY record_id"
    )


def _rewrite(path: Path, change: Any) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    rows = [change(dict(zip(header, r, strict=True))) for r in rows]
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows([[r[h] for h in header] for r in rows])


def test_decisions_whose_resident_or_row_changed_are_stale_and_not_applied(
    world: World, decided: Any, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    run, rows = decided
    a, b = world.namesakes[0], world.namesakes[1]
    changed = tmp_path_factory.mktemp("changed")
    shutil.copytree(world.region, changed, dirs_exist_ok=True)

    # the resident people named for the first row: the registry corrects their birth date by a day
    def corrected(r: dict[str, str]) -> dict[str, str]:
        if r["ИИН"] != a.namesake:
            return r
        day, month, year = r["Дата рождения"].split(".")
        return r | {"Дата рождения": f"{int(day) % 28 + 1:02d}.{month}.{year}"}

    _rewrite(changed / REGISTRY, corrected)
    # the second row is written with a typo in its surname: another row as far as the decision knows
    _rewrite(changed / PENSION, lambda r: r | ({"ФИО": "Ы" + r["ФИО"]} if r["ФИО"] == b.full_name else {}))
    path = tmp_path / "decisions.csv"
    write_decisions(path, [{k: v for k, v in r.items() if k != "row_number"} for r in rows])
    again = pipeline.reconcile(
        sources(changed), tmp_path / "run", identities=run.folder / "identities.parquet", decisions=path
    )
    states = dict(query(again.folder, "SELECT action || ':' || person_id, state FROM decided WHERE action = 'same'"))
    assert states == {f"same:{rows[0]['person_id']}": "person_changed"}
    rejected = sum(1 for r in rows if r["action"] == "not" and r["row_number"] == b.row_number)
    assert (again.decisions.person_changed, again.decisions.row_absent, again.decisions.applied) == (1, rejected, 1)
    assert pension_row(again.folder, a.row_number)["review"] is not None  # asked again, not silently applied


def test_contradictory_decisions_are_not_applied(world: World, tmp_path: Path) -> None:
    folder = world.first.folder
    a = world.namesakes[0]
    row = pension_row(folder, a.row_number)
    path = tmp_path / "decisions.csv"
    write_decisions(path, [decision("same", folder, row, a.original), decision("same", folder, row, a.namesake)])
    again = pipeline.reconcile(sources(world.region), tmp_path / "run", decisions=path)
    assert again.decisions.contradictory == 2 and again.decisions.applied == 0
    assert pension_row(again.folder, a.row_number)["review"] is not None


@pytest.mark.parametrize(
    "text,message",
    [
        ("action,source\nsame,pension\n", "missing: fingerprint"),
        (
            "action,source,fingerprint,person_id,person_fingerprint,into_id,into_fingerprint\nlink,pension,ab,1,cd,,\n",
            "known action",
        ),
        (
            "action,source,fingerprint,person_id,person_fingerprint,into_id,into_fingerprint\nmerge,,,1,ab,1,ab\n",
            "resident who stays",
        ),
    ],
)
def test_a_decisions_file_that_is_not_one_is_refused_in_one_line(
    world: World, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "decisions.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SourceError, match=message):
        pipeline.reconcile(sources(world.region), tmp_path / "run", decisions=path)


def test_eval_measures_the_engine_against_the_decisions(world: World, decided: Any) -> None:
    run, _ = decided
    figures = agreement(run.folder)
    assert figures["rows_decided"] == 3 and figures["same"] == 1 and figures["not_these"] == 2
    # the first row's best candidate was the original (the lower id of two equal shares), people named the namesake
    assert figures["review_rows_decided"] == 2 and figures["review_best_candidate_right"] == 0.0
    assert figures["engine_links_checked"] == 1 and figures["engine_link_precision"] == 0.0  # the detached row


def test_the_command_line_applies_decisions_and_measures_a_run_against_them(
    world: World, decided: Any, tmp_path: Path
) -> None:
    _, rows = decided
    path = tmp_path / "decisions.csv"
    write_decisions(path, [{k: v for k, v in r.items() if k != "row_number"} for r in rows[:1]])
    runner = CliRunner()
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "reconcile",
            "--synthetic",
            str(world.region),
            "--out",
            str(out),
            "--decisions",
            str(path),
            "--identities",
            str(world.first.folder / "identities.parquet"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Decisions: 1 given, 1 applied" in result.output
    a = world.namesakes[0]
    assert pension_row(out, a.row_number)["link"] == (person(out, a.namesake)[0], "decided")
    measured = runner.invoke(app, ["eval", "--run", str(world.first.folder), "--decisions", str(path)])
    assert measured.exit_code == 0, measured.output
    assert json.loads(measured.output)["decisions"]["rows_decided"] == 1
    refused = runner.invoke(app, ["eval", "--run", str(out)])
    assert refused.exit_code != 0 and "--decisions" in refused.output
