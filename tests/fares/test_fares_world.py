"""The synthetic city, the demo month of 983 protocols, the evaluation and the commands."""

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from birtizim.cli import app
from birtizim.eval.fares import evaluate_folder, simulate_coverage
from birtizim.fares.importers import read_checks, read_protocols
from birtizim.fares.kpi import headline, month_kpis
from birtizim.fares.model import Shift
from birtizim.synth.fares.city import WorldSettings
from birtizim.synth.fares.world import synthesize

SMALL = replace(WorldSettings(), routes=10, measurement_checks=200, enforcement_checks=20)

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fares")
    synthesize(out, seed=1, months=2)
    return out


def test_the_demo_month_has_983_protocols_and_says_how(demo: Path) -> None:
    manifest = json.loads((demo / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["demo"]["protocols"] == 983
    assert manifest["demo"]["raids_carried_out"] <= manifest["demo"]["raids_planned"]
    protocols = read_protocols(demo / "protocols.csv").records
    assert sum(p.month == "2026-06" for p in protocols) == 983
    assert manifest["rows"]["protocols.csv"] == len(protocols)
    # every protocol has its true person, and some people were caught more than once
    truth = pq.read_table(demo / "truth" / "protocols.parquet")
    assert truth.num_rows == len(protocols)
    assert len(set(truth.column("person_id").to_pylist())) < truth.num_rows


def test_same_seed_same_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    synthesize(a, seed=4, months=1, settings=SMALL, demo_protocols=None)
    synthesize(b, seed=4, months=1, settings=SMALL, demo_protocols=None)
    for name in ("ridership.csv", "checks.csv", "protocols.csv", "payments.csv"):
        assert (a / name).read_bytes() == (b / name).read_bytes()


def test_evaluation_scores_the_demo(demo: Path) -> None:
    scores = evaluate_folder(demo, months=12, harsh=False)
    assert 0.02 < scores["rate_true"] < 0.07
    assert abs(scores["rate_estimate"] - scores["rate_true"]) < 0.01
    assert scores["protocols"] == 983
    assert scores["repeat_offenders"]["precision"] >= 0.95
    assert scores["repeat_offenders"]["recall"] >= 0.95
    # raids are where evaders are: counting them would overstate the rate
    assert all(m["rate_with_raids_included"] > m["rate_estimate"] - 0.005 for m in scores["per_month"])
    assert 0.75 <= scores["ci_coverage"]["city"] <= 1.0
    assert 0.85 <= scores["ci_coverage"]["strata"] <= 1.0


def test_small_coverage_run_is_near_95_percent() -> None:
    cov = simulate_coverage(SMALL, seed=2, months=30)
    assert 0.8 <= cov["by_method"]["effective"]["city"] <= 1.0
    assert 0.88 <= cov["by_method"]["effective"]["strata"] <= 1.0
    assert cov["by_method"]["t"]["strata"] < cov["by_method"]["effective"]["strata"]  # why t is not used
    assert cov["design_effect_mean"] > 1.0


def test_kpis_and_headline_of_the_demo_month(demo: Path) -> None:
    from birtizim.fares.importers import import_payments, import_ridership

    checks = read_checks(demo / "checks.csv").records
    protocols = read_protocols(demo / "protocols.csv").records
    ridership = import_ridership(demo / "ridership.csv").records
    payments = import_payments(demo / "payments.csv", protocols=[p.number for p in protocols]).records
    shifts = [Shift("T1", c.start, c.start.replace(hour=23)) for c in checks[:2]]
    k = month_kpis(
        month="2026-05",
        checks=checks,
        ridership=ridership,
        protocols=protocols,
        payments=payments,
        shifts=shifts,
        team_sizes={"T1": 3},
        as_of=dt.date(2026, 7, 15),
        fare=100,
    )
    assert k.protocols == sum(p.month == "2026-05" for p in protocols)
    assert 0.9 < (k.sanction_rate or 0) <= 1.0
    assert 0 < k.inspection_rate < 0.01
    assert k.fines_due > 0 and 0.4 < (k.collected_in_time_share or 0) < 0.95
    assert k.inspector_hours == pytest.approx(sum(s.hours * 3 for s in shifts if s.start.month == 5))
    h = headline(k.evasion, 983)
    ru = h.sentence("ru").replace("\u00a0", " ")  # numbers and their nouns are tied by no-break spaces
    assert ru.startswith("В мае 2026 г. контролёры составили 983 протокола")
    assert "95% интервал" in ru and "%" in ru
    assert h.sentence("kk").replace("\u00a0", " ").startswith("2026 жылғы мамырда бақылаушылар 983 хаттама толтырды")
    assert h.sentence("en").startswith("In May 2026 inspectors drew up 983 protocols")


def test_the_cli_writes_a_world_and_scores_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["fares", "synth", "--seed", "2", "--months", "1", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "983 protocols" in result.output
    result = runner.invoke(app, ["fares", "eval", "--data", str(tmp_path), "--months", "3", "--no-harsh"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.stdout)
    for key in ("rate_true", "rate_estimate", "ci_coverage", "repeat_offenders"):
        assert key in scores
    assert {"precision", "recall"} <= set(scores["repeat_offenders"])
    bad = runner.invoke(app, ["fares", "eval", "--data", str(tmp_path / "nothing")])
    assert bad.exit_code == 2 and "no manifest.json" in bad.output
    bad = runner.invoke(app, ["fares", "synth", "--month", "2026-13", "--out", str(tmp_path / "x")])
    assert bad.exit_code == 2 and "YYYY-MM" in bad.output


def test_the_groups_world_is_lumpier_and_still_covered() -> None:
    groups = replace(WorldSettings.groups(), routes=10, measurement_checks=200, enforcement_checks=20)
    cov = simulate_coverage(groups, seed=3, months=20, methods=("effective",))
    assert cov["mechanism"] == "groups" and cov["intra_trip_correlation"] is None
    assert 0.75 <= cov["by_method"]["effective"]["city"] <= 1.0
    assert 0.85 <= cov["by_method"]["effective"]["strata"] <= 1.0
