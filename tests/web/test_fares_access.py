# ruff: noqa: F811  (the fixtures imported from fares_world are parameters of the tests below)
"""Fares pages give nobody more than their role allows; the fares roles get nothing of the other
modules; a GET writes nothing; exports and revealed IINs are in the audit log."""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import pytest
from access_checks import Fetch, not_refused, not_sent_to_login
from conftest import HOME, PASSWORD, World, person_in
from django.apps import apps
from django.test import Client
from fares_world import FaresWorld, fares, fares_loaded  # noqa: F401
from test_access import all_urls as registry_urls
from test_access import fetch as registry_fetch
from test_outreach_access import a_bin

from birtizim.web.accounts.services import user_create
from birtizim.web.audit.models import Access
from birtizim.web.fares.models import Check, Protocol

ANALYST_PAGES = [
    "/fares/overview/",
    "/fares/overview/?month=2026-05",
    "/fares/strata/",
    "/fares/plans/",
    "/fares/plans/2026-06/",
    "/fares/protocols/",
    "/fares/protocols/?month=2026-06",
    "/fares/protocols.xlsx?month=2026-06",
    "/fares/report-2026-06.xlsx",
    "/fares/offenders/",
    "/fares/import/",
]
INSPECTOR_PAGES = ["/fares/inspector/", "/fares/inspector/sw.js", "/fares/inspector/state/"]


def urls(f: FaresWorld) -> list[tuple[str, str]]:
    """Every fares route, with a June protocol and the demo's import where a route takes one."""
    return [
        ("get", "/fares/"),
        *[("get", u) for u in ANALYST_PAGES],
        ("get", f"/fares/people/{f.protocol}/"),
        ("get", "/fares/import/1/"),
        ("post", f"/fares/protocols/{f.protocol}/iin/"),
        ("post", "/fares/plans/"),
        ("post", "/fares/import/"),
        *[("get", u) for u in INSPECTOR_PAGES],
        ("json", "/fares/inspector/checks/"),
        ("json", "/fares/inspector/protocols/"),
    ]


def entry(f: FaresWorld) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "check": f.mine, "paid": 3, "unpaid": 1, "exempt": 0}


def fetch(client: Client, how: str, url: str, f: FaresWorld) -> Any:
    if how == "post":
        return client.post(url, {"month": "2031-01", "measurement_checks": "100", "floor": "2", "kind": "ridership",
                                 "publish_lead_minutes": "60"})  # fmt: skip
    if how == "json":
        return client.post(url, json.dumps(entry(f)), content_type="application/json")
    return client.get(url)


def fetch_in(f: FaresWorld) -> Fetch:
    return lambda client, how, url: fetch(client, how, url, f)


def test_it_sends_anonymous_visitors_to_the_login_page(fares: FaresWorld) -> None:
    assert not_sent_to_login(urls(fares), fetch_in(fares)) == []


@pytest.mark.parametrize("name", ["outsider", "officer", "viewer", "analyst"])
def test_it_gives_roles_outside_fares_nothing(fares: FaresWorld, client_for: Any, name: str) -> None:
    """A login without a role, and the akimat's OSMS staff: fares are the transport department's."""
    assert not_refused(client_for(name), urls(fares), fetch_in(fares)) == []
    assert not Check.objects.filter(code=fares.mine, riders_checked__isnull=False).exists()


def test_it_gives_a_club_provider_nothing(fares: FaresWorld) -> None:
    provider = user_create(username="club-f", password=PASSWORD, role="provider", organisation_bin=a_bin())
    client = Client()
    client.force_login(provider, backend="django.contrib.auth.backends.ModelBackend")
    assert not_refused(client, urls(fares), fetch_in(fares)) == []


def test_it_keeps_the_inspector_out_of_the_analysts_pages(fares: FaresWorld) -> None:
    inspector = fares.client("inspector")
    analysts = [(how, url) for how, url in urls(fares) if "/inspector/" not in url and url != "/fares/"]
    assert not_refused(inspector, analysts, fetch_in(fares)) == []
    assert inspector.get("/fares/")["Location"] == "/fares/inspector/"


def test_it_keeps_the_analyst_out_of_the_inspectors_page(fares: FaresWorld) -> None:
    analyst = fares.client("analyst")
    for how, url in urls(fares):
        if "/inspector/" in url:
            assert fetch(analyst, how, url, fares).status_code == 403, (how, url)
    for url in ANALYST_PAGES:
        assert analyst.get(url).status_code == 200, url


def test_the_fares_roles_get_nothing_of_the_other_modules(fares: FaresWorld, world: World) -> None:
    """The single list, construction, vouchers and outreach stay closed to the fares roles."""
    others = [*registry_urls(world), ("get", "/projects/"), ("get", "/projects/alerts/"), ("get", "/vouchers/"),
              ("get", "/vouchers/dashboard/"), ("get", "/vouchers/groups/"), ("get", "/outreach/"),
              ("get", "/outreach/flags.xlsx"), ("get", "/outreach/follow-up/"), ("get", f"/outreach/districts/{HOME}/"),
              ("get", "/outreach/surveys/"), ("get", "/outreach/import/"), ("get", "/audit/"),
              ("post", f"/people/{person_in(world, HOME)}/iin/")]  # fmt: skip
    for name in ("analyst", "inspector"):
        client = fares.client(name)
        for how, url in others:
            response = registry_fetch(client, how, url)
            if url == "/":  # the dashboard sends them to their own pages
                assert response.status_code == 302 and response["Location"] == "/fares/", name
                continue
            assert response.status_code in (403, 404), (name, how, url)
        menu = client.get("/fares/", follow=True).content.decode()
        for link in ('href="/worklists/"', 'href="/projects/"', 'href="/vouchers/"', 'href="/outreach/"'):
            assert link not in menu, (name, link)


def test_the_inspector_sees_only_their_teams_open_shift(fares: FaresWorld) -> None:
    state = fares.client("inspector").get("/fares/inspector/state/").json()
    codes = {c["code"] for s in state["shifts"] for c in s["checks"]}
    assert codes == {fares.mine}  # not the other team's, not the shift published later
    assert state["inspector"]["team"] == "T1" and state["csrf"]
    other = fares.client("other_team").get("/fares/inspector/state/").json()
    assert {c["code"] for s in other["shifts"] for c in s["checks"]} == {fares.theirs}


def test_an_inspector_cannot_record_another_teams_or_an_unpublished_check(fares: FaresWorld) -> None:
    inspector = fares.client("inspector")
    for code in (fares.theirs, fares.later, "NO-SUCH-CHECK"):
        body = {**entry(fares), "check": code}
        response = inspector.post("/fares/inspector/checks/", json.dumps(body), content_type="application/json")
        assert response.status_code == 404, code
    assert not Check.objects.filter(riders_checked__isnull=False, code__in=[fares.theirs, fares.later]).exists()


@pytest.mark.parametrize("url", ["/fares/inspector/checks/", "/fares/inspector/protocols/"])
def test_an_entry_too_large_unreadable_or_invalid_is_refused_with_its_reason(fares: FaresWorld, url: str) -> None:
    inspector = fares.client("inspector")
    large = inspector.post(url, json.dumps({"pad": "x" * 20_000}), content_type="application/json")
    unreadable = inspector.post(url, b"[1, 2", content_type="application/json")
    invalid = inspector.post(url, json.dumps({"check": fares.mine}), content_type="application/json")
    assert (large.status_code, unreadable.status_code, invalid.status_code) == (413, 400, 400)
    assert "fields" not in unreadable.json() and unreadable.json()["error"]
    refused = invalid.json()
    assert refused["fields"] and refused["error"] in [m for errors in refused["fields"].values() for m in errors]


def _protocol(fares: FaresWorld, **change: Any) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "check": fares.mine, "offence_at": "2026-06-10T10:00",
            "iin": "791028302728", "last_name": "Омаров", "first_name": "Серик", "served": True, **change}  # fmt: skip


def test_an_inspector_sees_only_their_own_protocols(fares: FaresWorld) -> None:
    body = _protocol(fares)
    made = fares.client("inspector").post(
        "/fares/inspector/protocols/", json.dumps(body), content_type="application/json"
    )
    assert made.status_code == 201
    number = made.json()["number"]
    mine = fares.client("inspector").get("/fares/inspector/state/").json()["protocols"]
    assert [p["number"] for p in mine] == [number] and mine[0]["iin"] == "********2728"
    colleague = fares.client("colleague").get("/fares/inspector/state/").json()["protocols"]
    assert colleague == []  # the same team, but not theirs
    # Resending someone else's entry (its client id) finds nothing, and makes nothing.
    stolen = fares.client("colleague").post(
        "/fares/inspector/protocols/", json.dumps(body), content_type="application/json"
    )
    assert stolen.status_code == 404
    assert Protocol.objects.filter(client_id=body["client_id"]).count() == 1


WATCHED = ("accounts", "fares", "auth")


def tables() -> dict[str, list[tuple[Any, ...]]]:
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for label in WATCHED
        for model in apps.get_app_config(label).get_models()
    }


def test_it_writes_nothing_when_the_fares_pages_are_read(fares: FaresWorld) -> None:
    readers = [(fares.client("analyst"), [*ANALYST_PAGES, f"/fares/people/{fares.protocol}/", "/fares/import/1/"]),
               (fares.client("inspector"), INSPECTOR_PAGES)]  # fmt: skip
    before = tables()  # after the logins, which stamp last_login
    for client, pages in readers:
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
    assert [name for name, rows in tables().items() if rows != before[name]] == []


def test_exports_and_revealed_iins_are_audited(fares: FaresWorld) -> None:
    analyst = fares.client("analyst")
    before = Access.objects.count()
    register = analyst.get("/fares/protocols.xlsx?month=2026-06")
    content = b"".join(register.streaming_content)
    report = analyst.get("/fares/report-2026-06.xlsx")
    b"".join(report.streaming_content)
    revealed = analyst.post(f"/fares/protocols/{fares.protocol}/iin/")
    logged = list(Access.objects.order_by("pk")[before:].values_list("action", "username", "records"))
    june = Protocol.objects.filter(offence_at__year=2026, offence_at__month=6).count()
    assert logged == [("export", "fares-analyst", june), ("export", "fares-analyst", june),
                      ("reveal_iin", "fares-analyst", 1)]  # fmt: skip
    full = Protocol.objects.get(pk=fares.protocol).iin
    assert full and full.encode() in revealed.content
    # The register masks IINs by default: the full one is not in the workbook.
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    iins = [str(r[4]) for r in rows[1:]]
    assert iins and all(i.startswith("*") or not i for i in iins)
