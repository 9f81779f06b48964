"""The web's identity table: ``DATA_DIR/identities.parquet``, given to every run and replaced by its result.

Why a Parquet file beside the runs rather than a table in Django's database: it is the engine's own
format (the command line hands ``RUN/identities.parquet`` to the next run the same way), it holds one row
per person ever seen (two million and more for a region) which DuckDB reads and writes in about a second
while the database would take minutes to load and return them each run, and nothing but the engine reads
it. Every run folder keeps the table as it left it, so the store can be rebuilt from the newest run.

Runs that execute at once would both hand out the same new ids, so a run holds an exclusive lock
(``DATA_DIR/identities.lock``, released by the kernel if the worker dies) from reading the table to
replacing it; a second worker waits. Ids handed out by a run that is later discarded stay taken: a person
keeps their id even then.
"""

from __future__ import annotations

import fcntl
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings

from birtizim import engine


def path() -> Path:
    return Path(settings.DATA_DIR) / engine.IDENTITIES_FILE


@contextmanager
def held() -> Iterator[Path | None]:
    """Hold the store for a run: the table to give it (None before the first run)."""
    lock = Path(settings.DATA_DIR) / "identities.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            current = path()
            yield current if current.is_file() else None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def replace(run_folder: Path) -> None:
    """Make the run's table the store (while ``held``): written beside it, then renamed over it."""
    made = run_folder / engine.IDENTITIES_FILE
    part = path().with_suffix(".parquet.part")
    shutil.copyfile(made, part)
    part.replace(path())
