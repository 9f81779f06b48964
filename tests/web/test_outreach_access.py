"""Outreach pages give nobody more than their role and districts allow: by page, htmx partial,
export, template download or POST. Outsiders and club providers get nothing; an officer of
another district gets 404 for everything of Talgar's; a viewer reads and changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from access_checks import not_refused, not_sent_to_login
from conftest import HOME, OTHER, PASSWORD, World
from django.core.management import call_command
from django.test import Client

from birtizim.tables.bin_number import make_bin
from birtizim.web.accounts.services import user_create
from birtizim.web.outreach.models import FollowUp, ImportBatch

MEETING_KEY = f"report_late:{HOME}:2019-11"  # the demo's flag in the officer's own district


def a_bin() -> str:
    for serial in range(100):
        made = make_bin(dt.date(2018, 4, 1), serial)
        if made is not None:
            return made
    raise AssertionError("no BIN found")


@pytest.fixture
def demo(world: World, db: None) -> dict[str, int]:
    call_command("birtizim_outreach_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    home = FollowUp.objects.get(key=MEETING_KEY)
    batch = ImportBatch.objects.get(kind=ImportBatch.Kind.DEMO)
    return {"home": home.pk, "batch": batch.pk}


def urls(ids: dict[str, int]) -> list[tuple[str, str]]:
    """Every outreach route, with Talgar's follow-up and the demo import where a route takes one."""
    f = ids["home"]
    return [
        ("get", "/outreach/"),
        ("htmx:flags-table", "/outreach/?severity=high"),
        ("get", "/outreach/flags.xlsx"),
        ("get", "/outreach/follow-up/"),
        ("htmx:followups-table", "/outreach/follow-up/?state=open"),
        ("get", f"/outreach/follow-up/{f}/"),
        ("post", f"/outreach/follow-up/{f}/assign/"),
        ("post", f"/outreach/follow-up/{f}/answer/"),
        ("post", f"/outreach/follow-up/{f}/close/"),
        ("post", f"/outreach/follow-up/{f}/reopen/"),
        ("htmx-post", f"/outreach/follow-up/{f}/close/"),
        ("get", f"/outreach/districts/{HOME}/"),
        ("get", f"/outreach/districts/{HOME}/report/"),
        ("post", f"/outreach/districts/{HOME}/report/"),
        ("get", "/outreach/surveys/"),
        ("post", "/outreach/surveys/"),
        ("get", "/outreach/import/"),
        ("post", "/outreach/import/"),
        ("get", f"/outreach/import/{ids['batch']}/"),
        ("post", f"/outreach/import/{ids['batch']}/delete/"),
        ("get", "/outreach/import/template/events.xlsx"),
        ("get", "/outreach/rules/"),
        ("post", "/outreach/rules/"),
    ]


def fetch(client: Client, how: str, url: str) -> Any:
    data = {
        "assignee": "1",
        "answer": "x",
        "note": "x",
        "period": "2019-12",
        "reach_share": "10",
        "district": HOME,
        "sample_size": "10",
        "n_unaware": "1",
        "n_poor": "1",
        "text": "",
        "kind": "events",
    }
    if how == "post":
        return client.post(url, data)
    if how == "htmx-post":
        return client.post(url, data, HTTP_HX_REQUEST="true")
    if how.startswith("htmx:"):
        return client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET=how.split(":", 1)[1])
    return client.get(url)


def test_it_sends_anonymous_visitors_to_the_login_page(demo: dict[str, int]) -> None:
    assert not_sent_to_login(urls(demo), fetch) == []


def test_it_gives_a_login_without_a_role_nothing(demo: dict[str, int], client_for: Any) -> None:
    assert not_refused(client_for("outsider"), urls(demo), fetch) == []
    assert FollowUp.objects.get(pk=demo["home"]).state == FollowUp.State.OPEN


def test_it_gives_a_club_provider_nothing(demo: dict[str, int]) -> None:
    provider = user_create(username="club", password=PASSWORD, role="provider", organisation_bin=a_bin())
    client = Client()
    client.force_login(provider, backend="django.contrib.auth.backends.ModelBackend")
    assert not_refused(client, urls(demo), fetch) == []


def test_it_hides_talgars_flags_from_the_officer_of_karasay(demo: dict[str, int], client_for: Any) -> None:
    other = client_for("other_officer")
    f = demo["home"]
    talgar_only = [
        ("get", f"/outreach/?district={HOME}"),
        ("htmx:flags-table", f"/outreach/?district={HOME}"),
        ("get", f"/outreach/flags.xlsx?district={HOME}"),
        ("get", f"/outreach/follow-up/?district={HOME}"),
        ("get", f"/outreach/follow-up/{f}/"),
        ("post", f"/outreach/follow-up/{f}/answer/"),
        ("htmx-post", f"/outreach/follow-up/{f}/answer/"),
        ("get", f"/outreach/districts/{HOME}/"),
        ("get", f"/outreach/districts/{HOME}/report/"),
        ("post", f"/outreach/districts/{HOME}/report/"),
        ("get", f"/outreach/import/{demo['batch']}/"),  # not theirs
    ]
    for how, url in talgar_only:
        assert fetch(other, how, url).status_code == 404, (how, url)
    # Their own pages answer, and list Karasay's flags but not one of Talgar's.
    page = other.get("/outreach/").content.decode()
    assert other.get(f"/outreach/districts/{OTHER}/").status_code == 200
    assert f'data-key="{MEETING_KEY}"' not in page
    followups = other.get("/outreach/follow-up/").content.decode()
    assert f"/outreach/districts/{HOME}/" not in followups
    assert FollowUp.objects.filter(district=OTHER).exists() == (f"/outreach/districts/{OTHER}/" in page)
    export = other.get("/outreach/flags.xlsx")
    assert export.status_code == 200 and "Талгар".encode() not in b"".join(export.streaming_content)


def test_it_lets_the_officer_of_talgar_see_and_answer_only_talgar(demo: dict[str, int], client_for: Any) -> None:
    officer = client_for("officer")
    page = officer.get("/outreach/").content.decode()
    assert f'data-key="{MEETING_KEY}"' in page
    districts = set(FollowUp.objects.values_list("district", flat=True))
    assert districts - {HOME}, "the demo raises flags elsewhere too"
    for district in districts - {HOME}:
        assert f"/outreach/districts/{district}/" not in page
    # Leadership's steps are not theirs.
    for action in ("assign", "close", "reopen"):
        assert officer.post(f"/outreach/follow-up/{demo['home']}/{action}/", {"note": "x"}).status_code == 403
    assert officer.get("/outreach/rules/").status_code == 403
    assert officer.post("/outreach/surveys/", {"district": HOME}).status_code == 403


def test_it_lets_a_viewer_read_but_change_nothing(demo: dict[str, int], client_for: Any) -> None:
    viewer = client_for("viewer")
    for url in ("/outreach/", "/outreach/follow-up/", f"/outreach/follow-up/{demo['home']}/", "/outreach/surveys/"):
        response = viewer.get(url)
        assert response.status_code == 200, url
        assert 'name="answer"' not in response.content.decode() and 'name="assignee"' not in response.content.decode()
    assert viewer.get(f"/outreach/districts/{HOME}/").status_code == 200
    for how, url in urls(demo):
        if how in ("post", "htmx-post"):
            assert fetch(viewer, how, url).status_code == 403, url
    for url in ("/outreach/import/", "/outreach/rules/", f"/outreach/districts/{HOME}/report/"):
        assert viewer.get(url).status_code == 403, url
    assert FollowUp.objects.get(pk=demo["home"]).state == FollowUp.State.OPEN


def test_the_menu_offers_red_flags_to_staff_of_the_region(demo: dict[str, int], client_for: Any) -> None:
    for name in ("admin", "analyst", "officer", "viewer"):
        assert 'href="/outreach/"' in client_for(name).get("/").content.decode(), name
