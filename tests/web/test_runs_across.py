"""What lasts from one run to the next: a resident's id, people's decisions, and publication.

* An outcome posted from a page of run N is saved to the resident shown there after run N+1 has become
  current, whatever run N+1's registry order; a resident no longer in the list is refused, never replaced.
* A decision made on the review page is applied by the next run the worker executes; undoing it gives the
  engine's answer back.
* A file uploaded under the wrong kind makes a draft whose publication is stopped with the reasons, while
  the dashboard keeps the published run; the source table counts each kind's rows once.
"""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import HOME, World, upload_region
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.registry import runstore, selectors, services
from birtizim.web.registry.models import Decision, Outcome, Run
from tests.review_region import region_with_namesakes

ANALYST = Scope(Role.ANALYST, None)


def execute(world: World) -> Run:
    """Queue a run of the newest uploads, let the worker's code execute it, and return it (a draft)."""
    services.run_create(scope=ANALYST, user=world.users["analyst"])
    claimed = services.run_claim_next()
    assert claimed is not None
    done = services.run_execute(claimed)
    assert done.state == Run.State.SUCCEEDED, done.error
    assert done.is_draft and selectors.run_current() != done
    return done


def publish(world: World, run: Run) -> Run:
    return services.run_publish(
        scope=ANALYST, user=world.users["analyst"], run=run, acknowledged=True, note="checked by the test"
    )


def shuffled_registry(world: World, drop: set[str]) -> bytes:
    """The registry in another row order, without the residents whose IINs are in ``drop``."""
    text = (world.region / "sources" / "registry.csv").read_text(encoding="utf-8")
    header, *rows = list(csv.reader(io.StringIO(text)))
    rows = [r for r in rows if r[0] not in drop]
    random.Random(5).shuffle(rows)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def test_an_outcome_posted_from_run_n_is_never_saved_to_another_resident_after_run_n_plus_1(
    world: World, client_for: Any, in_english: Any
) -> None:
    shown = world.run
    kept, gone = runstore.rows(
        shown.folder,
        "SELECT person_id, iin FROM worklist WHERE district = ? ORDER BY person_id LIMIT 2",
        [HOME],
    )
    services.upload_create(
        scope=ANALYST,
        user=world.users["analyst"],
        kind="registry",
        file=SimpleUploadedFile("registry-reordered.csv", shuffled_registry(world, {gone["iin"]})),
    )
    following = publish(world, execute(world))
    assert selectors.run_current() == following
    # the same resident under the same id, although the file's rows moved
    assert (
        runstore.value(following.folder, "SELECT iin FROM statuses WHERE person_id = ?", [kept["person_id"]])
        == (kept["iin"])
    )
    officer = client_for("officer")
    posted = officer.post(
        f"/people/{kept['person_id']}/outcome/",
        {"result": "not_reached", "comment": "from the old page", "run": shown.pk},
    )
    assert posted.status_code == 302
    saved = Outcome.objects.get(comment="from the old page")
    assert (saved.iin, saved.person_id, saved.run_id) == (kept["iin"], kept["person_id"], following.pk)
    # a resident the new registry no longer has: refused with the reason, nothing saved for anyone
    refused = officer.post(
        f"/people/{gone['person_id']}/outcome/", {"result": "not_reached", "comment": "gone", "run": shown.pk}
    )
    assert refused.status_code == 409 and "not in the current list" in refused.content.decode()
    assert not Outcome.objects.filter(comment="gone").exists()
    reveal = officer.post(f"/people/{gone['person_id']}/iin/", {"run": shown.pk})
    assert reveal.status_code == 409 and gone["iin"] not in reveal.content.decode()


@pytest.fixture(scope="module")
def namesakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Any]]:
    return region_with_namesakes(tmp_path_factory.mktemp)


def pension_row(run: Run, row_number: int) -> dict[str, Any]:
    ((row,),) = [
        runstore.rows(
            run.folder,
            """SELECT a.record_id, a.fingerprint, l.person_id, l.method, r.record_id IS NOT NULL AS in_review
               FROM agency a LEFT JOIN links l USING (record_id) LEFT JOIN review r USING (record_id)
               WHERE a.source = 'pension' AND a.row_number = ?""",
            [row_number],
        )
    ]
    return row


def links(run: Run) -> set[tuple[Any, ...]]:
    found = runstore.rows(
        run.folder, "SELECT a.source, a.row_number, l.person_id, l.method FROM links l JOIN agency a USING (record_id)"
    )
    return {tuple(r.values()) for r in found}


def test_a_decision_made_on_the_page_is_applied_by_the_next_run_and_undo_restores_the_engines_answer(
    world: World, client_for: Any, namesakes: tuple[Path, list[Any]]
) -> None:
    region, pairs = namesakes
    upload_region(region, world.users["analyst"])
    first = publish(world, execute(world))
    pair = next(p for p in pairs if p.district == HOME)
    row = pension_row(first, pair.row_number)
    assert row["in_review"] and row["person_id"] is None
    namesake = int(runstore.value(first.folder, "SELECT person_id FROM statuses WHERE iin = ?", [pair.namesake]))
    officer = client_for("officer")  # the row's district is the officer's
    decided = officer.post(
        f"/review/{first.pk}/{row['record_id']}/decide/",
        {"choice": f"same:{namesake}", "fingerprint": row["fingerprint"], "comment": "the namesake's pension"},
    )
    assert decided.status_code == 302
    second = publish(world, execute(world))
    again = pension_row(second, pair.row_number)
    assert (again["person_id"], again["method"], again["in_review"]) == (namesake, "decided", False)
    assert second.summary["decisions"]["applied"] == 1 and second.summary["review"] == first.summary["review"] - 1
    given = (Path(settings.DATA_DIR) / second.folder / "decisions.csv").read_text(encoding="utf-8")
    assert row["fingerprint"] in given
    # the review page of the new run: the row is settled and the agreement figure is there
    page = client_for("analyst").get("/review/", {"state": "all"}).content.decode()
    assert f'data-record="{row["record_id"]}"' not in page and 'id="agreement"' in page
    decision = Decision.objects.get(undone_at=None)
    assert officer.post(f"/review/decisions/{decision.pk}/undo/").status_code == 302
    third = publish(world, execute(world))
    assert pension_row(third, pair.row_number)["in_review"]
    assert links(third) == links(first)  # the engine's own answer, every row as before the decision


def test_a_file_uploaded_under_the_wrong_kind_is_stopped_at_publication_with_the_reasons(
    world: World, client_for: Any, in_english: Any
) -> None:
    published = selectors.run_current()
    assert published is not None
    asp = next(
        world.region / s["path"]
        for s in json.loads((world.region / "manifest.json").read_text(encoding="utf-8"))["sources"]
        if s["kind"] == "asp"
    )
    services.upload_create(
        scope=ANALYST,
        user=world.users["analyst"],
        kind="pension",
        file=SimpleUploadedFile(asp.name, asp.read_bytes()),
    )
    draft = execute(world)
    # the kind and its file count once: the pension "file" has the ASP file's rows, not twice as many
    sources = {s["source"]: s for s in draft.summary["sources"]}
    assert sources["pension"]["rows_received"] == sources["asp"]["rows_received"]
    assert sources["pension"]["matched_iin"] <= sources["pension"]["rows_received"]
    codes = {w["code"] for w in draft.comparison["warnings"]}
    assert {"same_file", "columns_of_another_kind", "rows_changed", "actualisation_moved"} <= codes
    analyst = client_for("analyst")
    page = html.unescape(analyst.get(f"/runs/{draft.pk}/").content.decode())
    assert "byte for byte the same" in page and "the columns of «Targeted social assistance (ASP)»" in page
    analyst.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"  # and in the analyst's Russian, every word of it
    russian = analyst.get(f"/runs/{draft.pk}/").content.decode()
    # (the worker's log, a technical record of steps and counts, is left out)
    text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style|pre)[^>]*>.*?</\1>", " ", russian, flags=re.S))
    assert "совпадают байт в байт" in html.unescape(text)
    # The login shown at the top, and the language switcher naming English in English (lang="en").
    assert set(re.findall(r"\b[A-Za-z]{4,}\b", text)) - {"Birtizim", "analyst", "English"} == set()
    analyst.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = analyst.post(f"/runs/{draft.pk}/publish/", {"note": ""})
    assert refused.status_code == 409 and 'id="publish-error"' in refused.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft and selectors.run_current() == published
    dashboard = analyst.get("/").content.decode()
    assert f"run #{published.pk}" in dashboard and f"run #{draft.pk}" not in dashboard
    trend = selectors.dashboard_get(scope=ANALYST, run=published)["trend"]
    assert draft.pk not in [t["run"] for t in trend]
    discarded = analyst.post(f"/runs/{draft.pk}/discard/", {"note": "the pension file was the ASP file"})
    assert discarded.status_code == 302
    draft.refresh_from_db()
    assert draft.discarded_at is not None and selectors.run_current() == published
    listed = analyst.get("/runs/").content.decode()
    assert f'data-run="{draft.pk}"' in listed and asp.name in listed


def test_a_run_with_warnings_is_published_with_the_analysts_reason(world: World, client_for: Any) -> None:
    services.upload_create(
        scope=ANALYST,
        user=world.users["analyst"],
        kind="registry",
        file=SimpleUploadedFile("registry-smaller.csv", shuffled_registry(world, set(_iins(world)[:600]))),
    )
    draft = execute(world)
    assert draft.comparison["warnings"]
    analyst = client_for("analyst")
    done = analyst.post(f"/runs/{draft.pk}/publish/", {"acknowledged": "on", "note": "600 residents moved away"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is not None and draft.publication_note == "600 residents moved away"
    assert selectors.run_current() == draft
    again = analyst.post(f"/runs/{draft.pk}/publish/", {"acknowledged": "on", "note": "twice"})
    assert again.status_code == 409


def _iins(world: World) -> list[str]:
    return [str(r["iin"]) for r in runstore.rows(world.run.folder, "SELECT iin FROM statuses ORDER BY iin")]


def test_a_run_that_cannot_be_compared_stands_and_needs_a_reason_to_be_published(
    world: World, client_for: Any, monkeypatch: Any, in_english: Any
) -> None:
    def broken(folder: Path) -> dict[str, Any]:
        raise OSError("the published run's folder is gone")

    monkeypatch.setattr(services, "run_compare", broken)
    draft = execute(world)
    assert draft.comparison["warnings"] == [{"code": "comparison_failed"}]
    analyst = client_for("analyst")
    page = html.unescape(analyst.get(f"/runs/{draft.pk}/").content.decode())
    assert "could not be compared with the published one" in page
    assert analyst.post(f"/runs/{draft.pk}/publish/", {"note": ""}).status_code == 409
