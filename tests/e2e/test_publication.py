"""In a real headless Chromium (Debian's): a run is a draft until an analyst publishes it; the file of
targeted social assistance uploaded again as "pension recipients" is stopped at publication with the
reasons named, while the dashboard keeps the published figures; and an officer settles a row of the
review band with the keyboard. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import ARTIFACTS, Server, browser_page, log_in, log_out, needs_chromium, serve
from registry_steps import ANALYST_AND_OFFICER, run_to_draft, upload

from tests.review_region import region_with_namesakes

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    region, _namesakes = region_with_namesakes(tmp_path_factory.mktemp)
    with serve(tmp_path_factory.mktemp("web"), setup=ANALYST_AND_OFFICER) as running:
        yield running, region


def test_a_wrong_kind_upload_is_stopped_at_publication_and_the_review_band_is_settled_by_keyboard(
    server: tuple[Server, Path],
) -> None:
    from playwright.sync_api import expect

    running, region = server
    url = running.url
    sources = json.loads((region / "manifest.json").read_text(encoding="utf-8"))["sources"]
    with browser_page() as page:
        log_in(page, url, "analyst")
        for source in sources:
            upload(page, url, source["kind"], region / source["path"])
        run_to_draft(page, url)
        page.click("#publish-run")
        page.wait_for_load_state()
        published = page.get_attribute("[data-indicator=actualisation]", "data-value")
        assert published is not None

        # The social-assistance file again, as "pension recipients": byte for byte the same as the ASP upload.
        asp = next(region / s["path"] for s in sources if s["kind"] == "asp")
        upload(page, url, "pension", asp)
        run_to_draft(page, url)
        warnings = page.locator("#run-warnings li")
        expect(warnings.first).to_be_visible()
        said = " ".join(warnings.all_inner_texts())
        assert "совпадают байт в байт" in said  # the same bytes as the ASP file
        assert "столбцы списка" in said  # the ASP file's columns, none of the pension list's
        assert page.locator("[data-warning=actualisation_moved]").count() == 1
        page.screenshot(path=str(ARTIFACTS / "publication-warnings.png"), full_page=True)
        page.click("#publish-run")  # without reading the warnings or saying why
        page.wait_for_load_state()
        expect(page.locator("#publish-error")).to_be_visible()
        expect(page.locator("#publication")).to_have_attribute("data-publication", "draft")
        page.screenshot(path=str(ARTIFACTS / "publication-refused.png"), full_page=True)
        page.goto(url + "/")
        assert page.get_attribute("[data-indicator=actualisation]", "data-value") == published
        log_out(page)

        # An officer of Talgar settles their row of the review band with the keyboard.
        log_in(page, url, "officer")
        page.goto(url + "/review/")
        rows = page.locator("#review-rows tbody tr[data-record]")
        expect(rows).to_have_count(1)
        rows.first.locator("a").first.click()
        page.wait_for_load_state()
        expect(page.locator("#candidates th[data-person]")).to_have_count(2)
        page.screenshot(path=str(ARTIFACTS / "review-row.png"), full_page=True)
        with page.expect_navigation():
            page.keyboard.press("1")  # the first candidate is the row's person
        page.goto(url + "/review/?state=decided")
        expect(page.locator("#review-rows tbody tr[data-record]")).to_have_count(1)
        expect(page.locator("[data-count=left]")).to_have_text("0")
        page.screenshot(path=str(ARTIFACTS / "review-decided.png"), full_page=True)
