"""Kazakhstan business identification numbers (BIN, БИН / БСН) of contractors.

Layout of the 12 digits: d1-d4 year and month of registration (YYMM); d5 type (4 resident legal
entity, 5 non-resident legal entity, 6 individual entrepreneur in a joint venture); d6 unit
(0 head office, 1 branch, 2 representative office, 3 peasant farm); d7-d11 serial; d12 the same
two-pass check digit as an IIN (``check_digit``). An IIN's fifth digit is the first digit of a day of
the month (0-3), so the fifth digit also tells a BIN from an IIN typed in its place.
"""

from __future__ import annotations

import datetime as dt

from birtizim.tables.check_digit import check_digit

ENTITY_TYPES = {4: "resident legal entity", 5: "non-resident legal entity", 6: "individual entrepreneur (joint)"}
UNIT_KINDS = {0: "head office", 1: "branch", 2: "representative office", 3: "peasant farm"}


class InvalidBIN(ValueError):
    """Raised by ``validate_bin`` with the reason the number is not a valid BIN."""


def validate_bin(value: str) -> str:
    """Return the BIN (surrounding spaces removed) or raise ``InvalidBIN`` saying what is wrong."""
    text = value.strip()
    if len(text) != 12 or not text.isascii() or not text.isdigit():
        raise InvalidBIN(f"a BIN has 12 digits, got {len(text)} characters")
    month = int(text[2:4])
    if not 1 <= month <= 12:
        raise InvalidBIN(f"digits 3-4 are the month of registration, got {text[2:4]}")
    if int(text[4]) not in ENTITY_TYPES:
        raise InvalidBIN(f"digit 5 must be 4, 5 or 6 (type of entity), got {text[4]}; is this an IIN?")
    if int(text[5]) not in UNIT_KINDS:
        raise InvalidBIN(f"digit 6 must be 0-3 (head office, branch, representative office, farm), got {text[5]}")
    expected = check_digit(text[:11])
    if expected is None:
        raise InvalidBIN("the check digit cannot be computed: such a number is never issued")
    if expected != int(text[11]):
        raise InvalidBIN("check digit does not match")
    return text


def is_valid_bin(value: str) -> bool:
    try:
        validate_bin(value)
    except InvalidBIN:
        return False
    return True


def make_bin(registered: dt.date, serial: int, *, entity_type: int = 4, unit: int = 0) -> str | None:
    """Build the BIN for a registration month and 5-digit serial; None if that serial gives no check digit."""
    if entity_type not in ENTITY_TYPES or unit not in UNIT_KINDS or not 0 <= serial <= 99999:
        raise ValueError("entity_type 4-6, unit 0-3 and a serial of at most 5 digits")
    first11 = f"{registered:%y%m}{entity_type}{unit}{serial:05d}"
    c = check_digit(first11)
    return None if c is None else first11 + str(c)
