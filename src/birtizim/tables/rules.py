"""Text rules that run the same in Python and in DuckDB.

A rule table is an ordered tuple of ``(kind, a, b)``; ``apply`` runs it on a Python string and
``to_sql`` compiles it into one nested SQL expression, so a rule is written once and both sides
cannot drift apart (tests check that they agree on the same inputs). The regular expressions used
here are the common subset of Python's ``re`` and DuckDB's RE2: no look-arounds, no
back-references in patterns.

Kinds:
  ("translate", chars, replacements)  map single characters; characters without a replacement vanish
  ("replace", text, replacement)      replace every occurrence of a literal text
  ("regex", pattern, replacement)     replace every match (``\\1`` names a group)
  ("if_match", pattern, chars>repl)   translate characters only in a text that matches the pattern
  ("strip", chars, "")                remove every character of ``chars`` from both ends
  ("lower", "", "")                   lower case
  ("strip_accents", "", "")           drop combining marks (ä ğ ñ -> a g n)
"""

from __future__ import annotations

import re
import unicodedata

from birtizim.tables.sql import quote_literal

Rule = tuple[str, str, str]


def apply(rules: tuple[Rule, ...], text: str) -> str:
    for kind, a, b in rules:
        if kind == "translate":
            text = text.translate({ord(c): (b[i] if i < len(b) else None) for i, c in enumerate(a)})
        elif kind == "replace":
            text = text.replace(a, b)
        elif kind == "regex":
            text = re.sub(a, b, text)
        elif kind == "if_match":
            source, target = b.split(">")
            if re.search(a, text):
                text = text.translate(str.maketrans(source, target))
        elif kind == "strip":
            text = text.strip(a)
        elif kind == "lower":
            text = text.lower()
        elif kind == "strip_accents":
            text = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
        else:  # pragma: no cover - the tables are the only input
            raise ValueError(kind)
    return text


def to_sql(rules: tuple[Rule, ...], arg: str) -> str:
    """One nested SQL expression applying ``rules`` to the SQL expression ``arg``."""
    expr = arg
    for kind, a, b in rules:
        if kind == "translate":
            expr = f"translate({expr}, {quote_literal(a)}, {quote_literal(b)})"
        elif kind == "replace":
            expr = f"replace({expr}, {quote_literal(a)}, {quote_literal(b)})"
        elif kind == "regex":
            expr = f"regexp_replace({expr}, {quote_literal(a)}, {quote_literal(b)}, 'g')"
        elif kind == "if_match":
            source, target = b.split(">")
            expr = (
                f"CASE WHEN regexp_matches({expr}, {quote_literal(a)}) "
                f"THEN translate({expr}, {quote_literal(source)}, {quote_literal(target)}) ELSE {expr} END"
            )
        elif kind == "strip":
            expr = f"trim({expr}, {quote_literal(a)})"
        elif kind == "lower":
            expr = f"lower({expr})"
        elif kind == "strip_accents":
            expr = f"strip_accents({expr})"
        else:  # pragma: no cover
            raise ValueError(kind)
    return expr
