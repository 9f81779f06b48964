"""A run whose worker dies is not left "running": a heartbeat tells a live worker from a dead one.

The first test is the real thing: a ``birtizim_worker`` process is killed with SIGKILL in the middle of a
run, the run is requeued once its heartbeat is older than ``RUN_STALE_SECONDS`` (minutes, not hours),
its half-written folder is removed, and a restarted worker finishes it. These tests commit (the worker
is another process, the heartbeat another thread), so they run on the suite's real database server.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import upload_region
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.registry import services
from birtizim.web.registry.models import Run
from tests.databases import url_of

ROOT = Path(__file__).resolve().parents[2]
ANALYST = Scope(Role.ANALYST, None)
pytestmark = pytest.mark.django_db(transaction=True)


def worker(*args: str, heartbeat: float = 0.2) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "birtizim.web.settings_test",
        "DATABASE_URL": url_of(connection.settings_dict),  # the test database this test committed to
        "BIRTIZIM_DATA_DIR": str(settings.DATA_DIR),
        "BIRTIZIM_RUN_HEARTBEAT_SECONDS": str(heartbeat),
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "birtizim_worker", "--poll", "0.1", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def queued_run(region: Path) -> Run:
    analyst = User.objects.create_user(username="worker-analyst")
    upload_region(region, analyst)
    return services.run_create(scope=ANALYST, user=analyst)


def until(condition: Any, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_it_requeues_the_run_of_a_killed_worker_and_a_restarted_worker_finishes_it(region: Path) -> None:
    run = queued_run(region)
    first = worker()
    try:
        until(lambda: Run.objects.filter(pk=run.pk, state=Run.State.RUNNING, progress__gt=0).exists())
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.wait(30)
    run.refresh_from_db()
    folder = Path(settings.DATA_DIR) / services.run_folder(run)
    assert run.state == Run.State.RUNNING and run.attempts == 1 and folder.is_dir()  # what kill -9 leaves

    # While the heartbeat is recent the run is the worker's; once it is older than the stale limit
    # (two minutes by default) any worker requeues it and removes the half-written folder.
    assert settings.RUN_STALE_SECONDS <= 300
    assert services.run_recover_stale() == (0, 0)
    later = timezone.now() + dt.timedelta(seconds=settings.RUN_STALE_SECONDS + 1)
    assert services.run_recover_stale(now=later) == (1, 0)
    run.refresh_from_db()
    assert run.state == Run.State.QUEUED and run.progress == 0 and not folder.exists()

    restarted = worker("--once")
    assert restarted.wait(180) == 0, restarted.stderr.read() if restarted.stderr else ""
    run.refresh_from_db()
    assert run.state == Run.State.SUCCEEDED and run.attempts == 2, run.error
    assert (
        run.folder == str(services.run_folder(run)) and (Path(settings.DATA_DIR) / run.folder / "run.duckdb").exists()
    )
    assert run.summary["districts"]


def test_a_restarted_worker_recovers_a_stale_run_by_itself(region: Path, settings: Any) -> None:
    run = queued_run(region)
    claimed = services.run_claim_next()
    assert claimed is not None and claimed.pk == run.pk
    stale = (Path(settings.DATA_DIR) / services.run_folder(claimed)) / "half-written"
    stale.mkdir(parents=True)
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=10))
    restarted = worker("--once")  # what systemd does after a crash: start the worker again
    assert restarted.wait(180) == 0, restarted.stderr.read() if restarted.stderr else ""
    run.refresh_from_db()
    assert run.state == Run.State.SUCCEEDED and run.attempts == 2
    assert not stale.exists()


def test_the_heartbeat_keeps_a_live_run_and_notices_when_it_was_taken(region: Path, settings: Any) -> None:
    settings.RUN_HEARTBEAT_SECONDS = 0.05
    run = queued_run(region)
    claimed = services.run_claim_next()
    assert claimed is not None
    first_beat = claimed.heartbeat_at
    with services.RunHeartbeat(claimed) as beating:
        time.sleep(0.4)
        run.refresh_from_db()
        assert run.heartbeat_at is not None and first_beat is not None and run.heartbeat_at > first_beat
        assert services.run_recover_stale() == (0, 0)  # alive: not touched
        Run.objects.filter(pk=run.pk).update(state=Run.State.QUEUED)  # someone requeued it meanwhile
        time.sleep(0.3)
    assert beating.lost


def test_an_attempt_that_lost_its_run_writes_nothing(region: Path) -> None:
    run = queued_run(region)
    old = services.run_claim_next()
    assert old is not None
    Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
    assert services.run_recover_stale() == (1, 0)
    new = services.run_claim_next()
    assert new is not None and new.attempts == 2
    returned = services.run_execute(old)  # the first worker, back from a long pause, carries on
    assert returned.state == Run.State.RUNNING and returned.attempts == 2 and returned.progress == 0
    assert not (Path(settings.DATA_DIR) / services.run_folder(old)).exists()


def test_a_run_that_keeps_killing_its_worker_fails_after_its_attempts(region: Path) -> None:
    run = queued_run(region)
    for attempt in range(1, settings.RUN_ATTEMPTS + 1):
        claimed = services.run_claim_next()
        assert claimed is not None and claimed.attempts == attempt
        Run.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))
        services.run_recover_stale()
    run.refresh_from_db()
    assert run.state == Run.State.FAILED and run.error and run.finished_at is not None
    assert services.run_claim_next() is None


def test_it_sweeps_run_folders_nothing_refers_to(region: Path) -> None:
    root = Path(settings.DATA_DIR) / "runs"
    orphan, other = root / "987654", root / "not-a-run"
    orphan.mkdir(parents=True)
    other.mkdir()
    queued_run(region)
    claimed = services.run_claim_next()
    assert claimed is not None
    live = Path(settings.DATA_DIR) / services.run_folder(claimed)
    live.mkdir(parents=True, exist_ok=True)
    assert services.run_folders_sweep() >= 1
    assert not orphan.exists() and other.exists() and live.exists()


def test_workers_racing_for_runs_each_take_a_different_one(region: Path) -> None:
    analyst = User.objects.create_user(username="racer")
    runs = {Run.objects.create(requested_by=analyst).pk for _ in range(12)}
    start = threading.Barrier(6)
    taken: list[int] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            start.wait()
            while (run := services.run_claim_next()) is not None:
                taken.append(run.pk)
        except BaseException as exc:  # surfaced below: a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(taken) == sorted(runs)  # every run once: none lost, none taken twice
