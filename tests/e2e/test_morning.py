"""An officer's morning on a phone, in a real headless Chromium (Debian's) at 390 x 844: the work list as
a plan for the day (reasons and actions, no sideways scroll), three outcomes of different kinds recorded
(one first refused by the engine's validation), the "not yet worked" filter; then the next run, made
through the web's own services, shows what the officer reported beside the agencies' data.
Screenshots go to test-artifacts/morning-*.png."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from harness import ARTIFACTS, Server, browser_page, log_in, needs_chromium, serve

from birtizim import engine
from birtizim.synth import synthesize

pytestmark = needs_chromium
PHONE = {"width": 390, "height": 844}
USERS = (
    "from birtizim.web.accounts.services import user_create as u;"
    "u(username='analyst', password='e2e-password-42', role='analyst');"
    "u(username='officer', password='e2e-password-42', role='officer', districts=['talgar'])"
)
# A run through the web's services, as the worker makes one, published by the analyst (with a note when the
# comparison warns: the same files as the run before).
RUN = """
from django.contrib.auth.models import User
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.registry import services
analyst = User.objects.get(username='analyst')
scope = Scope(Role.ANALYST, None)
services.run_create(scope=scope, user=analyst)
run = services.run_execute(services.run_claim_next())
assert run.state == 'succeeded', run.error
services.run_publish(scope=scope, user=analyst, run=run, acknowledged=True, note='the officers outcomes')
"""


def _uploads(region: Path) -> str:
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    files = [(s["kind"], str(region / s["path"])) for s in manifest["sources"]]
    return f"""
from pathlib import Path
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.registry import services
for kind, path in {files!r}:
    services.upload_create(scope=Scope(Role.ANALYST, None), user=User.objects.get(username='analyst'), kind=kind,
                           file=SimpleUploadedFile(Path(path).name, Path(path).read_bytes()))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    region = tmp_path_factory.mktemp("region")
    synthesize(region="almaty-2019", residents=2_000, seed=11, out=region)
    with serve(tmp_path_factory.mktemp("web"), setup=USERS + "\n" + _uploads(region) + RUN, worker=False) as running:
        yield running


def _newest_run(data: Path) -> Path:
    return max((data / "runs").iterdir(), key=lambda p: int(p.name.split(".")[0])) / "run.duckdb"


def _read(path: Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px screen"


def _record(page: Any, pid: int, result: str, **fields: str) -> None:
    """Open the row's outcome form (htmx), choose the result, fill the fields it needs, record."""
    row = page.locator(f"#person-{pid}")
    if row.locator("form.outcome").count() == 0:
        row.locator("a.record-outcome").click()
    form = row.locator("form.outcome")
    form.locator("select[name=result]").select_option(result)
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator("button").click()


def test_an_officers_morning_on_a_phone(server: Server) -> None:
    from playwright.sync_api import expect

    url, data = server.url, server.data
    first_run = _newest_run(data)
    order = "priority, status, last_name, first_name, patronymic, birth_date, iin"
    top = [r[0] for r in _read(first_run, f"SELECT person_id FROM worklist WHERE district = 'talgar' ORDER BY {order}")]
    # a resident born after 1976 on the first page: "pensioner" is refused for them
    young = _read(
        first_run,
        f"""SELECT person_id FROM (SELECT person_id, birth_date, row_number() OVER (ORDER BY {order}) AS n
            FROM worklist WHERE district = 'talgar') WHERE n <= 50 AND year(birth_date) BETWEEN 1977 AND 1995
            ORDER BY n LIMIT 1""",
    )[0][0]
    not_reached, deceased = [p for p in top if p != young][:2]
    with browser_page() as page:
        page.set_viewport_size(PHONE)
        log_in(page, url, "officer")
        page.goto(url + "/worklists/talgar/")
        first = page.locator("table.worklist tbody tr").first
        expect(first.locator("td.reason")).not_to_be_empty()
        expect(first.locator("td.action")).not_to_be_empty()
        reason, facts, action = _read(
            first_run, "SELECT reason, reason_facts, action FROM worklist WHERE person_id = ?", [top[0]]
        )[0]
        expect(first.locator("td.reason")).to_contain_text(engine.sentence("reason", reason, facts, "ru"))
        expect(first.locator("td.action")).to_have_text(engine.word("action", action, "ru"))
        assert first.get_attribute("id") == f"person-{top[0]}"  # the engine's first priority comes first
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "morning-worklist.png"), full_page=False)

        _record(page, not_reached, "not_reached")
        expect(page.locator(f"#person-{not_reached} .outcome-done")).to_have_attribute("data-result", "not_reached")

        _record(page, young, "actualised", category="pensioner")  # refused: too young for a pension
        refusal = page.locator(f"#person-{young} form.outcome .error")
        expect(refusal.first).to_contain_text(engine.word("outcome_problem", "category_age", "ru"))
        _no_sideways_scroll(page)
        page.locator(f"#person-{young}").scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / "morning-refused.png"), full_page=False)
        _record(page, young, "will_pay", follow_up="2099-01-15")
        expect(page.locator(f"#person-{young} .outcome-done")).to_have_attribute("data-result", "will_pay")

        _record(page, deceased, "deceased", on_date="2019-11-12")
        expect(page.locator(f"#person-{deceased} .outcome-done")).to_have_attribute("data-result", "deceased")
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "morning-outcomes.png"), full_page=False)

        page.select_option("#show", "todo")  # "not yet worked": the three leave the list
        expect(page.locator(f"#person-{not_reached}")).to_have_count(0)
        for pid in (young, deceased):
            expect(page.locator(f"#person-{pid}")).to_have_count(0)
        expect(page.locator("table.worklist tbody tr").first).to_be_visible()
        page.screenshot(path=str(ARTIFACTS / "morning-not-yet-worked.png"), full_page=False)

        server.manage("shell", "-c", RUN)  # the next run takes the outcomes as evidence
        second_run = _newest_run(data)
        assert second_run != first_run
        fed = dict(_read(second_run, "SELECT person_id, result FROM outcome_evidence"))
        assert fed == {not_reached: "not_reached", young: "will_pay", deceased: "deceased"}
        shown = _read(
            second_run, "SELECT person_id, iin, outcome, outcome_facts FROM worklist WHERE outcome IS NOT NULL"
        )
        assert shown, "the residents reported on are still to work (the agencies have not confirmed)"
        for pid, iin, result, facts in shown:
            page.goto(f"{url}/worklists/talgar/?q={iin}")
            evidence = page.locator(f"#person-{pid} .evidence")
            expect(evidence).to_contain_text(engine.sentence("outcome", result, facts, "ru"))
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "morning-evidence.png"), full_page=False)

        # the outcome form also works as a page of its own (no JavaScript needed), on the phone's width
        page.goto(f"{url}/people/{top[-1]}/outcome/")
        expect(page.locator("form.outcome select[name=result]")).to_be_visible()
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "morning-outcome-page.png"), full_page=True)
        page.goto(url + "/review/")
        _no_sideways_scroll(page)
        page.screenshot(path=str(ARTIFACTS / "morning-review.png"), full_page=False)
