"""The red-flags page: the meeting's case from the demo, each rule raised through the web's own
forms and imports, filters, counts, completeness, the Excel export, and the checks' pass keeping
follow-ups (new flags open, vanished ones marked, never deleted)."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

import pytest
from conftest import HOME, OTHER, World
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.outreach import selectors, services
from birtizim.web.outreach.models import (
    CitizenQuestion,
    DistrictReport,
    Evaluation,
    FollowUp,
    FollowUpStep,
    OutreachEvent,
    SurveyResult,
)

ADMIN = Scope(Role.ADMIN, None)
CLAIM = "enbekshikazakh"  # one of the four districts that report 100% coverage in the demo
MEETING_KEY = f"reported_reach_vs_survey:{CLAIM}:2019-12"


def load_demo() -> str:
    out = io.StringIO()
    call_command("birtizim_outreach_demo", stdout=out)
    return out.getvalue()


def row(page: str, key: str) -> str:
    """The table row of one flag on a page, as HTML."""
    found = re.search(rf'<tr data-key="{re.escape(key)}".*?</tr>', page, re.S)
    assert found, f"no row for {key}"
    return found.group(0)


def keys(page: str) -> set[str]:
    return set(re.findall(r'<tr data-key="([^"]+)"', page))


def residents(world: World, district: str) -> int:
    return next(int(d["residents"]) for d in world.run.summary["districts"] if d["district"] == district)


def test_the_meeting_case_is_on_the_red_flags_page_in_the_readers_language(world: World, client_for: Any) -> None:
    out = load_demo()
    assert "the current run's district figures" in out
    page = client_for("admin").get("/outreach/").content.decode()
    claim = row(page, MEETING_KEY)
    assert 'data-severity="high"' in claim
    for part in ("Енбекшиказахский район сообщает об охвате 100% жителей", "23%", "95% ДИ 19–27%", "3\u00a0вопроса"):
        assert part in claim, part
    for district in ("aksu", "alakol", "balkhash"):
        assert 'data-severity="high"' in row(page, f"reported_reach_vs_survey:{district}:2019-12")
    # The high flags come first, and their count is on the page.
    severities = re.findall(r'<tr data-key="[^"]+" data-severity="(\w+)"', page)
    assert severities == sorted(severities, key=["high", "medium", "low"].index)
    high = FollowUp.objects.filter(flagged=True, severity="high").count()
    assert f'data-severity="high" data-value="{high}"' in page and high >= 2
    # A reader who chose Kazakh reads the same flag in Kazakh.
    kazakh = client_for("admin")
    kazakh.cookies["django_language"] = "kk"
    kk_row = row(kazakh.get("/outreach/").content.decode(), MEETING_KEY)
    assert "Еңбекшіқазақ ауданы тұрғындардың 100% қамтылғанын хабарлайды" in kk_row


def demo_rows() -> dict[str, list[tuple[object, ...]]]:
    """What the demo loads, in an order that does not depend on primary keys."""
    return {
        "events": sorted(OutreachEvent.objects.values_list("district", "date", "kind", "audience", "reach")),
        "questions": sorted(CitizenQuestion.objects.values_list("district", "date", "channel", "topic", "count")),
        "surveys": sorted(SurveyResult.objects.values_list("district", "occupation", "period", "n_unaware")),
        "reports": sorted(DistrictReport.objects.values_list("district", "period", "reported_reach_share")),
        "followups": sorted(FollowUp.objects.values_list("key", "state", "flagged")),
    }


def test_the_demo_command_uses_the_runs_figures_and_is_idempotent(world: World, db: None) -> None:
    load_demo()
    first = demo_rows()
    steps = FollowUpStep.objects.count()
    load_demo()
    assert demo_rows() == first
    assert FollowUpStep.objects.count() == steps  # nothing raised or cleared the second time
    # The planted 24% of residents is 24% of this run's Enbekshikazakh, not of the reference population.
    logged = sum(OutreachEvent.objects.filter(district=CLAIM).values_list("reach", flat=True))
    assert logged == round(residents(world, CLAIM) * 0.24)
    assert MEETING_KEY in {k for k, _, _ in first["followups"]}


# ---- each rule, raised through the web ----------------------------------------------------------


def import_events(client: Client, lines: list[str], name: str = "log.csv") -> None:
    text = "Район;Дата;Вид мероприятия;Аудитория;Охват\n" + "\n".join(lines) + "\n"
    response = client.post(
        "/outreach/import/", {"kind": "events", "file": SimpleUploadedFile(name, text.encode("utf-8"))}
    )
    assert response.status_code == 302, errors(response)


def errors(response: Any) -> list[str]:
    return re.findall(r'<ul class="errorlist.*?</ul>', response.content.decode(), re.S)


def report(client: Client, period: str, reach: str = "", actualisation: str = "", district: str = HOME) -> None:
    response = client.post(
        f"/outreach/districts/{district}/report/",
        {"period": period, "reach_share": reach, "actualisation": actualisation},
    )
    assert response.status_code == 302, errors(response)


def survey(client: Client, period: str, asked: int, unaware: int, district: str = HOME) -> None:
    response = client.post(
        "/outreach/surveys/",
        {"district": district, "period": period, "sample_size": asked, "n_unaware": unaware, "n_poor": 0},
    )
    assert response.status_code == 302, errors(response)


def flags_page(client: Client) -> str:
    return client.get("/outreach/?period=2019-10").content.decode()


def test_reach_above_residents(world: World, client_for: Any) -> None:
    officer, admin = client_for("officer"), client_for("admin")
    n = residents(world, HOME)
    import_events(officer, [f"Талгарский район;05.10.2019;встреча;строители;{n + 50}"])
    flag = row(flags_page(admin), f"reach_le_residents:{HOME}:2019-10")
    assert "Талгарский район: в журнале за 10.2019 охвачено" in flag and f"({n})" in flag.replace("\u00a0", "")


def test_reported_coverage_against_the_survey(world: World, client_for: Any) -> None:
    officer, analyst, admin = client_for("officer"), client_for("analyst"), client_for("admin")
    survey(analyst, "2019-10", 400, 92)
    report(officer, "2019-10", reach="100", actualisation="90")
    page = flags_page(admin)
    assert "95% ДИ 19–27%" in row(page, f"reported_reach_vs_survey:{HOME}:2019-10")
    # With nothing logged, the same report has no outreach behind it either.
    assert "по журналу мероприятий охвачено 0" in row(page, f"reported_reach_vs_log:{HOME}:2019-10")


def test_reported_coverage_within_the_survey_raises_nothing(world: World, client_for: Any) -> None:
    officer, analyst, admin = client_for("officer"), client_for("analyst"), client_for("admin")
    n = residents(world, HOME)
    survey(analyst, "2019-10", 400, 92)
    import_events(officer, [f"Талгарский район;05.10.2019;встреча;;{n // 4}"])
    report(officer, "2019-10", reach="30", actualisation="90")
    found = keys(flags_page(admin))
    assert not {f"reported_reach_vs_survey:{HOME}:2019-10", f"reported_reach_vs_log:{HOME}:2019-10"} & found


def test_reach_high_while_questions_near_zero(world: World, client_for: Any) -> None:
    officer, admin = client_for("officer"), client_for("admin")
    import_events(officer, ["Талгарский район;05.10.2019;эфир;;25000"])
    flag = row(flags_page(admin), f"questions_per_reach:{HOME}:2019-10")
    assert "поступило лишь 0\u00a0обращений" in flag


def test_self_reported_actualisation_against_the_single_list(world: World, client_for: Any) -> None:
    officer, admin = client_for("officer"), client_for("admin")
    summary = next(d for d in world.run.summary["districts"] if d["district"] == HOME)
    listed = float(summary["actualisation"])
    report(officer, "2019-10", reach="20", actualisation=f"{min(100.0, listed * 100 + 12):.1f}".replace(".", ","))
    flag = row(flags_page(admin), f"actualisation_vs_list:{HOME}:2019-10")
    assert "но по единому списку" in flag
    # Karasay reports what the single list says: no flag.
    karasay = next(d for d in world.run.summary["districts"] if d["district"] == OTHER)
    actual = f"{float(karasay['actualisation']) * 100:.1f}"
    report(client_for("other_officer"), "2019-10", reach="20", actualisation=actual, district=OTHER)
    assert f"actualisation_vs_list:{OTHER}:2019-10" not in keys(flags_page(admin))


def test_a_report_missing_a_figure(world: World, client_for: Any) -> None:
    officer, admin = client_for("officer"), client_for("admin")
    report(officer, "2019-10", reach="20")
    page = flags_page(admin)
    assert "актуализация н/д" in row(page, f"report_filled_in:{HOME}:2019-10")
    # Every other district of the run owes its October report: completeness says so.
    assert "не сдал отчёт за 10.2019" in row(page, f"report_missing:{OTHER}:2019-10")
    expected = len(world.run.summary["districts"])
    assert f'data-indicator="completeness" data-value="1/{expected}"' in admin.get("/outreach/").content.decode()


def test_an_outlier_across_districts_from_the_demo(world: World, client_for: Any) -> None:
    load_demo()
    page = client_for("analyst").get("/outreach/?severity=medium").content.decode()
    assert {"outlier_reach_over_time:eskeldi:2019-10", "outlier_reach_per_resident:eskeldi:2019-10"} <= keys(page)
    assert "Ескельдинский район: охват по журналу за 10.2019" in row(page, "outlier_reach_over_time:eskeldi:2019-10")
    assert all('data-severity="medium"' in r for r in re.findall(r"<tr data-key=.*?>", page))


# ---- filters, partials, export ------------------------------------------------------------------


def test_filters_narrow_the_list_and_the_partial_serves_htmx(world: World, client_for: Any) -> None:
    load_demo()
    admin = client_for("admin")
    everything = keys(admin.get("/outreach/").content.decode())
    talgar = keys(admin.get(f"/outreach/?district={HOME}").content.decode())
    assert talgar and talgar < everything and all(f":{HOME}:" in k for k in talgar)
    december = keys(admin.get("/outreach/?period=2019-12&severity=high").content.decode())
    assert MEETING_KEY in december and all(k.endswith(":2019-12") for k in december)
    partial = admin.get("/outreach/?period=2019-12", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="flags-table")
    html = partial.content.decode()
    assert MEETING_KEY in html and "<html" not in html and 'id="completeness"' not in html


def test_the_export_holds_the_flags_as_text_in_the_readers_language(world: World, client_for: Any) -> None:
    load_demo()
    flag = FollowUp.objects.get(key=MEETING_KEY)
    flag.answer = '=HYPERLINK("http://example.com","x")'  # typed by a district: must stay text
    flag.save()
    response = client_for("admin").get("/outreach/flags.xlsx?severity=high")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/"))
    assert "<f>" not in xml  # no formula anywhere
    assert "Енбекшиказахский район сообщает об охвате 100% жителей" in xml
    assert "=HYPERLINK(" in xml.replace("&quot;", '"')
    rows = FollowUp.objects.filter(flagged=True, severity="high").count()
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert len(sheet) == rows + 1


# ---- the checks' pass and the follow-up list ----------------------------------------------------


def test_a_flag_that_stops_firing_is_kept_as_no_longer_flagged_and_can_fire_again(
    world: World, client_for: Any
) -> None:
    officer, admin = client_for("officer"), client_for("admin")
    report(officer, "2019-10", reach="20")
    key = f"report_filled_in:{HOME}:2019-10"
    first = FollowUp.objects.get(key=key)
    assert (first.state, first.flagged) == ("open", True)
    assert first.numbers["reported_reach_share"] == pytest.approx(0.2)
    report(officer, "2019-10", reach="20", actualisation="90")  # corrected
    cleared = FollowUp.objects.get(key=key)
    assert (cleared.flagged, cleared.pk) == (False, first.pk) and cleared.cleared_at is not None
    assert key not in keys(admin.get("/outreach/").content.decode())
    listed = admin.get("/outreach/follow-up/?cleared=1").content.decode()
    assert f'data-key="{key}"' in listed
    report(officer, "2019-10", reach="25", actualisation="")  # broken again
    again = FollowUp.objects.get(key=key)
    assert again.flagged and again.numbers["reported_reach_share"] == pytest.approx(0.25)
    actions = list(again.steps.values_list("action", flat=True))
    assert actions == ["raised", "cleared", "raised_again"]


def test_the_pass_is_skipped_while_nothing_changed(world: World, db: None) -> None:
    services.flags_sync()
    before = Evaluation.objects.count()
    assert services.flags_sync() is None
    assert Evaluation.objects.count() == before
    SurveyResult.objects.create(district=HOME, period="2019-10", sample_size=10, n_unaware=1, n_poor=1)
    assert services.flags_sync() is not None  # data changed behind the services' back: still noticed


def test_stored_rules_replace_the_defaults_and_a_bad_rule_is_refused(world: World, client_for: Any) -> None:
    admin = client_for("admin")
    import_events(client_for("officer"), ["Талгарский район;05.10.2019;встреча;;30"])
    strict = """
[[rule]]
code = "tiny_reach"
name = "Reach of at least 100"
name_ru = "Охват не меньше 100"
left = "reach"
operator = ">="
right = "100"
when = "events > 0"
importance = "high"
message = "{district} reached only {reach:int} in {period}."
message_ru = "{district}: за {period} охвачено всего {reach:count человек|человека|человек}."
"""
    assert admin.post("/outreach/rules/", {"text": strict}).status_code == 302
    page = admin.get("/outreach/?period=2019-10").content.decode()
    assert "Талгарский район: за 10.2019 охвачено всего 30\u00a0человек." in row(page, f"tiny_reach:{HOME}:2019-10")
    assert "Охват не меньше 100" in page
    refused = admin.post("/outreach/rules/", {"text": strict.replace('"reach"', '"reahc"')})
    assert refused.status_code == 400 and "unknown name" in refused.content.decode()
    assert selectors.rules_current().rules[0].code == "tiny_reach"
    assert client_for("analyst").post("/outreach/rules/", {"text": ""}).status_code == 403
    assert admin.post("/outreach/rules/", {"text": ""}).status_code == 302  # back to the built-in rules
    assert FollowUp.objects.get(key=f"tiny_reach:{HOME}:2019-10").flagged is False


def test_completeness_is_for_the_latest_month_already_due(world: World, client_for: Any) -> None:
    officer = client_for("officer")
    today = timezone.localdate()
    import_events(officer, [f"Талгарский район;{today:%d.%m.%Y};встреча;;10"])  # this month: not yet due
    report(officer, "2019-10", reach="20", actualisation="90")
    page = client_for("admin").get("/outreach/").content.decode()
    expected = len(world.run.summary["districts"])
    assert f'data-indicator="completeness" data-value="1/{expected}"' in page
    heading = re.search(r'id="completeness">\s*<h2>[^<]*</h2>', page)
    assert heading and "2019-10" in heading.group(0)
