"""Construction pages over HTTP: the forecast shown is the core's, the portfolio is worst first, a report
entered with htmx changes the forecast on the page, the sheet import lists its rejects, the exports."""

from __future__ import annotations

import io
import json
import re
import zipfile
from decimal import Decimal
from typing import Any
from xml.etree import ElementTree

import pytest
from conftest import HOME, World
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext as _
from test_projects_world import ADMIN, AS_OF, D, Objects, activities, build_objects

from birtizim import projects as core
from birtizim.projects.sheet import read_progress_sheet
from birtizim.web.projects import convert, explain, selectors, services
from birtizim.web.projects.models import Alert, Baseline, ContractChange, Project, Report, Snapshot
from tests.sheets import workbook


@pytest.fixture
def objects(world: World, db: None) -> Objects:
    return build_objects(world)


def attr(page: str, element_id: str, name: str) -> str:
    found = re.search(rf'<[^>]* id="{element_id}"[^>]*>', page)
    assert found is not None, element_id
    value = re.search(rf'{name}="([^"]*)"', found.group(0))
    assert value is not None, name
    return value.group(1)


def core_forecast(project: Project) -> core.Forecast:
    data = convert.object_data(convert.with_data(Project.objects.filter(pk=project.pk)).get())
    assert data.baseline is not None
    return core.forecast(
        data.project, data.baseline, data.reports, as_of=AS_OF, trials=selectors.TRIALS, seed=selectors.SEED
    )


def test_the_object_page_shows_the_cores_forecast_of_the_same_data(objects: Objects, client_for: Any) -> None:
    page = client_for("other_officer").get(f"/projects/{objects.other.pk}/").content.decode()
    f = core_forecast(objects.other)
    assert attr(page, "forecast", "data-rag") == f.risk.rag.value == "red"
    assert float(attr(page, "forecast", "data-p-on-time")) == f.simulation.p_on_time
    assert attr(page, "forecast", "data-p80") == f.simulation.p80.isoformat()
    assert attr(page, "forecast", "data-p50") == f.simulation.p50.isoformat()
    assert float(attr(page, "forecast", "data-spi-t")) == f.earned.spi_t
    # Every flag the core raised is listed, by code.
    assert re.findall(r'data-flag="(\w+)"', page) == [fl.code.value for fl in f.flags]
    assert re.findall(r'<tr data-activity="(\w+)"', page) == ["A", "B"]


def test_the_portfolio_is_worst_first_with_counts_and_a_district_filter(objects: Objects, client_for: Any) -> None:
    admin = client_for("admin")
    page = admin.get("/projects/").content.decode()
    assert re.findall(r'data-project="(T-[A-Z]+)"', page) == ["T-OTHER", "T-HOME"]  # red, then green
    assert 'data-count="red">1<' in page and 'data-count="green">1<' in page
    partial = admin.get(f"/projects/?district={HOME}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="portfolio-table")
    text = partial.content.decode()
    assert "<html" not in text and re.findall(r'data-project="(T-[A-Z]+)"', text) == ["T-HOME"]


def test_the_portfolio_reads_snapshots_and_simulates_nothing(
    objects: Objects, client_for: Any, monkeypatch: Any
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the portfolio must not simulate")

    monkeypatch.setattr(core, "forecast", refuse)
    monkeypatch.setattr(selectors.core, "forecast", refuse)
    assert client_for("admin").get("/projects/").status_code == 200


def test_a_report_entered_with_htmx_changes_the_forecast_on_the_page(
    objects: Objects, client_for: Any, world: World
) -> None:
    officer = client_for("officer")
    home = objects.home
    before = officer.get(f"/projects/{home.pk}/").content.decode()
    assert attr(before, "forecast", "data-rag") == "green"
    Alert.objects.all().delete()
    response = officer.post(
        f"/projects/{home.pk}/reports/new/",
        {"date": "2025-06-20", "accepted_money": "1000000", "workforce": "0", "pct_0": "100", "pct_1": "50"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="forecast-panel",
    )
    assert response.status_code == 200
    after = response.content.decode()
    assert "<html" not in after  # a partial: the forecast panel and out-of-band sections
    assert attr(after, "forecast", "data-rag") == "red"  # nobody on site: a severe flag
    assert attr(after, "forecast", "data-data-date") == "2025-06-20"
    assert 'id="report-section" hx-swap-oob="true"' in after and 'data-reports="3"' in after
    assert 'data-flag="no_workforce"' in after
    assert Snapshot.objects.get(project=home).rag == "red"
    report = Report.objects.get(project=home, date=D(2025, 6, 20))
    assert report.entered_by == world.users["officer"] and report.workforce == 0
    assert Alert.objects.filter(recipient=world.users["officer"], new_rag="red").count() == 1


def test_a_report_with_errors_comes_back_into_its_own_place(objects: Objects, client_for: Any) -> None:
    response = client_for("officer").post(
        f"/projects/{objects.home.pk}/reports/new/",
        {"date": "2025-06-15", "accepted_money": "0", "pct_0": "100", "pct_1": "150"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="forecast-panel",
    )
    assert response.status_code == 200  # htmx swaps no 4xx answer
    assert response["HX-Retarget"] == "#report-section" and response["HX-Reswap"] == "innerHTML"
    assert 'class="error"' in response.content.decode()
    assert Report.objects.filter(project=objects.home).count() == 2


def test_a_report_without_htmx_redirects_to_the_object(objects: Objects, client_for: Any) -> None:
    url = f"/projects/{objects.home.pk}/reports/new/"
    response = client_for("officer").post(
        url, {"date": "2025-06-19", "accepted_money": "0", "pct_0": "100", "pct_1": "55"}
    )
    assert response.status_code == 302 and response["Location"] == f"/projects/{objects.home.pk}/"
    duplicate = client_for("officer").post(
        url, {"date": "2025-06-19", "accepted_money": "0", "pct_0": "1", "pct_1": "1"}
    )
    assert duplicate.status_code == 400  # the same date twice


def test_the_import_page_lists_each_rejected_row(objects: Objects, client_for: Any) -> None:
    sheet = workbook(
        [
            ["Дата", "Код работы", "Выполнено, %"],
            ["18.06.2025", "A", 100],
            ["18.06.2025", "B", 55],
            ["19.06.2025", "B", "сто"],
            ["31.12.2025", "B", 60],
        ]
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("progress.xlsx", sheet)
    response = client_for("officer").post(f"/projects/{objects.home.pk}/import/", {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert attr(page, "import-result", "data-imported") == "1" and attr(page, "import-result", "data-rejected") == "2"
    assert re.findall(r'<tr data-row="(\d+)">', page) == ["4", "5"]
    assert Report.objects.filter(project=objects.home, date=D(2025, 6, 18), source="sheet").exists()


def test_the_import_explains_a_file_it_cannot_use(objects: Objects, client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    no_percent = SimpleUploadedFile("p.xlsx", workbook([["Дата", "Код работы"], ["18.06.2025", "A"]]))
    response = client_for("officer").post(f"/projects/{objects.home.pk}/import/", {"file": no_percent})
    assert response.status_code == 400 and 'id="import-error"' in response.content.decode()


def test_the_template_holds_the_activities_and_their_latest_percents(objects: Objects, client_for: Any) -> None:
    client = client_for("officer")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get(f"/projects/{objects.home.pk}/import/template.xlsx").content
    result = read_progress_sheet(content, activities=["A", "B"], as_of=AS_OF)
    assert result.columns["date"] == "Report date"  # the reader's language
    (report,) = result.reports
    assert report.date == AS_OF and dict(report.percent_complete) == {"A": 100.0, "B": 50.0}


def test_the_portfolio_workbook_holds_text_as_text_and_no_formula(objects: Objects, client_for: Any) -> None:
    Project.objects.filter(pk=objects.home.pk).update(name='=HYPERLINK("http://x","y")', contractor_name="+1-1")
    response = client_for("admin").get("/projects/export.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        shared = ElementTree.fromstring(z.read("xl/sharedStrings.xml"))
    strings = [t.text or "" for t in shared.iter("{http://schemas.openxmlformats.org/spreadsheetml/2006/main}t")]
    assert "<f>" not in sheet
    assert '=HYPERLINK("http://x","y")' in strings and "+1-1" in strings  # kept as the text typed
    assert objects.home.contractor_bin in strings  # the BIN as text: a leading zero would survive
    assert strings.index("T-OTHER") < strings.index("T-HOME")  # the portfolio's order


def test_the_oc4ids_package_has_the_standards_shape(objects: Objects, client_for: Any) -> None:
    response = client_for("admin").get("/projects/oc4ids.json")
    assert response["Content-Type"].startswith("application/json")
    package = json.loads(response.content)
    assert package["version"] == "0.9" and package["publisher"]["name"]
    assert {"publishedDate", "projects", "uri"} <= set(package)
    late = next(p for p in package["projects"] if p["id"] == "T-OTHER")
    assert late["status"] == "implementation" and late["sector"] == ["education"]
    assert late["parties"][0]["identifier"]["scheme"] == "KZ-BIN"
    assert [m["id"] for m in late["milestones"]] == ["A", "B"]
    assert [o["measure"] for o in late["metrics"][0]["observations"]] == [24.0, 32.0]
    chance = late["forecasts"][1]["observations"][0]["measure"]
    assert chance == round(Snapshot.objects.get(project=objects.other).p_on_time, 4)


def test_the_timeline_draws_with_decimal_points_in_russian(objects: Objects, client_for: Any) -> None:
    page = client_for("admin").get(f"/projects/{objects.other.pk}/").content.decode()
    assert 'lang="ru"' in page
    svg = page[page.index('<svg class="chart timeline"') : page.index("</svg>", page.index('class="chart timeline"'))]
    numbers = re.findall(r' (?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"-?\d+\.\d", n) for n in numbers)
    for points in re.findall(r'points="([^"]*)"', svg):
        assert all(re.fullmatch(r"-?\d+\.\d,-?\d+\.\d", pair) for pair in points.split())
    assert svg.count('class="report"') == 2 and 'class="band"' in svg and 'class="deadline"' in svg


def test_flags_and_reasons_are_written_in_the_readers_language(objects: Objects) -> None:
    with translation.override("en"):
        sentence = explain.flag_sentence("stale_reports", {"days": 36, "last_report": "2025-05-10", "reports": 3})
        assert sentence == "No progress report for 36 days: the last one is dated 05/10/2025."
        assert explain.days(1) == "1 day"
        reason = explain.risk_sentence(
            cause="low_chance",
            p_on_time=0.0,
            trials=2000,
            deadline=D(2025, 9, 1),
            p80=D(2025, 12, 30),
            finished_on=None,
            flags=[{"code": "overdue_activities", "severity": "warning", "params": {}}],
        )
        assert reason == (
            "Only under 0.2% chance of being ready by 09/01/2025; P80 date 12/30/2025. Red flags: overdue activities."
        )
    with translation.override("ru"):
        assert explain.chance(0.0, 2000).endswith("0,2%")  # the reader's decimal mark, whatever the words


def test_alerts_are_listed_and_marked_read_with_htmx(objects: Objects, client_for: Any, world: World) -> None:
    officer = client_for("other_officer")
    page = officer.get("/projects/alerts/").content.decode()
    ids = re.findall(r'id="alert-(\d+)" data-alert="\w+" data-read="0"', page)
    assert ids and attr(page, "unread", "data-unread") == str(len(ids))
    row = officer.post(f"/projects/alerts/{ids[0]}/read/", HTTP_HX_REQUEST="true").content.decode()
    assert f'id="alert-{ids[0]}"' in row and 'data-read="1"' in row and "<html" not in row
    page = officer.get("/projects/alerts/").content.decode()
    assert attr(page, "unread", "data-unread") == str(len(ids) - 1)


def baseline_post(**change: str) -> dict[str, Any]:
    """The baseline form posted with the schedule's activities, the second finishing on 15 August;
    ``change`` overrides fields (``a-1-depends_on``...)."""
    acts = activities()
    data: dict[str, Any] = {
        "made_on": "2025-06-10",
        "reason": "сдвиг отделки",
        "a-TOTAL_FORMS": "3",
        "a-INITIAL_FORMS": "2",
        "a-MIN_NUM_FORMS": "0",
        "a-MAX_NUM_FORMS": "1000",
    }
    for n, a in enumerate(acts):
        data.update(
            {
                f"a-{n}-code": a.code,
                f"a-{n}-name": a.name,
                f"a-{n}-planned_start": a.planned_start.isoformat(),
                f"a-{n}-planned_finish": (a.planned_finish if n == 0 else D(2025, 8, 15)).isoformat(),
                f"a-{n}-weight": str(a.weight),
                f"a-{n}-depends_on": ", ".join(a.depends_on),
            }
        )
    return {**data, **change}


def test_a_new_baseline_version_is_entered_with_the_form(objects: Objects, client_for: Any) -> None:
    response = client_for("officer").post(f"/projects/{objects.home.pk}/baselines/new/", baseline_post())
    assert response.status_code == 302
    versions = Baseline.objects.filter(project=objects.home).order_by("version")
    assert [b.version for b in versions] == [1, 2]
    compare = client_for("viewer").get(f"/projects/{objects.home.pk}/baselines/").content.decode()
    assert re.findall(r'<tr data-activity="(\w+)" data-moved="(-?\d*)"', compare) == [("A", "0"), ("B", "15")]


def test_a_baseline_the_service_refuses_comes_back_with_the_reason(objects: Objects, client_for: Any) -> None:
    before = Baseline.objects.filter(project=objects.home).count()
    response = client_for("officer").post(
        f"/projects/{objects.home.pk}/baselines/new/", baseline_post(**{"a-1-depends_on": "NOWHERE"})
    )
    assert response.status_code == 400 and Baseline.objects.filter(project=objects.home).count() == before
    with translation.override("ru"):
        reason = str(_("The schedule is not consistent: %(reason)s.")).split(":")[0]
    assert reason in response.content.decode()


def test_a_contract_change_is_entered_with_the_form(objects: Objects, client_for: Any) -> None:
    response = client_for("other_officer").post(
        f"/projects/{objects.other.pk}/changes/new/",
        {"date": "2025-06-18", "what": "Доп. соглашение", "new_deadline": "2025-10-31", "new_amount": ""},
    )
    assert response.status_code == 302
    change = ContractChange.objects.get(project=objects.other)
    assert change.new_deadline == D(2025, 10, 31) and change.new_amount is None
    assert Project.objects.get(pk=objects.other.pk).deadline == D(2025, 10, 31)


def test_a_new_object_needs_a_valid_bin_and_goes_on_to_its_schedule(objects: Objects, client_for: Any) -> None:
    good = objects.home.contractor_bin
    form = {
        "code": "T-NEW",
        "name": "Детский сад",
        "kind": "kindergarten",
        "work": "new_build",
        "place": f"almaty-2019:{HOME}",
        "locality": "г. Талгар",
        "deadline": "2025-12-01",
        "deadline_reason": "договор",
        "budget": "500000000",
        "contractor_name": "ТОО «Сад»",
        "contractor_bin": good[:11] + str((int(good[11]) + 1) % 10),
        "contract_number": "1",
    }
    officer = client_for("officer")
    assert officer.post("/projects/new/", form).status_code == 400
    assert not Project.objects.filter(code="T-NEW").exists()
    response = officer.post("/projects/new/", {**form, "contractor_bin": good})
    created = Project.objects.get(code="T-NEW")
    assert response["Location"] == f"/projects/{created.pk}/baselines/new/"
    assert created.budget == Decimal("500000000.00")
    # With no schedule the portfolio lists it last, without a forecast.
    page = officer.get("/projects/").content.decode()
    assert re.findall(r'data-project="(T-[A-Z]+)"', page) == ["T-HOME", "T-NEW"]


def test_the_object_page_computes_one_forecast_quickly(objects: Objects, client_for: Any) -> None:
    page = selectors.object_page(project=selectors.project_get(scope=ADMIN, project_id=objects.other.pk))
    assert page.forecast is not None and page.seconds < 2.0  # one simulation of 2000 trials: tens of ms
    response = client_for("admin").get(f"/projects/{objects.other.pk}/")
    assert "data-rag" in response.content.decode()
    assert services.RAG_ORDER["red"] < services.RAG_ORDER["green"]


def test_the_daily_refresh_not_a_page_view_moves_forecasts_the_clock_has_passed(
    objects: Objects, client_for: Any
) -> None:
    services.clock_pin(as_of=D(2025, 7, 10))
    admin = client_for("admin")
    page = admin.get("/projects/").content.decode()
    assert attr(page, "older-forecasts", "data-older") == "2"
    before = Snapshot.objects.get(project=objects.home).as_of
    assert admin.get(f"/projects/{objects.home.pk}/").status_code == 200
    assert Snapshot.objects.get(project=objects.home).as_of == before != D(2025, 7, 10)  # looking writes nothing
    call_command("birtizim_projects_refresh", stdout=io.StringIO())
    assert Snapshot.objects.get(project=objects.home).as_of == D(2025, 7, 10)
    assert 'id="older-forecasts"' not in admin.get("/projects/").content.decode()  # none is older now


def test_every_page_renders_in_kazakh_and_english(objects: Objects, client_for: Any) -> None:
    client = client_for("officer")
    pk = objects.home.pk
    for language in ("kk", "en"):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        for url in ("/projects/", f"/projects/{pk}/", f"/projects/{pk}/baselines/", f"/projects/{pk}/import/"):
            response = client.get(url)
            assert response.status_code == 200 and f'lang="{language}"' in response.content.decode(), url
