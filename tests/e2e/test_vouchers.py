"""Vouchers end to end in a real browser: a provider marks sessions and submits the month, parents
confirm (or dispute) through their links, the akimat verifies and approves, and the payment shown is
the confirmed sessions times the rate. A hand-built club of two children keeps it small."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from harness import ARTIFACTS, PASSWORD, Server, browser_page, log_in, log_out, needs_chromium, serve

pytestmark = needs_chromium
RATE = Decimal("2500.00")
SETUP = f"""
import datetime as dt
from decimal import Decimal
from birtizim.web.accounts.services import user_create
from birtizim.web.vouchers import models as m
p = m.Provider.objects.create(bin="180440000019", name="Клуб «Сұңқар»", district="talgar")
m.Contract.objects.create(provider=p, starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2020, 12, 31))
venue = m.Venue.objects.create(provider=p, district="talgar", address="ул. Абая, 1", capacity=60)
staff = m.Staff.objects.create(provider=p, full_name="Тренер", background_check_on=dt.date(2019, 1, 10))
prog = m.Programme.objects.create(provider=p, name="Домбыра", kind="creative", age_min=6, age_max=14,
                                  rate_per_session=Decimal("{RATE}"))
g = m.Group.objects.create(programme=prog, provider=p, venue=venue, staff=staff, name="Домбыра, группа 1", capacity=12)
for wd in (1, 3):
    m.ScheduleSlot.objects.create(group=g, weekday=wd, start_time=dt.time(15, 30), end_time=dt.time(17, 0))
for iin, name in (("100517600010", "Айдана"), ("100517600020", "Ерлан")):
    parent = m.Parent.objects.create(contact="+7 701 000 00 00")
    c = m.Child.objects.create(iin=iin, last_name="Омарова", first_name=name, birth_date=dt.date(2010, 5, 17),
                               sex="F", district="talgar", parent=parent)
    v = m.Voucher.objects.create(child=c, status="active", issued_on=dt.date(2019, 8, 20),
                                 valid_until=dt.date(2020, 5, 31), nominal_value=Decimal("30000"))
    m.Enrolment.objects.create(child=c, voucher=v, group=g, start_date=dt.date(2019, 9, 1))
user_create(username="club", password="{PASSWORD}", role="provider", organisation_bin=p.bin)
user_create(username="admin", password="{PASSWORD}", role="admin")
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("web"), setup=SETUP, worker=False) as running:
        yield running


def add_session(page: Any, day: str, marks: dict[str, str]) -> None:
    """On the group page: add a session, then mark each child (by first name) on its attendance page."""
    page.fill("#session-form input[name=date]", day)
    page.fill("#session-form input[name=start]", "15:30")
    page.click("#session-form button[type=submit]")
    page.wait_for_selector("#attendance-form")
    for name, kind in marks.items():
        row = page.locator("table.attendance tbody tr", has_text=name)
        row.locator(f"input[value={kind}]").check()
        if kind == "present":
            row.locator("input[type=time]").fill("15:2" + str(len(name) % 10))
    page.click("#save-attendance")
    page.wait_for_selector("#attendance-saved")


def test_a_month_from_marks_to_payment(server: Server) -> None:
    from playwright.sync_api import expect

    url = server.url
    with browser_page() as page:
        log_in(page, url, "club")
        page.goto(url + "/vouchers/")
        page.click("table.groups a")
        group_url = page.url
        add_session(page, "2019-10-14", {"Айдана": "present", "Ерлан": "present"})
        page.goto(group_url)
        add_session(page, "2019-10-16", {"Айдана": "present", "Ерлан": "excused_absence"})
        expect(page.locator("tr[data-kind=present]")).to_have_count(1)
        page.screenshot(path=str(ARTIFACTS / "vouchers-attendance.png"), full_page=True)

        page.click("#attendance a[href*='/vouchers/timesheets/']")  # the month's timesheet
        page.click("button[data-target=submitted]")
        expect(page.locator("#timesheet-status")).to_have_attribute("data-status", "submitted")
        page.goto(page.url + "links/")
        links = {
            card.locator(".name").inner_text().split()[0]: card.locator("a.parent-link").get_attribute("href")
            for card in page.locator(".links .card").all()
        }
        assert set(links) == {"Айдана", "Ерлан"} and page.locator("svg.qr").count() == 2
        log_out(page)

        # Parents need no account: each opens their own link.
        page.goto(str(links["Айдана"]))
        expect(page.locator("#parent-page")).to_contain_text("Айдана")
        assert "100517600010" not in page.content() and "Омарова" not in page.content()
        page.screenshot(path=str(ARTIFACTS / "vouchers-parent.png"), full_page=True)
        page.click("#confirm")
        expect(page.locator("#parent-done")).to_have_attribute("data-outcome", "confirmed")
        again = page.goto(str(links["Айдана"]))
        assert again is not None and again.status == 409  # a link works once
        page.goto(str(links["Ерлан"]))
        page.fill("textarea[name=comment]", "Он болел 14-го")
        page.click("#dispute")
        expect(page.locator("#parent-done")).to_have_attribute("data-outcome", "disputed")

        log_in(page, url, "admin")
        page.goto(url + "/vouchers/timesheets/")
        page.click("table.data tbody a")
        expect(page.locator("#timesheet-status")).to_have_attribute("data-status", "parent_confirmed")
        page.click("button[data-target=verified]")
        expect(page.locator("#timesheet-status")).to_have_attribute("data-status", "verified")
        page.click("button[data-target=approved]")
        expect(page.locator("#timesheet-status")).to_have_attribute("data-status", "approved")
        confirmed = int(page.get_attribute("#confirmed", "data-value") or "-1")
        rate = Decimal(page.get_attribute("#rate", "data-value") or "-1")
        paid = Decimal(page.get_attribute("#payment", "data-value") or "-1")
        # Айдана: two sessions confirmed; Ерлан's month disputed, so nothing of it is paid.
        assert confirmed == 2 and rate == RATE and paid == confirmed * rate == Decimal("5000.00")
        assert re.search(r"5\s?000", page.inner_text("#payment"))
        page.screenshot(path=str(ARTIFACTS / "vouchers-timesheet.png"), full_page=True)
