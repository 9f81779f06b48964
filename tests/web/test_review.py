"""The review page and the decisions people make there: who sees which rows, what a decision stores, two
people deciding one row at once, undo, detaching a row, merging residents.

The run here is the engine's on a region with four pension rows it cannot settle (two namesakes each,
``tests/review_region.py``), made once for the module and given a Run row in each test (rolled back with
the test), so that it is the published run only while the test runs.
"""

from __future__ import annotations

import html
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import HOME, OTHER, World
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from birtizim import engine
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.models import Access
from birtizim.web.common.errors import Conflict
from birtizim.web.registry import runstore, services
from birtizim.web.registry.models import Decision, Merge, Run
from tests.review_region import Namesakes, region_with_namesakes

ANALYST = Scope(Role.ANALYST, None)


@pytest.fixture(scope="module")
def namesakes_region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Namesakes]]:
    return region_with_namesakes(tmp_path_factory.mktemp)


@pytest.fixture(scope="module")
def review_folder(namesakes_region: tuple[Path, list[Namesakes]]) -> str:
    """The engine's run of the region, in the web's data folder (no database row yet)."""
    region, _ = namesakes_region
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    relative = "runs/review-module"
    engine.reconcile(
        [engine.Source(s["kind"], region / s["path"]) for s in manifest["sources"]],
        Path(settings.DATA_DIR) / relative,
    )
    return relative


@pytest.fixture
def review_run(world: World, review_folder: str, db: None) -> Run:
    now = timezone.now()
    return Run.objects.create(
        state=Run.State.SUCCEEDED,
        folder=review_folder,
        summary=services.run_summary(review_folder),
        claimed_at=now,
        finished_at=now,
        published_at=now,
        requested_by=world.users["analyst"],
    )


def review_rows(run: Run) -> list[dict[str, Any]]:
    return runstore.rows(run.folder, "SELECT * FROM review ORDER BY record_id")


def row_in(run: Run, district: str) -> dict[str, Any]:
    return next(r for r in review_rows(run) if r["district"] == district)


def candidates(run: Run, record_id: int) -> list[int]:
    found = runstore.rows(
        run.folder, "SELECT person_id FROM review_candidates WHERE record_id = ? ORDER BY rank", [record_id]
    )
    return [int(r["person_id"]) for r in found]


def decide(client: Client, run: Run, row: dict[str, Any], choice: str, **extra: str) -> Any:
    url = f"/review/{run.pk}/{row['record_id']}/decide/"
    return client.post(url, {"choice": choice, "fingerprint": row["fingerprint"], **extra})


def test_it_shows_an_analyst_every_row_awaiting_review_with_what_is_left(review_run: Run, client_for: Any) -> None:
    page = client_for("analyst").get("/review/").content.decode()
    assert 'id="review-rows" data-total="4"' in page
    assert re.search(r'data-count="left">\s*4<', page)
    for row in review_rows(review_run):
        assert f'data-record="{row["record_id"]}"' in page and row["last_name"] in page
    entry = Access.objects.filter(action=Access.Action.VIEW_REVIEW).latest("at")
    assert entry.run_id == review_run.pk and entry.records == 4


def test_it_filters_the_rows_by_source_district_and_probability(review_run: Run, client_for: Any) -> None:
    analyst = client_for("analyst")
    talgar = analyst.get("/review/", {"district": HOME}).content.decode()
    assert 'data-total="1"' in talgar
    assert 'data-total="0"' in analyst.get("/review/", {"source": "contributions"}).content.decode()
    assert 'data-total="0"' in analyst.get("/review/", {"low": "0.9"}).content.decode()
    assert 'data-total="4"' in analyst.get("/review/", {"low": "0.3", "high": "0.7"}).content.decode()


def test_it_shows_a_row_beside_its_candidates_with_each_comparison_in_words(
    review_run: Run, client_for: Any, in_english: Any
) -> None:
    row = row_in(review_run, HOME)
    page = client_for("analyst").get(f"/review/{review_run.pk}/{row['record_id']}/").content.decode()
    ids = candidates(review_run, row["record_id"])
    assert len(ids) >= 2 and all(f'data-person="{pid}"' in page for pid in ids)
    assert "Surname and first name: both the same — very strong evidence for" in page
    assert "Birth date: missing on one side: says nothing" in page
    assert 'data-key="1"' in page and 'data-key="0"' in page and 'data-key="u"' in page  # the keyboard's buttons
    assert "review.js" in page
    cells = re.findall(r'<tr data-field="last_name"><th>[^<]*</th><td>([^<]*)</td>(.*?)</tr>', page, re.S)
    assert cells and cells[0][0] == row["last_name"] and cells[0][1].count("agree-same") == len(ids)


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_a_russian_or_kazakh_review_page_has_no_english_left(review_run: Run, client_for: Any, language: str) -> None:
    row = row_in(review_run, HOME)
    pid = candidates(review_run, row["record_id"])[0]
    analyst = client_for("analyst")
    analyst.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    urls = ("/review/", f"/review/{review_run.pk}/{row['record_id']}/", "/review/decisions/", f"/people/{pid}/")
    for url in (*urls, f"/runs/{review_run.pk}/"):
        page = analyst.get(url).content.decode()
        assert f'lang="{language}"' in page
        text = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S))
        # The login shown at the top, and the language switcher naming English in English (lang="en").
        words = set(re.findall(r"\b[A-Za-z]{4,}\b", text)) - {"Birtizim", "analyst", "English"}
        assert words == set(), (url, words)


def test_a_decision_is_stored_with_who_and_when_audited_and_the_next_row_follows(
    review_run: Run, client_for: Any
) -> None:
    first = review_rows(review_run)[0]
    chosen = candidates(review_run, first["record_id"])[1]
    response = decide(client_for("analyst"), review_run, first, f"same:{chosen}", comment=" namesake ")
    following = re.match(rf"/review/{review_run.pk}/(\d+)/", response["Location"])
    others = {r["record_id"] for r in review_rows(review_run)} - {first["record_id"]}
    assert response.status_code == 302 and following and int(following.group(1)) in others  # the next open row
    decision = Decision.objects.get(undone_at=None)
    assert (decision.verdict, decision.person_id, decision.source) == ("same", chosen, "pension")
    assert decision.fingerprint == first["fingerprint"] and decision.comment == "namesake"
    assert decision.decided_by == review_run.requested_by and decision.person_fingerprint
    entry = Access.objects.get(action=Access.Action.DECIDE)
    assert set(entry.person_ids) == set(candidates(review_run, first["record_id"])) and entry.query == "same"
    counts = client_for("analyst").get("/review/").content.decode()
    assert re.search(r'data-count="decided">\s*1<', counts) and re.search(r'data-count="left">\s*3<', counts)


def test_none_of_these_rejects_every_candidate_shown(review_run: Run, client_for: Any) -> None:
    row = review_rows(review_run)[0]
    decide(client_for("analyst"), review_run, row, "none")
    decision = Decision.objects.get(undone_at=None)
    assert decision.verdict == "none" and decision.person_id is None
    assert {r["person_id"] for r in decision.rejected} == set(candidates(review_run, row["record_id"]))


def test_the_second_person_deciding_the_same_row_sees_it_is_decided(
    review_run: Run, client_for: Any, in_english: Any
) -> None:
    row = review_rows(review_run)[0]
    a, b = candidates(review_run, row["record_id"])[:2]
    decide(client_for("analyst"), review_run, row, f"same:{a}")
    late = client_for("admin")
    response = decide(late, review_run, row, f"same:{b}")
    assert response.status_code == 302 and f"/review/{review_run.pk}/{row['record_id']}/" in response["Location"]
    page = late.get(response["Location"]).content.decode()
    assert "analyst already decided this row" in html.unescape(page) and 'id="decided-by" data-verdict="same"' in page
    assert Decision.objects.filter(undone_at=None).count() == 1
    assert Decision.objects.get(undone_at=None).person_id == a


def test_a_decision_racing_past_the_check_is_refused_by_the_unique_constraint(
    review_run: Run, world: World, monkeypatch: Any, in_english: Any
) -> None:
    """Two people post at the same moment: both pass the look for a live decision before either writes.
    The database's unique constraint on the live decision of a row lets one insert and refuses the other."""
    row = review_rows(review_run)[0]
    a, b = candidates(review_run, row["record_id"])[:2]
    kwargs = {"scope": ANALYST, "run": review_run, "record_id": row["record_id"], "fingerprint": row["fingerprint"]}
    services.decision_record(user=world.users["analyst"], verdict="same", person_id=a, **kwargs)
    monkeypatch.setattr(services, "_replace_live", lambda **_: [])  # the second did not see the first yet
    with pytest.raises(Conflict, match="already decided this row"):
        services.decision_record(user=world.users["admin"], verdict="same", person_id=b, **kwargs)
    assert Decision.objects.filter(undone_at=None).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.create(
            source=row["source"],
            fingerprint=row["fingerprint"],
            verdict="none",
            district=HOME,
            run=review_run,
            record_id=1,
        )


@pytest.mark.django_db(transaction=True)
def test_two_people_posting_at_once_leave_one_live_decision(
    world: World, review_folder: str, namesakes_region: Any
) -> None:
    """The same race with two threads and two database connections (SQLite serialises the writes; on
    PostgreSQL the partial unique index does)."""
    from birtizim.web.accounts.services import user_create

    now = timezone.now()
    users = [user_create(username=f"racer{k}", password="x" * 12, role=Role.ANALYST) for k in range(2)]
    run = Run.objects.create(
        state=Run.State.SUCCEEDED, folder=review_folder, claimed_at=now, finished_at=now, published_at=now
    )
    row = review_rows(run)[0]
    ids = candidates(run, row["record_id"])
    barrier, results = threading.Barrier(2), []

    def post(k: int) -> None:
        try:
            barrier.wait()
            services.decision_record(
                scope=ANALYST,
                user=users[k],
                run=run,
                record_id=row["record_id"],
                fingerprint=row["fingerprint"],
                verdict="same",
                person_id=ids[k],
            )
            results.append("saved")
        except Conflict:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert sorted(results) == ["refused", "saved"]
        assert (
            Decision.objects.filter(source=row["source"], fingerprint=row["fingerprint"], undone_at=None).count() == 1
        )
    finally:
        Decision.objects.filter(run=run).delete()
        Access.objects.filter(run_id=run.pk).delete()
        run.delete()
        for u in users:
            u.delete()


def test_unsure_waits_for_someone_who_is_sure(review_run: Run, client_for: Any) -> None:
    row = review_rows(review_run)[0]
    decide(client_for("officer" if row["district"] == HOME else "analyst"), review_run, row, "unsure")
    decide(client_for("admin"), review_run, row, f"same:{candidates(review_run, row['record_id'])[0]}")
    live = Decision.objects.get(undone_at=None)
    assert live.verdict == "same" and Decision.objects.get(undone_at__isnull=False).verdict == "unsure"


def test_a_changed_row_or_an_unknown_candidate_is_refused_with_a_reason(
    review_run: Run, client_for: Any, in_english: Any
) -> None:
    row = review_rows(review_run)[0]
    analyst = client_for("analyst")
    changed = decide(analyst, review_run, {**row, "fingerprint": "0" * 16}, "none")
    assert "has changed since the page was shown" in analyst.get(changed["Location"]).content.decode()
    stranger = decide(analyst, review_run, row, "same:999999999")
    assert "not one of this row's candidates" in html.unescape(analyst.get(stranger["Location"]).content.decode())
    assert not Decision.objects.exists()


def test_undo_keeps_the_record_and_audits_it(review_run: Run, client_for: Any) -> None:
    row = review_rows(review_run)[0]
    analyst = client_for("analyst")
    decide(analyst, review_run, row, "none")
    decision = Decision.objects.get()
    assert analyst.post(f"/review/decisions/{decision.pk}/undo/").status_code == 302
    decision.refresh_from_db()
    assert decision.undone_at is not None and decision.undone_by == review_run.requested_by
    assert Access.objects.filter(action=Access.Action.UNDO_DECISION).count() == 1
    again = analyst.post(f"/review/decisions/{decision.pk}/undo/", follow=True).content.decode()
    assert Decision.objects.count() == 1 and "msg error" in again


def test_an_officer_reviews_only_their_districts_rows(review_run: Run, client_for: Any) -> None:
    mine, theirs = row_in(review_run, HOME), next(r for r in review_rows(review_run) if r["district"] != HOME)
    officer = client_for("officer")
    page = officer.get("/review/").content.decode()
    assert 'data-total="1"' in page and f'data-record="{mine["record_id"]}"' in page
    assert officer.get(f"/review/{review_run.pk}/{theirs['record_id']}/").status_code == 404
    assert decide(officer, review_run, theirs, "none").status_code == 404
    assert decide(officer, review_run, mine, "none").status_code == 302
    assert Decision.objects.get().district == HOME
    assert officer.get(f"/review/?district={OTHER}").content.decode().count("data-record=") == 0


def test_nobody_without_review_gets_anything(review_run: Run, client_for: Any, world: World) -> None:
    row = review_rows(review_run)[0]
    pid = candidates(review_run, row["record_id"])[0]
    urls = [
        ("get", "/review/"),
        ("get", f"/review/{review_run.pk}/{row['record_id']}/"),
        ("post", f"/review/{review_run.pk}/{row['record_id']}/decide/"),
        ("get", "/review/decisions/"),
        ("post", "/review/decisions/1/undo/"),
        ("post", "/review/merges/1/undo/"),
        ("get", f"/people/{pid}/"),
        ("post", f"/people/{pid}/detach/"),
        ("post", f"/people/{pid}/merge/"),
        ("post", f"/runs/{review_run.pk}/publish/"),
        ("post", f"/runs/{review_run.pk}/discard/"),
    ]
    for name in ("viewer", "outsider"):
        client = client_for(name)
        for how, url in urls:
            response = (
                client.post(url, {"choice": "none", "fingerprint": row["fingerprint"]})
                if how == "post"
                else client.get(url)
            )
            assert response.status_code in (403, 404), (name, url)
    for how, url in urls:
        response = Client().post(url) if how == "post" else Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    officer = client_for("officer")  # reviews, but neither merges nor publishes
    for url in (f"/people/{pid}/merge/", f"/runs/{review_run.pk}/publish/", f"/runs/{review_run.pk}/discard/"):
        assert officer.post(url).status_code == 403, url
    assert not Decision.objects.exists() and not Merge.objects.exists()


def test_a_wrongly_linked_row_is_detached_from_its_resident(review_run: Run, client_for: Any) -> None:
    ((pid, record_id, fingerprint),) = [
        tuple(r.values())
        for r in runstore.rows(
            review_run.folder,
            "SELECT l.person_id, a.record_id, a.fingerprint FROM links l JOIN agency a USING (record_id) "
            "JOIN statuses s USING (person_id) WHERE l.method = 'iin' AND s.district = ? ORDER BY a.record_id LIMIT 1",
            [HOME],
        )
    ]
    officer = client_for("officer")
    page = officer.get(f"/people/{pid}/").content.decode()
    assert f'data-record="{record_id}"' in page and 'name="fingerprint"' in page
    done = officer.post(
        f"/people/{pid}/detach/", {"run": review_run.pk, "record_id": record_id, "fingerprint": fingerprint}
    )
    assert done.status_code == 302
    decision = Decision.objects.get()
    assert decision.verdict == "detach" and [r["person_id"] for r in decision.rejected] == [pid]
    assert Access.objects.filter(action=Access.Action.DETACH, person_ids=[pid]).exists()
    other = client_for("other_officer")
    assert other.get(f"/people/{pid}/").status_code == 404


def test_merging_two_residents_with_different_iins_needs_a_confirmation_and_a_reason(
    review_run: Run, client_for: Any, in_english: Any
) -> None:
    row = row_in(review_run, HOME)
    into, other = candidates(review_run, row["record_id"])[:2]
    analyst = client_for("analyst")
    url = f"/people/{into}/merge/"
    refused = analyst.post(url, {"run": review_run.pk, "other": other, "reason": "one person"})
    assert refused.status_code == 409 and "two different valid IINs" in refused.content.decode()
    assert not Merge.objects.exists()
    done = analyst.post(url, {"run": review_run.pk, "other": other, "reason": "registered twice", "confirmed": "on"})
    assert done.status_code == 302
    merge = Merge.objects.get()
    assert (merge.person_id, merge.into_id, merge.different_iins) == (other, into, True)
    chain = analyst.post(
        f"/people/{other}/merge/", {"run": review_run.pk, "other": into, "reason": "x", "confirmed": "on"}
    )
    assert chain.status_code == 409  # the absorbed resident cannot take the other in: undo first
    assert analyst.post(f"/review/merges/{merge.pk}/undo/").status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None and Access.objects.filter(action=Access.Action.UNDO_MERGE).exists()


def test_reading_the_review_pages_writes_nothing_but_the_audit_log(review_run: Run, client_for: Any) -> None:
    from test_get_writes_nothing import assert_gets_write_nothing

    row = review_rows(review_run)[0]
    pid = candidates(review_run, row["record_id"])[0]
    urls = ["/review/", f"/review/{review_run.pk}/{row['record_id']}/", "/review/decisions/", f"/people/{pid}/"]
    urls += ["/runs/", f"/runs/{review_run.pk}/"]
    assert_gets_write_nothing(client_for("admin"), urls)


def test_a_decision_posted_from_a_run_no_longer_published_is_refused_with_the_reason(
    review_run: Run, world: World, client_for: Any, in_english: Any
) -> None:
    row = row_in(review_run, HOME)
    newer = Run.objects.create(
        state=Run.State.SUCCEEDED,
        folder=review_run.folder,
        summary=review_run.summary,
        claimed_at=timezone.now(),
        finished_at=timezone.now(),
        published_at=timezone.now(),
    )
    officer = client_for("officer")
    response = decide(officer, review_run, row, "none")
    assert response.status_code == 302 and response["Location"] == "/review/"
    page = html.unescape(officer.get("/review/").content.decode())
    assert f"run #{newer.pk} is published now); nothing was saved" in page
    assert not Decision.objects.exists()
