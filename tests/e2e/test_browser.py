"""End to end in a real headless Chromium (Debian's, driven by Playwright): the server and the
worker run as separate processes, as in ``make demo``. Screenshots go to test-artifacts/."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from birtizim.synth import synthesize

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "e2e-password-42"
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="chromium is installed by make test"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    data = tmp_path_factory.mktemp("web")
    region = tmp_path_factory.mktemp("region")
    synthesize(region="almaty-2019", residents=2_000, seed=11, out=region)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "birtizim.web.settings",
        "BIRTIZIM_DEBUG": "1",
        "BIRTIZIM_DATA_DIR": str(data),
    }
    manage = [sys.executable, str(Path(__file__).resolve().parents[2] / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    make_users = (
        "from birtizim.web.accounts.services import user_create as u;"
        f"u(username='analyst', password='{PASSWORD}', role='analyst');"
        f"u(username='officer', password='{PASSWORD}', role='officer', districts=['talgar'])"
    )
    subprocess.run([*manage, "shell", "-c", make_users], env=env, check=True)
    port = _free_port()
    web = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env)
    worker = subprocess.Popen([*manage, "birtizim_worker", "--poll", "0.3"], env=env)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.2)
    yield {"url": url, "data": data, "region": region}
    for p in (web, worker):
        p.terminate()
        p.wait(10)


def test_an_analyst_runs_the_region_and_an_officer_records_an_outcome(server: dict[str, object]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, data, region = str(server["url"]), Path(str(server["data"])), Path(str(server["region"]))
    ARTIFACTS.mkdir(exist_ok=True)
    args = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ru-RU")

        page.goto(url + "/login/")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(url + "/uploads/")
        manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
        for source in manifest["sources"]:
            page.goto(url + "/uploads/")
            page.select_option("select[name=kind]", source["kind"])
            page.set_input_files("input[name=file]", str(region / source["path"]))
            page.click("#upload-form button[type=submit]")
            expect(page.locator("#recognised")).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "upload-preview.png"), full_page=True)

        page.goto(url + "/uploads/")
        page.click("#start-run")
        expect(page.locator("#run-state")).to_have_attribute("data-state", "succeeded", timeout=120_000)
        page.screenshot(path=str(ARTIFACTS / "run-finished.png"), full_page=True)

        page.goto(url + "/")
        folder = next((data / "runs").iterdir())
        with duckdb.connect(str(folder / "run.duckdb"), read_only=True) as con:
            residents, undetermined = con.execute(
                "SELECT sum(residents), sum(undetermined) FROM district_report"
            ).fetchone()  # type: ignore[misc]
        assert page.get_attribute("[data-indicator=residents]", "data-value") == str(residents)
        assert page.get_attribute("[data-indicator=undetermined]", "data-value") == str(undetermined)
        page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
        page.click("form[action='/logout/'] button")

        page.goto(url + "/login/")
        page.fill("input[name=username]", "officer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.goto(url + "/worklists/talgar/")
        first = page.locator("table.worklist tbody tr").first
        first.locator("select[name=result]").select_option("reached")
        first.locator("textarea[name=comment]").fill("Позвонили, придёт в ЦОН")
        first.locator("form.outcome button").click()
        expect(first.locator(".outcome-done")).to_have_attribute("data-result", "reached")
        page.screenshot(path=str(ARTIFACTS / "worklist-outcome.png"), full_page=True)
        # An officer of Talgar gets nothing of another district.
        assert page.goto(url + "/worklists/karasay/").status == 404  # type: ignore[union-attr]
        browser.close()
