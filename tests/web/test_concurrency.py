"""Writes that race: many requests at the same moment, each thread with its own database connection.

These tests commit (other connections must see the rows), so on PostgreSQL -- ``make test`` runs the
suite there too -- they are real concurrency: twenty transactions at once. A parent's link works once
however many clicks arrive together; twenty outcomes recorded at once are twenty rows, none lost, none
doubled, each audited once. (Workers racing for runs: test_worker_recovery.)
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from conftest import HOME, World
from django.db import connection
from django.test import Client
from django.utils import timezone
from test_vouchers_access import side

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.services import user_create
from birtizim.web.audit.models import Access
from birtizim.web.registry import runstore
from birtizim.web.registry.models import Outcome, Run
from birtizim.web.vouchers import models as vm
from birtizim.web.vouchers import tokens

pytestmark = pytest.mark.django_db(transaction=True)
AT_ONCE = 20


def together(work: Callable[[int], Any], n: int = AT_ONCE) -> list[Any]:
    """Run ``work(i)`` in ``n`` threads released at the same instant; returns results (or exceptions)."""
    start = threading.Barrier(n)
    results: list[Any] = [None] * n

    def one(i: int) -> None:
        try:
            start.wait()
            results[i] = work(i)
        except BaseException as exc:  # reported by the caller: a thread's exception is otherwise lost
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_a_parents_link_works_once_under_twenty_simultaneous_answers(world: World) -> None:
    club = side(HOME, "race-club")
    link = vm.ConfirmationLink.objects.get(timesheet=club.sheet)
    url = f"/vouchers/confirm/{tokens.token_for(link)}/"
    statuses = together(lambda i: Client().post(url, {"outcome": "confirmed"}).status_code)
    assert not [s for s in statuses if not isinstance(s, int)], statuses
    assert Counter(statuses) == {200: 1, 409: AT_ONCE - 1}  # one answer kept, the others told it was used
    assert vm.Confirmation.objects.filter(link=link).count() == 1


def test_twenty_outcomes_posted_at_once_are_twenty_rows_each_audited_once(world: World) -> None:
    # The world's run folder, under a published run row of this test's own (these tests start from an empty
    # database); the posts name it as the work list's form does.
    now = timezone.now()
    run = Run.objects.create(
        state=Run.State.SUCCEEDED, folder=world.run.folder, summary=world.run.summary, finished_at=now, published_at=now
    )
    officer = user_create(
        username="race-officer", password="correct-horse-battery", role=Role.OFFICER, districts=[HOME]
    )
    person = int(runstore.value(world.run.folder, "SELECT min(person_id) FROM worklist WHERE district = ?", [HOME]))

    def record(i: int) -> int:
        client = Client()
        client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
        return client.post(
            f"/people/{person}/outcome/", {"result": "not_reached", "comment": f"call {i}", "run": run.pk}
        ).status_code

    statuses = together(record)
    assert statuses == [302] * AT_ONCE, statuses
    comments = sorted(Outcome.objects.values_list("comment", flat=True))
    assert comments == sorted(f"call {i}" for i in range(AT_ONCE))  # each once: none lost, none doubled
    audited = Access.objects.filter(action=Access.Action.RECORD_OUTCOME, person_ids=[person])
    assert audited.count() == AT_ONCE
