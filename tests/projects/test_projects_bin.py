"""Contractor BINs: the IIN's two-pass check digit on a different layout."""

from __future__ import annotations

import pytest
from projects_builders import D

from birtizim.tables.bin_number import InvalidBIN, is_valid_bin, make_bin, validate_bin
from birtizim.tables.check_digit import WEIGHTS_1, WEIGHTS_2


def test_it_accepts_a_bin_whose_check_digit_comes_from_the_first_pass() -> None:
    # 2405 (registered May 2024), 4 (resident legal entity), 0 (head office), serial 00123.
    # First pass: 2*1 + 4*2 + 0*3 + 5*4 + 4*5 + 0*6 + 0*7 + 0*8 + 1*9 + 2*10 + 3*11 = 112; 112 mod 11 = 2.
    assert sum(int(d) * w for d, w in zip("24054000123", WEIGHTS_1, strict=True)) == 112
    assert validate_bin("240540001232") == "240540001232"
    assert not is_valid_bin("240540001233")


def test_it_accepts_a_bin_whose_check_digit_needs_the_second_pass() -> None:
    # 1203 4 0 00130: first pass 1 + 4 + 0 + 12 + 20 + 0 + 0 + 0 + 9 + 30 + 0 = 76, 76 mod 11 = 10, so
    # second pass 3 + 8 + 0 + 18 + 28 + 0 + 0 + 0 + 11 + 3 + 0 = 71; 71 mod 11 = 5.
    assert sum(int(d) * w for d, w in zip("12034000130", WEIGHTS_1, strict=True)) % 11 == 10
    assert sum(int(d) * w for d, w in zip("12034000130", WEIGHTS_2, strict=True)) == 71
    assert is_valid_bin("120340001305")


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("24054000123", "12 digits"),
        ("2405400012a2", "12 digits"),
        ("241340001232", "month"),
        ("791028302728", "digit 5"),  # a valid IIN typed in the BIN's place
        ("240547001232", "digit 6"),
        ("240540001233", "check digit"),
    ],
)
def test_it_says_why_a_bin_is_invalid(value: str, reason: str) -> None:
    with pytest.raises(InvalidBIN, match=reason):
        validate_bin(value)


def test_it_strips_surrounding_spaces() -> None:
    assert validate_bin(" 240540001232 ") == "240540001232"


def test_it_makes_bins_that_validate() -> None:
    made = [make_bin(D(2010 + k % 10, 1 + k % 12, 1), k) for k in range(200)]
    kept = [b for b in made if b is not None]
    assert len(kept) > 150  # about 1 serial in 11 has no check digit
    assert all(is_valid_bin(b) for b in kept)
    assert make_bin(D(2012, 3, 1), 130) == "120340001305"
