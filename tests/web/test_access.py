"""Nobody gets what their role and districts do not allow: not by page, URL, partial or export."""

from __future__ import annotations

from typing import Any

import pytest
from access_checks import not_refused, not_sent_to_login
from conftest import HOME, OTHER, World, person_in
from django.test import Client


def district_urls(district: str) -> list[tuple[str, str]]:
    return [
        ("get", f"/worklists/{district}/"),
        ("get", f"/worklists/{district}/?q=a"),
        ("htmx", f"/worklists/{district}/?page=2"),
        ("get", f"/worklists/{district}/export.xlsx"),
    ]


def person_urls(person_id: int) -> list[tuple[str, str]]:
    return [("post", f"/people/{person_id}/iin/"), ("post", f"/people/{person_id}/outcome/")]


def fetch(client: Client, how: str, url: str) -> Any:
    if how == "post":
        return client.post(url, {"result": "not_reached", "comment": "x"})
    if how == "htmx":
        return client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="worklist-table")
    return client.get(url)


def all_urls(world: World) -> list[tuple[str, str]]:
    upload_id = world.run.uploads.first().pk  # type: ignore[union-attr]
    return [
        ("get", "/"),
        ("get", "/figures.xlsx"),
        ("get", "/uploads/"),
        ("get", f"/uploads/{upload_id}/"),
        ("get", "/runs/"),
        ("post", "/runs/"),
        ("get", f"/runs/{world.run.pk}/"),
        ("get", "/worklists/"),
        ("get", "/audit/"),
        *district_urls(HOME),
        *person_urls(person_in(world, HOME)),
    ]


def test_it_sends_anonymous_visitors_to_the_login_page(world: World, db: None) -> None:
    assert not_sent_to_login(all_urls(world), fetch) == []


def test_it_gives_a_user_without_a_role_nothing(world: World, client_for: Any) -> None:
    assert not_refused(client_for("outsider"), all_urls(world), fetch) == []


def test_it_hides_another_districts_people_from_an_officer(world: World, client_for: Any) -> None:
    other = client_for("other_officer")  # works Karasay; everything below is Talgar's
    for how, url in [*district_urls(HOME), *person_urls(person_in(world, HOME))]:
        assert fetch(other, how, url).status_code == 404, (how, url)
    # ...while their own district answers, so the 404s above are the scope, not a broken page.
    assert other.get(f"/worklists/{OTHER}/").status_code == 200
    listing = other.get("/worklists/").content.decode()
    assert f"/worklists/{OTHER}/" in listing and f"/worklists/{HOME}/" not in listing


def test_it_finds_no_other_districts_people_by_search(world: World, client_for: Any) -> None:
    iin = _iin_in(world, HOME)
    other = client_for("other_officer")
    own = other.get(f"/worklists/{OTHER}/").content.decode()
    found = other.get(f"/worklists/{OTHER}/", {"q": iin}).content.decode()
    assert 'data-total="0"' not in own  # their own list has people...
    assert 'data-total="0"' in found  # ...but a Talgar resident's IIN finds nobody


def _iin_in(world: World, district: str) -> str:
    from birtizim.web.registry import runstore

    return str(runstore.value(world.run.folder, "SELECT min(iin) FROM worklist WHERE district = ?", [district]))


@pytest.mark.parametrize("how,url", [("get", "/uploads/"), ("get", "/runs/"), ("post", "/runs/"), ("get", "/audit/")])
def test_it_keeps_officers_out_of_analysts_and_administrators_pages(
    world: World, client_for: Any, how: str, url: str
) -> None:
    assert fetch(client_for("officer"), how, url).status_code == 403


def test_it_shows_a_viewer_figures_but_no_people(world: World, client_for: Any) -> None:
    viewer = client_for("viewer")
    assert viewer.get("/").status_code == 200
    requests = [("get", "/worklists/"), *district_urls(HOME), *person_urls(person_in(world, HOME))]
    assert not_refused(viewer, requests, fetch) == []


def test_it_lets_only_the_administrator_read_the_audit_log(world: World, client_for: Any) -> None:
    assert client_for("admin").get("/audit/").status_code == 200
    for name in ("analyst", "officer", "viewer", "outsider"):
        assert client_for(name).get("/audit/").status_code == 403, name


def test_a_club_provider_is_sent_to_the_voucher_pages_and_sees_no_residents(world: World, db: None) -> None:
    from birtizim.engine.iin import check_digit
    from birtizim.web.accounts.services import user_create

    prefix = next(p for p in (f"1903400{n:04d}" for n in range(100)) if check_digit(p) is not None)
    provider = user_create(
        username="club", password="x" * 12, role="provider", organisation_bin=prefix + str(check_digit(prefix))
    )
    client = Client()
    client.force_login(provider)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/vouchers/")
    assert not_refused(client, [(how, url) for how, url in all_urls(world) if url != "/"], fetch) == []
