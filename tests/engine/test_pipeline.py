"""The whole reconciliation on a synthetic region, measured against its ground truth."""

import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from birtizim.cli import app
from birtizim.engine import pipeline
from birtizim.engine.ingest import Source
from birtizim.eval import evaluate
from birtizim.synth import synthesize
from tests.regions import synthetic_region

RESIDENTS = 20_000


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=RESIDENTS, seed=2)


@pytest.fixture(scope="module")
def run(region: Path, tmp_path_factory: pytest.TempPathFactory) -> pipeline.Run:
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    sources = [Source(s["kind"], region / s["path"]) for s in manifest["sources"]]
    return pipeline.reconcile(sources, tmp_path_factory.mktemp("run"))


@pytest.fixture(scope="module")
def metrics(run: pipeline.Run, region: Path) -> dict[str, Any]:
    return evaluate(run.folder, region / "truth")


@pytest.fixture(scope="module")
def db(run: pipeline.Run) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(run.folder / "run.duckdb"), read_only=True)


# --- quality bars -------------------------------------------------------------------------------


def test_links_meet_the_quality_bar(metrics: dict[str, Any]) -> None:
    assert metrics["link_f1"] >= 0.995, metrics
    assert metrics["link_precision"] >= 0.995, metrics
    # and beat what agencies do today by a wide margin
    assert metrics["exact_iin_join_recall"] < metrics["link_recall"] - 0.02, metrics


def test_statuses_meet_the_quality_bar(metrics: dict[str, Any]) -> None:
    assert metrics["status_accuracy"] >= 0.995, metrics
    assert metrics["status_category_accuracy"] >= 0.995, metrics
    assert metrics["persons_found"] == metrics["persons_in_truth"]


def test_every_method_is_used_and_right(metrics: dict[str, Any]) -> None:
    by_method = {k: tuple(map(int, v.split("/"))) for k, v in metrics["correct_by_method"].items()}
    for method in ("iin", "iin_repaired", "probabilistic"):
        correct, total = by_method[method]
        assert total > 0 and correct / total >= 0.98, (method, correct, total)
    assert by_method["new"][0] == 0  # rows kept as not in the registry have no true resident... mostly
    assert by_method["new"][1] > 0


# --- the numbers add up ---------------------------------------------------------------------------


def test_rows_in_equal_accepted_plus_rejected(run: pipeline.Run) -> None:
    for i in run.ingested:
        assert i.rows_in == i.accepted + i.rejected, i


def test_every_accepted_row_is_linked_once_or_awaits_review(db: duckdb.DuckDBPyConnection, run: pipeline.Run) -> None:
    accepted = sum(i.accepted for i in run.ingested if i.kind != "registry")
    linked, distinct = db.execute("SELECT count(*), count(DISTINCT record_id) FROM links").fetchone()  # type: ignore[misc]
    in_review = db.execute("SELECT count(*) FROM review WHERE record_id NOT IN (SELECT record_id FROM links)")
    assert linked == distinct
    assert linked + in_review.fetchone()[0] == accepted  # type: ignore[index]
    methods = {m for (m,) in db.execute("SELECT DISTINCT method FROM links").fetchall()}
    assert methods == {"iin", "iin_repaired", "probabilistic", "new"}


def test_district_table_adds_up(db: duckdb.DuckDBPyConnection, run: pipeline.Run) -> None:
    residents = db.execute("SELECT count(*) FROM statuses WHERE status <> 'left'").fetchone()
    assert sum(d.residents for d in run.districts) == residents[0]  # type: ignore[index]
    for d in run.districts:
        assert d.state + d.contributor + d.lapsed + d.undetermined == d.residents
        assert d.actualisation == pytest.approx(1 - d.undetermined / d.residents, abs=1e-4)
    assert [d.rank for d in run.districts] == sorted(d.rank for d in run.districts)
    assert run.districts[0].actualisation >= run.districts[-1].actualisation
    assert len(run.districts) == 19


def test_source_table_explains_each_agency(db: duckdb.DuckDBPyConnection) -> None:
    rows = db.execute("SELECT * FROM source_report").fetchall()
    cols = [d[0] for d in db.description]  # type: ignore[union-attr]
    for row in rows:
        r = dict(zip(cols, row, strict=True))
        linked = r["matched_iin"] + r["iin_repaired"] + r["matched_probabilistic"] + r["not_in_registry"]
        assert linked + r["for_review"] + r["rejected"] == r["rows_received"], r
    contributions = dict(zip(cols, next(r for r in rows if r[0] == "contributions"), strict=True))
    assert contributions["iin_repaired"] > 0 and contributions["duplicate_rows"] > 0


def test_conflicts_are_typed(db: duckdb.DuckDBPyConnection) -> None:
    types = {t for (t,) in db.execute("SELECT DISTINCT type FROM conflicts").fetchall()}
    assert {
        "contributions_and_nonworking_category",
        "departed_but_listed",
        "duplicate_in_list",
        "district_mismatch",
        "not_in_registry",
    } <= types


# --- outputs --------------------------------------------------------------------------------------


def test_it_writes_the_contract_outputs(run: pipeline.Run) -> None:
    for name in (
        "run.duckdb",
        "persons.parquet",
        "links.parquet",
        "conflicts.parquet",
        "rejects.parquet",
        "report.xlsx",
    ):
        assert (run.folder / name).is_file(), name
    con = duckdb.connect()
    persons = con.execute(f"DESCRIBE SELECT * FROM '{run.folder / 'persons.parquet'}'").fetchall()
    assert {
        "person_id",
        "iin",
        "last_name",
        "first_name",
        "patronymic",
        "birth_date",
        "sex",
        "district",
        "status",
        "category",
    } <= {c[0] for c in persons}
    links = con.execute(f"DESCRIBE SELECT * FROM '{run.folder / 'links.parquet'}'").fetchall()
    assert [c[0] for c in links] == ["source", "row_number", "person_id", "method", "match_probability"]


def test_the_report_workbook_is_formatted_and_masks_iins(run: pipeline.Run) -> None:
    path = run.folder / "report.xlsx"
    book = CalamineWorkbook.from_path(str(path))
    # in Russian by default (birtizim reconcile --lang)
    assert book.sheet_names == [
        "Районы",
        "Источники",
        "Расхождения по типам",
        "Расхождения",
        "Качество данных",
        "Отклонённые строки",
    ]
    conflicts = book.get_sheet_by_name("Расхождения").to_python()
    iin_col = conflicts[0].index("ИИН")
    iins = [r[iin_col] for r in conflicts[1:] if r[iin_col]]
    assert iins and all(str(v).startswith("********") for v in iins)
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert 'state="frozen"' in sheet and "<autoFilter" in sheet


def test_work_lists_hold_undetermined_residents_per_district(run: pipeline.Run, db: duckdb.DuckDBPyConnection) -> None:
    lists = sorted((run.folder / "worklists").glob("*.xlsx"))
    assert len(lists) == 19
    total = 0
    for path in lists:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        header, *rows = sheet
        total += sum(1 for r in rows if r[header.index("Статус")] == "статус не определён")
        assert all(str(r[header.index("ИИН")]).startswith("********") for r in rows)
        phones = [str(p) for p in (r[header.index("Телефон")] for r in rows) if p]
        assert phones and all(p.startswith("+7 *** ***") for p in phones)
        # the settlement only, without street and house
        assert all("," not in str(r[header.index("Адрес")]) for r in rows)
    undetermined = db.execute("SELECT count(*) FROM statuses WHERE status = 'undetermined'").fetchone()
    assert total == undetermined[0]  # type: ignore[index]


def test_full_iin_shows_iins_in_exports(region: Path, tmp_path: Path) -> None:
    small = tmp_path / "small"
    synthesize(region="shymkent", residents=1_500, seed=4, out=small)
    result = CliRunner().invoke(
        app, ["reconcile", "--synthetic", str(small), "--out", str(tmp_path / "run"), "--full-iin"]
    )
    assert result.exit_code == 0, result.output
    assert "ranked by actualisation" in result.output and "Best:" in result.output
    sheet = CalamineWorkbook.from_path(str(next((tmp_path / "run" / "worklists").glob("*.xlsx"))))
    header, *rows = sheet.get_sheet_by_index(0).to_python()
    assert rows and all(len(str(r[header.index("ИИН")])) == 12 for r in rows)
    assert any(str(r[header.index("Адрес")]).count(",") == 2 for r in rows)  # settlement, street, house
    evaluated = CliRunner().invoke(app, ["eval", "--run", str(tmp_path / "run"), "--truth", str(small / "truth")])
    assert evaluated.exit_code == 0
    assert json.loads(evaluated.output)["link_f1"] > 0.99


def test_the_cli_says_what_is_wrong(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["reconcile", "--source", "pension", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "KIND=PATH" in result.output
    result = runner.invoke(
        app, ["reconcile", "--source", f"registry={tmp_path / 'missing.csv'}", "--out", str(tmp_path)]
    )
    assert result.exit_code == 2 and "missing.csv: no such file" in result.output
    (tmp_path / "p.csv").write_text("ИИН,ФИО\n791028302728,Ахметов Ерлан\n", encoding="utf-8")
    result = runner.invoke(app, ["reconcile", "--source", f"pension={tmp_path / 'p.csv'}", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "population registry source is needed" in result.output
