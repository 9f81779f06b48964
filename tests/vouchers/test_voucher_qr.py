"""The QR encoder against the standard's published numbers and its own structure."""

import re

import pytest

from birtizim.vouchers import qr


def test_capacities_match_the_standards_byte_mode_table() -> None:
    # ISO/IEC 18004 table 7, byte mode: (version, level) -> bytes
    known = {(1, "L"): 17, (1, "M"): 14, (5, "M"): 84, (10, "L"): 271, (10, "M"): 213, (12, "M"): 287,
             (20, "M"): 666, (40, "L"): 2953, (40, "M"): 2331}  # fmt: skip
    assert {k: qr.capacity(*k) for k in known} == known


def test_reed_solomon_gives_the_textbook_ec_codewords() -> None:
    # "HELLO WORLD" as version 1-M in alphanumeric mode: the data codewords and their 10 EC codewords
    data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
    assert qr.rs_remainder(data, 10) == [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]


def finder_at(grid: list[list[bool]], x: int, y: int) -> bool:
    ring = [grid[y][x + i] for i in range(7)]
    centre = [grid[y + 3][x + i] for i in range(7)]
    return ring == [True] * 7 and centre == [True, False, True, True, True, False, True]


@pytest.mark.parametrize("length", [10, 120, 290, 700])
def test_a_code_has_its_size_finders_timing_and_dark_module(length: int) -> None:
    text = "https://example.kz/vouchers/confirm/" + "x" * length
    grid = qr.encode(text)
    version = (len(grid) - 17) // 4
    assert len(grid) == 4 * version + 17 and all(len(row) == len(grid) for row in grid)
    assert qr.capacity(version) >= len(text.encode()) > (qr.capacity(version - 1) if version > 1 else 0)
    n = len(grid)
    assert finder_at(grid, 0, 0) and finder_at(grid, n - 7, 0) and finder_at(grid, 0, n - 7)
    assert [grid[6][x] for x in range(8, n - 8)] == [x % 2 == 0 for x in range(8, n - 8)]
    assert grid[n - 8][8]  # the dark module


def test_the_svg_draws_every_dark_module_inside_a_quiet_zone() -> None:
    text = "https://example.kz/vouchers/confirm/v1.abc.def/"
    grid = qr.encode(text)
    svg = qr.svg(text)
    runs = [(int(x), int(y), int(w)) for x, y, w in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\d+z", svg)]
    drawn = {(x + i - 4, y - 4) for x, y, w in runs for i in range(w)}
    dark = {(x, y) for y, row in enumerate(grid) for x, d in enumerate(row) if d}
    assert drawn == dark
    assert f'viewBox="0 0 {len(grid) + 8} {len(grid) + 8}"' in svg


def test_too_much_text_is_refused() -> None:
    with pytest.raises(ValueError):
        qr.encode("x" * 3000, "M")
