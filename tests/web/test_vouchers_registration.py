"""The register's pages: children, applications and the queue's order, vouchers, enrolments, and who may use them."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

import pytest
from conftest import World
from django.test import Client
from django.utils import timezone
from test_vouchers_builder import Club, login, new_iin

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.models import Access
from birtizim.web.vouchers import models as m
from birtizim.web.vouchers import services

# Assertions below read the source-language words of refusals and form errors.
pytestmark = pytest.mark.usefixtures("in_english")

TODAY = timezone.localdate()
ADMIN = Scope(Role.ADMIN, None)


def born(years: int, days: int = 0) -> dt.date:
    """A birth date ``years`` years before today, ``days`` days later (later: not yet that old)."""
    try:
        day = TODAY.replace(year=TODAY.year - years)
    except ValueError:  # 29 February
        day = TODAY.replace(year=TODAY.year - years, day=28)
    return day + dt.timedelta(days=days)


def registration(iin: str, district: str = "talgar", **extra: str) -> dict[str, str]:
    return {"iin": iin, "last_name": "Омарова", "first_name": "Айгерим", "district": district, "priority": "orphan",
            "parent_contact": "+7 701 111 22 33", **extra}  # fmt: skip


def kid(district: str = "talgar", age: int = 9, first_name: str = "Нурсултан") -> m.Child:
    birth = born(age)
    return m.Child.objects.create(
        iin=new_iin(birth), last_name="Ахметов", first_name=first_name, birth_date=birth, sex="M", district=district
    )


def accepted(child: m.Child) -> m.Voucher:
    return m.Voucher.objects.create(
        child=child, status="accepted", issued_on=TODAY, valid_until=TODAY + dt.timedelta(days=365),
        nominal_value=Decimal("30000"),
    )  # fmt: skip


def fetch(client: Client, how: str, url: str) -> Any:
    if how == "post":
        return client.post(url, {**registration(new_iin(born(9))), "valid_until": "2030-01-01",
                                 "nominal_value": "1", "start_date": TODAY.isoformat(),
                                 "end_date": TODAY.isoformat(), "reason": "dropped_out"})  # fmt: skip
    if how == "htmx":
        return client.get(url, HTTP_HX_REQUEST="true")
    return client.get(url)


def register_urls(child: m.Child, voucher: m.Voucher) -> list[tuple[str, str]]:
    return [
        ("get", "/vouchers/children/"),
        ("htmx", "/vouchers/children/?q=Нур"),
        ("get", "/vouchers/children/new/"),
        ("post", "/vouchers/children/new/"),
        ("get", f"/vouchers/children/{child.pk}/"),
        ("post", f"/vouchers/children/{child.pk}/apply/"),
        ("post", f"/vouchers/children/{child.pk}/vouchers/"),
        ("post", f"/vouchers/vouchers/{voucher.pk}/accept/"),
        ("get", "/vouchers/queue/applications/?batch=pending"),
        ("htmx", "/vouchers/queue/applications/?batch=pending"),
    ]


def club_urls(club: Club, enrolment: m.Enrolment) -> list[tuple[str, str]]:
    return [
        ("get", f"/vouchers/groups/{club.group.pk}/enrol/"),
        ("htmx", f"/vouchers/groups/{club.group.pk}/enrol/"),
        ("post", f"/vouchers/groups/{club.group.pk}/enrol/"),
        ("get", f"/vouchers/enrolments/{enrolment.pk}/end/"),
        ("post", f"/vouchers/enrolments/{enrolment.pk}/end/"),
    ]


# ----- registering a child -----


def test_it_registers_a_child_for_the_districts_officer(client_for: Any) -> None:
    officer = client_for("officer")
    page = officer.get("/vouchers/children/new/").content.decode()
    assert 'value="talgar"' in page and 'value="karasay"' not in page  # only the officer's districts offered
    birth = born(7)
    iin = new_iin(birth)
    done = officer.post("/vouchers/children/new/", registration(f" {iin[:6]} {iin[6:]} "))  # spaces are dropped
    child = m.Child.objects.get(iin=iin)
    assert done.status_code == 302 and done["Location"] == f"/vouchers/children/{child.pk}/"
    assert (child.district, child.birth_date, child.priority) == ("talgar", birth, "orphan")
    assert child.parent is not None and child.parent.contact == "+7 701 111 22 33"
    shown = officer.get(f"/vouchers/children/{child.pk}/").content.decode()
    assert iin not in shown and iin[-4:] in shown and "Омарова" not in shown  # first name, initial, masked IIN
    # An officer cannot register into another district by posting its code; an analyst can.
    refused = officer.post("/vouchers/children/new/", registration(new_iin(born(8)), district="karasay"))
    assert refused.status_code == 400 and m.Child.objects.count() == 1
    assert (
        client_for("analyst").post("/vouchers/children/new/", registration(new_iin(born(8)), "karasay")).status_code
        == 302
    )
    assert m.Child.objects.filter(district="karasay").count() == 1


@pytest.mark.parametrize(
    ("iin", "message"),
    [
        (lambda: "123456789012", "Not a valid IIN"),
        (lambda: new_iin(born(8))[:11] + "x", "Not a valid IIN"),
        (lambda: new_iin(born(4, days=1)), "aged 4 to 17"),  # turns four tomorrow
        (lambda: new_iin(born(18)), "aged 4 to 17"),  # eighteen today
    ],
)
def test_it_refuses_an_invalid_iin_or_an_age_outside_4_to_17(client_for: Any, iin: Any, message: str) -> None:
    response = client_for("admin").post("/vouchers/children/new/", registration(iin()))
    assert response.status_code == 400 and message in response.content.decode()
    assert not m.Child.objects.exists()


def test_it_accepts_the_edges_of_the_age_range_and_refuses_a_second_registration(client_for: Any) -> None:
    admin = client_for("admin")
    four, seventeen = new_iin(born(4)), new_iin(born(18, days=1))
    assert admin.post("/vouchers/children/new/", registration(four)).status_code == 302
    assert admin.post("/vouchers/children/new/", registration(seventeen)).status_code == 302
    again = admin.post("/vouchers/children/new/", registration(four))
    assert again.status_code == 400 and "already registered" in again.content.decode()
    assert m.Child.objects.count() == 2


# ----- who may use the register -----


def test_it_refuses_the_register_to_outsiders_viewers_and_providers(client_for: Any) -> None:
    child = kid()
    voucher = m.Voucher.objects.create(
        child=child, status="issued", issued_on=TODAY, valid_until=TODAY, nominal_value=Decimal("1")
    )
    provider = login(Club().user("club-x"))
    for client in (client_for("outsider"), client_for("viewer"), provider):
        for how, url in register_urls(child, voucher):
            assert fetch(client, how, url).status_code in (403, 404), (how, url)
    voucher.refresh_from_db()
    assert voucher.status == "issued" and m.Child.objects.count() == 1 and not m.Application.objects.exists()


def test_it_hides_another_districts_children_from_an_officer(client_for: Any) -> None:
    talgar, karasay = kid("talgar", first_name="Талгат"), kid("karasay", first_name="Карина")
    voucher = m.Voucher.objects.create(
        child=talgar, status="issued", issued_on=TODAY, valid_until=TODAY, nominal_value=Decimal("1")
    )
    other = client_for("other_officer")
    for how, url in register_urls(talgar, voucher)[4:8]:
        assert fetch(other, how, url).status_code == 404, (how, url)
    listing = other.get("/vouchers/children/").content.decode()
    assert "Карина" in listing and "Талгат" not in listing
    assert other.get(f"/vouchers/children/{karasay.pk}/").status_code == 200
    voucher.refresh_from_db()
    assert voucher.status == "issued" and not m.Application.objects.exists()


def test_it_audits_every_page_listing_children(client_for: Any) -> None:
    child = kid()
    officer = client_for("officer")
    before = Access.objects.count()
    officer.get("/vouchers/children/")
    officer.get(f"/vouchers/children/{child.pk}/")
    officer.get("/vouchers/queue/applications/?batch=pending")
    rows = list(Access.objects.order_by("id")[before:])
    assert [r.action for r in rows] == ["view_records"] * 3 and all(r.username == "officer" for r in rows)
    assert [r.subject for r in rows] == ["vouchers.children", "vouchers.child", "vouchers.applications_pending"]
    assert rows[0].records == 1 and rows[1].district == "talgar"


# ----- applications and the queue -----


def test_it_takes_one_application_and_shows_the_queues_keys_after_a_batch(client_for: Any, world: World) -> None:
    officer = client_for("officer")
    orphan = kid(first_name="Орынбасар")
    orphan.priority = "orphan"
    orphan.save()
    plain = kid(first_name="Пётр")
    for c in (plain, orphan):
        assert officer.post(f"/vouchers/children/{c.pk}/apply/").status_code == 302
    again = officer.post(f"/vouchers/children/{orphan.pk}/apply/")
    assert again.status_code == 400 and "already waits" in again.content.decode()
    assert m.Application.objects.count() == 2
    assert list(m.Application.objects.get(child=orphan).priorities) == ["orphan"]
    waiting = officer.get("/vouchers/queue/applications/?batch=pending").content.decode()
    assert waiting.count("data-application=") == 2
    batch = services.allocation_run(
        scope=ADMIN, user=world.users["admin"], vouchers=1, valid_until=TODAY + dt.timedelta(days=365),
        nominal_value=Decimal("30000"), salt="published-salt",
    )  # fmt: skip
    page = officer.get(f"/vouchers/queue/applications/?batch={batch.pk}", HTTP_HX_REQUEST="true")
    text = page.content.decode()
    assert page.status_code == 200 and "<html" not in text
    first = m.Application.objects.get(child=orphan)
    assert first.rank == 1 and first.allocated is True
    assert f'data-application="{first.pk}" data-rank="1" data-tier="0"' in text
    lottery = hashlib.sha256(f"published-salt:{orphan.pk}".encode()).hexdigest()
    assert lottery[:12] in text  # anyone can recompute the draw from the published salt
    assert text.index("Орынбасар") < text.index("Пётр") and orphan.iin not in text
    # Holding the batch's voucher, the child cannot apply again.
    refused = officer.post(f"/vouchers/children/{orphan.pk}/apply/")
    assert refused.status_code == 400 and m.Application.objects.filter(child=orphan).count() == 1
    queue = officer.get("/vouchers/queue/").content.decode()
    assert f"/vouchers/queue/applications/?batch={batch.pk}" in queue


# ----- vouchers -----


def test_it_issues_and_accepts_a_voucher_and_refuses_a_second_live_one(client_for: Any) -> None:
    child = kid()
    officer = client_for("officer")
    issued = officer.post(
        f"/vouchers/children/{child.pk}/vouchers/", {"valid_until": "2030-05-31", "nominal_value": "30000"}
    )
    voucher = m.Voucher.objects.get(child=child)
    assert issued.status_code == 302 and voucher.status == "issued"
    second = officer.post(
        f"/vouchers/children/{child.pk}/vouchers/", {"valid_until": "2030-05-31", "nominal_value": "1"}
    )
    assert second.status_code == 400 and "one voucher per child" in second.content.decode()
    assert m.Voucher.objects.filter(child=child).count() == 1
    assert officer.post(f"/vouchers/vouchers/{voucher.pk}/accept/").status_code == 302
    voucher.refresh_from_db()
    assert voucher.status == "accepted"
    twice = officer.post(f"/vouchers/vouchers/{voucher.pk}/accept/")
    assert twice.status_code == 400 and voucher.status == "accepted"


# ----- enrolments -----


def test_it_lets_a_provider_enrol_by_the_childs_iin_and_end_the_enrolment(db: None, world: World) -> None:
    club = Club()
    child = kid()
    voucher = accepted(child)
    client = login(club.user("club"))
    group_page = client.get(f"/vouchers/groups/{club.group.pk}/").content.decode()
    assert f"/vouchers/groups/{club.group.pk}/enrol/" in group_page
    assert client.get(f"/vouchers/groups/{club.group.pk}/enrol/").status_code == 200
    unknown = client.post(
        f"/vouchers/groups/{club.group.pk}/enrol/", {"iin": new_iin(born(9)), "start_date": TODAY.isoformat()}
    )
    assert unknown.status_code == 400 and "No child with a live voucher" in unknown.content.decode()
    done = client.post(f"/vouchers/groups/{club.group.pk}/enrol/", {"iin": child.iin, "start_date": TODAY.isoformat()})
    assert done.status_code == 302 and done["Location"] == f"/vouchers/groups/{club.group.pk}/"
    enrolment = m.Enrolment.objects.get(child=child)
    voucher.refresh_from_db()
    assert enrolment.group_id == club.group.pk and voucher.status == "active"
    roster = client.get(f"/vouchers/groups/{club.group.pk}/").content.decode()
    assert f"/vouchers/enrolments/{enrolment.pk}/end/" in roster and child.iin not in roster
    early = client.post(f"/vouchers/enrolments/{enrolment.pk}/end/",
                        {"end_date": (TODAY - dt.timedelta(days=1)).isoformat(), "reason": "dropped_out"})  # fmt: skip
    assert early.status_code == 400 and "cannot end before" in early.content.decode()
    ended = client.post(
        f"/vouchers/enrolments/{enrolment.pk}/end/", {"end_date": TODAY.isoformat(), "reason": "dropped_out"}
    )
    enrolment.refresh_from_db()
    assert ended.status_code == 302 and (enrolment.end_date, enrolment.leave_reason) == (TODAY, "dropped_out")
    again = client.post(
        f"/vouchers/enrolments/{enrolment.pk}/end/", {"end_date": TODAY.isoformat(), "reason": "aged_out"}
    )
    enrolment.refresh_from_db()
    assert again.status_code == 400 and enrolment.leave_reason == "dropped_out"


def test_it_refuses_enrolment_over_capacity_outside_the_ages_or_beyond_the_clubs_allowed(db: None) -> None:
    club = Club(capacity=1)
    client = login(club.user("club"))
    url = f"/vouchers/groups/{club.group.pk}/enrol/"
    first, second = kid(first_name="Первый"), kid(first_name="Второй")
    accepted(first), accepted(second)
    assert client.post(url, {"iin": first.iin, "start_date": TODAY.isoformat()}).status_code == 302
    full = client.post(url, {"iin": second.iin, "start_date": TODAY.isoformat()}, HTTP_HX_REQUEST="true")
    assert (
        full.status_code == 400
        and "the group is full" in full.content.decode()
        and "<html" not in full.content.decode()
    )
    assert not m.Enrolment.objects.filter(child=second).exists()
    m.Programme.objects.filter(pk=club.programme.pk).update(age_min=12, age_max=15)
    roomy = club.new_group(capacity=10)
    young = client.post(f"/vouchers/groups/{roomy.pk}/enrol/", {"iin": second.iin, "start_date": TODAY.isoformat()})
    assert young.status_code == 400 and "the group is for ages 12-15, the child is 9" in young.content.decode()
    m.Programme.objects.filter(pk=club.programme.pk).update(age_min=4, age_max=17)
    answers = []
    for _ in range(2):  # the first child joins one more group; a third at once is one too many
        extra = club.new_group(capacity=10)
        answers.append(
            client.post(f"/vouchers/groups/{extra.pk}/enrol/", {"iin": first.iin, "start_date": TODAY.isoformat()})
        )
    assert answers[0].status_code == 302 and answers[1].status_code == 400
    assert "at most 2 at once" in answers[1].content.decode()
    assert m.Enrolment.objects.filter(child=first, end_date=None).count() == 2
    assert (
        m.Enrolment.objects.filter(child=second).count() == 0
        and m.Voucher.objects.get(child=second).status == "accepted"
    )


def test_it_refuses_enrolment_pages_to_other_providers_officers_and_outsiders(client_for: Any) -> None:
    a, b = Club(name="Клуб А"), Club(name="Клуб Б", district="karasay")
    enrolment = a.enrol(kid())
    child = kid(first_name="Чужой")
    accepted(child)
    other_provider = login(b.user("club-b"))
    for how, url in club_urls(a, enrolment):
        assert fetch(other_provider, how, url).status_code == 404, (how, url)
        assert fetch(client_for("other_officer"), how, url).status_code == 404, (how, url)
        assert fetch(client_for("outsider"), how, url).status_code in (403, 404), (how, url)
        assert fetch(client_for("viewer"), how, url).status_code in (403, 404), (how, url)
    # The district's officer reads the group but enrolling is the provider's (or the administrator's).
    assert client_for("officer").get(f"/vouchers/groups/{a.group.pk}/enrol/").status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.end_date is None and m.Enrolment.objects.count() == 1
    admin = client_for("admin")
    assert (
        admin.post(
            f"/vouchers/groups/{a.group.pk}/enrol/", {"iin": child.iin, "start_date": TODAY.isoformat()}
        ).status_code
        == 302
    )
    assert m.Enrolment.objects.filter(child=child, group=a.group).exists()
