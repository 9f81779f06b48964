"""run.duckdb written whole or not at all (persist.py), and the seconds it took in run.json."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from birtizim.engine import export, persist, pipeline, report
from birtizim.engine.ingest import Source
from birtizim.synth import synthesize


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> list[Source]:
    region = tmp_path_factory.mktemp("region")
    synthesize(region="shymkent", residents=1_500, seed=4, out=region)
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    return [Source(s["kind"], region / s["path"]) for s in manifest["sources"]]


def _no_run_file(out: Path) -> None:
    assert not (out / "run.duckdb").exists()
    assert not list(out.glob("run.duckdb.part*"))
    assert not (out / "run.json").exists()


def test_the_run_says_how_long_its_file_took(sources: list[Source], tmp_path: Path) -> None:
    run = pipeline.reconcile(sources, tmp_path)
    meta = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert list(meta["timings"]) == [*pipeline.STEPS, "persist"]
    assert meta["timings"]["persist"] >= 0 and run.timings == meta["timings"]
    assert run.seconds >= sum(meta["timings"].values()) - 0.1  # the rounding of six figures
    assert not list(tmp_path.glob("run.duckdb.part*"))
    with duckdb.connect(str(tmp_path / "run.duckdb"), read_only=True) as db:
        tables = {r[0] for r in db.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        assert tables == {*persist.PERSISTED, "agency", "run_meta"}
        stored = db.execute("SELECT meta FROM run_meta").fetchone()
        assert stored is not None and json.loads(stored[0]) == meta
        persons = db.execute("SELECT count(*) FROM persons").fetchone()
        statuses = db.execute("SELECT count(*) FROM statuses").fetchone()
        assert persons == statuses and persons is not None and persons[0] > 0
        agency = db.execute("SELECT count(*), count(fingerprint) FROM agency").fetchone()
        assert agency is not None and agency[0] == agency[1] > 0


def test_a_failed_export_leaves_no_run_file(
    sources: list[Source], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object, **_kwargs: object) -> list[Path]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(export, "write_worklists", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        pipeline.reconcile(sources, tmp_path)
    _no_run_file(tmp_path)


def test_a_failed_copy_fails_the_run(sources: list[Source], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(persist, "PERSISTED", ("statuses", "no_such_table"))
    with pytest.raises(duckdb.CatalogException, match="no_such_table"):
        pipeline.reconcile(sources, tmp_path)
    _no_run_file(tmp_path)
    assert (tmp_path / "report.xlsx").is_file()  # the exports were written; the run still failed


def test_a_failure_after_the_copy_leaves_no_run_file(
    sources: list[Source], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*_args: object) -> list[object]:
        raise MemoryError

    monkeypatch.setattr(report, "districts", fail)  # read once the tables are copied, before run_meta
    with pytest.raises(MemoryError):
        pipeline.reconcile(sources, tmp_path)
    _no_run_file(tmp_path)


def test_an_abandoned_copy_leaves_nothing(tmp_path: Path) -> None:
    con = duckdb.connect()
    for table in (*persist.PERSISTED, "records", "row_fingerprints"):
        con.execute(f"CREATE TABLE {table} AS SELECT 1 AS record_id, 'x' AS fingerprint")
    run_file = persist.RunFile(con, tmp_path / "run.duckdb")
    run_file.copy()
    assert (tmp_path / "run.duckdb.part").is_file()
    run_file.abandon()
    assert not (tmp_path / "run.duckdb").exists() and not list(tmp_path.glob("run.duckdb.part*"))
    assert con.execute("SELECT database_name FROM duckdb_databases() WHERE database_name = 'run_file'").fetchall() == []
    assert con.execute("SELECT count(*) FROM statuses").fetchone() == (1,)  # the database is left usable
