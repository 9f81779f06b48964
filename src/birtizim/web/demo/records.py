"""Rows from the synthetic worlds' records: the fields a core dataclass and a model share, by name."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from django.db.models import Model

M = TypeVar("M", bound=Model)


def row_from(model: type[M], record: Any, **values: Any) -> M:
    """An unsaved ``model`` row holding ``record``'s fields of the same names; ``values`` add or override
    (money made exact, an enum's code, the batch the demo rows belong to)."""
    names = {f.attname for f in model._meta.concrete_fields} | {f.name for f in model._meta.concrete_fields}
    shared = {f.name: getattr(record, f.name) for f in dataclasses.fields(record) if f.name in names}
    return model(**{**shared, **values})
