"""The synthetic voucher world: deterministic, honest where it should be, and every flag measured on it."""

import datetime as dt
import json
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from birtizim.cli import app
from birtizim.engine.iin import check_digit
from birtizim.eval import vouchers as evaluate
from birtizim.synth.vouchers import synthesize
from birtizim.vouchers import schema
from tests.regions import synthetic_region

RESIDENTS = 8_000  # about 1,800 children aged 4-17: the smallest region every pattern fits in
SEED = 4

# Floors that hold on this region and seed, with why some are below 0.9 (the figures are printed):
# - parent_never_confirms: 0.5% of honest parents never answer, as many as the injected ghosts' parents;
# - off_schedule_marks: a ghost session in a week with a cancelled session passes for a make-up;
# - overlapping_groups, perfect_attendance: chance (two clubs making up on the same Sunday; a
#   small group all well for a month).
PRECISION_FLOOR = {"parent_never_confirms": 0.5, "perfect_attendance": 0.75, "overlapping_groups": 0.8}
RECALL_FLOOR = {"off_schedule_marks": 0.7}


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=RESIDENTS, seed=5)


@pytest.fixture(scope="module")
def run(region: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    result = CliRunner().invoke(app, ["reconcile", "--synthetic", str(region), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def world(run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vouchers")
    synthesize(out=out, run=run, seed=SEED)
    return out


def sql(world: Path, query: str) -> list[tuple[Any, ...]]:
    con = schema.connect(world)
    con.execute(f"CREATE VIEW truth AS SELECT * FROM read_parquet('{world / 'truth.parquet'}')")
    return con.execute(query).fetchall()


def test_it_writes_every_table_with_its_schema(world: Path) -> None:
    for name, expected in schema.TABLES.items():
        table = pq.read_table(world / f"{name}.parquet")
        assert table.schema.remove_metadata().equals(expected), name
        assert table.num_rows > 0, name
    manifest = json.loads((world / "manifest.json").read_text("utf-8"))
    assert manifest["period_start"] == "2019-10-01" and manifest["period_end"] == "2019-12-31"


def test_the_same_seed_gives_the_same_world(world: Path, run: Path, tmp_path: Path) -> None:
    synthesize(out=tmp_path / "again", run=run, seed=SEED)
    synthesize(out=tmp_path / "other", run=run, seed=SEED + 1)
    for name in [*schema.TABLES, "truth"]:
        original = pq.read_table(world / f"{name}.parquet")
        assert pq.read_table(tmp_path / "again" / f"{name}.parquet").equals(original), name
    for name in ("marks", "enrolments", "truth"):
        assert not pq.read_table(tmp_path / "other" / f"{name}.parquet").equals(
            pq.read_table(world / f"{name}.parquet")
        )


def test_children_are_the_single_lists_children(world: Path) -> None:
    # every child but the injected strangers is in the list, and all but the injected departed are 4-17
    rows = sql(
        world,
        """SELECT count(*) FILTER (l.iin IS NULL AND c.child_id NOT IN
                                   (SELECT entity_id FROM truth WHERE flag = 'outside_region')),
                  count(*) FILTER (date_sub('year', c.birth_date, DATE '2019-10-01') NOT BETWEEN 4 AND 17
                                   AND c.child_id NOT IN (SELECT entity_id FROM truth WHERE flag = 'departed_attends'))
           FROM children c LEFT JOIN single_list l USING (iin)""",
    )
    assert rows == [(0, 0)]


def test_one_voucher_per_child_and_it_follows_the_child(world: Path) -> None:
    assert sql(world, "SELECT count(*) - count(DISTINCT child_id) FROM vouchers") == [(0,)]
    assert sql(
        world, "SELECT count(*) FROM enrolments e JOIN vouchers v USING (voucher_id) WHERE v.child_id <> e.child_id"
    ) == [(0,)]
    # a move keeps the voucher and never overlaps the next enrolment
    moved = sql(
        world,
        """SELECT count(*), count(*) FILTER (n.voucher_id = e.voucher_id AND n.start_date = e.end_date + 1)
           FROM enrolments e JOIN enrolments n ON n.child_id = e.child_id AND n.enrolment_id <> e.enrolment_id
                AND n.start_date > e.start_date
           WHERE e.leave_reason = 'moved'""",
    )
    assert moved[0][0] > 0 and moved[0][0] == moved[0][1]
    assert sql(world, "SELECT count(*) FILTER (allocated) FROM applications") == sql(
        world, "SELECT count(*) FROM vouchers WHERE child_id IN (SELECT child_id FROM applications)"
    )


def test_providers_have_valid_bins_and_staff_checked_before_the_period(world: Path) -> None:
    bins = [b for (b,) in sql(world, "SELECT bin FROM providers")]
    assert bins and all(len(b) == 12 and b.isdigit() and check_digit(b[:11]) == int(b[11]) for b in bins)
    assert len(set(bins)) == len(bins)
    assert sql(world, "SELECT count(*) FROM staff WHERE background_check_on >= DATE '2019-10-01'") == [(0,)]


def test_only_the_injected_sessions_fall_on_holidays(world: Path) -> None:
    on_holidays = sql(world, "SELECT session_id FROM sessions WHERE date IN ('2019-12-16', '2019-12-17') ORDER BY 1")
    injected = sql(world, "SELECT entity_id FROM truth WHERE flag = 'holiday_marks' ORDER BY 1")
    assert on_holidays == injected and injected


def test_timesheets_pay_confirmed_sessions_times_the_rate(world: Path) -> None:
    rows = sql(
        world,
        """SELECT count(*), count(*) FILTER (t.amount = t.confirmed_present * p.rate_per_session),
                  count(*) FILTER (t.confirmed_present <= t.present)
           FROM timesheets t JOIN groups g USING (group_id) JOIN programmes p USING (programme_id)""",
    )
    assert rows[0][0] > 0 and rows[0][0] == rows[0][1] == rows[0][2]


def test_every_flag_is_measured_end_to_end(world: Path) -> None:
    scores = evaluate.evaluate_folder(world)
    print(
        "\n"
        + "\n".join(
            f"{s.flag}: P={s.precision} R={s.recall} ({s.true_positives}/{s.flagged}/{s.truth})" for s in scores
        )
    )
    assert len(scores) == 13
    for s in scores:
        assert s.truth >= 5, s  # every pattern was injected
        assert s.precision is not None and s.precision >= PRECISION_FLOOR.get(s.flag, 0.9), s
        assert s.recall is not None and s.recall >= RECALL_FLOOR.get(s.flag, 0.9), s


def test_the_cli_synthesises_from_a_region_and_evaluates(region: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "vw"
    result = runner.invoke(app, ["vouchers", "synth", "--region-dir", str(region), "--seed", "2", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Injected ghosts" in result.output and (out / "truth.parquet").is_file()
    result = runner.invoke(app, ["vouchers", "eval", "--data", str(out)])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("\n[") :])
    assert [s["flag"] for s in scores] == [s.flag for s in evaluate.evaluate_folder(out)]
    assert "precision" in result.output.split("\n[")[0]  # the table comes first


def test_the_cli_wants_exactly_one_source(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["vouchers", "synth", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "--run RUN or --region-dir" in result.output
    result = CliRunner().invoke(app, ["vouchers", "eval", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "truth.parquet: not found" in result.output


def test_a_list_with_too_few_children_is_refused(tmp_path: Path) -> None:
    persons = tmp_path / "run" / "persons.parquet"
    persons.parent.mkdir()
    duckdb.sql(
        f"""COPY (SELECT 1::BIGINT AS person_id, '100517500012' AS iin, 'А' AS last_name, 'Б' AS first_name,
                  NULL::VARCHAR AS patronymic, DATE '2010-05-17' AS birth_date, 'M' AS sex, 'talgar' AS district,
                  'resident' AS registry_status) TO '{persons}' (FORMAT parquet)"""
    )
    (tmp_path / "run" / "run.json").write_text(json.dumps({"as_of": dt.date(2020, 1, 1).isoformat()}))
    with pytest.raises(ValueError, match="too few"):
        synthesize(out=tmp_path / "vw", run=tmp_path / "run", seed=1)
