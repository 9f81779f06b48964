"""End to end in a real headless Chromium (Debian's, driven by Playwright): the server and the
worker run as separate processes, as in ``make demo``. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from harness import ARTIFACTS, Server, browser_page, log_in, log_out, needs_chromium, serve
from registry_steps import ANALYST_AND_OFFICER, run_to_draft, upload

from birtizim.synth import synthesize

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    region = tmp_path_factory.mktemp("region")
    synthesize(region="almaty-2019", residents=2_000, seed=11, out=region)
    with serve(tmp_path_factory.mktemp("web"), setup=ANALYST_AND_OFFICER) as running:
        yield running, region


def test_an_analyst_runs_the_region_and_an_officer_records_an_outcome(server: tuple[Server, Path]) -> None:
    from playwright.sync_api import expect

    running, region = server
    url, data = running.url, running.data
    with browser_page() as page:
        log_in(page, url, "analyst")
        manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
        for source in manifest["sources"]:
            upload(page, url, source["kind"], region / source["path"])
        page.screenshot(path=str(ARTIFACTS / "upload-preview.png"), full_page=True)

        run_to_draft(page, url)
        page.screenshot(path=str(ARTIFACTS / "run-finished.png"), full_page=True)
        # the analyst reads the draft and publishes it (the first has nothing to compare with)
        page.click("#publish-run")
        page.wait_for_load_state()

        page.goto(url + "/")
        folder = next((data / "runs").iterdir())
        with duckdb.connect(str(folder / "run.duckdb"), read_only=True) as con:
            residents, undetermined = con.execute(
                "SELECT sum(residents), sum(undetermined) FROM district_report"
            ).fetchone()  # type: ignore[misc]
        assert page.get_attribute("[data-indicator=residents]", "data-value") == str(residents)
        assert page.get_attribute("[data-indicator=undetermined]", "data-value") == str(undetermined)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        log_out(page)

        log_in(page, url, "officer")
        page.goto(url + "/worklists/talgar/")
        first = page.locator("table.worklist tbody tr").first
        first.locator("a.record-outcome").click()  # the row's form is loaded on demand
        first.locator("select[name=result]").select_option("not_reached")
        first.locator("textarea[name=comment]").fill("Позвонили, придёт в ЦОН")
        first.locator("form.outcome button").click()
        expect(first.locator(".outcome-done")).to_have_attribute("data-result", "not_reached")
        page.screenshot(path=str(ARTIFACTS / "worklist-outcome.png"), full_page=True)
        # An officer of Talgar gets nothing of another district.
        assert page.goto(url + "/worklists/karasay/").status == 404
