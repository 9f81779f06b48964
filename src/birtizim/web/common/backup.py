"""Backups: the database and the data folder in one tar file, and the way back into an empty database.

``backup_write`` dumps the database with Django's ``dumpdata`` (JSON lines, gzip) inside one
transaction -- on PostgreSQL a repeatable-read snapshot -- and adds, from the data folder, what those
rows refer to: the content-addressed store of received files (``files/``) and the folders of the
succeeded runs (``runs/``); the manifest counts the rows of every model. ``backup_restore`` migrates an
empty database, loads the dump, unpacks the files and checks every count.

Why dumpdata rather than pg_dump: the same command backs up SQLite (a laptop, a pilot) and PostgreSQL,
and a backup restores into either -- moving to PostgreSQL is a restore; it needs no client programs
of the server's exact version. Django's own tables carry what the app knows (users, runs, outcomes,
the audit log, the modules' records): tens of megabytes, streamed both ways (JSON lines), while the
single list's millions of rows are in the runs' DuckDB files, copied as files. pg_dump would be the
choice once the database itself grows to gigabytes.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from birtizim.web.registry.models import Run

# Not worth keeping: generated again (content types, permissions), or transient (sessions, login waits).
EXCLUDED = ("contenttypes", "auth.permission", "sessions", "common.loginfailures")
DUMP = "database.jsonl.gz"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup that cannot be restored here; the message says why."""


def _models() -> list[Any]:
    found = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in EXCLUDED or label in EXCLUDED or not model._meta.managed:
            continue
        found.append(model)
    return found


def counts() -> dict[str, int]:
    """Rows of every model a backup keeps."""
    return {m._meta.label_lower: m._base_manager.count() for m in _models()}


def backup_write(folder: Path, *, now: dt.datetime | None = None) -> Path:
    """Write ``folder/birtizim-<date>-<time>.tar``; returns its path."""
    now = now or dt.datetime.now(dt.UTC)
    folder.mkdir(parents=True, exist_ok=True)
    data = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".backup-") as scratch:
        dump = Path(scratch) / DUMP
        outer = connection.in_atomic_block
        with transaction.atomic():
            if connection.vendor == "postgresql" and not outer:
                # Every query of the dump sees one snapshot, whatever the worker writes meanwhile.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            call_command(
                "dumpdata",
                *[f"--exclude={e}" for e in EXCLUDED],
                natural_foreign=True,
                natural_primary=True,
                format="jsonl",
                output=str(dump),
                verbosity=0,
            )
            manifest = {
                "made_at": now.isoformat(),
                "database": connection.vendor,
                "counts": counts(),
                "runs": sorted(
                    f for f in Run.objects.filter(state=Run.State.SUCCEEDED).values_list("folder", flat=True) if f
                ),
            }
        (Path(scratch) / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        target = folder / f"birtizim-{now:%Y%m%d-%H%M%S}.tar"
        partial = target.with_suffix(".tar.partial")
        with tarfile.open(partial, "w") as tar:
            tar.add(Path(scratch) / MANIFEST, arcname=MANIFEST)
            tar.add(dump, arcname=DUMP)
            if (data / "files").is_dir():
                tar.add(data / "files", arcname="files", filter=_no_temporary)
            for run in manifest["runs"]:
                if (data / run).is_dir():
                    tar.add(data / run, arcname=run)
        partial.replace(target)  # a half-written backup never carries a backup's name
    return target


def _no_temporary(member: tarfile.TarInfo) -> tarfile.TarInfo | None:
    # Files still being received (intake's .incoming-*) are not part of the state.
    return None if Path(member.name).name.startswith(".incoming-") else member


def backups_prune(folder: Path, *, keep_days: int, now: dt.datetime | None = None) -> list[Path]:
    """Remove this folder's backups older than ``keep_days``; the newest is always kept."""
    now = now or dt.datetime.now(dt.UTC)
    found = sorted(folder.glob("birtizim-*.tar"))
    removed = []
    for path in found[:-1]:
        made = dt.datetime.strptime(path.stem.removeprefix("birtizim-"), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)
        if now - made > dt.timedelta(days=keep_days):
            path.unlink()
            removed.append(path)
    return removed


def backup_restore(path: Path) -> dict[str, int]:
    """Restore a backup into this (empty) database and data folder; returns the rows per model."""
    call_command("migrate", verbosity=0)
    present = {label: n for label, n in counts().items() if n}
    if present:
        raise BackupError(f"the database is not empty ({', '.join(sorted(present))}): restore into an empty one")
    data = Path(settings.DATA_DIR)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=data) as scratch:
        try:
            with tarfile.open(path) as tar:
                # "data": no absolute paths, no "..", no links out, no devices (Python's safe extraction).
                tar.extractall(scratch, filter="data")
            manifest = json.loads((Path(scratch) / MANIFEST).read_text(encoding="utf-8"))
            if not isinstance(manifest.get("counts"), dict) or not isinstance(manifest.get("runs"), list):
                raise ValueError("no manifest of a Birtizim backup")
        except (tarfile.TarError, OSError, ValueError, KeyError) as exc:
            raise BackupError(f"{path} is not a Birtizim backup, or is damaged or unsafe: {exc}") from exc
        call_command("loaddata", str(Path(scratch) / DUMP), verbosity=0)
        for part in ("files", *manifest["runs"]):
            source = Path(scratch) / part
            if source.is_dir():
                shutil.copytree(source, data / part, dirs_exist_ok=True)
    found = counts()
    wrong = {k: (v, found.get(k, 0)) for k, v in manifest["counts"].items() if found.get(k, 0) != v}
    if wrong:
        raise BackupError(f"rows differ after the restore (expected, found): {wrong}")
    return found
