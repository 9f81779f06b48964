"""The benchmark harness: what it measures must be what happened, and its gate must bite."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import measure, table
from bench.__main__ import Result, main


def test_peak_rss_is_the_childs_own(tmp_path: Path) -> None:
    hog = "b = bytearray(300 * 2**20); b[::4096] = b'x' * len(b[::4096])"  # touch every page
    m = measure.run([sys.executable, "-c", hog], timeout=60, log=tmp_path / "hog.log")
    assert m.ok and m.peak_rss_bytes >= 300 * 2**20
    # A forked child's peak starts at its parent's size, so measure a tiny child from a small parent
    # (as the bench driver is): the figure must be the child's, not the hog's carried over.
    probe = (
        "import sys, pathlib; from bench import measure; "
        "print(measure.run([sys.executable, '-c', 'pass'], timeout=60, log=pathlib.Path(sys.argv[1])).peak_rss_bytes)"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", probe, str(tmp_path / "s.log")], cwd=root, capture_output=True, text=True
    )
    assert int(out.stdout) < 100 * 2**20


def test_a_run_past_its_timeout_is_killed_and_reported(tmp_path: Path) -> None:
    m = measure.run([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5, log=tmp_path / "t.log")
    assert m.timed_out and not m.ok
    assert m.seconds == 0.5


def test_a_failing_command_is_not_ok_and_its_output_is_kept(tmp_path: Path) -> None:
    m = measure.run([sys.executable, "-c", "raise SystemExit('broken input')"], timeout=30, log=tmp_path / "f.log")
    assert not m.ok and not m.timed_out
    assert "broken input" in m.log.read_text()


def test_growth_exponent() -> None:
    linear = (Result("x", 1_000, runs=[2.0]), Result("x", 10_000, runs=[20.0]))
    square = (Result("x", 1_000, runs=[1.0]), Result("x", 10_000, runs=[100.0]))
    assert table._growth(*linear) == pytest.approx(1.0)
    assert table._growth(*square) == pytest.approx(2.0)


def test_median_of_runs() -> None:
    assert Result("x", 1, runs=[5.0, 1.0, 3.0]).seconds == 3.0


def test_a_small_run_scores_every_contender_and_keeps_hand_written_notes(tmp_path: Path) -> None:
    out = tmp_path / "bench.md"
    out.write_text(f"old table\n{table.NOTES_MARKER}\nWhy the floor ratio is missed.\n", encoding="utf-8")
    args = ["--scales", "300", "--repeats", "1", "--only", "birtizim,status_quo,floor", "--work", str(tmp_path / "w")]
    assert main([*args, "--out", str(out), "--min-f1", "0.9"]) == 0
    page = out.read_text(encoding="utf-8")
    assert "old table" not in page and page.endswith("Why the floor ratio is missed.\n")
    raw = json.loads(out.with_suffix(".json").read_text(encoding="utf-8"))
    by_name = {r["contender"]: r for r in raw["results"]}
    assert set(by_name) == {"birtizim", "status_quo", "floor"}
    # The status quo only finds rows whose IIN is written exactly right; Birtizim repairs the rest.
    assert by_name["status_quo"]["metrics"]["link_recall"] < by_name["birtizim"]["metrics"]["link_recall"]
    assert by_name["floor"]["metrics"] == {}
    # The gate: the same run fails when F1 must exceed what any linker can reach.
    assert main([*args, "--only", "birtizim", "--out", str(out), "--min-f1", "1.01"]) == 1


def test_the_web_page_timer_loads_a_region_and_times_every_page(tmp_path: Path) -> None:
    from birtizim.synth import synthesize

    synthesize(region="almaty-2019", residents=1_000, seed=3, out=tmp_path / "region")
    out = tmp_path / "web.json"
    # A process of its own: it configures Django with production settings, not the tests' settings.
    subprocess.run(
        [sys.executable, "-m", "bench.web_pages", "--region", str(tmp_path / "region"), "--requests", "5",
         "--work", str(tmp_path / "web"), "--out", str(out)],
        check=True, capture_output=True, cwd=Path(__file__).parents[2], timeout=300,
    )  # fmt: skip
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["residents"] == json.loads((tmp_path / "region/manifest.json").read_text())["residents"]
    pages = list(result["pages"])
    # four work pages, the review list three ways, and a review row when the run has one
    review_rows = result["review"]["rows"]
    assert len(pages) == 7 + (review_rows > 0) and sum(p.startswith("review") for p in pages) == 3 + (review_rows > 0)
    assert review_rows == sum(s["rows"] for s in result["review"]["by_source"])
    for page in result["pages"].values():
        assert page["requests"] == 5 and 0 < page["p50_ms"] <= page["p95_ms"] <= page["max_ms"]


def test_the_load_mode_serves_with_gunicorn_and_counts_every_answer(tmp_path: Path) -> None:
    from birtizim.synth import synthesize
    from tests.databases import drop, scratch_url

    synthesize(region="almaty-2019", residents=1_000, seed=3, out=tmp_path / "region")
    out = tmp_path / "load.json"
    database = scratch_url(tmp_path)  # its own: the bench migrates and fills the database it is given
    try:
        subprocess.run(
            [sys.executable, "-m", "bench.web_pages", "--region", str(tmp_path / "region"), "--load", "--users", "4",
             "--seconds", "2", "--workers", "2", "--requests", "5", "--work", str(tmp_path / "web"), "--out", str(out)],
            check=True, capture_output=True, cwd=Path(__file__).parents[2], timeout=300,
            env={**os.environ, "DATABASE_URL": database},
        )  # fmt: skip
    finally:
        drop(database)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["work_list_alone"]["requests"] == 5 and result["users"] == 4
    for kind in ("dashboard", "work list"):
        page = result["pages"][kind]
        assert page["requests"] > 0 and page["errors"] == 0 and 0 < page["p50_ms"] <= page["p95_ms"] <= page["max_ms"]
    assert result["server_cpu_ms_per_request"] > 0
