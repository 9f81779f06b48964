import json
from pathlib import Path

from typer.testing import CliRunner

from birtizim.cli import app

runner = CliRunner()


def test_it_synthesises_a_region_and_prints_its_summary(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["synth", "--region", "shymkent", "--residents", "1500", "--seed", "3", "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["region"] == "shymkent" and manifest["residents"] == 1500
    for source in manifest["sources"]:
        assert source["kind"] in result.output
    assert "undetermined" in result.output


def test_it_rejects_an_unknown_region_with_the_known_ones(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--region", "atlantis", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "almaty-2019" in result.output and "shymkent" in result.output
    assert not (tmp_path / "manifest.json").exists()


def test_it_rejects_a_bad_date(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--as-of", "2020-13-01", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_it_prints_the_outreach_demo_flags_in_the_language_asked(tmp_path: Path) -> None:
    template = tmp_path / "log.xlsx"
    result = runner.invoke(app, ["outreach", "flags", "--language", "ru", "--template", str(template)])
    assert result.exit_code == 0, result.output
    assert "Талгарский район" in result.output
    assert template.is_file() and template.stat().st_size > 0


def test_it_refuses_an_outreach_run_folder_that_is_not_a_run(tmp_path: Path) -> None:
    result = runner.invoke(app, ["outreach", "flags", "--run", str(tmp_path)])
    assert result.exit_code == 2
    assert "birtizim reconcile" in result.output


def test_it_prints_the_demo_portfolios_forecasts_worst_first() -> None:
    result = runner.invoke(app, ["projects", "demo", "--trials", "200"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Demo portfolio as of 2025-06-20")
    rows = [line for line in lines[3:] if line.strip()]
    assert len(rows) == 30  # four schools and 26 buildings, one line each
    rags = [next(r for r in ("red", "amber", "green") if f"  {r}  " in line) for line in rows]
    assert rags == sorted(rags, key=["red", "amber", "green"].index)  # worst first
