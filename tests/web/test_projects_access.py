"""Construction pages: nobody gets what their role and districts do not allow, by page, partial or export."""

from __future__ import annotations

import json
from typing import Any

import pytest
from access_checks import not_refused, not_sent_to_login
from conftest import HOME, World
from django.test import Client
from test_projects_world import Objects, build_objects

from birtizim.web.projects.models import Alert, Report


@pytest.fixture
def objects(world: World, db: None) -> Objects:
    return build_objects(world)


READ_ONLY_PAGES = ("/projects/", "/projects/alerts/", "/projects/export.xlsx", "/projects/oc4ids.json")


def object_urls(pk: int) -> list[tuple[str, str]]:
    """Every URL about one object: pages, partials, downloads and writes."""
    return [
        ("get", f"/projects/{pk}/"),
        ("htmx", f"/projects/{pk}/"),
        ("get", f"/projects/{pk}/baselines/"),
        ("get", f"/projects/{pk}/reports/new/"),
        ("post", f"/projects/{pk}/reports/new/"),
        ("htmx-post", f"/projects/{pk}/reports/new/"),
        ("get", f"/projects/{pk}/import/"),
        ("post", f"/projects/{pk}/import/"),
        ("get", f"/projects/{pk}/import/template.xlsx"),
        ("get", f"/projects/{pk}/changes/new/"),
        ("post", f"/projects/{pk}/changes/new/"),
        ("get", f"/projects/{pk}/baselines/new/"),
        ("post", f"/projects/{pk}/baselines/new/"),
    ]


def fetch(client: Client, how: str, url: str) -> Any:
    report = {"date": "2025-06-20", "accepted_money": "0", "pct_0": "100", "pct_1": "90"}
    if how == "post":
        return client.post(url, report)
    if how == "htmx-post":
        return client.post(url, report, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="forecast-panel")
    if how == "htmx":
        return client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="forecast-panel")
    return client.get(url)


def all_urls(objects: Objects) -> list[tuple[str, str]]:
    return [
        *[("get", u) for u in READ_ONLY_PAGES],
        ("htmx", "/projects/?district=talgar"),
        ("get", "/projects/new/"),
        ("post", "/projects/new/"),
        ("post", "/projects/alerts/read/"),
        *object_urls(objects.home.pk),
    ]


def test_it_sends_anonymous_visitors_to_the_login_page(objects: Objects) -> None:
    assert not_sent_to_login(all_urls(objects), fetch) == []


def test_it_gives_a_user_without_a_role_nothing(objects: Objects, client_for: Any) -> None:
    outsider = client_for("outsider")
    assert not_refused(outsider, all_urls(objects), fetch) == []
    alert = Alert.objects.filter(project=objects.home).first()
    assert alert is not None
    assert outsider.post(f"/projects/alerts/{alert.pk}/read/").status_code == 403


def test_it_hides_another_districts_object_from_an_officer(objects: Objects, client_for: Any) -> None:
    other = client_for("other_officer")  # works Karasay; the object below is Talgar's
    reports = Report.objects.count()
    for how, url in object_urls(objects.home.pk):
        assert fetch(other, how, url).status_code == 404, (how, url)
    assert Report.objects.count() == reports  # nothing was written by the refused posts
    # ...while their own object answers, so the 404s above are the scope, not a broken page.
    assert other.get(f"/projects/{objects.other.pk}/").status_code == 200
    assert other.get(f"/projects/?district={HOME}").status_code == 404


def test_an_officer_sees_only_their_districts_in_the_portfolio_and_the_exports(
    objects: Objects, client_for: Any
) -> None:
    officer = client_for("officer")  # Talgar
    page = officer.get("/projects/").content.decode()
    assert 'data-project="T-HOME"' in page and 'data-project="T-OTHER"' not in page
    package = json.loads(officer.get("/projects/oc4ids.json").content)
    assert [p["id"] for p in package["projects"]] == ["T-HOME"]
    workbook = officer.get("/projects/export.xlsx").content
    assert b"T-HOME" in _sheet_text(workbook) and b"T-OTHER" not in _sheet_text(workbook)
    # The administrator sees both.
    package = json.loads(client_for("admin").get("/projects/oc4ids.json").content)
    assert sorted(p["id"] for p in package["projects"]) == ["T-HOME", "T-OTHER"]


def _sheet_text(content: bytes) -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/"))


@pytest.mark.parametrize("name", ["viewer", "analyst"])
def test_read_only_roles_read_everything_and_change_nothing(objects: Objects, client_for: Any, name: str) -> None:
    client = client_for(name)
    for url in (*READ_ONLY_PAGES, f"/projects/{objects.home.pk}/", f"/projects/{objects.other.pk}/baselines/"):
        assert client.get(url).status_code == 200, url
    reports = Report.objects.count()
    readable = {f"/projects/{objects.home.pk}/", f"/projects/{objects.home.pk}/baselines/"}
    for how, url in [("get", "/projects/new/"), ("post", "/projects/new/"), *object_urls(objects.home.pk)]:
        if url not in readable:
            assert fetch(client, how, url).status_code == 403, (how, url)
    assert Report.objects.count() == reports
    page = client.get(f"/projects/{objects.home.pk}/").content.decode()
    assert 'id="report-form"' not in page  # no form offered either


def test_an_officer_cannot_read_or_mark_another_users_alert(objects: Objects, client_for: Any) -> None:
    alert = Alert.objects.filter(recipient__username="admin").first()
    assert alert is not None
    assert client_for("officer").post(f"/projects/alerts/{alert.pk}/read/").status_code == 404
    alert.refresh_from_db()
    assert alert.read_at is None
    page = client_for("other_officer").get("/projects/alerts/").content.decode()
    assert f'id="alert-{alert.pk}"' not in page


def test_a_club_provider_is_kept_out(objects: Objects, db: None) -> None:
    from birtizim.web.accounts.services import user_create

    provider = user_create(username="club", password="correct-horse-battery", role="provider", organisation_bin=_bin())
    c = Client()
    c.force_login(provider, backend="django.contrib.auth.backends.ModelBackend")
    assert not_refused(c, all_urls(objects), fetch) == []


def _bin() -> str:
    from test_projects_world import valid_bin

    return valid_bin(777)
