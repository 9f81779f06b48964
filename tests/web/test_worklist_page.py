"""The work list page stays light: one read of the run's tables per page, and the outcome form of a row
only when the officer asks for it (a button per row, the form loaded by htmx)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import HOME, OTHER, World, person_in

from birtizim import engine
from birtizim.web.registry import selectors


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every query the web sends to a run's DuckDB file, in order."""
    seen: list[str] = []
    for name in ("run_rows", "run_value"):
        original = getattr(engine, name)

        def counted(path: Any, sql: str, params: Any = None, _original: Any = original) -> Any:
            seen.append(sql)
            return _original(path, sql, params)

        monkeypatch.setattr(engine, name, counted)
    return seen


def test_a_work_list_page_reads_the_run_once_and_renders_no_form_per_row(
    world: World, client_for: Any, reads: list[str]
) -> None:
    biggest = engine.run_rows(_path(world), "SELECT district, count(*) AS n FROM worklist GROUP BY 1 ORDER BY 2 DESC")[
        0
    ]
    from birtizim.web.registry import worklist_table

    worklist_table.run_columns(world.run.folder)  # which columns the run has: read once per process
    reads.clear()
    admin = client_for("admin")
    page = admin.get(f"/worklists/{biggest['district']}/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="worklist-table")
    assert page.status_code == 200 and len(reads) == 1
    html = page.content.decode()
    rows = html.count('<tr id="person-')
    assert rows == min(biggest["n"], selectors.PAGE_SIZE) > 0
    assert "<form" not in html and "<select" not in html and "<textarea" not in html
    assert html.count('class="link record-outcome"') == rows


def test_the_page_count_comes_with_the_rows_and_a_page_past_the_end_shows_the_last(world: World, db: None) -> None:
    from birtizim.web.accounts.models import Role
    from birtizim.web.accounts.scope import Scope

    analyst = Scope(Role.ANALYST, None)
    first = selectors.worklist_page(scope=analyst, run=world.run, district=HOME)
    total = int(
        engine.run_value(world.run.folder and _path(world), "SELECT count(*) FROM worklist WHERE district = ?", [HOME])
    )
    assert first.total == total and first.pages == -(-total // selectors.PAGE_SIZE)
    last = selectors.worklist_page(scope=analyst, run=world.run, district=HOME, page=10_000)
    assert last.number == first.pages and 0 < len(last.rows) <= selectors.PAGE_SIZE
    nobody = selectors.worklist_page(scope=analyst, run=world.run, district=HOME, query="zzzzzz")
    assert (nobody.total, nobody.rows, nobody.number) == (0, [], 1)


def _path(world: World) -> Any:
    from birtizim.web.registry import runstore

    return runstore.run_path(world.run.folder)


def test_the_outcome_form_of_a_row_loads_on_demand_within_the_scope(world: World, client_for: Any) -> None:
    pid = person_in(world, HOME)
    form = client_for("officer").get(f"/people/{pid}/outcome/", HTTP_HX_REQUEST="true")
    html = form.content.decode()
    assert form.status_code == 200 and f'hx-post="/people/{pid}/outcome/"' in html and 'name="result"' in html
    assert client_for("other_officer").get(f"/people/{pid}/outcome/").status_code == 404
    assert client_for("viewer").get(f"/people/{pid}/outcome/").status_code == 403
    assert client_for("analyst").get(f"/people/{pid}/outcome/").status_code == 403  # analysts record nothing
    recorded = client_for("officer").post(f"/people/{pid}/outcome/", {"result": "not_reached"}, HTTP_HX_REQUEST="true")
    assert recorded.status_code == 200 and 'data-result="not_reached"' in recorded.content.decode()
    assert client_for("other_officer").get(f"/worklists/{OTHER}/").status_code == 200
