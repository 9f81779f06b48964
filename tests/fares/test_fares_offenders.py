"""Protocols linked to people by IIN, repaired IIN, and folded names with the birth date."""

import datetime as dt

from birtizim.engine import iin
from birtizim.fares.model import Protocol
from birtizim.fares.offenders import link_protocols, offenders, repeat_offenders


def _iin(birth: dt.date, sex: str, serial: int) -> str:
    value = iin.make(birth, sex, serial)
    while value is None:
        serial += 1
        value = iin.make(birth, sex, serial)
    return value


def _typo(value: str) -> str:
    """A one-digit mistype that the checksum catches."""
    for pos in range(7, 11):
        for d in "0123456789":
            wrong = value[:pos] + d + value[pos + 1 :]
            if wrong != value and not iin.is_valid(wrong):
                return wrong
    raise AssertionError("no invalid neighbour")


ASEL_BIRTH = dt.date(2005, 3, 14)
ASEL = _iin(ASEL_BIRTH, "F", 1234)
ERLAN_BIRTH = dt.date(1990, 1, 1)
ERLAN_A = _iin(ERLAN_BIRTH, "M", 1111)
ERLAN_B = _iin(ERLAN_BIRTH, "M", 2222)


def _p(number: str, day: int, iin_raw: str | None, last: str, first: str, birth: dt.date | None) -> Protocol:
    return Protocol(
        number, dt.datetime(2026, 6, day, 9, 0), "12", "S1", iin_raw, last, first, None, birth, None, 8650, None
    )


PROTOCOLS = [
    _p("1", 1, ASEL, "Жұмабаева", "Әсел", ASEL_BIRTH),
    _p("2", 3, ASEL.lstrip("0"), "Жумабаева", "Асель", ASEL_BIRTH),  # a numeric cell lost the zero
    _p("3", 5, _typo(ASEL), "ZHUMABAEVA", "ASEL", ASEL_BIRTH),  # one digit mistyped
    _p("4", 7, None, "Jūmabaeva", "Äsel", ASEL_BIRTH),  # no IIN, 2021 Latin
    _p("5", 2, ERLAN_A, "Ахметов", "Ерлан", ERLAN_BIRTH),
    _p("6", 4, ERLAN_B, "Ахметов", "Ерлан", ERLAN_BIRTH),  # a namesake born the same day
    _p("7", 6, None, "Ахметов", "Ерлан", ERLAN_BIRTH),  # which of the two? not guessed
    _p("8", 8, None, "Иванов", "Сергей", dt.date(1985, 5, 5)),
    _p("9", 9, "  ", "Сергей", "Иванов", dt.date(1985, 5, 5)),  # names swapped, blank IIN
    _p("10", 10, ERLAN_A, "Омаров", "Серік", dt.date(1970, 2, 2)),  # IIN's birth date disagrees
]


def test_links_by_iin_repaired_iin_and_names() -> None:
    links = {link.number: link for link in link_protocols(PROTOCOLS)}
    assert [links[n].method for n in ("1", "2", "3", "4")] == ["iin", "iin", "iin_repaired", "names_birth_date"]
    assert {links[n].person_key for n in ("1", "2", "3", "4")} == {f"iin:{ASEL}"}
    assert links["3"].iin == ASEL
    assert links["5"].person_key == f"iin:{ERLAN_A}" and links["6"].person_key == f"iin:{ERLAN_B}"
    assert links["7"].method == "unlinked" and links["7"].person_key == "p:7"
    assert links["8"].person_key == links["9"].person_key and links["8"].person_key.startswith("nb:")
    # a valid IIN whose birth date contradicts the protocol is not trusted: it is not Erlan A
    assert links["10"].person_key != f"iin:{ERLAN_A}" and links["10"].method == "names_birth_date"


def test_repeat_offenders_and_history() -> None:
    repeat = repeat_offenders(PROTOCOLS)
    assert (repeat[0].person_key, len(repeat[0].protocols)) == (f"iin:{ASEL}", 4)
    assert len(repeat) == 2
    asel = repeat[0]
    assert [p.number for p in asel.protocols] == ["1", "2", "3", "4"]  # in time order
    assert asel.fines == 4 * 8650
    # within the first week only protocols 1-3 of Asel fall: still a repeat offender
    week = repeat_offenders(PROTOCOLS, start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 6))
    assert [len(o.protocols) for o in week] == [3]
    assert len(offenders(PROTOCOLS)) == 6  # Asel, Erlan A, Erlan B, protocol 7, Ivanov, protocol 10


def test_duplicate_protocol_numbers_are_refused() -> None:
    import pytest

    with pytest.raises(ValueError, match="same number"):
        link_protocols([PROTOCOLS[0], PROTOCOLS[0]])
