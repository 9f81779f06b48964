"""End to end in headless Chromium: the construction demo loaded, a district officer opens a school,
enters a progress report in the form and sees the forecast change on the page (htmx, no reload)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from harness import ARTIFACTS, PASSWORD, Server, browser_page, log_in, needs_chromium, serve

from birtizim.projects import ProgressReport, forecast
from birtizim.synth.projects import demo_portfolio

pytestmark = needs_chromium
SETUP = (
    "from django.core.management import call_command;"
    "from birtizim.web.accounts.services import user_create as u;"
    f"u(username='officer', password='{PASSWORD}', role='officer', districts=['eskeldi']);"
    "call_command('birtizim_projects_demo')"
)
SCHOOL = "ZH-SCH-KARABULAK"  # last reported six weeks before the demo's date: red
NEW = {"ROOF": 100, "NET": 70, "FAC": 45, "INT": 20}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with serve(tmp_path_factory.mktemp("web"), setup=SETUP, worker=False) as running:
        yield running


def expected() -> tuple[str, float, dt.date]:
    """The core's forecast of the school with the report the officer is about to enter."""
    portfolio = demo_portfolio()
    school = next(o for o in portfolio.objects if o.project.code == SCHOOL)
    last = school.reports[-1]
    report = ProgressReport(portfolio.as_of, {**last.percent_complete, **NEW}, last.accepted_money, 25)
    f = forecast(school.project, school.baseline, (*school.reports, report), as_of=portfolio.as_of)
    return f.risk.rag.value, f.simulation.p_on_time, f.simulation.p80


def test_an_officer_enters_a_report_and_sees_the_forecast_change(server: Server) -> None:
    from playwright.sync_api import expect

    rag_after, p_after, p80_after = expected()
    with browser_page() as page:
        log_in(page, server.url, "officer")
        page.goto(server.url + "/projects/")
        rows = page.locator("table.portfolio tbody tr")
        expect(rows).to_have_count(2)  # Eskeldi's two schools, not the other 28 objects
        page.screenshot(path=str(ARTIFACTS / "projects-portfolio.png"), full_page=True)

        page.click(f"tr[data-project={SCHOOL}] a")
        panel = page.locator("#forecast")
        assert panel.get_attribute("data-rag") == "red"
        p_before = float(panel.get_attribute("data-p-on-time") or "nan")
        p80_before = page.locator("#p80").inner_text()

        for code, percent in NEW.items():
            page.fill(f"#report-form input[data-activity={code}]", str(percent))
        page.fill("#report-form input[name=workforce]", "25")
        assert page.input_value("#report-form input[name=date]") == "2025-06-20"  # the forecasts' date
        page.click("#report-form button[type=submit]")
        expect(page.locator("#report-saved")).to_be_visible()

        panel = page.locator("#forecast")
        assert panel.get_attribute("data-rag") == rag_after != "red"
        assert float(panel.get_attribute("data-p-on-time") or "nan") == p_after > p_before
        assert panel.get_attribute("data-p80") == p80_after.isoformat()
        assert page.locator("#p80").inner_text() != p80_before
        assert page.locator("#rag").inner_text().strip()  # the rating in words, whatever the language
        expect(page.locator("#reports tbody tr").first).to_have_attribute("data-date", "2025-06-20")
        page.locator("#forecast").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "projects-object.png"), full_page=True)

        # The portfolio reads the refreshed snapshot.
        page.goto(server.url + "/projects/")
        assert page.get_attribute(f"tr[data-project={SCHOOL}]", "data-rag") == rag_after
        # A Shymkent building does not exist for this officer of Eskeldi.
        found = server.manage(
            "shell",
            "-c",
            "from birtizim.web.projects.models import Project as P; print(P.objects.get(code='SHY-MKD-01').pk)",
        )
        response = page.goto(f"{server.url}/projects/{found.stdout.split()[-1]}/")
        assert response is not None and response.status == 404
