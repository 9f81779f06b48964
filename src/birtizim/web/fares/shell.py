"""The inspector page's app shell: the static files the service worker keeps on the phone.

The version is a hash of the files' bytes, so a new release changes the worker's cache name and
phones drop the old copies on their next visit with a connection.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
SHELL_FILES: tuple[str, ...] = (
    "birtizim/fares/inspector.css",
    "birtizim/fares/iin.js",
    "birtizim/fares/queue.js",
    "birtizim/fares/inspector.js",
)


@cache
def shell_version() -> str:
    digest = hashlib.sha256()
    for name in SHELL_FILES:
        digest.update(name.encode())
        digest.update((STATIC / name).read_bytes())
    digest.update((Path(__file__).parent / "templates" / "fares" / "inspector.html").read_bytes())
    return digest.hexdigest()[:12]
