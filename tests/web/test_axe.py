# ruff: noqa: F401, F811  (the fixtures imported from other modules are parameters below)
"""Every page for every role, at a desk (1280 px) and on a phone (390 px), checked by axe-core in Chromium.

The pages are the language test's: the URL resolver's every pattern with the ids of ``test_every_url``,
for each role, over the demo's data (``test_language.demo``). Chromium asks for them at
``http://testserver/`` and Playwright hands each request to Django's test client of that role, in this
process and this test's database (the static files from Django's finders), so the browser sees exactly
what the role gets -- no server, no second database. Playwright runs in a thread of its own: its sync
API keeps an asyncio loop running, and Django, seeing it, would open another connection outside the
test's transaction; the test's thread answers the browser's requests through a queue.

axe-core comes from the npm registry (``make axe`` installs ``node_modules/axe-core``) and is injected
with ``add_script_tag(path=...)``; the context bypasses the Content-Security-Policy for that one injected
script (the policy itself is checked by the other browser tests and by ``test_every_url``).

Each page, once per role (a refusal page once per role and status), must have at each width:

* no critical or serious axe-core violation (WCAG 2.1 A/AA and axe's best practices: labels, names,
  contrast, landmarks...);
* no two elements with the same id (axe 4.9 retired its duplicate-id rules with WCAG 4.1.1);
* at 390 px, no horizontal scroll of the page itself: wide tables scroll inside their own container.

Screenshots of the main pages at 390 px go to test-artifacts/phone-*.png. The test lives beside the
language test, whose data it shares (the session's reconciled region is built once, by this folder's
conftest), and drives Chromium with the browser tests' settings (``tests/e2e/harness.py``).
"""

from __future__ import annotations

import json
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.test import Client
from fares_world import fares, fares_loaded
from test_every_url import SESSION, Sides, client, requests_of
from test_language import ROLES, demo

from tests.e2e.harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, ROOT, needs_chromium

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
pytestmark = [
    needs_chromium,
    pytest.mark.skipif(not AXE.exists(), reason="axe-core is installed by make test (make axe)"),
]
HOST = "http://testserver"
WIDTHS = {"desk": (1280, 900), "phone": (390, 844)}
SERIOUS = ("critical", "serious")
# Pages worth a look at phone width by a person: their screenshots are kept.
SHOTS = {
    "dashboard": "dashboard",
    "worklist": "worklist",
    "vouchers:session": "attendance",
    "vouchers:dashboard": "vouchers-dashboard",
    "vouchers:links": "parent-links",
    "outreach:flags": "outreach",
    "fares:overview": "fares",
    "projects:portfolio": "projects",
}

RUN_AXE = """async (fragment) => {
  // A fragment (a row's form that htmx puts into its page) has no <html lang> or <title> of its own.
  const parts = ["document-title", "html-has-lang", "landmark-one-main", "page-has-heading-one", "region"];
  const off = fragment ? parts : [];
  const rules = Object.fromEntries(off.map(id => [id, {enabled: false}]));
  const result = await axe.run(document, {resultTypes: ["violations"], rules});
  return result.violations.filter(v => v.impact === "critical" || v.impact === "serious").map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n")[1]),
    count: v.nodes.length,
  }));
}"""
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
DUPLICATE_IDS = """() => {
  const seen = {};
  for (const el of document.querySelectorAll("[id]")) seen[el.id] = (seen[el.id] || 0) + 1;
  return Object.entries(seen).filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
}"""
PAGE_OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width + 1) return null;
  // The widest elements that stick out, to say what to fix.
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      // Reported once, at the outermost box that sticks out; nothing inside a box that scrolls or clips.
      let parentOut = false;
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (p.getBoundingClientRect().right > width + 1 || getComputedStyle(p).overflowX !== "visible") {
          parentOut = true;
          break;
        }
      }
      const names = typeof el.className === "string" ? el.className.trim().split(/\\s+/).filter(Boolean) : [];
      const cls = names.map(n => "." + n).join("");
      const what = `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${cls}`;
      if (!parentOut) out.push(`${what} (${Math.round(box.right)}px)`);
    }
  }
  return `page ${document.documentElement.scrollWidth}px wide: ` + out.slice(0, 4).join(", ");
}"""


def static_file(path: str) -> str | None:
    from django.conf import settings

    prefix = "/" + settings.STATIC_URL.lstrip("/")
    return finders.find(path[len(prefix) :]) if path.startswith(prefix) else None  # type: ignore[return-value]


Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Desk:
    """The test's thread: each role's Django test client, answering the browser's requests from a queue."""

    clients: dict[str, Client]
    ready: dict[tuple[str, str], HttpResponse] = field(default_factory=dict)  # fetched while planning
    requests: queue.Queue[tuple[str, str, dict[str, str], queue.Queue[Reply]]] = field(default_factory=queue.Queue)

    def ask(self, role: str, path: str, headers: dict[str, str]) -> Reply:
        """From the browser's thread: the role's response to ``path``."""
        reply: queue.Queue[Reply] = queue.Queue(maxsize=1)
        self.requests.put((role, path, headers, reply))
        return reply.get(timeout=120)

    def serve(self, browser: threading.Thread) -> None:
        while browser.is_alive() or not self.requests.empty():
            try:
                role, path, headers, reply = self.requests.get(timeout=0.05)
            except queue.Empty:
                continue
            response = self.ready.pop((role, path), None) or self.clients[role].get(path, headers=headers)
            raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
            reply.put((response.status_code, dict(response.items()), raw))


def plan(role: str, sides: Sides, desk: Desk) -> Iterator[tuple[str, str, bool]]:
    """(name, url, fragment) of each HTML page ``role`` gets: every URL name once, a refusal once a status;
    fragment: a part of a page (no ``<html>``), served on its own too."""
    seen: set[tuple[str, int]] = set()
    urls: set[str] = set()
    c = desk.clients[role]
    for name, method, url, _foreign in requests_of(role, sides):
        if method != "get" or url in urls or (name in SESSION and name != "login"):
            continue
        urls.add(url)
        response = c.get(url)
        status = response.status_code
        if status in (301, 302) or "text/html" not in response.get("Content-Type", "") or not response.content:
            continue  # a redirect, an export, or an empty refusal (405 to a GET): no page to read
        key = (name if status == 200 else "refusal", status)
        if key in seen:
            continue
        seen.add(key)
        desk.ready[(role, url)] = response
        yield name, url, b"<html" not in response.content


def route(desk: Desk, role: str) -> Callable[[Any, Any], None]:
    """A Playwright route handler: the browser's request answered by the role's Django test client."""

    def handle(route: Any, request: Any) -> None:
        parts = urlsplit(request.url)
        found = static_file(parts.path)
        if found is not None:
            route.fulfill(path=found)
        elif request.method != "GET":  # nothing on these pages posts by itself
            route.abort()
        else:
            headers = {k: v for k, v in request.headers.items() if k.lower().startswith("hx-")}
            status, sent, raw = desk.ask(role, parts.path + (f"?{parts.query}" if parts.query else ""), headers)
            route.fulfill(status=status, headers=sent, body=raw)

    return handle


def browse(desk: Desk, pages: dict[str, list[tuple[str, str, bool]]], found: dict[str, list[str]]) -> int:
    """Each role's pages in one Chromium, at both widths; the problems into ``found``; pages x widths checked."""
    from playwright.sync_api import sync_playwright

    checked = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            for role, urls in pages.items():
                w, h = WIDTHS["desk"]
                context = browser.new_context(viewport={"width": w, "height": h}, bypass_csp=True, locale="ru-RU")
                page = context.new_page()
                page.route(f"{HOST}/**", route(desk, role))
                for name, url, fragment in urls:
                    page.goto(HOST + url, wait_until="load")
                    page.add_script_tag(path=str(AXE))
                    for width, (w, h) in WIDTHS.items():
                        page.set_viewport_size({"width": w, "height": h})
                        page.evaluate(NEXT_FRAME)  # the page's own resize handlers have run
                        where = f"{role} {url} ({width})"
                        checked += 1
                        for v in page.evaluate(RUN_AXE, fragment):
                            key = f"{v['impact']} {v['id']}: {v['help']} -- {'; '.join(v['nodes'])} [{v['count']}]"
                            found.setdefault(key, []).append(where)
                        for dup in page.evaluate(DUPLICATE_IDS):
                            found.setdefault(f"duplicate id {dup}", []).append(where)
                        if width == "phone":
                            overflow = page.evaluate(PAGE_OVERFLOW)
                            if overflow:
                                found.setdefault(f"horizontal scroll at 390 px: {overflow}", []).append(where)
                            if name in SHOTS and role in ("admin", "officer", "provider", "fares_analyst"):
                                page.screenshot(path=str(ARTIFACTS / f"phone-{SHOTS[name]}-{role}.png"), full_page=True)
                context.close()
        finally:
            browser.close()
    return checked


def test_every_page_is_accessible_at_desk_and_phone_width(demo: Sides) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    desk = Desk({role: client(demo.users[role]) for role in ROLES})
    for c in desk.clients.values():
        c.cookies["django_language"] = "ru"
    pages = {role: list(plan(role, demo, desk)) for role in ROLES}
    found: dict[str, list[str]] = {}  # problem -> where
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["checked"] = browse(desk, pages, found)
        except BaseException as exc:  # raised again in the test's thread
            outcome["error"] = exc

    browser = threading.Thread(target=run, name="chromium")
    browser.start()
    desk.serve(browser)
    browser.join()
    if "error" in outcome:
        raise outcome["error"]
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(found, ensure_ascii=False, indent=1), encoding="utf-8")
    assert outcome["checked"] > 200
    report = [f"{p}\n    {where[0]} (+{len(where) - 1})" for p, where in sorted(found.items())]
    assert not report, f"{len(report)} problems:\n" + "\n".join(report)
