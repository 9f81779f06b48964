"""The identity table runs share (DATA_DIR/identities.parquet): one run at a time holds it, and a run's table
replaces it whole."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import duckdb

from birtizim.web.registry import identity_store


def test_a_second_run_waits_for_the_first_to_release_the_table(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    inside, release, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with identity_store.held() as table:
            order.append(("first", table))
            inside.set()
            release.wait(10)

    def second() -> None:
        inside.wait(10)
        with identity_store.held():
            order.append(("second", None))

    a, b = threading.Thread(target=first), threading.Thread(target=second)
    a.start()
    b.start()
    b.join(0.5)
    assert b.is_alive() and order == [("first", None)]  # no table before the first run; the second waits
    release.set()
    a.join(10)
    b.join(10)
    assert [name for name, _ in order] == ["first", "second"]


def test_a_runs_table_becomes_the_store(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path / "data"
    run = tmp_path / "run"
    run.mkdir()
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT 1::BIGINT AS person_id, 'iin:791028302728' AS key) TO '{run / 'identities.parquet'}'"
        )
    with identity_store.held() as before:
        assert before is None
        identity_store.replace(run)
    with identity_store.held() as after:
        assert after == identity_store.path() and after.read_bytes() == (run / "identities.parquet").read_bytes()
