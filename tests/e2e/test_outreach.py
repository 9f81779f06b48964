"""End to end in headless Chromium: the outreach demo loaded by its command, leadership finds the
Enbekshikazakh flag from the regional meeting (one of four districts claiming 100% coverage) with its
numbers and assigns it to Enbekshikazakh's officer, the officer answers, the administrator closes it.
Screenshots go to test-artifacts/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import ARTIFACTS, PASSWORD, Server, browser_page, log_in, log_out, needs_chromium, serve

pytestmark = needs_chromium
MEETING_KEY = "reported_reach_vs_survey:enbekshikazakh:2019-12"
SETUP = (
    "from django.core.management import call_command;"
    "from birtizim.web.accounts.services import user_create as u;"
    f"u(username='admin', password='{PASSWORD}', role='admin');"
    f"u(username='officer', password='{PASSWORD}', role='officer', districts=['enbekshikazakh']);"
    f"u(username='karasay', password='{PASSWORD}', role='officer', districts=['karasay']);"
    "call_command('birtizim_outreach_demo')"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("web"), setup=SETUP, worker=False) as running:
        yield running


def test_leadership_assigns_the_meeting_flag_the_officer_answers_and_it_is_closed(server: Server) -> None:
    from playwright.sync_api import expect

    url = server.url
    with browser_page() as page:
        log_in(page, url, "admin")
        page.goto(url + "/outreach/")
        flag = page.locator(f'table.flags tr[data-key="{MEETING_KEY}"]')
        expect(flag).to_have_attribute("data-severity", "high")
        explanation = flag.locator("td.explanation")
        for part in (
            "Енбекшиказахский район сообщает об охвате 100% жителей",
            "23%",
            "95% ДИ 19–27%",
            "3\u00a0вопроса",
        ):
            expect(explanation).to_contain_text(part)
        # The first rows are the high ones, and the tile counts them.
        assert page.locator("table.flags tbody tr").first.get_attribute("data-severity") == "high"
        high = page.locator('table.flags tbody tr[data-severity="high"]').count()
        assert page.get_attribute('[data-severity="high"].num', "data-value") == str(high)
        page.screenshot(path=str(ARTIFACTS / "outreach-flags.png"), full_page=True)

        # Filtering by district through htmx keeps only Enbekshikazakh's flags.
        page.select_option("#flag-filters select[name=district]", "enbekshikazakh")
        expect(page.locator('table.flags tbody tr[data-key*=":koksu:"]')).to_have_count(0)
        expect(page.locator("table.flags tbody tr").first).to_have_attribute("data-key", MEETING_KEY)
        keys = page.locator("table.flags tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)")
        assert keys and all(":enbekshikazakh:" in k for k in keys)

        flag.locator("a.state").click()
        page.wait_for_load_state()
        follow_up = page.url.rstrip("/").split("/")[-1]
        row = page.locator(f"#followup-{follow_up}")
        expect(row).to_have_attribute("data-state", "open")
        row.locator("form.assign select[name=assignee]").select_option(label="officer")
        row.locator("form.assign button").click()
        expect(page.locator(f"#followup-{follow_up}")).to_have_attribute("data-state", "assigned")
        log_out(page)

        log_in(page, url, "officer")
        page.goto(url + "/outreach/follow-up/?state=assigned")
        row = page.locator(f"#followup-{follow_up}")
        row.locator("textarea[name=answer]").fill(
            "Охват 100% — ошибка в отчёте: учтены эфиры районного ТВ. Исправленный отчёт: 24%."
        )
        row.locator("form.answer button").click()
        expect(page.locator(f"#followup-{follow_up}")).to_have_attribute("data-state", "answered")
        # Nothing of Karasay's for Enbekshikazakh's officer.
        assert page.goto(url + "/outreach/districts/karasay/").status == 404  # type: ignore[union-attr]
        page.goto(url + "/outreach/")
        log_out(page)

        log_in(page, url, "admin")
        page.goto(url + f"/outreach/follow-up/{follow_up}/")
        row = page.locator(f"#followup-{follow_up}")
        expect(row).to_contain_text("ошибка в отчёте")
        row.locator("form.close textarea[name=note]").fill("Отчёт исправлен, охват 24%. Закрыто.")
        row.locator("form.close button").click()
        expect(page.locator(f"#followup-{follow_up}")).to_have_attribute("data-state", "closed")
        page.reload()
        steps = page.locator("#steps li").evaluate_all("items => items.map(i => i.dataset.action)")
        assert steps == ["raised", "assigned", "answered", "closed"]
        page.screenshot(path=str(ARTIFACTS / "outreach-followup.png"), full_page=True)
