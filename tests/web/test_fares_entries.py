# ruff: noqa: F811  (the fixtures imported from fares_world are parameters of the tests below)
"""What the fares pages take and refuse: the phone's entries (a resend is one row), the plan, the
imports. Every refusal is a sentence in the reader's language; nothing is lost or doubled."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone
from fares_world import FaresWorld, fares, fares_loaded  # noqa: F401

from birtizim.fares import draw_plan
from birtizim.fares.plan import PlanSettings, seed_commitment
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.fares import entities, selectors, services
from birtizim.web.fares.models import Check, ImportBatch, Payment, Plan, Protocol, Ridership, Shift

ANALYST = Scope(Role.FARES_ANALYST, frozenset())


def post(client: Client, path: str, body: dict[str, Any], language: str = "ru") -> Any:
    client.cookies["django_language"] = language
    return client.post(f"/fares/inspector/{path}/", json.dumps(body), content_type="application/json")


def protocol(fares: FaresWorld, **change: Any) -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "check": fares.mine, "offence_at": "2026-06-10T10:00",
            "iin": "791028302728", "last_name": "Омаров", "first_name": "Серик", "served": True, **change}  # fmt: skip


def test_a_resent_check_is_recorded_once(fares: FaresWorld) -> None:
    inspector = fares.client("inspector")
    body = {"client_id": str(uuid.uuid4()), "check": fares.mine, "paid": 7, "unpaid": 2, "exempt": 1}
    first, again = post(inspector, "checks", body), post(inspector, "checks", body)
    assert (first.status_code, first.json()["status"]) == (201, "recorded")
    assert (again.status_code, again.json()["status"]) == (200, "already")
    check = Check.objects.get(code=fares.mine)
    assert (check.paid, check.unpaid, check.exempt, check.riders_checked) == (7, 2, 1, 10)
    # A second, different entry for the same trip (a colleague's phone) is refused, not added.
    colleague = post(fares.client("colleague"), "checks", {**body, "client_id": str(uuid.uuid4()), "paid": 1})
    assert colleague.status_code == 409 and "уже записана" in colleague.json()["error"]
    assert Check.objects.get(code=fares.mine).paid == 7


def test_counts_that_do_not_add_up_are_refused(fares: FaresWorld) -> None:
    body = {"client_id": str(uuid.uuid4()), "check": fares.mine, "paid": 7, "unpaid": 2, "exempt": 1,
            "riders_checked": 11}  # fmt: skip
    response = post(fares.client("inspector"), "checks", body)
    assert response.status_code == 400 and "не равно 11" in response.json()["error"]
    assert not Check.objects.get(code=fares.mine).recorded


def test_a_resent_protocol_is_one_protocol_with_the_fine_of_its_year(fares: FaresWorld) -> None:
    inspector = fares.client("inspector")
    body = protocol(fares)
    first, again = post(inspector, "protocols", body), post(inspector, "protocols", body)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["number"] == again.json()["number"]
    made = Protocol.objects.get(client_id=body["client_id"])
    assert made.fine == 2 * 4325  # 2 MRP of 2026
    assert made.birth_date == dt.date(1979, 10, 28) and made.served_on == dt.date(2026, 6, 10)
    assert made.route == Check.objects.get(code=fares.mine).route and made.team.code == "T1"  # type: ignore[union-attr]
    numbers = sorted(Protocol.objects.values_list("number", flat=True))
    assert numbers[-1] == made.number and len(set(numbers)) == len(numbers)


@pytest.mark.parametrize(
    ("change", "ru", "en"),
    [
        ({"iin": "791028302729"}, "ИИН «791028302729» недействителен", "IIN “791028302729” is not valid"),
        ({"iin": "79102830272"}, "ИИН состоит из 12 цифр", "An IIN has 12 digits"),
        ({"iin": "", "birth_date": ""}, "Укажите ИИН или", "Write the IIN or"),
        ({"birth_date": "1980-01-01"}, "родился 28.10.1979, а не 01.01.1980", "born on 28.10.1979, not on 01.01.1980"),
        ({"offence_at": "2023-05-04T12:00"}, "для 2023 года не задан МРП", "no MRP is recorded for 2023"),
        ({"offence_at": "2099-01-01T00:00"}, "в будущем", "in the future"),
    ],
)
def test_a_bad_protocol_is_refused_in_the_readers_language(
    fares: FaresWorld, change: dict[str, Any], ru: str, en: str
) -> None:
    inspector = fares.client("inspector")
    before = Protocol.objects.count()
    for language, words in (("ru", ru), ("en", en)):
        response = post(inspector, "protocols", protocol(fares, **change), language)
        assert response.status_code == 400, response.content
        assert words in response.json()["error"], response.json()
    assert Protocol.objects.count() == before


def test_the_database_keeps_entries_whole(fares: FaresWorld) -> None:
    """The constraints behind the services: one protocol per client id, no payment without its protocol."""
    made = Protocol.objects.get(pk=fares.protocol)
    made.client_id = uuid.uuid4()
    made.save()
    twin = Protocol.objects.get(pk=fares.protocol)
    twin.pk, twin.number = None, "П-9999999"
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.create(protocol_id=10**9, paid_on=dt.date(2026, 6, 1), amount=100)
        connection.check_constraints(table_names=["fares_payment"])  # foreign keys are checked at commit
    with pytest.raises(IntegrityError), transaction.atomic():
        Check.objects.filter(code=fares.mine).update(riders_checked=5, paid=1, unpaid=1, exempt=1)


def csv_file(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"))


def test_a_ridership_file_with_an_unknown_route_rejects_that_row_only(fares: FaresWorld) -> None:
    route = Ridership.objects.values_list("route", flat=True).first()
    rows = [f"{route};01.07.2026;8;120", "999Я;01.07.2026;8;50", f"{route};02.07.2026;3;10", f"{route};02.07.2026;9;4x"]
    text = "\n".join(["Маршрут;Дата;Час;Валидации", *rows, ""])
    analyst = fares.client("analyst")
    response = analyst.post("/fares/import/", {"kind": "ridership", "file": csv_file("july.csv", text)})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    assert (batch.rows_in, batch.accepted, len(batch.rejects)) == (4, 1, 3)
    assert [r["code"] for r in batch.rejects] == ["unknown_route", "bad_hour", "bad_number"]
    page = analyst.get(f"/fares/import/{batch.pk}/").content.decode()
    assert "маршрута «999Я» нет в справочнике маршрутов" in page
    assert list(Ridership.objects.filter(month="2026-07").values_list("boardings", flat=True)) == [120]


def test_payments_for_unknown_protocols_or_held_twice_are_rejected(fares: FaresWorld) -> None:
    # protocols of June the world has no payment for yet (which ones depends on the generator's draws)
    june = Protocol.objects.filter(**entities.in_month("offence_at", "2026-06"), payments__isnull=True).order_by("pk")
    a, b = june[0].number, june[1].number
    text = f"Номер протокола,Дата оплаты,Сумма\n{a},2026-07-01,8650\nП-0000000,2026-07-01,8650\n{b},2026-07-02,8650\n"
    analyst = fares.client("analyst")
    held = Payment.objects.count()
    analyst.post("/fares/import/", {"kind": "payments", "file": csv_file("pay1.csv", text)})
    first = ImportBatch.objects.latest("pk")
    assert (first.rows_in, first.accepted, [r["code"] for r in first.rejects]) == (3, 2, ["unknown_protocol"])
    assert Payment.objects.count() == held + 2
    # The same payments in another file (one more row): only the new one is taken.
    c = june[2].number
    analyst.post("/fares/import/", {"kind": "payments", "file": csv_file("pay2.csv", text + f"{c},2026-07-03,8650\n")})
    second = ImportBatch.objects.latest("pk")
    assert (second.rows_in, second.accepted) == (4, 1)
    assert sorted(r["code"] for r in second.rejects) == ["already_held", "already_held", "unknown_protocol"]
    assert Payment.objects.count() == held + 3
    page = analyst.get(f"/fares/import/{second.pk}/").content.decode()
    assert "протокола № П-0000000 нет среди протоколов" in page and "уже загружен из другого файла" in page
    # The very same file again is refused as a whole, in the reader's words.
    again = analyst.post("/fares/import/", {"kind": "payments", "file": csv_file("pay1.csv", text)})
    assert again.status_code == 400 and "уже загружен" in again.content.decode()


def test_a_file_without_the_columns_is_refused_in_the_readers_language(fares: FaresWorld) -> None:
    response = fares.client("analyst").post(
        "/fares/import/", {"kind": "ridership", "file": csv_file("x.csv", "a,b\n1,2\n")}
    )
    assert response.status_code == 400 and "нет строки заголовков" in response.content.decode()


def test_a_drawn_plan_is_the_cores_with_its_seed_hidden_until_the_month_is_over(fares: FaresWorld) -> None:
    user = fares.users["analyst"]
    request = services.PlanRequest(month="2027-02", measurement_checks=90, enforcement_checks=6, fare=150)
    plan = services.plan_draw(scope=ANALYST, user=user, request=request, seed=12345)
    _base, strata = services.plan_inputs(month="2027-02")
    settings = PlanSettings(measurement_checks=90, enforcement_checks=6, teams=("T1", "T2"))
    again = draw_plan(strata, month="2027-02", seed=12345, settings=settings, bands=entities.bands())
    assert plan.digest == again.digest and plan.seed_commitment == seed_commitment(12345)
    assert Check.objects.filter(plan=plan).count() == 96 and Shift.objects.filter(plan=plan).count() == len(
        again.shifts
    )
    assert all(c.shift is not None and c.shift.start <= c.start < c.shift.end for c in Check.objects.filter(plan=plan))
    page = fares.client("analyst").get("/fares/plans/2027-02/").content.decode()
    assert plan.digest in page and plan.seed_commitment in page and "12345" not in page
    assert selectors.seed_revealed(plan, today=dt.date(2027, 3, 1))
    assert not selectors.seed_revealed(plan, today=dt.date(2027, 2, 28))
    # A published plan is never redrawn.
    with pytest.raises(services.FaresError):
        services.plan_draw(scope=ANALYST, user=user, request=request)


def test_a_plan_too_small_for_its_floor_is_refused(fares: FaresWorld) -> None:
    response = fares.client("analyst").post(
        "/fares/plans/", {"month": "2027-03", "measurement_checks": "5", "floor": "2", "publish_lead_minutes": "60"}
    )
    assert response.status_code == 400 and "запланируйте не менее 60" in response.content.decode()
    assert not Plan.objects.filter(month="2027-03").exists()


def test_a_shift_opens_to_its_team_an_hour_before_it_starts(fares: FaresWorld) -> None:
    later = Check.objects.select_related("shift").get(code=fares.later)
    assert later.shift is not None
    user = fares.users["inspector"]
    scope = Scope(Role.INSPECTOR, frozenset())

    def codes(at: dt.datetime) -> set[str]:
        state = selectors.inspector_state(scope=scope, user=user, now=at)
        return {c["code"] for s in state["shifts"] for c in s["checks"]}

    assert fares.later not in codes(later.shift.start - dt.timedelta(minutes=61))
    assert fares.later in codes(later.shift.start - dt.timedelta(minutes=59))
    assert fares.later not in codes(later.shift.end + dt.timedelta(minutes=1))
    # ...and the other team never sees it.
    other = selectors.inspector_state(scope=scope, user=fares.users["other_team"], now=later.shift.start)
    assert fares.later not in {c["code"] for s in other["shifts"] for c in s["checks"]}
    assert timezone.is_aware(later.shift.start)


def test_the_month_shows_the_rate_with_its_interval_and_the_headline(fares: FaresWorld) -> None:
    page = fares.client("analyst").get("/fares/overview/?month=2026-06").content.decode()
    figures = selectors.month_figures(scope=ANALYST, month="2026-06")
    assert figures.kpis is not None
    c = figures.kpis.evasion.city
    assert 0 < c.low <= c.rate <= c.high < 1
    assert 'id="rate"' in page and figures.sentence.split(":")[0] in page
    assert "95% интервал" in page and "протокол" in page


@pytest.mark.parametrize(
    ("url", "tab"),
    [("/fares/overview/", "overview"), ("/fares/plans/", "plans"), ("/fares/plans/2026-06/", "plans")],
)
def test_the_section_tabs_mark_the_page_and_a_detail_page_marks_its_list(fares: FaresWorld, url: str, tab: str) -> None:
    page = fares.client("analyst").get(url).content.decode()
    marked = re.findall(r'<a href="/fares/([a-z]+)/[^"]*" class="on">', page)
    assert marked == [tab]
