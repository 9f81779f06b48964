"""Construction services without HTTP: reports refresh the snapshot and raise alerts, contract changes
move the deadline, baselines are versions, the progress sheet import keeps every reject, scope holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from conftest import HOME, OTHER, World
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone, translation
from test_projects_world import ADMIN, AS_OF, LATE, D, Objects, activities, build_objects, object_fields, valid_bin

from birtizim import projects as core
from birtizim.projects.sheet import RejectCode
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.common.errors import NotAllowed, NotFound
from birtizim.web.projects import selectors, services
from birtizim.web.projects.models import Alert, Baseline, Report, Snapshot
from tests.sheets import workbook


@pytest.fixture
def objects(world: World, db: None) -> Objects:
    return build_objects(world)


HOME_OFFICER = Scope(Role.OFFICER, frozenset({HOME}))
OTHER_OFFICER = Scope(Role.OFFICER, frozenset({OTHER}))


def _report(project: Any, day: dt.date, percents: dict[str, float], workforce: int | None = 10, **kw: Any) -> Report:
    return services.report_create(
        scope=kw.pop("scope", HOME_OFFICER),
        user=None,
        project=project,
        date=day,
        percents=percents,
        accepted_money=kw.pop("money", Decimal(0)),
        workforce=workforce,
        **kw,
    )


def test_a_report_that_makes_an_object_worse_refreshes_its_snapshot_and_alerts(objects: Objects, world: World) -> None:
    home = objects.home
    before = Snapshot.objects.get(project=home)
    assert before.rag == "green"
    Alert.objects.all().delete()
    _report(home, AS_OF, {"B": 50}, workforce=0)  # nobody on site: a severe flag
    after = Snapshot.objects.get(project=home)
    assert after.rag == "red" and after.cause == core.Cause.SEVERE_FLAG and after.cause_flag == "no_workforce"
    assert after.data_date == AS_OF and after.computed_at > before.computed_at
    alerts = list(Alert.objects.filter(project=home).order_by("recipient__username"))
    # The responsible officer and the region administrator, one alert each carrying the new severe flag.
    assert [a.recipient.username for a in alerts] == ["admin", "officer"]
    assert {(a.kind, a.old_rag, a.new_rag) for a in alerts} == {(Alert.Kind.RAG_WORSE, "green", "red")}
    assert all(a.flag is not None and a.flag["code"] == "no_workforce" for a in alerts)
    assert selectors.unread_count(scope=HOME_OFFICER, user=world.users["officer"]) == 1


def test_a_report_that_does_not_make_an_object_worse_raises_no_alert(objects: Objects) -> None:
    other = objects.other
    Alert.objects.all().delete()
    before = Snapshot.objects.get(project=other)
    _report(other, AS_OF, {"A": 100, "B": 10}, scope=OTHER_OFFICER)
    after = Snapshot.objects.get(project=other)
    assert after.percent_complete > before.percent_complete  # the snapshot moved...
    assert not Alert.objects.exists()  # ...but nothing got worse


def test_the_first_forecast_of_a_red_object_alerts_the_districts_officers_when_nobody_is_responsible(
    objects: Objects,
) -> None:
    # objects.other (Karasay, late) has no responsible officer: Karasay's officer and the admin were told.
    got = sorted((a.recipient.username, a.old_rag, a.new_rag) for a in Alert.objects.filter(project=objects.other))
    assert got == [("admin", "", "red"), ("other", "", "red")]


def test_a_contract_change_moves_the_deadline_and_keeps_the_old_one(objects: Objects) -> None:
    other = objects.other
    p_before = Snapshot.objects.get(project=other).p_on_time
    change = services.contract_change_create(
        scope=OTHER_OFFICER,
        user=None,
        project=other,
        date=D(2025, 6, 18),
        what="Доп. соглашение №1",
        new_deadline=D(2025, 12, 31),
        new_amount=Decimal("120000000"),
    )
    other.refresh_from_db()
    assert (change.old_deadline, change.new_deadline) == (D(2025, 8, 31), D(2025, 12, 31))
    assert change.old_amount == Decimal("100000000.00") and other.budget == Decimal("120000000.00")
    assert other.deadline == D(2025, 12, 31)
    assert Snapshot.objects.get(project=other).p_on_time > p_before  # four more months make it likelier


def test_re_baselining_adds_a_version_and_leaves_the_first_as_it_was(objects: Objects) -> None:
    home = objects.home
    moved = [
        activities()[0],
        core.Activity("B", "Отделка", D(2025, 5, 1), D(2025, 8, 20), 60, ("A",)),
        core.Activity("C", "Мебель", D(2025, 8, 20), D(2025, 8, 25), 5, ("B",)),
    ]
    services.baseline_create(
        scope=HOME_OFFICER, user=None, project=home, made_on=D(2025, 6, 1), reason="добавлена мебель", activities=moved
    )
    versions = list(Baseline.objects.filter(project=home).order_by("version"))
    assert [b.version for b in versions] == [1, 2]
    assert [a.code for a in versions[0].activities.all()] == ["A", "B"]  # untouched
    assert versions[0].activities.get(code="B").planned_finish == D(2025, 7, 31)
    page = selectors.object_page(project=selectors.project_get(scope=ADMIN, project_id=home.pk))
    assert page.comparison is not None and page.comparison.versions[1].moved_days == 25
    assert [a.code for a in page.forecast.baseline.activities] == ["A", "B", "C"]  # type: ignore[union-attr]


def test_a_schedule_that_does_not_hold_together_is_refused(objects: Objects) -> None:
    cycle = [
        core.Activity("A", "a", D(2025, 3, 1), D(2025, 3, 5), 1, ("B",)),
        core.Activity("B", "b", D(2025, 3, 5), D(2025, 3, 9), 1, ("A",)),
    ]
    with pytest.raises(services.ProjectsError, match="cycle"):
        services.baseline_create(
            scope=ADMIN, user=None, project=objects.home, made_on=AS_OF, reason="x", activities=cycle
        )
    with pytest.raises(services.ProjectsError):
        services.baseline_create(
            scope=ADMIN, user=None, project=objects.home, made_on=AS_OF, reason="  ", activities=activities()
        )
    assert Baseline.objects.filter(project=objects.home).count() == 1


@pytest.mark.parametrize(
    ("day", "percents", "problem"),
    [
        (D(2025, 6, 21), {"A": 100}, "after the forecast date"),
        (D(2025, 6, 15), {"A": 100}, "already recorded"),
        (D(2025, 6, 18), {"X": 10}, "Unknown activities: X"),
        (D(2025, 6, 18), {"A": 120}, "outside 0-100"),
    ],
)
def test_a_report_is_refused_with_the_reason(
    objects: Objects, day: dt.date, percents: dict[str, float], problem: str
) -> None:
    count = Report.objects.count()
    with translation.override("en"), pytest.raises(services.ProjectsError, match=problem):
        _report(objects.home, day, percents)
    assert Report.objects.count() == count


def test_writes_keep_to_the_scope(objects: Objects) -> None:
    with pytest.raises(NotFound):
        _report(objects.home, AS_OF, {"A": 100}, scope=OTHER_OFFICER)
    with pytest.raises(NotAllowed):
        _report(objects.home, AS_OF, {"A": 100}, scope=Scope(Role.VIEWER, None))
    with pytest.raises(NotAllowed):
        _report(objects.home, AS_OF, {"A": 100}, scope=Scope(Role.ANALYST, None))
    with pytest.raises(services.ProjectsError):
        make_object_as(OTHER_OFFICER, district=HOME)
    with pytest.raises(services.ProjectsError):
        make_object_as(ADMIN, district="abay")  # a Shymkent district under the Almaty region
    make_object_as(HOME_OFFICER, district=HOME)  # while their own district is fine


def make_object_as(scope: Scope, *, district: str, contractor_bin: str = "") -> None:
    fields = object_fields(code="X-1", district=district)
    services.project_create(scope=scope, user=None, **{**fields, "contractor_bin": contractor_bin or valid_bin()})


def test_a_contractor_bin_that_fails_the_check_digit_is_refused(objects: Objects) -> None:
    with pytest.raises(services.ProjectsError):
        make_object_as(ADMIN, district=HOME, contractor_bin="000000000000")  # month 00
    good = objects.home.contractor_bin
    broken = good[:11] + str((int(good[11]) + 1) % 10)
    with pytest.raises(services.ProjectsError):
        services.project_create(
            **{**_fields(objects.home), "code": "X-2", "contractor_bin": broken}, scope=ADMIN, user=None
        )


def _fields(p: Any) -> dict[str, Any]:
    names = (
        "name kind work region district locality address deadline deadline_reason budget contractor_name "
        "contract_number"
    ).split()
    return {n: getattr(p, n) for n in names}


def test_the_progress_sheet_import_stores_good_dates_and_returns_every_reject(objects: Objects) -> None:
    other = objects.other
    content = workbook(
        [
            ["Date", "Activity code", "Percent complete", "Accepted money", "Workforce"],
            ["16.06.2025", "A", 85, None, 5],  # row 2: money not given, carried on from 15 June
            ["16.06.2025", "B", 5, None, None],
            ["17.06.2025", "A", 90, 2_000_000, 6],
            ["17.06.2025", "ZZZ", 5, None, None],  # row 5: unknown: 17 June is not imported
            ["15.06.2025", "A", 90, None, None],  # row 6: 15 June is already recorded
            ["19.06.2025", "A", 95, "1 500 000", 6],
        ]
    )
    result = services.progress_import(
        scope=OTHER_OFFICER, user=None, project=other, file=SimpleUploadedFile("sheet.xlsx", content)
    )
    assert [r.date for r in result.created] == [D(2025, 6, 16), D(2025, 6, 19)]
    assert [(r.row, r.code) for r in result.sheet.rejects] == [
        (4, RejectCode.DATE_INCOMPLETE),
        (5, RejectCode.ACTIVITY_UNKNOWN),
        (6, RejectCode.DATE_RECORDED),
    ]
    stored = {r.date: r for r in Report.objects.filter(project=other)}
    assert stored[D(2025, 6, 16)].accepted_money == stored[D(2025, 6, 15)].accepted_money
    assert stored[D(2025, 6, 16)].workforce == 5 and stored[D(2025, 6, 16)].source == "sheet"
    assert stored[D(2025, 6, 19)].accepted_money == Decimal("1500000.00")
    assert {line.activity_code: float(line.percent) for line in stored[D(2025, 6, 16)].lines.all()} == {
        "A": 85.0,
        "B": 5.0,
    }
    assert Snapshot.objects.get(project=other).data_date == D(2025, 6, 19)


def test_the_import_refuses_files_that_are_not_workbooks(objects: Objects) -> None:
    for name, content in (("sheet.csv", b"a;b"), ("sheet.xlsx", b"plain text, not a zip")):
        with pytest.raises(services.ProjectsError):
            services.progress_import(
                scope=ADMIN, user=None, project=objects.home, file=SimpleUploadedFile(name, content)
            )


def test_alerts_are_marked_read_one_by_one_or_all_at_once(objects: Objects, world: World) -> None:
    admin = world.users["admin"]
    unread = selectors.unread_count(scope=ADMIN, user=admin)
    assert unread >= 1
    first = selectors.alerts_for(scope=ADMIN, user=admin).first()
    assert first is not None
    services.alert_mark_read(scope=ADMIN, user=admin, alert_id=first.pk)
    assert selectors.unread_count(scope=ADMIN, user=admin) == unread - 1
    assert services.alerts_mark_all_read(scope=ADMIN, user=admin) == unread - 1
    assert selectors.unread_count(scope=ADMIN, user=admin) == 0


def test_forecasts_are_as_of_the_setting_else_the_pinned_clock_else_today(db: None) -> None:
    services.clock_pin(as_of=None)
    assert selectors.forecast_as_of() == timezone.localdate()
    services.clock_pin(as_of=D(2025, 6, 20), note="demo")
    assert selectors.forecast_as_of() == D(2025, 6, 20)
    with override_settings(PROJECTS_AS_OF="2025-07-01"):
        assert selectors.forecast_as_of() == D(2025, 7, 1)


def test_the_late_objects_snapshot_holds_the_hand_computed_earned_schedule(objects: Objects) -> None:
    # On 15 June A (weight 40 of 100, 1 March - 30 April: 60 days) is at 80% and B at 0: EV = 32% of
    # the work. The plan earned 0.4 * t / 60 during A, so 32% on day 48 (18 April): ES = 48 days,
    # AT = 106 days (1 March to 15 June), SPI(t) = 48 / 106.
    assert LATE[-1][:2] == (D(2025, 6, 15), {"A": 80, "B": 0})
    s = Snapshot.objects.get(project=objects.other)
    assert s.percent_complete == pytest.approx(32.0)
    assert s.spi_t == pytest.approx(48 / 106)
