"""Databases for tests that start real processes (a worker, gunicorn, the e2e server, a restore).

``url_of``: the URL of a connection's database -- the test database itself, once pytest-django made
it -- for a child process that must see the same rows. ``scratch_url``: a new, empty database of the
suite's kind (a SQLite file, or a database on the same PostgreSQL server as DATABASE_URL names).
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit


def url_of(settings_dict: dict[str, Any]) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    if engine.endswith("postgresql"):
        # DATABASE_URL's server, user and options (a socket folder may sit in its query), this database's name.
        parts = urlsplit(os.environ["DATABASE_URL"])
        return urlunsplit(parts._replace(path=f"/{quote(settings_dict['NAME'])}"))
    raise ValueError(f"no URL for {engine}")


def is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def scratch_url(folder: Path) -> str:
    """A new empty database: ``folder/db.sqlite3``, or ``scratch_<random>`` beside DATABASE_URL's."""
    if not is_postgres():
        return f"sqlite:///{folder / 'db.sqlite3'}"
    import psycopg

    base = os.environ["DATABASE_URL"]
    name = f"scratch_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(base), autocommit=True) as con:
        con.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop(url: str) -> None:
    """Drop a scratch PostgreSQL database (a SQLite file goes with its folder)."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_libpq(os.environ["DATABASE_URL"]), autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _libpq(url: str) -> str:
    # libpq takes postgresql:// URLs, with the socket folder as ?host=.
    return "postgresql://" + url.split("://", 1)[1]
