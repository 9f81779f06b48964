"""Quoting for everything that reaches SQL as an identifier or a literal.

Headers come from the files people send: a header may hold a double quote, a single quote, a
semicolon or a line break. Every identifier built from one (a column, a table) goes through
``quote_ident`` and every literal through ``quote_literal``; nothing is pasted into SQL raw.
"""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """``name`` as a DuckDB identifier: in double quotes, inner double quotes doubled.

    A NUL character cannot be part of an identifier; it never reaches here from the readers (their
    headers are cleaned), and is refused rather than silently cut.
    """
    if "\x00" in name:
        raise ValueError("an identifier cannot hold a NUL character")
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """``text`` as a SQL string literal: in single quotes, inner single quotes doubled."""
    if "\x00" in text:
        raise ValueError("a literal cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"
