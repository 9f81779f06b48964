"""No page writes: a GET leaves every table as it was, whatever it shows (the audit log aside, whose
job is to record that someone looked). Flags and forecasts move with the writes that change them and
with the scheduled commands, never because a page was opened."""

from __future__ import annotations

import io
from typing import Any

from conftest import HOME, World
from django.apps import apps
from django.core.management import call_command
from test_projects_world import D, build_objects
from test_vouchers_builder import OCT, Club, login

from birtizim.web.demo.outreach import demo_load
from birtizim.web.outreach.models import DistrictReport, Evaluation
from birtizim.web.projects import services as projects_services

WATCHED = ("accounts", "registry", "projects", "vouchers", "outreach", "auth")


def tables() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every watched table, in key order."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values_list())
        for label in WATCHED
        for model in apps.get_app_config(label).get_models()
    }


def assert_gets_write_nothing(client: Any, urls: list[str]) -> None:
    before = tables()
    assert sum(len(rows) for rows in before.values()) > 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    changed = [name for name, rows in tables().items() if rows != before[name]]
    assert changed == []


def test_it_writes_nothing_when_the_single_list_is_read(world: World, client_for: Any) -> None:
    urls = ["/", "/figures.xlsx", "/worklists/", f"/worklists/{HOME}/", f"/worklists/{HOME}/export.xlsx"]
    urls += ["/uploads/", "/runs/", f"/runs/{world.run.pk}/", "/audit/"]
    assert_gets_write_nothing(client_for("admin"), urls)


def test_it_writes_nothing_when_an_object_with_a_stale_forecast_is_opened(world: World, client_for: Any) -> None:
    objects = build_objects(world)
    projects_services.clock_pin(as_of=D(2025, 7, 10))  # every snapshot is now older than the clock
    pk = objects.home.pk
    urls = ["/projects/", f"/projects/{pk}/", f"/projects/{pk}/baselines/", "/projects/alerts/"]
    assert_gets_write_nothing(client_for("admin"), urls)


def test_it_writes_nothing_when_flags_the_checks_would_change_are_read(world: World, client_for: Any) -> None:
    demo_load(seed=1)
    # Behind the services' back (as time passing would): the next pass of the checks would differ.
    DistrictReport.objects.filter(pk=DistrictReport.objects.order_by("pk").values("pk")[:1]).update(
        reported_actualisation=0.0
    )
    urls = ["/outreach/", "/outreach/flags.xlsx", "/outreach/follow-up/", f"/outreach/districts/{HOME}/"]
    urls += ["/outreach/surveys/"]
    assert_gets_write_nothing(client_for("admin"), urls)
    evaluations = Evaluation.objects.count()
    call_command("birtizim_outreach_flags", stdout=io.StringIO())  # the scheduled pass picks the change up
    assert Evaluation.objects.count() == evaluations + 1


def test_it_writes_nothing_when_a_club_and_the_programme_are_read(world: World, client_for: Any) -> None:
    club = Club()
    child = club.enrol()
    session = club.session(OCT.replace(day=14))
    club.mark(session, child)
    urls = ["/vouchers/groups/", f"/vouchers/groups/{club.group.pk}/", f"/vouchers/sessions/{session.pk}/"]
    assert_gets_write_nothing(login(club.user("club")), urls)
    urls = ["/vouchers/dashboard/", "/vouchers/flags/", "/vouchers/timesheets/", "/vouchers/children/"]
    urls += ["/vouchers/queue/", "/vouchers/queue/applications/", f"/vouchers/groups/{club.group.pk}/"]
    assert_gets_write_nothing(client_for("admin"), urls)
