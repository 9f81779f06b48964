"""Run one command in a child process and measure its wall time and peak resident memory."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Measurement:
    seconds: float
    peak_rss_bytes: int
    ok: bool
    timed_out: bool
    log: Path


def run(argv: list[str], *, timeout: float, log: Path) -> Measurement:
    """Wall time from start to exit; peak RSS from the kernel's accounting of this one child.

    ``os.wait4`` gives the rusage of exactly the child waited for (``getrusage(RUSAGE_CHILDREN)``
    would report the largest child so far, mixing contenders up).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        started = time.perf_counter()
        # A new session: on timeout the whole process group goes, DuckDB threads included.
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                seconds = time.perf_counter() - started
                child.returncode = os.waitstatus_to_exitcode(status)  # Popen must not wait again
                return Measurement(seconds, usage.ru_maxrss * 1024, status == 0, False, log)
            if time.perf_counter() > deadline:
                os.killpg(child.pid, signal.SIGKILL)
                _, status, usage = os.wait4(child.pid, 0)
                child.returncode = os.waitstatus_to_exitcode(status)
                return Measurement(timeout, usage.ru_maxrss * 1024, False, True, log)
            time.sleep(0.02)
