"""The single list: what the rest of Birtizim may use of the engine.

Everything above the engine (the web, the modules, the command line) imports these names from
``birtizim.engine`` and nothing from its modules, so the engine can move its insides freely:

* reconciling: ``reconcile`` (agency files -> a run folder), ``Run``, ``STEPS``, ``Source``, ``KINDS``,
  ``Mapping``, ``SourceError``; ``preview`` (``Preview``, within ``PreviewBounds``) of one file before it is
  used;
* reading a finished run: ``run_cursor``, ``run_rows``, ``run_value``, ``close_runs``; the one
  ``actualisation`` figure; ``iin_sql`` (an IIN column, masked unless asked);
* identities and decisions: ``IDENTITIES_FILE`` (a run's identity table, handed to the next run),
  ``DECISION_COLUMNS`` and ``write_decisions`` (people's decisions for the next run),
  ``row_fingerprint_sql`` and ``person_fingerprint_sql`` (the keys decisions name rows and residents by);
* the day's plan: ``OUTCOMES`` (the outcome codes an officer records, in display order), ``OUTCOME_FIELDS``
  (the fields each needs), ``outcome_problems`` (the validator of a recorded outcome); ``labels`` (the
  engine's codes in ru/kk/en: ``labels.word``, ``labels.sentence``), also as ``word`` and ``sentence``;
* publication: ``compare_runs`` (a run beside the published one, with ``RunThresholds`` and warnings),
  ``describe_warning``;
* rules: ``iin`` (parse, validate, clean, make), ``names`` (folding spellings), the BIN
  (``validate_bin``, ``is_valid_bin``, ``make_bin``, ``InvalidBIN``), ``xlsx`` (the SQL-driven, text-safe
  workbook writer).

Names load on first use (PEP 562): importing ``birtizim.engine`` costs nothing, so ``birtizim --help``
and Django's start stay fast; DuckDB and Splink load with the first name that needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from birtizim.engine import iin, labels, names
    from birtizim.engine.decisions import COLUMNS as DECISION_COLUMNS
    from birtizim.engine.decisions import person_fingerprint_sql, row_fingerprint_sql
    from birtizim.engine.decisions import write_csv as write_decisions
    from birtizim.engine.export import iin_sql
    from birtizim.engine.identity import FILE as IDENTITIES_FILE
    from birtizim.engine.ingest import Source
    from birtizim.engine.labels import sentence, word
    from birtizim.engine.pipeline import STEPS, Run, reconcile
    from birtizim.engine.plan import OUTCOME_FIELDS, OUTCOMES, outcome_problems
    from birtizim.engine.preview import Bounds as PreviewBounds
    from birtizim.engine.preview import Preview, preview
    from birtizim.engine.publication import Thresholds as RunThresholds
    from birtizim.engine.publication import compare as compare_runs
    from birtizim.engine.publication import describe as describe_warning
    from birtizim.engine.runs import actualisation, close_runs, run_cursor, run_rows, run_value
    from birtizim.engine.sources import KINDS, Mapping, SourceError
    from birtizim.tables import xlsx
    from birtizim.tables.bin_number import InvalidBIN, is_valid_bin, make_bin, validate_bin

# name -> (module, attribute; None for the module itself); a module without a dot is the engine's own,
# the writer and the BIN live with the readers (birtizim.tables) and are passed on from there.
_PUBLIC: dict[str, tuple[str, str | None]] = {
    "reconcile": ("pipeline", "reconcile"),
    "Run": ("pipeline", "Run"),
    "STEPS": ("pipeline", "STEPS"),
    "Source": ("ingest", "Source"),
    "KINDS": ("sources", "KINDS"),
    "Mapping": ("sources", "Mapping"),
    "SourceError": ("sources", "SourceError"),
    "preview": ("preview", "preview"),
    "Preview": ("preview", "Preview"),
    "PreviewBounds": ("preview", "Bounds"),
    "run_cursor": ("runs", "run_cursor"),
    "run_rows": ("runs", "run_rows"),
    "run_value": ("runs", "run_value"),
    "close_runs": ("runs", "close_runs"),
    "actualisation": ("runs", "actualisation"),
    "iin_sql": ("export", "iin_sql"),
    "IDENTITIES_FILE": ("identity", "FILE"),
    "DECISION_COLUMNS": ("decisions", "COLUMNS"),
    "write_decisions": ("decisions", "write_csv"),
    "row_fingerprint_sql": ("decisions", "row_fingerprint_sql"),
    "person_fingerprint_sql": ("decisions", "person_fingerprint_sql"),
    "compare_runs": ("publication", "compare"),
    "RunThresholds": ("publication", "Thresholds"),
    "describe_warning": ("publication", "describe"),
    "OUTCOMES": ("plan", "OUTCOMES"),
    "OUTCOME_FIELDS": ("plan", "OUTCOME_FIELDS"),
    "outcome_problems": ("plan", "outcome_problems"),
    "labels": ("labels", None),
    "word": ("labels", "word"),
    "sentence": ("labels", "sentence"),
    "iin": ("iin", None),
    "names": ("names", None),
    "xlsx": ("birtizim.tables.xlsx", None),
    "InvalidBIN": ("birtizim.tables.bin_number", "InvalidBIN"),
    "validate_bin": ("birtizim.tables.bin_number", "validate_bin"),
    "is_valid_bin": ("birtizim.tables.bin_number", "is_valid_bin"),
    "make_bin": ("birtizim.tables.bin_number", "make_bin"),
}

__all__ = [  # the public names; each is a key of _PUBLIC (tests/test_layers.py checks)
    "DECISION_COLUMNS",
    "IDENTITIES_FILE",
    "KINDS",
    "OUTCOMES",
    "OUTCOME_FIELDS",
    "STEPS",
    "InvalidBIN",
    "Mapping",
    "Preview",
    "PreviewBounds",
    "Run",
    "RunThresholds",
    "Source",
    "SourceError",
    "actualisation",
    "close_runs",
    "compare_runs",
    "describe_warning",
    "iin",
    "iin_sql",
    "is_valid_bin",
    "labels",
    "make_bin",
    "names",
    "outcome_problems",
    "person_fingerprint_sql",
    "preview",
    "reconcile",
    "row_fingerprint_sql",
    "run_cursor",
    "run_rows",
    "run_value",
    "sentence",
    "validate_bin",
    "word",
    "write_decisions",
    "xlsx",
]


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'birtizim.engine' has no attribute {name!r}")
    module, attribute = _PUBLIC[name]
    found = importlib.import_module(module if "." in module else f"birtizim.engine.{module}")
    value = found if attribute is None else getattr(found, attribute)
    globals()[name] = value  # once loaded, a plain attribute
    # Loading a submodule binds its name on this package: ``preview`` (the function) would become the
    # module ``preview`` whenever ``Preview`` or ``PreviewBounds`` is asked for first. The public name wins.
    own = found.__name__.rpartition(".")[2]
    if own in _PUBLIC and _PUBLIC[own][0] == module and _PUBLIC[own][1] is not None:
        globals()[own] = getattr(found, str(_PUBLIC[own][1]))
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
