"""Editing an object's facts that are not contract terms: administrators and analysts only, the
responsible officer chosen among the district's officers, who and when recorded, nothing recomputed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import World
from django.test import Client
from test_projects_world import ADMIN, Objects, build_objects

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.common.errors import NotAllowed, NotFound
from birtizim.web.projects import services
from birtizim.web.projects.models import Project

# Assertions below read the source-language words of refusals and form errors.
pytestmark = pytest.mark.usefixtures("in_english")


@pytest.fixture
def objects(world: World, db: None) -> Objects:
    return build_objects(world)


EDITABLE = ("name", "locality", "address", "deadline_reason", "contract_number")


def edit_post(project: Project, **changes: Any) -> dict[str, Any]:
    """The edit form as posted: the object's facts as they are, with ``changes``."""
    values = {name: getattr(project, name) for name in EDITABLE}
    return {**values, "responsible": project.responsible_id or "", **changes}


def update(project: Project, scope: Scope = ADMIN, **changes: Any) -> Project:
    values = {name: getattr(project, name) for name in EDITABLE}
    return services.project_update(
        scope=scope, user=None, project=project, **{**values, "responsible": project.responsible, **changes}
    )


def test_only_administrators_and_analysts_edit_and_another_district_is_404(objects: Objects, client_for: Any) -> None:
    url = f"/projects/{objects.home.pk}/edit/"
    post = edit_post(objects.home, name="Renamed")
    for name, status in [("officer", 403), ("viewer", 403), ("outsider", 403), ("other_officer", 404)]:
        client = client_for(name)
        assert client.get(url).status_code == status, name
        assert client.post(url, post).status_code == status, name
    anonymous = Client().post(url, post)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert Project.objects.get(pk=objects.home.pk).name == objects.home.name  # nobody above changed it
    for name in ("admin", "analyst"):
        assert client_for(name).get(url).status_code == 200, name


def test_an_analyst_edits_the_facts_and_the_edit_is_recorded(objects: Objects, client_for: Any, world: World) -> None:
    project = objects.home
    snapshot_before = project.snapshot.computed_at
    deadline, budget = project.deadline, project.budget
    post = edit_post(
        project,
        name="  СШ им. Ракишева ",
        locality="с. Лесновка",
        address="ул. Школьная, 2",
        deadline_reason="Первое сентября",
        contract_number="№ 17/2025",
        responsible="",
        deadline="2026-01-01",  # not a field of this form: ignored
        budget="1",
    )
    response = client_for("analyst").post(f"/projects/{project.pk}/edit/", post)
    assert response.status_code == 302 and response["Location"] == f"/projects/{project.pk}/"
    project.refresh_from_db()
    assert (project.name, project.locality, project.address) == ("СШ им. Ракишева", "с. Лесновка", "ул. Школьная, 2")
    assert (project.deadline_reason, project.contract_number) == ("Первое сентября", "№ 17/2025")
    assert project.responsible is None
    assert project.edited_by == world.users["analyst"] and project.edited_at is not None
    assert (project.deadline, project.budget) == (deadline, budget)
    project.snapshot.refresh_from_db()
    assert project.snapshot.computed_at == snapshot_before  # nothing the forecast reads changed
    page = client_for("officer").get(f"/projects/{project.pk}/").content.decode()
    assert 'id="edited"' in page and "analyst" in page and "СШ им. Ракишева" in page


def test_the_form_offers_only_the_districts_officers_and_refuses_others(
    objects: Objects, client_for: Any, world: World
) -> None:
    url = f"/projects/{objects.home.pk}/edit/"
    admin = client_for("admin")
    page = admin.get(url).content.decode()
    offered = set(re.findall(r'<option value="(\d+)"', page))
    assert offered == {str(world.users["officer"].pk)}  # Talgar's officer; not Karasay's, not the admin
    assert 'id="contract-terms"' in page and f'href="/projects/{objects.home.pk}/changes/new/"' in page
    for someone in ("other_officer", "admin", "analyst"):
        response = admin.post(url, edit_post(objects.home, responsible=world.users[someone].pk))
        assert response.status_code == 400, someone
    assert Project.objects.get(pk=objects.home.pk).responsible == world.users["officer"]


@pytest.mark.parametrize("field", ["name", "locality", "deadline_reason", "contract_number"])
def test_a_required_fact_cannot_be_emptied(objects: Objects, client_for: Any, field: str) -> None:
    response = client_for("admin").post(f"/projects/{objects.home.pk}/edit/", edit_post(objects.home, **{field: " "}))
    assert response.status_code == 400
    fresh = Project.objects.get(pk=objects.home.pk)
    assert getattr(fresh, field) == getattr(objects.home, field) and fresh.edited_at is None


def test_the_service_checks_the_responsible_officers_district(objects: Objects, world: World) -> None:
    other = objects.other  # Karasay, nobody responsible
    with pytest.raises(services.ProjectsError, match="officer of this object's district"):
        update(other, responsible=world.users["officer"])  # Talgar's officer
    with pytest.raises(services.ProjectsError):
        update(other, responsible=world.users["admin"])
    assert update(other, responsible=world.users["other_officer"]).responsible == world.users["other_officer"]
    # One already responsible stays through an edit that does not change them.
    Project.objects.filter(pk=objects.home.pk).update(responsible=world.users["admin"])
    home = Project.objects.get(pk=objects.home.pk)
    assert update(home, name="Новое имя", responsible=world.users["admin"]).name == "Новое имя"


def test_the_service_refuses_officers_and_other_districts(objects: Objects) -> None:
    with pytest.raises(NotAllowed):
        update(objects.home, scope=Scope(Role.OFFICER, frozenset({objects.home.district})), name="x")
    analyst_elsewhere = Scope(Role.ANALYST, frozenset({"karasay"}))  # not a real analyst; the check holds anyway
    with pytest.raises(NotFound):
        update(objects.home, scope=analyst_elsewhere, name="x")
    assert Project.objects.get(pk=objects.home.pk).name == objects.home.name


def test_an_unchanged_form_records_no_edit(objects: Objects, client_for: Any) -> None:
    response = client_for("admin").post(f"/projects/{objects.home.pk}/edit/", edit_post(objects.home))
    assert response.status_code == 302
    assert Project.objects.get(pk=objects.home.pk).edited_at is None


def test_the_edit_link_shows_for_those_who_may_edit(objects: Objects, client_for: Any) -> None:
    url = f"/projects/{objects.home.pk}/"
    assert 'id="edit-link"' in client_for("analyst").get(url).content.decode()
    assert 'id="edit-link"' in client_for("admin").get(url).content.decode()
    assert 'id="edit-link"' not in client_for("officer").get(url).content.decode()


@pytest.mark.django_db
def test_the_project_form_offers_each_regions_districts_once_and_not_the_synthetic_country() -> None:
    from birtizim.reference import COUNTRY, regions
    from birtizim.web.projects.forms import ProjectForm

    field = ProjectForm(districts=None).fields["place"]
    choices = [str(value) for value, _ in field.choices]  # type: ignore[attr-defined]
    assert "almaty-2019:talgar" in choices and f"shymkent:{regions()['shymkent'].districts[0].code}" in choices
    assert not [c for c in choices if c.startswith(f"{COUNTRY}:")]
    assert len(choices) == len(set(choices)) == sum(len(r.districts) for r in regions().values() if r.code != COUNTRY)
