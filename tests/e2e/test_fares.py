"""End to end on a phone-sized screen (390 px, Playwright's mobile emulation in Debian chromium): an
inspector opens their page once with a connection, loses it, reloads the page from the phone's
cache, records a check and a protocol (the IIN checked as it is typed), gets the connection back,
and the queue is sent once; sending the same entries again changes nothing. The transport analyst
then sees the month's rate with its interval and the inspector's protocol. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from harness import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PASSWORD, Server, log_in, needs_chromium, serve

pytestmark = needs_chromium

SETUP = f"""
import datetime as dt
from django.utils import timezone
from birtizim.web.accounts.services import user_create
from birtizim.web.demo.fares import SMALL, demo_load
from birtizim.web.fares.models import Check, Plan, Shift, Team
from birtizim.web.fares.services import inspector_create
analyst = user_create(username="transport", password="{PASSWORD}", role="fares_analyst")
demo_load(user=analyst, seed=2, settings=SMALL, protocols=None, current_plan=False)
inspector_create(username="inspector", password="{PASSWORD}", team="T1")
inspector_create(username="other", password="{PASSWORD}", team="T2")
now = timezone.now().replace(second=0, microsecond=0)
plan = Plan.objects.create(month=timezone.localtime(now).strftime("%Y-%m"), seed=7, seed_commitment="c" * 64,
                           digest="d" * 64, parameters={{"publish_lead_minutes": 60}})
t1, t2 = Team.objects.get(code="T1"), Team.objects.get(code="T2")
route = Check.objects.order_by("code").first().route
mine = Shift.objects.create(plan=plan, team=t1, start=now - dt.timedelta(minutes=20), end=now + dt.timedelta(hours=3))
theirs = Shift.objects.create(plan=plan, team=t2, start=now - dt.timedelta(minutes=20), end=now + dt.timedelta(hours=3))
Check.objects.create(code="E2E-1", plan=plan, shift=mine, team=t1, route=route, band="day", start=now,
                     kind="measurement")
Check.objects.create(code="E2E-2", plan=plan, shift=mine, team=t1, route=route, band="day",
                     start=now + dt.timedelta(minutes=40), kind="enforcement")
Check.objects.create(code="E2E-9", plan=plan, shift=theirs, team=t2, route=route, band="day", start=now,
                     kind="measurement")
"""
VALID_IIN = "791028302728"  # male, born 1979-10-28 (docs: ARCHITECTURE.md)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("web"), setup=SETUP, worker=False) as running:
        yield running


@pytest.fixture
def phone() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 390, "height": 844},
            device_scale_factor=3,
            is_mobile=True,
            has_touch=True,
            locale="ru-RU",
            user_agent="Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/150.0 Mobile Safari/537.36",
        )
        try:
            yield context
        finally:
            browser.close()


def counts(server: Server) -> dict[str, Any]:
    code = (
        "import json; from birtizim.web.fares.models import Check, Protocol;"
        "c = Check.objects.get(code='E2E-1');"
        "print(json.dumps({'protocols': Protocol.objects.filter(inspector__username='inspector').count(),"
        "'recorded': [c.paid, c.unpaid, c.exempt, c.riders_checked]}))"
    )
    return dict(json.loads(server.manage("shell", "-c", code).stdout.strip().splitlines()[-1]))


def test_an_inspector_works_offline_and_the_queue_is_sent_once(server: Server, phone: Any) -> None:
    from playwright.sync_api import expect

    url = server.url
    page = phone.new_page()
    log_in(page, url, "inspector")
    assert page.url.endswith("/fares/inspector/"), page.url  # the dashboard sends an inspector to their page
    # The team's open shift; the other team's check is not shown. The first trip is preselected.
    expect(page.locator("#checks li")).to_have_count(2)
    expect(page.locator('#checks li[data-code="E2E-9"]')).to_have_count(0)
    expect(page.locator('#checks li[data-code="E2E-1"]')).to_have_class("check chosen")
    page.evaluate("navigator.serviceWorker.ready")  # the shell is on the phone now
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")

    phone.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker  # the page came from the phone's cache
    expect(page.locator("#net")).to_have_attribute("data-online", "0")
    expect(page.locator("#checks li")).to_have_count(2)  # from the state saved on the phone

    # A check in a few taps: 1 unpaid, 2 exempt, 9 paid.
    page.locator('.counter[data-field="unpaid"] .plus').tap()
    for _ in range(2):
        page.locator('.counter[data-field="exempt"] .plus').tap()
    page.fill('#check-form input[name="paid"]', "9")
    expect(page.locator("#riders")).to_have_text("12")
    page.locator("#check-form button[type=submit]").tap()

    # A protocol: a mistyped IIN is caught as it is typed, the right one shows the birth date and sex.
    page.fill('#protocol-form input[name="iin"]', "791028302729")
    expect(page.locator("#iin-note")).to_have_class("note error")
    page.fill('#protocol-form input[name="iin"]', VALID_IIN)
    expect(page.locator("#iin-note")).to_contain_text("28.10.1979")
    expect(page.locator('#protocol-form input[name="birth_date"]')).to_have_value("1979-10-28")
    page.fill('#protocol-form input[name="last_name"]', "Ахметов")
    page.fill('#protocol-form input[name="first_name"]', "Нұрлан")
    expect(page.locator("#fine")).not_to_have_text("—")
    page.locator("#protocol-form button[type=submit]").tap()
    expect(page.locator("#waiting")).to_have_text("2")
    page.screenshot(path=str(ARTIFACTS / "fares-inspector-offline.png"), full_page=True)
    assert counts(server) == {"protocols": 0, "recorded": [None, None, None, None]}  # nothing left the phone

    # The connection returns: the queue goes out by itself, once, even if "send" is pressed meanwhile.
    sent: list[dict[str, Any]] = []
    page.on(
        "request",
        lambda r: sent.append({"url": r.url, "body": r.post_data}) if r.method == "POST" else None,
    )
    phone.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.locator("#send").tap()
    page.evaluate("window.BirtizimFares.sync()")
    expect(page.locator("#waiting")).to_have_text("0", timeout=15000)
    expect(page.locator('#entries li[data-state="sent"]')).to_have_count(2)
    expect(page.locator("#protocols li")).to_have_count(1)
    assert len(sent) == 2, sent
    assert counts(server) == {"protocols": 1, "recorded": [9, 1, 2, 12]}

    # The same entries sent again (an answer lost with the signal) are recognised, not doubled.
    again = page.evaluate(
        """async (sent) => {
            const state = await (await fetch("state/")).json();
            const out = [];
            for (const s of sent) {
                const r = await fetch(s.url, {method: "POST", body: s.body,
                    headers: {"Content-Type": "application/json", "X-CSRFToken": state.csrf}});
                out.push([r.status, (await r.json()).status]);
            }
            return out;
        }""",
        sent,
    )
    assert again == [[200, "already"], [200, "already"]]
    assert counts(server) == {"protocols": 1, "recorded": [9, 1, 2, 12]}
    number = page.locator("#protocols li").first.get_attribute("data-number")
    page.screenshot(path=str(ARTIFACTS / "fares-inspector-sent.png"), full_page=True)

    # The analyst sees the month's rate with its interval, and the inspector's protocol.
    analyst = phone.new_page()
    log_in(analyst, url, "transport")
    assert analyst.url.endswith("/fares/overview/"), analyst.url
    rate = analyst.locator("#rate")
    expect(rate).to_contain_text("%")
    low, high = (float(analyst.locator("#interval").get_attribute(a) or "nan") for a in ("data-low", "data-high"))
    assert low <= float(rate.get_attribute("data-value") or "nan") <= high
    expect(analyst.locator("#sentence")).to_contain_text("95% интервал")
    analyst.screenshot(path=str(ARTIFACTS / "fares-analyst-rate.png"), full_page=True)
    analyst.goto(url + "/fares/protocols/")
    row = analyst.locator(f'#protocols tr[data-number="{number}"]')
    expect(row).to_contain_text("Ахметов")
    expect(row).to_contain_text("********2728")  # masked until revealed
    analyst.screenshot(path=str(ARTIFACTS / "fares-analyst-protocols.png"), full_page=True)
