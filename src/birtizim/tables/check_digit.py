"""The check digit of Kazakhstan's 12-digit identification numbers, shared by IINs (people) and BINs
(organisations): c = sum(d_i * w_i) mod 11 with the first weights; when that is 10, again with the
second; when still 10 the number is never issued."""

from __future__ import annotations

WEIGHTS_1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def check_digit(first11: str) -> int | None:
    """Check digit for the first 11 digits, or None when both passes give 10 (never issued)."""
    digits = [int(c) for c in first11]
    c = sum(d * w for d, w in zip(digits, WEIGHTS_1, strict=True)) % 11
    if c == 10:
        c = sum(d * w for d, w in zip(digits, WEIGHTS_2, strict=True)) % 11
    return None if c == 10 else c
