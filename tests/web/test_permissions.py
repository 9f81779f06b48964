"""The one permission table (accounts.permissions) and the one place its refusals become responses."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.permissions import GRANTS, Action, allowed, may, require
from birtizim.web.accounts.scope import NOBODY, Scope
from birtizim.web.common.errors import Conflict, NotAllowed, NotFound
from birtizim.web.common.middleware import DomainErrors

ADMIN = Scope(Role.ADMIN, None)
ANALYST = Scope(Role.ANALYST, None)
OFFICER = Scope(Role.OFFICER, frozenset({"talgar"}))
VIEWER = Scope(Role.VIEWER, None)
PROVIDER = Scope(Role.PROVIDER, frozenset(), "123456789012")
WEB = Path(__file__).resolve().parents[2] / "src" / "birtizim" / "web"


def test_it_gives_every_role_a_line_and_nobody_anything() -> None:
    assert set(GRANTS) == set(Role.values)
    assert not any(allowed(NOBODY).values())


def test_it_shows_a_viewer_figures_and_no_resident() -> None:
    assert may(VIEWER, Action.FIGURES_READ) and may(VIEWER, Action.PROJECTS_READ)
    assert not may(VIEWER, Action.PEOPLE_READ) and not may(VIEWER, Action.IIN_REVEAL)


def test_it_bounds_an_officer_by_district() -> None:
    assert may(OFFICER, Action.OUTCOME_RECORD, district="talgar")
    assert not may(OFFICER, Action.OUTCOME_RECORD, district="karasay")
    assert not may(OFFICER, Action.RUN)


def test_it_bounds_a_provider_by_organisation_never_by_district() -> None:
    assert may(PROVIDER, Action.PROVIDER_WORK, organisation="123456789012")
    assert not may(PROVIDER, Action.PROVIDER_WORK, organisation="999999999999")
    assert not may(PROVIDER, Action.PROVIDER_READ, district="talgar")  # no organisation named: no district helps
    assert may(PROVIDER, Action.PROVIDER_READ)
    assert not may(Scope(Role.PROVIDER, frozenset(), None), Action.PROVIDER_READ)  # a provider without a BIN
    assert not may(PROVIDER, Action.PEOPLE_READ)


def test_it_keeps_approval_with_the_administrator() -> None:
    assert [s.role for s in (ADMIN, ANALYST, OFFICER, VIEWER, PROVIDER) if may(s, Action.TIMESHEET_APPROVE)] == [
        Role.ADMIN
    ]


def test_it_refuses_with_not_allowed() -> None:
    with pytest.raises(NotAllowed):
        require(ANALYST, Action.AUDIT_READ)
    require(ADMIN, Action.AUDIT_READ)


@pytest.mark.parametrize(("error", "status"), [(NotAllowed("x"), 403), (NotFound("x"), 404), (Conflict("late"), 409)])
def test_it_answers_domain_errors_with_their_status(error: Exception, status: int) -> None:
    def view(request: object) -> HttpResponse:
        raise AssertionError("not called")

    request = RequestFactory().get("/")
    response = DomainErrors(view).process_exception(request, error)
    assert response is not None and response.status_code == status


def test_it_leaves_other_exceptions_to_django() -> None:
    request = RequestFactory().get("/")
    assert DomainErrors(lambda r: HttpResponse()).process_exception(request, ValueError("x")) is None


def _raised_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Raise) and node.exc is not None:
            target = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if isinstance(target, ast.Name):
                names.add(target.id)
    return names


def test_services_and_selectors_raise_domain_errors_not_http_ones() -> None:
    files = sorted(WEB.rglob("services.py")) + sorted(WEB.rglob("selectors.py"))
    assert len(files) >= 8
    found = {str(p.relative_to(WEB)): _raised_names(p) & {"Http404", "PermissionDenied"} for p in files}
    assert {k: v for k, v in found.items() if v} == {}
