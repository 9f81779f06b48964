import json
from pathlib import Path

import pytest
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


# --- reconcile: every input shape ends in a run or in one sentence, never in a traceback ----------------


def _region(tmp_path: Path) -> Path:
    from birtizim.synth import synthesize

    synthesize(region="almaty-2019", residents=300, seed=8, out=tmp_path / "region")
    return tmp_path / "region"


def _no_traceback(result: object) -> None:
    output = getattr(result, "output", "")
    assert "Traceback" not in output and "╭" not in output, output


def test_it_reconciles_a_list_of_names_alone_and_prints_the_review_band(tmp_path: Path) -> None:
    region = _region(tmp_path)
    listed = tmp_path / "asp.csv"
    listed.write_text("ИИН,Фамилия,Имя\n,Ахметов,Ерлан\n,Оспанова,Айгерім\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["reconcile", "--source", f"registry={region / 'sources/registry.csv'}", "--source", f"asp={listed}",
         "--out", str(tmp_path / "run")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Review band:" in result.output
    _no_traceback(result)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Фамилия,Имя\nАхметов,Ерлан\n", "no IIN column"),
        ("ИИН,Район\n791028302728,Талгар\n", "no name columns"),
        (b"\x00\x01\x02" * 400, "not a text file"),
    ],
)
def test_a_list_it_cannot_use_is_one_sentence_and_exit_2(tmp_path: Path, content: str | bytes, expected: str) -> None:
    region = _region(tmp_path)
    listed = tmp_path / "list.csv"
    listed.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    result = runner.invoke(
        app,
        ["reconcile", "--source", f"registry={region / 'sources/registry.csv'}", "--source", f"pension={listed}",
         "--out", str(tmp_path / "run")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert expected in result.output
    _no_traceback(result)


def test_an_engine_failure_is_one_sentence_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from birtizim.engine import link

    def broken(con: object, as_of: object = None) -> None:
        raise RuntimeError("a column the model needs is missing\nand more detail nobody should see")

    monkeypatch.setattr(link, "link_all", broken)
    region = _region(tmp_path)
    result = runner.invoke(app, ["reconcile", "--synthetic", str(region), "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "the run stopped after step 'read'" in result.output
    assert "RuntimeError: a column the model needs is missing" in result.output
    assert "nobody should see" not in result.output
    _no_traceback(result)


def test_eval_counts_rows_carrying_another_residents_iin(tmp_path: Path) -> None:
    from birtizim.synth import synthesize

    synthesize(region="almaty-2019", residents=2_000, seed=9, out=tmp_path / "region", damage_mode="harsh")
    reconciled = runner.invoke(
        app, ["reconcile", "--synthetic", str(tmp_path / "region"), "--out", str(tmp_path / "run")]
    )
    assert reconciled.exit_code == 0, reconciled.output
    result = runner.invoke(app, ["eval", "--run", str(tmp_path / "run"), "--truth", str(tmp_path / "region/truth")])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    carried = scores["another_residents_iin"]
    assert carried["rows"] > 0
    assert carried["linked_to_that_resident_without_conflict"] == 0
    assert scores["recall_by_kind"]["damage_relative_iin"]["rows"] > 0


def test_it_synthesises_a_harsh_region_and_refuses_an_unknown_damage(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--residents", "300", "--damage", "harsh", "--out", str(tmp_path / "h")])
    assert result.exit_code == 0, result.output
    assert "Damage harsh:" in result.output
    assert json.loads((tmp_path / "h" / "manifest.json").read_text(encoding="utf-8"))["damage"] == "harsh"
    refused = runner.invoke(app, ["synth", "--damage", "brutal", "--out", str(tmp_path / "b")])
    assert refused.exit_code != 0 and "harsh" in refused.output
    assert not (tmp_path / "b" / "manifest.json").exists()


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (None, "not found"),
        ("person_id,on_date\n1,2019-01-01\n", "need a column result"),
    ],
)
def test_outcomes_it_cannot_use_are_one_sentence_and_exit_2(
    tmp_path: Path, outcomes: str | None, expected: str
) -> None:
    region = _region(tmp_path)
    path = tmp_path / "outcomes.csv"
    if outcomes is not None:
        path.write_text(outcomes, encoding="utf-8")
    result = runner.invoke(
        app,
        ["reconcile", "--source", f"registry={region / 'sources/registry.csv'}", "--outcomes", str(path),
         "--out", str(tmp_path / "run")],
    )  # fmt: skip
    assert result.exit_code == 2 and expected in result.output, result.output
    _no_traceback(result)
