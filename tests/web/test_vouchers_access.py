"""Nobody gets the voucher records their role, organisation or districts do not allow: pages, partials, exports."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from access_checks import not_refused, not_sent_to_login
from conftest import World
from django.contrib.auth.models import User
from django.test import Client
from test_vouchers_builder import OCT, Club, login

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.models import Access
from birtizim.web.vouchers import models as m
from birtizim.web.vouchers import services


@dataclass
class Side:
    club: Club
    user: User
    child: m.Child
    session: m.Session
    sheet: m.Timesheet
    flag: m.Flag

    def urls(self) -> list[tuple[str, str]]:
        """Every page, partial and export that shows this provider's records."""
        return [
            ("get", f"/vouchers/groups/{self.club.group.pk}/"),
            ("get", f"/vouchers/sessions/{self.session.pk}/"),
            ("htmx", f"/vouchers/sessions/{self.session.pk}/"),
            ("post", f"/vouchers/sessions/{self.session.pk}/"),
            ("post", f"/vouchers/groups/{self.club.group.pk}/sessions/"),
            ("get", f"/vouchers/timesheets/{self.sheet.pk}/"),
            ("get", f"/vouchers/timesheets/{self.sheet.pk}/links/"),
            ("get", f"/vouchers/timesheets/{self.sheet.pk}/export.xlsx"),
            ("post", f"/vouchers/timesheets/{self.sheet.pk}/move/"),
            ("get", f"/vouchers/flags/{self.flag.pk}/"),
            ("post", f"/vouchers/flags/{self.flag.pk}/"),
        ]


def side(district: str, username: str) -> Side:
    club = Club(district=district, name=f"Клуб {district}")
    user = club.user(username)
    enrolment = club.enrol()
    scope = Scope(Role.PROVIDER, frozenset(), club.provider.bin)
    session = services.session_create(
        scope=scope, group=club.group, date=dt.date(2019, 10, 14), start=dt.time(15, 30), minutes=90
    )
    services.marks_record(scope=scope, user=user, session=session, kinds={enrolment.pk: "present"})
    sheet = services.timesheet_open(group=club.group, period=OCT)
    services.timesheet_transition(scope=scope, user=user, timesheet=sheet, target="submitted")
    flag = m.Flag.objects.create(
        key=f"over_capacity:group:{club.group.pk}:-", code="over_capacity", entity_kind="group",
        entity_id=club.group.pk, provider_ids=[club.provider.pk], district=district, evidence="capacity 10: 12",
        facts={"capacity": 10, "enrolled": 12, "enrolled_on": "2019-10-01", "present": 0, "present_on": None},
    )  # fmt: skip
    return Side(club, user, enrolment.child, session, sheet, flag)


@pytest.fixture
def sides(world: World, db: None) -> tuple[Side, Side]:
    return side("talgar", "club-a"), side("karasay", "club-b")


AKIMAT_URLS = [
    ("get", "/vouchers/"),
    ("get", "/vouchers/dashboard/"),
    ("get", "/vouchers/timesheets/"),
    ("get", "/vouchers/flags/"),
    ("htmx", "/vouchers/flags/?code=over_capacity"),
    ("post", "/vouchers/flags/run/"),
    ("get", "/vouchers/queue/"),
    ("post", "/vouchers/queue/"),
]


def fetch(client: Client, how: str, url: str) -> Any:
    if how == "post":
        return client.post(url, {"target": "verified", "status": "dismissed", "vouchers": "5", "date": "2019-10-16",
                                 "start": "15:30", "minutes": "90", "note": "x"})  # fmt: skip
    if how == "htmx":
        return client.get(url, HTTP_HX_REQUEST="true")
    return client.get(url)


def test_it_sends_anonymous_visitors_to_the_login_page(sides: tuple[Side, Side]) -> None:
    assert not_sent_to_login([*AKIMAT_URLS, *sides[0].urls()], fetch) == []


def test_it_gives_a_user_without_a_role_nothing(sides: tuple[Side, Side], client_for: Any) -> None:
    assert not_refused(client_for("outsider"), [*AKIMAT_URLS, *sides[0].urls(), *sides[1].urls()], fetch) == []
    assert not m.Flag.objects.exclude(status="open").exists() and not m.FlagRun.objects.exists()


def test_it_shows_a_provider_nothing_of_another_provider(sides: tuple[Side, Side]) -> None:
    a, b = sides
    client = login(a.user)
    for how, url in b.urls():  # cases are the akimat's: a provider is refused them outright (403)
        assert fetch(client, how, url).status_code == (403 if "/flags/" in url else 404), (how, url)
    # ...while their own pages answer, so the 404s above are the scope, not a broken page.
    for url in (f"/vouchers/groups/{a.club.group.pk}/", f"/vouchers/sessions/{a.session.pk}/",
                f"/vouchers/timesheets/{a.sheet.pk}/", f"/vouchers/timesheets/{a.sheet.pk}/links/",
                f"/vouchers/timesheets/{a.sheet.pk}/export.xlsx"):  # fmt: skip
        assert client.get(url).status_code == 200, url
    listing = client.get("/vouchers/groups/").content.decode()
    assert f"/vouchers/groups/{a.club.group.pk}/" in listing and f"/vouchers/groups/{b.club.group.pk}/" not in listing
    assert client.get("/vouchers/").url == "/vouchers/groups/"
    b.sheet.refresh_from_db()
    assert b.sheet.status == "submitted" and not m.Mark.objects.filter(session=b.session, entered_by=a.user).exists()


def test_it_keeps_providers_out_of_the_akimats_pages(sides: tuple[Side, Side]) -> None:
    client = login(sides[0].user)
    assert not_refused(client, AKIMAT_URLS[1:], fetch) == []
    # ...and a provider cannot move their own month past submission.
    assert fetch(client, "post", f"/vouchers/timesheets/{sides[0].sheet.pk}/move/").status_code == 403
    sides[0].sheet.refresh_from_db()
    assert sides[0].sheet.status == "submitted"


def test_it_hides_another_districts_providers_from_an_officer(sides: tuple[Side, Side], client_for: Any) -> None:
    talgar, karasay = sides
    other = client_for("other_officer")  # works Karasay
    for how, url in talgar.urls():
        assert fetch(other, how, url).status_code == 404, (how, url)
    assert other.get(f"/vouchers/groups/{karasay.club.group.pk}/").status_code == 200
    flags = other.get("/vouchers/flags/").content.decode()
    assert f"/vouchers/flags/{karasay.flag.pk}/" in flags and f"/vouchers/flags/{talgar.flag.pk}/" not in flags
    queue = other.get("/vouchers/timesheets/").content.decode()
    assert (
        f"/vouchers/timesheets/{karasay.sheet.pk}/" in queue and f"/vouchers/timesheets/{talgar.sheet.pk}/" not in queue
    )
    dashboard = other.get("/vouchers/dashboard/").content.decode()
    assert f'data-provider="{karasay.club.provider.pk}"' in dashboard
    assert f'data-provider="{talgar.club.provider.pk}"' not in dashboard


def test_it_shows_a_viewer_figures_but_no_children(sides: tuple[Side, Side], client_for: Any) -> None:
    viewer = client_for("viewer")
    assert viewer.get("/vouchers/dashboard/").status_code == 200
    queue = viewer.get("/vouchers/queue/")
    assert queue.status_code == 200 and b"allocation-form" not in queue.content
    akimats = [("get", "/vouchers/flags/"), ("get", "/vouchers/timesheets/"), ("post", "/vouchers/queue/"),
               ("post", "/vouchers/flags/run/")]  # fmt: skip
    assert not_refused(viewer, [*sides[0].urls(), *akimats], fetch) == []


def test_it_masks_iins_and_audits_every_list_of_children(sides: tuple[Side, Side], client_for: Any) -> None:
    a = sides[0]
    before = Access.objects.count()
    for client in (login(a.user), client_for("officer")):
        page = client.get(f"/vouchers/groups/{a.club.group.pk}/").content.decode()
        assert a.child.iin not in page and a.child.iin[-4:] in page and a.child.last_name not in page
    login(a.user).get(f"/vouchers/timesheets/{a.sheet.pk}/export.xlsx")
    rows = list(Access.objects.order_by("id")[before:])
    assert [r.action for r in rows] == ["view_records", "view_records", "export"]
    assert [r.subject for r in rows] == ["vouchers.group_roster", "vouchers.group_roster", "vouchers.timesheet_export"]
    assert all(r.records == 1 and r.district == "talgar" for r in rows)
    assert rows[0].username == "club-a" and rows[1].username == "officer"
