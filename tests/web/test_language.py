# ruff: noqa: F811  (the fixtures imported from other modules are parameters below)
"""Every page and export in Russian and in Kazakh, for every role that may open it: no English word, no raw code.

The URLs come from the resolver, with the ids of ``test_every_url`` (its ``CASES`` and ``requests_of``):
a URL added without a case fails there, and is checked here as soon as it has one. Each role reads
every page, htmx partial and export it asks for -- refusals too, since a 403 or 404 page is a page --
with the demo's data loaded on top of the walk's two districts: the voucher world drawn from the run
with its flags, the outreach demo with its red flags, the fares city and the construction objects.
``language_check.problems`` says what a Russian or Kazakh reader must not meet.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest
from conftest import World
from django.test import Client
from fares_world import FaresWorld, fares, fares_loaded  # noqa: F401 -- fixtures
from language_check import page_text, problems, workbook_text
from test_every_url import Sides, body, build_sides, client, requests_of

from birtizim.web.demo import vouchers as vouchers_demo
from birtizim.web.demo.outreach import demo_load as outreach_demo_load
from birtizim.web.registry import runstore
from birtizim.web.vouchers.flag_cases import flags_run

ROLES = (
    "anonymous", "outsider", "viewer", "officer", "provider", "analyst", "admin", "fares_analyst", "inspector",
)  # fmt: skip


@pytest.fixture
def demo(world: World, fares: FaresWorld, db: None, request: pytest.FixtureRequest) -> Sides:
    """The demo's voucher world and outreach data, then the walk's two sides on top of them."""
    world_tables, _start, _end = vouchers_demo.build(
        run_folder=runstore.run_path(world.run.folder), region_dir=None, seed=1, months=2
    )
    vouchers_demo.load(world_tables)
    found = build_sides(world, fares)
    outreach_demo_load(seed=1)
    flags_run(scope=None)
    return found


def text_of(response: Any) -> str:
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind or kind.startswith("application/vnd.openxmlformats"):
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        return workbook_text(raw)
    if "text/html" in kind or "text/plain" in kind:
        return page_text(body(response))
    return ""


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_page_speaks_the_readers_language(demo: Sides, language: str) -> None:
    found: dict[str, list[str]] = defaultdict(list)  # problem -> where
    pages = 0
    for role in ROLES:
        user = demo.users[role]
        signed_in = client(user)
        for name, method, url, _foreign in requests_of(role, demo):
            if method == "post":
                continue
            c: Client = client(user) if name in ("logout",) else signed_in
            c.cookies["django_language"] = language
            headers = {"HX-Request": "true", "HX-Target": "main"} if method == "htmx" else {}
            response = c.get(url, headers=headers)
            if response.status_code in (301, 302):
                continue
            pages += 1
            for problem in problems(text_of(response)):
                found[problem].append(f"{role} {method} {url} -> {response.status_code}")
    assert pages > 300
    report = [f"{p}\n    {where[0]} (+{len(where) - 1})" for p, where in sorted(found.items())]
    assert not report, f"{len(report)} problems:\n" + "\n".join(report)
