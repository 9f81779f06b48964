"""A count in a core's record is a whole number ≥ 0 (fares and outreach check theirs with one rule)."""

from __future__ import annotations

import pytest

from birtizim.tables.counts import check_counts


def test_whole_numbers_from_zero_are_counts() -> None:
    check_counts("a check", riders=0, paid=12)


@pytest.mark.parametrize("value", [-1, 2.5, True, "3", None])
def test_anything_else_is_refused_with_the_owner_and_the_name(value: object) -> None:
    with pytest.raises(ValueError, match=r"^a check: unpaid must be a whole number ≥ 0"):
        check_counts("a check", paid=1, unpaid=value)  # type: ignore[arg-type]
