"""The work list as a plan for the day, through the Django test client: the engine's order, reasons and
actions in the reader's language, contacts masked and revealed by an audited POST, outcomes validated by
the engine's rules, the filters, assignment within a district, each officer's progress, and the agencies'
rows at fault on their own page."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from conftest import HOME, OTHER, World, person_in
from django.utils import timezone, translation

from birtizim.engine import labels as engine_labels
from birtizim.engine.plan import DATA_QUALITY_TYPES
from birtizim.web.audit.models import Access
from birtizim.web.common import labels
from birtizim.web.registry import plan_words, runstore, selectors, services, worklist_table
from birtizim.web.registry.models import Assignment, Outcome, Run


def _rows(world: World, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return runstore.rows(world.run.folder, sql, params)


# The work list page's order: its rows as the page shows them.
PAGE_ORDER = "priority, status, last_name, first_name, patronymic, birth_date, iin"


def _home_rows(
    world: World, columns: str, where: str = "TRUE", *, order: str = PAGE_ORDER, limit: int = 1
) -> list[dict[str, Any]]:
    """The home district's work-list rows that ``where`` keeps, the first ``limit`` of them in ``order``."""
    return _rows(
        world,
        f"SELECT {columns} FROM worklist WHERE district = ? AND ({where}) ORDER BY {order} LIMIT {int(limit)}",
        [HOME],
    )


def _ids_on_page(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="person-(\d+)"', html)]


def _in_language(client: Any, language: str) -> None:
    client.post("/i18n/setlang/", {"language": language, "next": "/"})


def test_rows_come_in_the_engines_priority_order_with_reasons_and_actions_in_the_readers_language(
    world: World, client_for: Any
) -> None:
    officer = client_for("officer")
    html = officer.get(f"/worklists/{HOME}/").content.decode()
    expected = _home_rows(world, "person_id, reason, reason_facts, action", limit=selectors.PAGE_SIZE)
    assert _ids_on_page(html) == [int(r["person_id"]) for r in expected]
    first = expected[0]
    for language in ("ru", "kk"):
        _in_language(officer, language)
        page = officer.get(f"/worklists/{HOME}/").content.decode()
        reason = engine_labels.sentence("reason", first["reason"], first["reason_facts"], language)
        action = engine_labels.word("action", first["action"], language)
        row = page.split(f'<tr id="person-{first["person_id"]}"', 1)[1].split("</tr>", 1)[0]
        assert reason and _escaped(reason) in row and _escaped(action) in row
        assert first["reason"] not in re.sub(r"<[^>]+>", " ", row).split()  # the code itself is never shown
    with translation.override("kk"):
        kk = engine_labels.sentence("reason", first["reason"], first["reason_facts"], "kk")
    assert kk != engine_labels.sentence("reason", first["reason"], first["reason_facts"], "ru")


def _escaped(text: str) -> str:
    from django.utils.html import escape

    return str(escape(text))


def test_residents_with_only_data_quality_issues_are_not_on_the_call_list(world: World, client_for: Any) -> None:
    quality = ", ".join(f"'{t}'" for t in DATA_QUALITY_TYPES)
    set_apart = _rows(
        world,
        f"""SELECT DISTINCT q.person_id FROM data_quality q JOIN statuses s USING (person_id)
            WHERE s.status IN ('state', 'contributor') AND s.district = ? AND q.person_id NOT IN
                (SELECT person_id FROM conflicts WHERE person_id IS NOT NULL AND type NOT IN ({quality}))""",
        [HOME],
    )
    assert set_apart, "the synthetic region has agency duplicates of insured residents"
    listed = {int(r["person_id"]) for r in _rows(world, "SELECT person_id FROM worklist")}
    assert not {int(r["person_id"]) for r in set_apart} & listed
    everyone = _rows(world, "SELECT count(*) AS n FROM worklist WHERE district = ?", [HOME])[0]["n"]
    page = client_for("officer").get(f"/worklists/{HOME}/").content.decode()
    assert f'data-total="{everyone}"' in page
    for t in DATA_QUALITY_TYPES:  # their words are on the data-quality page, not in the call list
        assert str(labels.conflict(t)) not in page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_contacts_are_masked_and_revealed_only_by_an_audited_post(world: World, client_for: Any) -> None:
    found = _home_rows(world, "person_id, phone, address", "phone IS NOT NULL")
    assert found, "the synthetic registry gives residents phones"
    pid, phone = int(found[0]["person_id"]), str(found[0]["phone"])
    officer = client_for("officer")
    page = officer.get(f"/worklists/{HOME}/").content.decode()
    digits = "".join(c for c in phone if c.isdigit())
    assert digits[-2:] in page and phone not in page and digits not in re.sub(r"\D", "", page.split("<tbody>")[1])
    assert f'hx-post="/people/{pid}/contacts/"' in page
    assert officer.get(f"/people/{pid}/contacts/").status_code == 405  # never a GET
    before = Access.objects.filter(action=Access.Action.REVEAL_CONTACTS).count()
    shown = officer.post(f"/people/{pid}/contacts/", {"run": world.run.pk}, HTTP_HX_REQUEST="true")
    assert shown.status_code == 200 and _escaped(phone) in shown.content.decode()
    entry = Access.objects.filter(action=Access.Action.REVEAL_CONTACTS).latest("at")
    assert Access.objects.filter(action=Access.Action.REVEAL_CONTACTS).count() == before + 1
    assert entry.person_ids == [pid] and entry.district == HOME and len(entry.iin_hashes) == 1
    assert client_for("other_officer").post(f"/people/{pid}/contacts/").status_code == 404
    assert client_for("viewer").post(f"/people/{pid}/contacts/").status_code == 403


def _labelled(html: str) -> None:
    """Every field a person fills in has a <label for=...> naming it."""
    fields = re.findall(r'<(?:input|select|textarea)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    labels = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    assert fields and set(fields) <= labels, set(fields) - labels


def test_the_outcome_form_offers_the_engines_codes_labelled_with_nothing_chosen_and_works_as_a_page(
    world: World, client_for: Any
) -> None:
    pid = person_in(world, HOME)
    officer = client_for("officer")
    page = officer.get(f"/people/{pid}/outcome/?run={world.run.pk}")  # no htmx: a whole page
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html and 'method="post"' in html
    _labelled(html)
    options = re.findall(r'<option value="([^"]*)"', html.split('name="result"', 1)[1].split("</select>", 1)[0])
    assert options == ["", *plan_words.OUTCOMES]
    chosen = re.findall(r'<option value="([^"]*)" selected', html.split('name="result"', 1)[1].split("</select>")[0])
    assert chosen == [""]  # "— choose —": no result is chosen for the officer
    fragment = officer.get(f"/people/{pid}/outcome/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    _labelled(fragment)
    saved = officer.post(f"/people/{pid}/outcome/", {"result": "not_reached", "run": world.run.pk})
    assert saved.status_code == 302 and saved["Location"] == f"/worklists/{HOME}/"


def test_outcomes_are_validated_by_the_engines_rules_in_the_readers_language(world: World, client_for: Any) -> None:
    born_1977 = _home_rows(world, "person_id", "year(birth_date) BETWEEN 1977 AND 1985", order="person_id")
    assert born_1977
    pid = int(born_1977[0]["person_id"])
    officer = client_for("officer")
    _in_language(officer, "ru")
    refused = officer.post(
        f"/people/{pid}/outcome/", {"result": "actualised", "category": "pensioner"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 422
    assert _escaped(engine_labels.word("outcome_problem", "category_age", "ru")) in refused.content.decode()
    no_date = officer.post(f"/people/{pid}/outcome/", {"result": "left_country"}, HTTP_HX_REQUEST="true")
    assert no_date.status_code == 422
    assert _escaped(engine_labels.word("outcome_problem", "date_required", "ru")) in no_date.content.decode()
    no_result = officer.post(f"/people/{pid}/outcome/", {"comment": "called"}, HTTP_HX_REQUEST="true")
    assert no_result.status_code == 422  # no result is chosen for the officer
    assert not Outcome.objects.filter(person_id=pid).exists()
    left = officer.post(
        f"/people/{pid}/outcome/",
        {"result": "left_country", "on_date": "2026-11-12", "category": "pensioner"},
        HTTP_HX_REQUEST="true",
    )
    assert left.status_code == 200
    kept = Outcome.objects.get(person_id=pid)
    assert (kept.result, kept.on_date, kept.category) == ("left_country", dt.date(2026, 11, 12), "")


def test_the_filters_not_yet_worked_follow_up_due_and_by_officer(world: World, client_for: Any) -> None:
    officer = client_for("officer")
    first, second = _ids_on_page(officer.get(f"/worklists/{HOME}/").content.decode())[:2]
    today = timezone.localdate().isoformat()
    assert officer.post(f"/people/{first}/outcome/", {"result": "not_reached"}).status_code == 302
    assert officer.post(f"/people/{second}/outcome/", {"result": "will_pay", "follow_up": today}).status_code == 302
    todo = _ids_on_page(officer.get(f"/worklists/{HOME}/?show=todo").content.decode())
    assert first not in todo and second not in todo and todo
    due = _ids_on_page(officer.get(f"/worklists/{HOME}/?show=due").content.decode())
    assert due == [second]
    analyst = client_for("analyst")
    me = world.users["officer"].pk
    assert analyst.post(f"/worklists/{HOME}/assign/", {"officer": me, "person": [first]}).status_code == 302
    mine = _ids_on_page(officer.get(f"/worklists/{HOME}/?officer={me}").content.decode())
    assert mine == [first]
    partial = officer.get(f"/worklists/{HOME}/?show=todo", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="worklist-table")
    assert partial.status_code == 200 and f'id="person-{first}"' not in partial.content.decode()


def test_assignment_within_the_district_audited_with_each_officers_progress(world: World, client_for: Any) -> None:
    officer, analyst = world.users["officer"], world.users["analyst"]
    ids = _ids_on_page(client_for("officer").get(f"/worklists/{HOME}/").content.decode())[:3]
    # an officer of another district can neither see nor assign Talgar's residents
    other = client_for("other_officer").post(f"/worklists/{HOME}/assign/", {"officer": officer.pk, "person": ids})
    assert other.status_code == 404
    # Talgar's residents go to Talgar's officers only
    wrong = client_for("analyst").post(
        f"/worklists/{HOME}/assign/", {"officer": world.users["other_officer"].pk, "person": ids}
    )
    assert wrong.status_code == 302 and not Assignment.objects.exists()
    assert client_for("viewer").post(f"/worklists/{HOME}/assign/", {"officer": officer.pk}).status_code == 403
    done = client_for("analyst").post(f"/worklists/{HOME}/assign/", {"officer": officer.pk, "person": ids})
    assert done.status_code == 302
    assert sorted(Assignment.objects.filter(officer=officer).values_list("person_id", flat=True)) == sorted(ids)
    entry = Access.objects.filter(action=Access.Action.ASSIGN).latest("at")
    assert (entry.user, entry.district, sorted(entry.person_ids), entry.subject_ref) == (
        analyst,
        HOME,
        sorted(ids),
        officer.get_username(),
    )
    # a resident of another district slipped into the post is not assigned
    stranger = person_in(world, OTHER)
    client_for("officer").post(f"/worklists/{HOME}/assign/", {"officer": officer.pk, "person": [stranger]})
    assert not Assignment.objects.filter(person_id=stranger).exists()
    client_for("officer").post(f"/people/{ids[0]}/outcome/", {"result": "refused"})
    index = client_for("officer").get("/worklists/").content.decode()
    row = index.split(f'data-officer="{officer.pk}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-assigned="3"' in row and 'data-worked="1"' in row
    # everyone the filters show, at once
    client_for("officer").post(f"/worklists/{HOME}/assign/", {"officer": officer.pk, "everyone": "on", "show": "todo"})
    todo = selectors.worklist_ids(
        scope=_officer_scope(), run=world.run, district=HOME, filters=selectors.WorkFilters(show="todo")
    )
    assigned = set(Assignment.objects.filter(officer=officer).values_list("person_id", flat=True))
    assert set(todo) <= assigned and ids[0] in assigned


def _officer_scope() -> Any:
    from birtizim.web.accounts.models import Role
    from birtizim.web.accounts.scope import Scope

    return Scope(Role.OFFICER, frozenset({HOME}))


def test_an_outcome_recorded_twice_is_one_line_of_what_changed(world: World, client_for: Any) -> None:
    pid = person_in(world, HOME)
    earlier = Run.objects.create(state=Run.State.SUCCEEDED)  # an outcome recorded while another run was current
    iin = _rows(world, "SELECT iin FROM worklist WHERE person_id = ?", [pid])[0]["iin"]
    for _ in range(2):
        Outcome.objects.create(run=earlier, person_id=pid, iin=iin, district=HOME, result="not_reached")
    changes = selectors.changes_since(scope=_officer_scope(), run=world.run, district=HOME)
    assert [c["outcome"].person_id for c in changes] == [pid]
    page = client_for("officer").get(f"/worklists/{HOME}/").content.decode()
    assert page.split('id="changes"', 1)[1].count("<tr") == 2  # the header and one resident


def test_the_outcomes_go_to_the_next_run_as_the_engines_file(world: World, client_for: Any, tmp_path: Any) -> None:
    pid = person_in(world, HOME)
    officer = client_for("officer")
    officer.post(f"/people/{pid}/outcome/", {"result": "not_reached"})
    officer.post(f"/people/{pid}/outcome/", {"result": "deceased", "on_date": "2026-10-01"})
    Outcome.objects.create(run=world.run, person_id=pid + 1, iin="1", district=HOME, result="reached")  # an old code
    written = services.outcomes_file(tmp_path).read_text(encoding="utf-8").splitlines()
    assert written[0] == "person_id,iin,result,on_date,category,follow_up,recorded_at"
    assert len(written) == 2 and written[1].startswith(f"{pid},") and ",deceased,2026-10-01," in written[1]


def test_the_data_quality_list_per_agency_within_the_scope_and_its_audited_export(
    world: World, client_for: Any
) -> None:
    counts = _rows(world, "SELECT source, count(*) AS n FROM data_quality GROUP BY 1 ORDER BY 1")
    assert counts
    analyst = client_for("analyst")
    page = analyst.get("/data-quality/").content.decode()
    for c in counts:
        assert f'data-source="{c["source"]}"' in page
        assert page.split(f'data-source="{c["source"]}"', 1)[1].split("</tr>", 1)[0].count(f'data-count="{c["n"]}"')
    mine = _rows(world, "SELECT count(*) AS n FROM data_quality WHERE district = ?", [HOME])[0]["n"]
    officer_page = client_for("officer").get("/data-quality/").content.decode()
    shown = sum(int(n) for n in re.findall(r'data-count="(\d+)"', officer_page))
    assert shown == mine
    assert client_for("viewer").get("/data-quality/").status_code == 403
    response = analyst.get(f"/data-quality/export.xlsx?source={counts[0]['source']}")
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row") == int(counts[0]["n"]) + 1
    entry = Access.objects.filter(action=Access.Action.EXPORT, subject="registry.data_quality_export").latest("at")
    assert entry.records == int(counts[0]["n"])
    theirs = client_for("officer").get("/data-quality/export.xlsx")  # an officer's export: their districts' rows
    book = zipfile.ZipFile(io.BytesIO(b"".join(theirs.streaming_content)))
    assert book.read("xl/worksheets/sheet1.xml").decode().count("<row") == int(mine) + 1


def test_the_next_run_shows_the_officers_outcome_as_evidence_beside_the_agencies(world: World, client_for: Any) -> None:
    pid = person_in(world, HOME)
    officer = client_for("officer")
    assert officer.post(f"/people/{pid}/outcome/", {"result": "deceased", "on_date": "2026-11-12"}).status_code == 302
    second = Run.objects.create(requested_by=world.users["analyst"])
    second.uploads.set(world.run.uploads.all())
    claimed = services.run_claim_next()
    assert claimed is not None and services.run_execute(claimed).state == Run.State.SUCCEEDED
    analyst = _analyst_scope()
    services.run_publish(scope=analyst, user=world.users["analyst"], run=claimed, acknowledged=True, note="outcomes")
    fed = runstore.rows(claimed.folder, "SELECT outcome, outcome_facts FROM worklist WHERE person_id = ?", [pid])
    evidence = runstore.rows(claimed.folder, "SELECT result FROM outcome_evidence WHERE person_id = ?", [pid])
    assert [e["result"] for e in evidence] == ["deceased"]
    if fed:  # still to work (the agencies may not agree yet): the page says what the officer reported
        iin = runstore.value(claimed.folder, "SELECT iin FROM worklist WHERE person_id = ?", [pid])
        _in_language(officer, "kk")
        page = officer.get(f"/worklists/{HOME}/?q={iin}").content.decode()
        words = engine_labels.sentence("outcome", "deceased", fed[0]["outcome_facts"], "kk")
        assert f'id="person-{pid}"' in page and words and _escaped(words) in page


def _analyst_scope() -> Any:
    from birtizim.web.accounts.models import Role
    from birtizim.web.accounts.scope import Scope

    return Scope(Role.ANALYST, None)


def test_a_reported_outcome_the_agencies_contradict_is_flagged_in_its_row(db: None) -> None:
    """The run's evidence beside the agencies' data: what the officer reported, and where the data disagree."""
    facts = '{"result": "left_country", "on": "2026-11-12", "disagreement": "paid_after"}'
    row = {
        "person_id": 7,
        "iin_masked": "********1234",
        "last_name": "Иванов",
        "first_name": "Пётр",
        "patronymic": "",
        "birth_date": dt.date(1980, 1, 2),
        "status": "undetermined",
        "category": None,
        "conflicts": None,
        "facts": None,
        "phone": None,
        "address": None,
        "reason": "outcome_disagrees",
        "reason_facts": '{"lists": ["contributions"]}',
        "action": None,
        "lists": ["contributions"],
        "outcome": None,
        "outcome_fed": "left_country",
        "outcome_facts": facts,
    }
    with translation.override("kk"):
        html = str(worklist_table.rows_html([row], may_reveal=False, may_record=False))
        reported = engine_labels.sentence("outcome", "left_country", facts, "kk")
        disagrees = engine_labels.word("disagreement", "paid_after", "kk")
    assert "12.11.2026" in reported and _escaped(reported) in html
    assert 'class="disagrees"' in html and _escaped(disagrees) in html
    row["outcome_facts"] = '{"result": "left_country", "on": "2026-11-12"}'  # the agencies agree: no flag
    assert 'class="disagrees"' not in str(worklist_table.rows_html([row], may_reveal=False, may_record=False))
