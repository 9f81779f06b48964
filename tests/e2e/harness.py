"""What every end-to-end test shares (``from harness import serve, browser_page, log_in``): the web
app served as in ``make demo`` (runserver and the worker as separate processes on a free port, with
its own data folder) and Debian's chromium driven by Playwright. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "e2e-password-42"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Server:
    url: str
    data: Path
    env: dict[str, str]

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a management command against this server's database."""
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args], env=self.env, check=True, capture_output=True, text=True
        )


# Off CI a machine without chromium skips these; in CI (make test installs chromium) they must run.
# Each test module sets ``pytestmark = needs_chromium``.
needs_chromium = pytest.mark.skipif(
    not Path(CHROMIUM).exists() and not os.environ.get("CI"), reason="chromium is installed by make test"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(data: Path, *, setup: str = "", worker: bool = True) -> Iterator[Server]:
    """Migrate a fresh database (a SQLite file in ``data``, or a new database on the suite's PostgreSQL
    server), run ``setup`` (Python, in ``manage.py shell``), then serve."""
    from tests.databases import drop, scratch_url

    database = scratch_url(data)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "birtizim.web.settings",
        "BIRTIZIM_DEBUG": "1",
        "BIRTIZIM_DATA_DIR": str(data),
        "DATABASE_URL": database,
    }
    server = Server("", data, env)
    server.manage("migrate", "-v0")
    if setup:
        server.manage("shell", "-c", setup)
    port = _free_port()
    manage = [sys.executable, str(ROOT / "manage.py")]
    processes = [subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"], env=env)]
    if worker:
        processes.append(subprocess.Popen([*manage, "birtizim_worker", "--poll", "0.3"], env=env))
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(url + "/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield Server(url, data, env)
    finally:
        for p in processes:
            p.terminate()
            p.wait(10)
        drop(database)


@contextmanager
def browser_page(locale: str = "ru-RU") -> Iterator[Any]:
    """A page in headless Debian chromium (no browser download: Playwright's executable_path).

    Whatever the test does, the Content-Security-Policy must never have to block anything: a refused
    inline script or style would be a page that works in tests with the policy off and breaks in use.
    """
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale=locale)
            page.on(
                "console",
                lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None,
            )
            yield page
        finally:
            browser.close()
    assert not blocked, f"the Content-Security-Policy blocked: {blocked[:5]}"


def log_in(page: Any, url: str, username: str, password: str = PASSWORD) -> None:
    page.goto(url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def log_out(page: Any) -> None:
    page.click("form[action='/logout/'] button")
    page.wait_for_load_state()
