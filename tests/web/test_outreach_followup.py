"""A flagged figure is assigned, answered and closed (or reopened), by the right people only, and
each step says who and when. Services are tested without HTTP; the htmx row is tested through it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import HOME, OTHER, World
from django.utils import timezone, translation

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope, scope_for
from birtizim.web.common.errors import NotAllowed, NotFound
from birtizim.web.outreach import services
from birtizim.web.outreach.models import DistrictReport, FollowUp

ADMIN = Scope(Role.ADMIN, None)
ANALYST = Scope(Role.ANALYST, None)
KEY = f"report_filled_in:{HOME}:2019-10"


@pytest.fixture
def flag(world: World, db: None) -> FollowUp:
    """Talgar's October report without its actualisation: one low flag to follow up."""
    services.report_submit(
        scope=scope_for(world.users["officer"]),
        user=world.users["officer"],
        district=HOME,
        period="2019-10",
        reach_share=0.2,
        actualisation=None,
    )
    return FollowUp.objects.get(key=KEY)


def as_(world: World, name: str) -> dict[str, Any]:
    return {"scope": scope_for(world.users[name]), "user": world.users[name]}


def test_it_goes_from_open_to_closed_and_records_who_and_when(world: World, flag: FollowUp) -> None:
    before = timezone.now()
    officer = world.users["officer"]
    flag = services.followup_assign(**as_(world, "analyst"), follow_up=flag, assignee=officer)
    assert (flag.state, flag.assigned_to, flag.assigned_by) == ("assigned", officer, world.users["analyst"])
    flag = services.followup_answer(**as_(world, "officer"), follow_up=flag, answer="Forgot the second figure; sent.")
    assert (flag.state, flag.answered_by) == ("answered", officer)
    flag = services.followup_close(**as_(world, "admin"), follow_up=flag, note="Report corrected.")
    assert (flag.state, flag.closed_by, flag.close_note) == ("closed", world.users["admin"], "Report corrected.")
    steps = list(flag.steps.values_list("action", "by__username", "assignee__username", "note"))
    assert steps == [
        ("raised", None, None, ""),
        ("assigned", "analyst", "officer", ""),
        ("answered", "officer", None, "Forgot the second figure; sent."),
        ("closed", "admin", None, "Report corrected."),
    ]
    times = list(flag.steps.values_list("at", flat=True))
    assert times == sorted(times) and all(before <= at <= timezone.now() for at in times[1:])
    # The sentence and the numbers stay as raised, whatever happens to the data afterwards.
    assert "актуализация н/д" in flag.texts["ru"] and flag.numbers["reported_reach_share"] == pytest.approx(0.2)


def test_an_answer_sent_back_is_answered_again(world: World, flag: FollowUp) -> None:
    flag = services.followup_assign(**as_(world, "admin"), follow_up=flag, assignee=world.users["officer"])
    flag = services.followup_answer(**as_(world, "officer"), follow_up=flag, answer="Typo.")
    flag = services.followup_reopen(**as_(world, "admin"), follow_up=flag, note="Which figure?")
    assert (flag.state, flag.assigned_to) == ("reopened", world.users["officer"])
    flag = services.followup_answer(**as_(world, "officer"), follow_up=flag, answer="Actualisation, 91%.")
    assert (flag.state, flag.answer) == ("answered", "Actualisation, 91%.")
    flag = services.followup_close(**as_(world, "analyst"), follow_up=flag, note="OK")
    flag = services.followup_reopen(**as_(world, "analyst"), follow_up=flag)  # closed too early
    assert flag.state == "reopened"


@pytest.mark.parametrize(
    ("steps", "illegal"),
    [
        ([], "answer"),  # nobody was asked yet
        ([], "close"),  # an open flag that still fires is not closed without an answer
        ([], "reopen"),
        (["assign"], "close"),
        (["assign", "answer"], "assign"),  # answered: close or send back, not reassign
        (["assign", "answer"], "answer"),
        (["assign", "answer", "close"], "close"),
        (["assign", "answer", "close"], "answer"),
    ],
)
def test_steps_out_of_order_are_refused(world: World, flag: FollowUp, steps: list[str], illegal: str) -> None:
    def do(step: str) -> FollowUp:
        if step == "assign":
            return services.followup_assign(**as_(world, "admin"), follow_up=flag, assignee=world.users["officer"])
        if step == "answer":
            return services.followup_answer(**as_(world, "officer"), follow_up=flag, answer="a")
        if step == "close":
            return services.followup_close(**as_(world, "admin"), follow_up=flag, note="n")
        return services.followup_reopen(**as_(world, "admin"), follow_up=flag)

    for step in steps:
        flag = do(step)
    state = flag.state
    with pytest.raises(services.TransitionError):
        do(illegal)
    flag.refresh_from_db()
    assert flag.state == state and flag.steps.count() == 1 + len(steps)


@translation.override("en")  # the refusals' words as written in the source, not as a .po file has them
def test_only_the_right_people_take_each_step(world: World, flag: FollowUp) -> None:
    officer = world.users["officer"]
    with pytest.raises(NotAllowed):  # officers answer, they do not assign
        services.followup_assign(**as_(world, "officer"), follow_up=flag, assignee=officer)
    with pytest.raises(NotAllowed):
        services.followup_assign(**as_(world, "viewer"), follow_up=flag, assignee=officer)
    with pytest.raises(services.OutreachError, match="not an officer of this district"):
        services.followup_assign(**as_(world, "admin"), follow_up=flag, assignee=world.users["other_officer"])
    flag = services.followup_assign(**as_(world, "admin"), follow_up=flag, assignee=officer)
    with pytest.raises(NotFound):  # Karasay's officer does not see Talgar's flag at all
        services.followup_answer(**as_(world, "other_officer"), follow_up=flag, answer="x")
    with pytest.raises(NotAllowed):  # leadership asks, districts answer
        services.followup_answer(**as_(world, "admin"), follow_up=flag, answer="x")
    with pytest.raises(services.OutreachError, match="Write the answer"):
        services.followup_answer(**as_(world, "officer"), follow_up=flag, answer="   ")
    flag = services.followup_answer(**as_(world, "officer"), follow_up=flag, answer="x")
    for name in ("officer", "viewer", "outsider"):
        with pytest.raises(NotAllowed):
            services.followup_close(**as_(world, name), follow_up=flag, note="n")
    with pytest.raises(services.OutreachError, match="why the flag is closed"):
        services.followup_close(**as_(world, "admin"), follow_up=flag, note="")
    assert FollowUp.objects.get(pk=flag.pk).state == "answered"


def test_a_flag_that_no_longer_fires_may_be_closed_unanswered(world: World, flag: FollowUp) -> None:
    DistrictReport.objects.filter(district=HOME, period="2019-10").update(reported_actualisation=0.9)
    services.flags_sync()
    flag.refresh_from_db()
    assert (flag.flagged, flag.state) == (False, "open")
    flag = services.followup_close(**as_(world, "admin"), follow_up=flag, note="Corrected before anyone asked.")
    assert flag.state == "closed"
    assert list(flag.steps.values_list("action", flat=True)) == ["raised", "cleared", "closed"]
    assert FollowUp.objects.filter(key=KEY).count() == 1  # kept, never deleted
    # The figure goes missing again: the same follow-up is open again, with the new numbers.
    DistrictReport.objects.filter(district=HOME, period="2019-10").update(
        reported_reach_share=0.3, reported_actualisation=None
    )
    services.flags_sync()
    flag.refresh_from_db()
    assert (flag.flagged, flag.state, flag.numbers["reported_reach_share"]) == (True, "open", pytest.approx(0.3))
    assert list(flag.steps.values_list("action", flat=True))[-1] == "raised_again"


def test_two_people_closing_at_once_do_not_both_succeed(world: World, flag: FollowUp) -> None:
    flag = services.followup_assign(**as_(world, "admin"), follow_up=flag, assignee=world.users["officer"])
    flag = services.followup_answer(**as_(world, "officer"), follow_up=flag, answer="a")
    stale = FollowUp.objects.get(pk=flag.pk)  # the second person's page, loaded before the first closed it
    services.followup_close(**as_(world, "admin"), follow_up=flag, note="first")
    with pytest.raises(services.TransitionError):
        services.followup_close(**as_(world, "analyst"), follow_up=stale, note="second")
    assert FollowUp.objects.get(pk=flag.pk).close_note == "first"


# ---- through HTTP, as htmx rows -----------------------------------------------------------------


def test_the_whole_round_through_htmx_rows(world: World, flag: FollowUp, client_for: Any) -> None:
    admin, officer = client_for("admin"), client_for("officer")
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": f"followup-{flag.pk}"}
    listing = admin.get(f"/outreach/follow-up/?district={HOME}").content.decode()
    assert f'<option value="{world.users["officer"].pk}"' in listing  # Talgar's officer is offered...
    assert f'<option value="{world.users["other_officer"].pk}"' not in listing  # ...Karasay's is not

    response = admin.post(f"/outreach/follow-up/{flag.pk}/assign/", {"assignee": world.users["officer"].pk}, **htmx)
    html = response.content.decode()
    assert response.status_code == 200 and html.startswith(f'<tr id="followup-{flag.pk}"')
    assert 'data-state="assigned"' in html

    # The officer sees the answer form on their list; leadership does not.
    assert 'name="answer"' in officer.get("/outreach/follow-up/").content.decode()
    assert 'name="answer"' not in admin.get("/outreach/follow-up/").content.decode()
    response = officer.post(f"/outreach/follow-up/{flag.pk}/answer/", {"answer": "Sent the corrected report."}, **htmx)
    assert 'data-state="answered"' in response.content.decode()

    refused = officer.post(f"/outreach/follow-up/{flag.pk}/answer/", {"answer": "again"}, **htmx)
    assert refused.status_code == 409 and 'role="alert"' in refused.content.decode()

    empty = admin.post(f"/outreach/follow-up/{flag.pk}/close/", {"note": ""}, **htmx)
    assert empty.status_code == 400 and FollowUp.objects.get(pk=flag.pk).state == "answered"
    response = admin.post(f"/outreach/follow-up/{flag.pk}/close/", {"note": "Thank you."})
    assert response.status_code == 302 and response["Location"] == f"/outreach/follow-up/{flag.pk}/"
    detail = admin.get(f"/outreach/follow-up/{flag.pk}/").content.decode()
    assert 'data-state="closed"' in detail and "Sent the corrected report." in detail
    assert '<a href="/outreach/follow-up/" class="on">' in detail  # the tab of the list the flag is in
    assert [a for a in ("raised", "assigned", "answered", "closed") if f'data-action="{a}"' in detail] == [
        "raised",
        "assigned",
        "answered",
        "closed",
    ]


def test_the_list_filters_by_state_and_district(world: World, flag: FollowUp, client_for: Any) -> None:
    admin = client_for("admin")
    services.followup_assign(**as_(world, "admin"), follow_up=flag, assignee=world.users["officer"])
    assigned = admin.get("/outreach/follow-up/?state=assigned").content.decode()
    opened = admin.get("/outreach/follow-up/?state=open").content.decode()
    assert f'data-key="{KEY}"' in assigned and f'data-key="{KEY}"' not in opened
    karasay = admin.get(f"/outreach/follow-up/?district={OTHER}").content.decode()
    assert f'data-key="{KEY}"' not in karasay and f'data-key="report_missing:{OTHER}:2019-10"' in karasay
    partial = admin.get("/outreach/follow-up/?state=assigned", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="followups-table")
    assert "<html" not in partial.content.decode() and f'data-key="{KEY}"' in partial.content.decode()


def test_raised_dates_are_today(world: World, flag: FollowUp) -> None:
    assert timezone.localtime(flag.raised_at).date() == timezone.localdate()
    assert flag.raised_at.date() >= dt.date(2024, 1, 1)
