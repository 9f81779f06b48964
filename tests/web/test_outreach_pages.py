"""The district page, the surveys with their intervals, the districts' own reports and survey
entry: what officers and analysts fill in, and what leadership reads back."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from conftest import HOME, OTHER, World
from django.core.management import call_command
from django.utils import timezone, translation

from birtizim.outreach.survey import wilson_interval
from birtizim.web.accounts.scope import scope_for
from birtizim.web.common.errors import NotAllowed
from birtizim.web.outreach import check_labels, services
from birtizim.web.outreach.models import DistrictReport, SurveyResult


def svg_attributes(page: str) -> list[str]:
    """Every numeric attribute of the inline SVG charts on a page."""
    out: list[str] = []
    for svg in re.findall(r"<svg.*?</svg>", page, re.S):
        out += re.findall(r'\s(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"', svg)
    return out


def test_an_officer_reports_in_percent_and_a_correction_keeps_the_first_date(world: World, client_for: Any) -> None:
    officer = client_for("officer")
    response = officer.post(
        f"/outreach/districts/{HOME}/report/", {"period": "2019-10", "reach_share": "35,5", "actualisation": "91"}
    )
    assert response.status_code == 302 and response["Location"] == f"/outreach/districts/{HOME}/"
    report = DistrictReport.objects.get(district=HOME, period="2019-10")
    assert report.reported_reach_share == pytest.approx(0.355) and report.reported_actualisation == pytest.approx(0.91)
    assert report.submitted_on == timezone.localdate() and report.due_on == dt.date(2019, 11, 5)
    report.submitted_on = dt.date(2019, 11, 1)
    report.save()
    officer.post(
        f"/outreach/districts/{HOME}/report/", {"period": "2019-10", "reach_share": "36", "actualisation": "91"}
    )
    report.refresh_from_db()
    assert (report.reported_reach_share, report.submitted_on) == (pytest.approx(0.36), dt.date(2019, 11, 1))
    page = officer.get(f"/outreach/districts/{HOME}/").content.decode()
    assert re.search(r'<tr data-period="2019-10"><td>2019-10</td><td class="n">36,0%</td>', page)


def test_a_report_for_a_month_not_yet_begun_is_refused(world: World, client_for: Any) -> None:
    ahead = timezone.localdate() + dt.timedelta(days=40)
    response = client_for("officer").post(
        f"/outreach/districts/{HOME}/report/", {"period": f"{ahead:%Y-%m}", "reach_share": "10", "actualisation": "90"}
    )
    assert response.status_code == 400 and not DistrictReport.objects.exists()
    bad = client_for("officer").post(f"/outreach/districts/{HOME}/report/", {"period": "2019-13", "reach_share": "1"})
    assert bad.status_code == 400


def test_an_analyst_enters_a_survey_and_reads_it_with_its_interval(world: World, client_for: Any) -> None:
    analyst = client_for("analyst")
    cell = {"district": HOME, "period": "2019-11", "sample_size": 400, "n_unaware": 92, "n_poor": 60}
    assert analyst.post("/outreach/surveys/", cell).status_code == 302
    impossible = analyst.post("/outreach/surveys/", {**cell, "n_unaware": 401})
    assert impossible.status_code == 400 and "cannot exceed the sample of 400" in impossible.content.decode()
    assert SurveyResult.objects.get().n_unaware == 92  # the refused entry changed nothing
    for occupation, asked, unaware in (("builders", 60, 25), ("civil servants", 40, 2)):
        response = analyst.post(
            "/outreach/surveys/",
            {**cell, "occupation": occupation, "sample_size": asked, "n_unaware": unaware, "n_poor": 5},
        )
        assert response.status_code == 302
    assert SurveyResult.objects.count() == 3
    low, high = wilson_interval(92, 400)
    page = analyst.get("/outreach/surveys/").content.decode()
    district_row = re.search(r'<tr data-group="Талгарский район">.*?</tr>', page, re.S)
    assert district_row and "23,0%" in district_row.group(0)
    assert f"{low * 100:.1f}%–{high * 100:.1f}%".replace(".", ",") in district_row.group(0), district_row.group(0)
    # The district's figure is its whole sample, not whole + occupations added again.
    assert re.search(r'data-group="Талгарский район"><td>Талгарский район</td><td class="n">400<', page)
    with translation.override("ru"):  # the demo's English code, in the reader's words
        builders = check_labels.word("builders")
    assert re.search(rf'<tr data-group="{builders}"><td>{builders}</td><td class="n">60</td>', page)
    assert re.search(r"<text [^>]*class=\"val\">41,7% \(\d+,\d%–\d+,\d%\)</text>", page)  # builders: 25 of 60
    # Coordinates of the charts are written with a decimal point in every language.
    attributes = svg_attributes(page)
    assert attributes and all(re.fullmatch(r"-?\d+(\.\d+)?(%)?", a) for a in attributes), attributes
    district = analyst.get(f"/outreach/districts/{HOME}/").content.decode()
    with translation.override("ru"):
        servants = check_labels.word("civil servants")
    assert f'data-group="{servants}"' in district and "23,0%" in district


def test_only_analysts_and_the_administrator_enter_surveys(world: World, db: None) -> None:

    for name in ("officer", "viewer"):
        with pytest.raises(NotAllowed):
            services.survey_record(
                scope=scope_for(world.users[name]),
                user=world.users[name],
                district=HOME,
                occupation="",
                period="2019-11",
                sample_size=10,
                n_unaware=1,
                n_poor=1,
            )


def test_the_district_page_shows_events_questions_by_channel_and_reports(world: World, client_for: Any) -> None:
    call_command("birtizim_outreach_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # One of the meeting's four districts that claim 100% coverage, as the region's analyst sees it.
    claim = client_for("analyst").get("/outreach/districts/enbekshikazakh/").content.decode()
    assert 'data-indicator="questions" data-value="3"' in claim  # three questions in six months
    assert 'data-key="reported_reach_vs_survey:enbekshikazakh:2019-12"' in claim
    page = client_for("officer").get(f"/outreach/districts/{HOME}/").content.decode()
    assert re.search(r'<table class="data" id="channels">.*?</table>', page, re.S)
    assert page.count("<tr data-period=") == 6  # July to December
    assert f'data-key="report_late:{HOME}:2019-11"' in page
    assert client_for("officer").get(f"/outreach/districts/{OTHER}/").status_code == 404
    assert client_for("officer").get("/outreach/districts/atlantis/").status_code == 404
    assert 'class="on"' not in page.split('<nav class="subnav">')[1].split("</nav>")[0]  # no tab is this page's
    # Occupations of Talgar's survey with their intervals, and a chart drawn from them.
    assert page.count('<tr data-group="') >= 9 and "<svg" in page
    for name, value in re.findall(
        r'data-group="([^"]+)"><td>[^<]*</td><td class="n">\d+</td>\s*<td class="n" data-value="([\d.]+)"', page
    ):
        assert 0 <= float(value) <= 1, name
