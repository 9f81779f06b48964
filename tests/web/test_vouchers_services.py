"""The voucher services without HTTP: payment, timesheets, parent links, allocation, one voucher per child."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from conftest import World
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from test_vouchers_builder import OCT, RATE, Club, local, new_iin

from birtizim.vouchers import links, payment
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope, scope_for
from birtizim.web.common.errors import NotAllowed, NotFound
from birtizim.web.vouchers import core_tables, dashboard, selectors, services, tokens
from birtizim.web.vouchers import models as m

ADMIN = Scope(Role.ADMIN, None)
OFFICER = Scope(Role.OFFICER, frozenset({"talgar"}))
OTHER_OFFICER = Scope(Role.OFFICER, frozenset({"karasay"}))
ANALYST = Scope(Role.ANALYST, None)
MON, WED, MON2, WED2 = (dt.date(2019, 10, d) for d in (14, 16, 21, 23))


def provider_scope(club: Club) -> Scope:
    return Scope(Role.PROVIDER, frozenset(), club.provider.bin)


def month_of_marks(club: Club) -> tuple[m.Enrolment, m.Enrolment, m.Timesheet]:
    """Two children: one present 3 times, excused once, unexcused once; one present twice."""
    scope = provider_scope(club)
    user = club.user(f"p{club.provider.pk}")
    a, b = club.enrol(club.child(first_name="Айдана")), club.enrol(club.child(first_name="Ерлан"))
    plan = {MON: ("present", "present"), WED: ("present", "present"), MON2: ("present", "unexcused_absence"),
            WED2: ("excused_absence", "unexcused_absence")}  # fmt: skip
    for day, (ka, kb) in plan.items():
        s = services.session_create(scope=scope, group=club.group, date=day, start=dt.time(15, 30), minutes=90)
        services.marks_record(scope=scope, user=user, session=s, kinds={a.pk: ka, b.pk: kb})
    s = services.session_create(
        scope=scope, group=club.group, date=dt.date(2019, 10, 28), start=dt.time(15, 30), minutes=90
    )
    services.marks_record(
        scope=scope, user=user, session=s, kinds={a.pk: "unexcused_absence", b.pk: "unexcused_absence"}
    )
    sheet = services.timesheet_open(group=club.group, period=OCT)
    return a, b, sheet


def token_of(enrolment: m.Enrolment) -> str:
    return tokens.token_for(m.ConfirmationLink.objects.select_related("enrolment").get(enrolment=enrolment))


# ----- payment through the web path -----


def test_it_pays_confirmed_present_sessions_times_the_rate(db: None) -> None:
    club = Club()
    a, b, sheet = month_of_marks(club)
    services.timesheet_transition(scope=provider_scope(club), user=None, timesheet=sheet, target="submitted")
    assert m.ConfirmationLink.objects.filter(period=OCT).count() == 2  # one per child with a present mark
    services.confirmation_record(token=token_of(a), outcome="confirmed")
    figures = selectors.timesheet_figures(timesheet=sheet)
    by_child = {line["enrolment_id"]: line["payment"] for line in figures.lines}
    assert (by_child[a.pk].present, by_child[a.pk].confirmed_present, by_child[a.pk].excused) == (3, 3, 1)
    assert by_child[a.pk].amount == 3 * RATE
    assert by_child[b.pk].present == 2 and by_child[b.pk].confirmed_present == 0  # not yet confirmed: not paid
    services.confirmation_record(token=token_of(b), outcome="disputed", comment="he was ill")
    sheet.refresh_from_db()
    # Every parent answered: the window closed by itself, and the figures were stored.
    assert sheet.status == "parent_confirmed"
    assert (sheet.sessions, sheet.present, sheet.confirmed_present, sheet.amount) == (5, 5, 3, Decimal("6000.00"))
    # The core's set-based SQL over the exported tables gives the same money.
    con = core_tables.connect(None)
    total = con.execute(
        f"SELECT sum(amount) FROM ({payment.lines_sql()}) WHERE group_id = ?", [club.group.pk]
    ).fetchone()
    assert total is not None and total[0] == sheet.amount


def test_the_dashboard_reads_only_the_columns_the_payment_sql_needs_and_gets_the_same_money(db: None) -> None:
    club = Club()
    a, _b, sheet = month_of_marks(club)
    services.timesheet_transition(scope=provider_scope(club), user=None, timesheet=sheet, target="submitted")
    services.confirmation_record(token=token_of(a), outcome="confirmed")
    marks = core_tables.export("marks", only=payment.LINES_COLUMNS["marks"])
    assert marks.column_names == list(payment.LINES_COLUMNS["marks"])  # no timestamps read
    with pytest.raises(ValueError, match="no columns"):
        core_tables.export("marks", only=("session_id", "no_such_column"))
    whole = core_tables.connect(None).execute(f"SELECT sum(amount) FROM ({payment.lines_sql()})").fetchone()
    figures = dashboard.dashboard_get(scope=ANALYST)
    row = next(r for r in figures["providers"] if r["provider"].pk == club.provider.pk)
    assert whole is not None and row["confirmed_value"] == whole[0] == 3 * RATE


def test_it_moves_a_timesheet_only_along_the_rules_and_freezes_the_approved_amount(db: None) -> None:
    club = Club()
    a, _, sheet = month_of_marks(club)
    provider = provider_scope(club)
    with pytest.raises(services.RuleViolation):
        services.timesheet_transition(scope=ADMIN, user=None, timesheet=sheet, target="verified")  # skips steps
    services.timesheet_transition(scope=provider, user=None, timesheet=sheet, target="submitted")
    with pytest.raises(NotAllowed):  # the provider sees it but may not close or verify their own month
        services.timesheet_transition(scope=provider, user=None, timesheet=sheet, target="parent_confirmed")
    services.confirmation_record(token=token_of(a), outcome="confirmed")
    with pytest.raises(NotFound):  # another district's officer does not see it at all
        services.timesheet_transition(scope=OTHER_OFFICER, user=None, timesheet=sheet, target="parent_confirmed")
    services.timesheet_transition(scope=OFFICER, user=None, timesheet=sheet, target="parent_confirmed")
    services.timesheet_transition(scope=OFFICER, user=None, timesheet=sheet, target="verified")
    with pytest.raises(NotAllowed):  # approval is the administrator's
        services.timesheet_transition(scope=OFFICER, user=None, timesheet=sheet, target="approved")
    services.timesheet_transition(scope=ADMIN, user=None, timesheet=sheet, target="approved")
    with pytest.raises(services.RuleViolation):  # no way back once approved
        services.timesheet_transition(scope=ADMIN, user=None, timesheet=sheet, target="draft")
    sheet.refresh_from_db()
    assert sheet.amount == 3 * RATE
    m.Confirmation.objects.all().delete()  # whatever happens after approval does not change what is paid
    services.timesheet_transition(scope=ADMIN, user=None, timesheet=sheet, target="paid")
    sheet.refresh_from_db()
    assert sheet.status == "paid" and sheet.amount == 3 * RATE
    assert list(sheet.events.values_list("to_status", flat=True)) == [
        "submitted", "parent_confirmed", "verified", "approved", "paid"
    ]  # fmt: skip


def test_it_refuses_a_stale_second_clerk(db: None) -> None:
    club = Club()
    _, _, sheet = month_of_marks(club)
    services.timesheet_transition(scope=provider_scope(club), user=None, timesheet=sheet, target="submitted")
    first, second = m.Timesheet.objects.get(pk=sheet.pk), m.Timesheet.objects.get(pk=sheet.pk)
    services.timesheet_transition(scope=ADMIN, user=None, timesheet=first, target="parent_confirmed")
    with translation.override("en"), pytest.raises(services.RuleViolation, match="changed meanwhile"):
        services.timesheet_transition(scope=ADMIN, user=None, timesheet=second, target="draft")


def test_it_closes_the_marks_once_the_month_is_submitted(db: None) -> None:
    club = Club()
    a, _, sheet = month_of_marks(club)
    scope = provider_scope(club)
    services.timesheet_transition(scope=scope, user=None, timesheet=sheet, target="submitted")
    session = m.Session.objects.filter(group=club.group).first()
    assert session is not None
    with pytest.raises(services.RuleViolation):
        services.marks_record(scope=scope, user=club.user("late"), session=session, kinds={a.pk: "present"})
    with pytest.raises(services.RuleViolation):
        services.session_create(
            scope=scope, group=club.group, date=dt.date(2019, 10, 30), start=dt.time(15), minutes=60
        )


def test_it_marks_only_children_enrolled_that_day_and_only_for_the_own_provider(db: None) -> None:
    club, other = Club(), Club(district="karasay")
    a = club.enrol()
    late = club.enrol(start=dt.date(2019, 11, 1))
    session = services.session_create(
        scope=provider_scope(club), group=club.group, date=MON, start=dt.time(15, 30), minutes=90
    )
    user = club.user("marker")
    with pytest.raises(services.RuleViolation):
        services.marks_record(scope=provider_scope(club), user=user, session=session, kinds={late.pk: "present"})
    with pytest.raises(NotFound):
        services.marks_record(scope=provider_scope(other), user=user, session=session, kinds={a.pk: "present"})
    at = local(MON, "15:21")
    services.marks_record(
        scope=provider_scope(club), user=user, session=session, kinds={a.pk: "present"}, checked_in={a.pk: at}
    )
    mark = m.Mark.objects.get(session=session)
    assert (mark.kind, mark.checked_in_at, mark.entered_by) == ("present", at, user)


def test_it_freezes_a_voucher_after_a_run_of_unexcused_absences_but_not_for_excused_ones(db: None) -> None:
    club = Club()
    scope, user = provider_scope(club), club.user("absences")
    ill, gone = club.enrol(), club.enrol()
    plan = [("unexcused_absence", "unexcused_absence"), ("excused_absence", "unexcused_absence"),
            ("excused_absence", "excused_absence"), ("unexcused_absence", "unexcused_absence"),
            ("excused_absence", "unexcused_absence")]  # fmt: skip
    for day, (k_ill, k_gone) in zip((1, 2, 3, 7, 8), plan, strict=True):
        s = services.session_create(
            scope=scope, group=club.group, date=dt.date(2019, 10, day), start=dt.time(15), minutes=60
        )
        services.marks_record(scope=scope, user=user, session=s, kinds={ill.pk: k_ill, gone.pk: k_gone})
    # ill: 2 unexcused among excused ones; gone: 4 unexcused (an excuse in the middle does not launder the run)
    assert m.Voucher.objects.get(pk=ill.voucher_id).status == "active"
    assert m.Voucher.objects.get(pk=gone.voucher_id).status == "frozen"


# ----- parent links -----


def test_it_derives_a_32_byte_link_secret_from_the_site_key() -> None:
    assert len(tokens.secret()) == 32 and tokens.secret() == tokens.secret()


def submitted(club: Club) -> tuple[m.Enrolment, str]:
    a, _, sheet = month_of_marks(club)
    services.timesheet_transition(scope=provider_scope(club), user=None, timesheet=sheet, target="submitted")
    return a, token_of(a)


def test_it_refuses_a_forged_link(db: None) -> None:
    club = Club()
    a, token = submitted(club)
    version, body, signature = token.split(".")
    flipped = body[:-3] + ("A" if body[-3] != "A" else "B") + body[-2:]
    for forged in (f"{version}.{flipped}.{signature}", token[:-2], "v1.e30.x", "nonsense"):
        with pytest.raises(links.ForgedLink):
            services.confirmation_record(token=forged, outcome="confirmed")
    # Signed with another key, naming the same enrolment: still forged.
    foreign = links.issue(secret=b"k" * 32, enrolment_id=a.pk, child_id=a.child_id, group_id=a.group_id, period=OCT)
    with pytest.raises(links.ForgedLink):
        services.confirmation_record(token=foreign, outcome="confirmed")
    # Signed with our key but never issued (no such nonce on record): refused too.
    unissued = links.issue(
        secret=tokens.secret(), enrolment_id=a.pk, child_id=a.child_id, group_id=a.group_id, period=OCT
    )
    with pytest.raises(links.ForgedLink):
        services.confirmation_record(token=unissued, outcome="confirmed")
    assert not m.Confirmation.objects.exists()


def test_it_reissues_a_link_and_refuses_the_old_one(db: None) -> None:
    club = Club()
    a, old = submitted(club)
    record = m.ConfirmationLink.objects.get(enrolment=a)
    # Another club, an officer or an analyst cannot reissue the club's links: to them the link does not exist.
    for stranger in (provider_scope(Club()), OFFICER, ANALYST):
        with pytest.raises(NotFound):
            services.link_reissue(scope=stranger, link_id=record.pk)
    later = timezone.now() + dt.timedelta(days=1)
    fresh = services.link_reissue(scope=provider_scope(club), link_id=record.pk, now=later)
    assert fresh.pk == record.pk and fresh.nonce != record.nonce and fresh.expires_at > record.expires_at
    with pytest.raises(links.ReplacedLink):
        services.confirmation_record(token=old, outcome="confirmed", now=later)
    services.confirmation_record(token=token_of(a), outcome="confirmed", now=later)
    # Answered: nothing left to reissue.
    with translation.override("en"), pytest.raises(services.RuleViolation, match="already answered"):
        services.link_reissue(scope=provider_scope(club), link_id=record.pk, now=later)


def test_it_refuses_an_expired_link(db: None) -> None:
    _, token = submitted(Club())
    with pytest.raises(links.ExpiredLink):
        services.confirmation_record(token=token, outcome="confirmed", now=timezone.now() + dt.timedelta(days=11))


def test_it_accepts_a_link_once(db: None) -> None:
    _, token = submitted(Club())
    services.confirmation_record(token=token, outcome="confirmed")
    with pytest.raises(links.ReusedLink):
        services.confirmation_record(token=token, outcome="disputed")
    assert m.Confirmation.objects.count() == 1 and m.Confirmation.objects.get().outcome == "confirmed"


def test_it_refuses_the_second_of_two_racing_clicks_by_the_unique_nonce(db: None, monkeypatch: Any) -> None:
    _, token = submitted(Club())
    services.confirmation_record(token=token, outcome="confirmed")
    # The second request checked before the first one committed: the check says "unused"...
    monkeypatch.setattr(services._UsedNonces, "__contains__", lambda self, nonce: False)
    with pytest.raises(links.ReusedLink):  # ...and the UNIQUE nonce refuses its insert
        services.confirmation_record(token=token, outcome="disputed")
    assert m.Confirmation.objects.count() == 1


# ----- children, vouchers, allocation -----


def test_it_registers_children_aged_4_to_17_with_a_valid_iin(db: None) -> None:
    on = dt.date(2019, 10, 1)
    kid = services.child_register(
        iin=new_iin(dt.date(2015, 9, 30)),
        last_name="Омаров",
        first_name="Али",
        birth_date=dt.date(2015, 9, 30),
        district="talgar",
        on=on,
    )
    assert kid.pk
    for birth in (dt.date(2015, 10, 2), dt.date(2001, 10, 1)):  # three years old; eighteen today
        with pytest.raises(services.RuleViolation):
            services.child_register(
                iin=new_iin(birth), last_name="X", first_name="Y", birth_date=birth, district="talgar", on=on
            )
    with pytest.raises(services.RuleViolation):
        services.child_register(
            iin="123456789012", last_name="X", first_name="Y", birth_date=dt.date(2012, 1, 1), district="talgar", on=on
        )


def test_it_validates_a_providers_bin() -> None:
    with pytest.raises(ValidationError):
        m.validate_bin("180440000010")
    m.validate_bin("180440000019")


def test_it_keeps_one_live_voucher_per_child_in_the_service_and_the_database(db: None) -> None:
    child = Club.child()
    voucher = services.voucher_issue(child=child, valid_until=dt.date(2020, 5, 31), nominal_value=Decimal("30000"))
    with pytest.raises(services.RuleViolation):
        services.voucher_issue(child=child, valid_until=dt.date(2020, 5, 31), nominal_value=Decimal("30000"))
    with pytest.raises(IntegrityError), transaction.atomic():  # the index refuses what bypasses the service
        m.Voucher.objects.create(child=child, status="accepted", issued_on=OCT, valid_until=OCT, nominal_value=1)
    with pytest.raises(services.RuleViolation):  # issued -> active skips acceptance
        services.voucher_change(voucher=voucher, target="active")
    services.voucher_change(voucher=voucher, target="expired")
    again = services.voucher_issue(child=child, valid_until=dt.date(2020, 5, 31), nominal_value=Decimal("30000"))
    assert again.pk != voucher.pk  # an expired voucher frees the child's place


def test_it_enrols_with_the_voucher_following_the_child(db: None) -> None:
    club = Club()
    child = Club.child()
    voucher = services.voucher_issue(child=child, valid_until=dt.date(2020, 5, 31), nominal_value=Decimal("30000"))
    with pytest.raises(services.RuleViolation):  # not accepted yet
        services.enrolment_create(scope=provider_scope(club), voucher=voucher, group=club.group, start_date=OCT)
    services.voucher_change(voucher=voucher, target="accepted")
    enrolment = services.enrolment_create(scope=provider_scope(club), voucher=voucher, group=club.group, start_date=OCT)
    voucher.refresh_from_db()
    assert voucher.status == "active" and enrolment.voucher_id == voucher.pk
    with pytest.raises(NotFound):  # another provider cannot enrol into this group
        services.enrolment_create(scope=provider_scope(Club()), voucher=voucher, group=club.group, start_date=OCT)


def applications(n: int) -> list[m.Application]:
    at = local(dt.date(2019, 8, 1), "00:00:01")
    out = []
    for i in range(n):
        child = Club.child()
        priorities = ["orphan"] if i == n - 1 else []  # the last to apply is an orphan
        out.append(
            services.application_create(child=child, applied_at=at + dt.timedelta(hours=i), priorities=priorities)
        )
    return out


def allocate(**kwargs: Any) -> m.AllocationBatch:
    return services.allocation_run(
        scope=ANALYST, user=None, vouchers=3, valid_until=dt.date(2020, 5, 31), nominal_value=Decimal("30000"), **kwargs
    )


def test_it_allocates_by_priority_then_day_then_a_published_lottery(db: None) -> None:
    apps = applications(8)
    repeat = services.application_create(child=apps[0].child, applied_at=apps[0].applied_at + dt.timedelta(days=2))
    batch = allocate(salt="published-salt")
    ranks = dict(m.Application.objects.values_list("id", "rank"))
    assert ranks[apps[-1].pk] == 1  # the orphan first, though the last to apply
    assert ranks[repeat.pk] is None and m.Application.objects.get(pk=repeat.pk).duplicate_of_id == apps[0].pk
    assert batch.ranked == 8 and batch.allocated == 3 and m.Voucher.objects.filter(status="issued").count() == 3
    first = [a for a, _ in sorted(ranks.items(), key=lambda kv: kv[1] or 99)]
    # Deterministic: the same applications and salt give the same order.
    m.Voucher.objects.all().delete()
    m.Application.objects.update(batch=None, rank=None, allocated=None, duplicate_of=None)
    allocate(salt="published-salt")
    assert [a for a, _ in sorted(m.Application.objects.values_list("id", "rank"), key=lambda kv: kv[1] or 99)] == first


def test_it_ranks_each_application_in_one_batch_only_and_gives_no_second_voucher(db: None) -> None:
    apps = applications(4)
    allocate(salt="s1")
    assert allocate(salt="s2").ranked == 0  # nothing left to claim: no double allocation
    holder = apps[0].child
    services.application_create(child=holder, applied_at=timezone.now())
    if not m.Voucher.objects.filter(child=holder).exists():
        services.voucher_issue(child=holder, valid_until=dt.date(2020, 5, 31), nominal_value=Decimal("1"))
    batch = allocate(salt="s3")
    assert batch.ranked == 0 and batch.allocated == 0
    assert m.Voucher.objects.filter(child=holder).count() == 1


def test_it_lets_only_analysts_and_administrators_run_the_queue(db: None) -> None:
    with pytest.raises(NotAllowed):
        services.allocation_run(scope=OFFICER, user=None, vouchers=1, valid_until=OCT, nominal_value=Decimal(1))


# ----- cases -----


def test_it_walks_a_case_from_open_to_confirmed_fraud_with_notes(world: World, db: None) -> None:
    flag = m.Flag.objects.create(
        key="x:group:1:-", code="over_capacity", entity_kind="group", entity_id=1, district="talgar", evidence="e"
    )
    officer = world.users["officer"]
    with pytest.raises(services.RuleViolation):
        services.flag_case_update(scope=OFFICER, user=officer, flag=flag, status="confirmed")  # investigate first
    services.flag_case_update(scope=OFFICER, user=officer, flag=flag, status="investigating", note="visited the venue")
    services.flag_case_update(scope=OFFICER, user=officer, flag=flag, status="confirmed", note="12 seats, 19 listed")
    with pytest.raises(NotFound):
        services.flag_case_update(scope=OTHER_OFFICER, user=officer, flag=flag, status="dismissed")
    with pytest.raises(NotFound):  # a viewer does not read cases
        services.flag_case_update(scope=scope_for(world.users["viewer"]), user=officer, flag=flag, status="dismissed")
    flag.refresh_from_db()
    assert flag.status == "confirmed" and flag.updated_by == officer
    assert list(flag.notes.values_list("status_from", "status_to", "text")) == [
        ("open", "investigating", "visited the venue"),
        ("investigating", "confirmed", "12 seats, 19 listed"),
    ]


# ----- the demo command -----


def test_it_loads_the_demo_world_twice_without_duplicates_and_prints_a_provider_login(
    world: World, db: None, capsys: Any
) -> None:
    call_command("birtizim_vouchers_demo", months=1)
    counts = (m.Child.objects.count(), m.Mark.objects.count(), m.Flag.objects.count())
    out = capsys.readouterr().out
    assert counts[0] >= 100 and counts[1] > 0
    call_command("birtizim_vouchers_demo", months=1)
    assert (m.Child.objects.count(), m.Mark.objects.count(), m.Flag.objects.count()) == counts
    # Each parent link belongs to its group's first timesheet of the month (one set-based UPDATE).
    first: dict[tuple[int, Any], int] = {}
    for group, period, sheet in m.Timesheet.objects.order_by("group_id", "period", "created_at", "id").values_list(
        "group_id", "period", "id"
    ):
        first.setdefault((group, period), sheet)
    links = list(m.ConfirmationLink.objects.values_list("enrolment__group_id", "period", "timesheet_id"))
    assert links and all(sheet == first.get((group, period)) for group, period, sheet in links)
    assert any(sheet is not None for _, _, sheet in links)
    assert "provider" in out and "BIN" in out
    user = m.Provider.objects.get(bin=scope_for(_provider_user()).organisation)
    assert user.pk in {pid for ids in m.Flag.objects.values_list("provider_ids", flat=True) for pid in ids}


def _provider_user() -> Any:
    from django.contrib.auth.models import User

    return User.objects.get(username="provider")
