"""A backup restores into an empty database and data folder, and everything is found there again:
every model's rows, the stored uploads byte for byte, the current run readable by the engine."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from conftest import HOME, World, person_in
from django.core.management import call_command
from test_projects_world import build_objects
from test_vouchers_access import side

from birtizim.web.common import backup
from birtizim.web.registry.models import Outcome, Upload
from tests.databases import drop, scratch_url

ROOT = Path(__file__).resolve().parents[2]
CHECK = """
import json
from birtizim import engine
from birtizim.web.common import backup
from birtizim.web.registry import runstore, selectors
run = selectors.run_current()
print(json.dumps({"counts": backup.counts(), "run": run.pk,
                  "residents": runstore.value(run.folder, "SELECT count(*) FROM statuses")}))
"""


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], env=env, capture_output=True, text=True)


@pytest.fixture
def everything(world: World, client_for: Any) -> dict[str, int]:
    """Records in every module, an outcome and an audit entry on top of the world's run."""
    build_objects(world)
    side(HOME, "club-a")
    client_for("officer").post(f"/people/{person_in(world, HOME)}/outcome/", {"result": "not_reached"})
    return backup.counts()


def test_a_backup_restores_into_an_empty_database_and_everything_is_there(
    world: World, everything: dict[str, int], tmp_path: Path
) -> None:
    path = backup.backup_write(tmp_path / "backups")
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert "database.jsonl.gz" in names and "manifest.json" in names and world.run.folder + "/run.duckdb" in names
    assert not any(Path(n).name.startswith(".incoming-") for n in names)

    database = scratch_url(tmp_path)
    data = tmp_path / "restored"
    data.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "birtizim.web.settings_test",
        "DATABASE_URL": database,
        "BIRTIZIM_DATA_DIR": str(data),
    }
    try:
        restored = manage(env, "birtizim_restore", str(path))
        assert restored.returncode == 0, restored.stderr
        found = manage(env, "shell", "-c", CHECK)
        assert found.returncode == 0, found.stderr
        state = json.loads(found.stdout.strip().splitlines()[-1])
        # Every model's rows, the users and the audit log included; the current run is the same one...
        assert state["counts"] == everything and everything["auth.user"] >= 6 and everything["audit.access"] >= 1
        assert everything["registry.outcome"] == Outcome.objects.count() >= 1
        assert state["run"] == world.run.pk and state["residents"] > 0  # ...and its DuckDB file reads
        for upload in Upload.objects.all():  # the agency lists, byte for byte
            kept = data / upload.stored_path
            assert hashlib.sha256(kept.read_bytes()).hexdigest() == upload.sha256
        # A second restore into the now full database is refused, not doubled.
        again = manage(env, "birtizim_restore", str(path))
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        drop(database)


def test_a_restore_refuses_a_tar_that_reaches_outside_the_data_folder(db: None, tmp_path: Path) -> None:
    evil = tmp_path / "evil.tar"
    payload = tmp_path / "payload"
    payload.write_text("{}")
    with tarfile.open(evil, "w") as tar:
        tar.add(payload, arcname="manifest.json")
        tar.add(payload, arcname="../../escaped")
    database = scratch_url(tmp_path)
    data = tmp_path / "a" / "b" / "data"
    data.mkdir(parents=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "birtizim.web.settings_test", "DATABASE_URL": database,
           "BIRTIZIM_DATA_DIR": str(data)}  # fmt: skip
    try:
        refused = manage(env, "birtizim_restore", str(evil))
    finally:
        drop(database)
    assert refused.returncode != 0 and "escaped" in refused.stderr
    assert not list(tmp_path.rglob("escaped"))


def test_old_backups_are_pruned_but_never_the_newest(tmp_path: Path) -> None:
    import datetime as dt

    for day in ("20260101", "20260110", "20260120"):
        (tmp_path / f"birtizim-{day}-020000.tar").write_bytes(b"x")
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    removed = backup.backups_prune(tmp_path, keep_days=14, now=now)
    assert [p.name for p in removed] == ["birtizim-20260101-020000.tar", "birtizim-20260110-020000.tar"]
    assert [p.name for p in tmp_path.iterdir()] == ["birtizim-20260120-020000.tar"]


def test_the_backup_command_writes_and_prunes(world: World, db: None, tmp_path: Path) -> None:
    call_command("birtizim_backup", "--out", str(tmp_path), "--keep-days", "14", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert len(list(tmp_path.glob("birtizim-*.tar"))) == 1
