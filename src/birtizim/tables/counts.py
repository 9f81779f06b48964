"""A count in a record (riders checked, people reached, questions asked): a whole number ≥ 0.

The cores' dataclasses check their counts with it when they are built, so a record that no file
could hold (a negative reach, a reach of 2.5 or of True) never gets as far as a figure.
"""

from __future__ import annotations


def check_counts(owner: str, **numbers: int) -> None:
    """Raise ``ValueError`` naming ``owner`` and the first of ``numbers`` that is not a whole number ≥ 0."""
    for name, value in numbers.items():
        # bool is an int to Python, but True people reached is a mistake, not a count of one.
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{owner}: {name} must be a whole number ≥ 0, not {value!r}")
