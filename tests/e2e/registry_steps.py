"""Steps the single list's browser tests share: the analyst and Talgar's officer, an agency file
uploaded and recognised, a run started and finished as a draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness import PASSWORD

ANALYST_AND_OFFICER = (
    "from birtizim.web.accounts.services import user_create as u;"
    f"u(username='analyst', password='{PASSWORD}', role='analyst');"
    f"u(username='officer', password='{PASSWORD}', role='officer', districts=['talgar'])"
)


def upload(page: Any, url: str, kind: str, path: Path) -> None:
    from playwright.sync_api import expect

    page.goto(url + "/uploads/")
    page.select_option("select[name=kind]", kind)
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#recognised")).to_be_visible()


def run_to_draft(page: Any, url: str) -> None:
    """Start a run from the uploads page and wait for it: a finished run is a draft until published."""
    from playwright.sync_api import expect

    page.goto(url + "/uploads/")
    page.click("#start-run")
    expect(page.locator("#run-state")).to_have_attribute("data-state", "succeeded", timeout=120_000)
    expect(page.locator("#publication")).to_have_attribute("data-publication", "draft")
