"""A small QR code encoder (ISO/IEC 18004, byte mode) and its SVG, for printed parent links.

Pure Python, no dependency: a provider prints a month's links and a parent scans one with a phone
camera. Byte mode only (a URL is ASCII), error correction level M by default (15% of the code may be
smudged), versions 1-40, the mask chosen by the standard's penalty score. The algorithm follows the
standard's steps in order: data bits, Reed-Solomon blocks, interleaving, function patterns, the
zigzag placement, masking, format and version information.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

# Per error correction level and version (index 0 unused): EC codewords per block, number of blocks.
_ECC_PER_BLOCK = {
    "L": (-1, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28, 30, 30, 26, 28,
          30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30),
    "M": (-1, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28, 28, 28, 28, 28,
          28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28),
}  # fmt: skip
_BLOCKS = {
    "L": (-1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17,
          18, 19, 19, 20, 21, 22, 24, 25),
    "M": (-1, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
          31, 33, 35, 37, 38, 40, 43, 45, 47, 49),
}  # fmt: skip
_FORMAT_BITS = {"L": 1, "M": 0}

Grid = list[list[bool]]

_MASKS: tuple[Callable[[int, int], bool], ...] = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)


def raw_modules(version: int) -> int:
    """Modules left for data and EC codewords once the function patterns are drawn."""
    result = (16 * version + 128) * version + 64
    if version >= 2:
        aligns = version // 7 + 2
        result -= (25 * aligns - 10) * aligns - 55
        if version >= 7:
            result -= 36
    return result


def data_codewords(version: int, level: str) -> int:
    return raw_modules(version) // 8 - _ECC_PER_BLOCK[level][version] * _BLOCKS[level][version]


def capacity(version: int, level: str = "M") -> int:
    """Bytes a code of ``version`` holds in byte mode."""
    header = 4 + (8 if version <= 9 else 16)
    return (data_codewords(version, level) * 8 - header) // 8


# ----- Reed-Solomon over GF(256) with the QR polynomial 0x11D -----


def _gf_mul(x: int, y: int) -> int:
    z = 0
    for i in reversed(range(8)):
        z = (z << 1) ^ ((z >> 7) * 0x11D)
        z ^= ((y >> i) & 1) * x
    return z


def _generator(degree: int) -> list[int]:
    result = [0] * (degree - 1) + [1]
    root = 1
    for _ in range(degree):
        for j in range(degree):
            result[j] = _gf_mul(result[j], root)
            if j + 1 < degree:
                result[j] ^= result[j + 1]
        root = _gf_mul(root, 0x02)
    return result


def rs_remainder(data: Sequence[int], degree: int) -> list[int]:
    """The ``degree`` EC codewords of ``data``."""
    divisor = _generator(degree)
    result = [0] * degree
    for b in data:
        factor = b ^ result.pop(0)
        result.append(0)
        for i, coef in enumerate(divisor):
            result[i] ^= _gf_mul(coef, factor)
    return result


# ----- codewords -----


def _codewords(data: bytes, version: int, level: str) -> list[int]:
    bits: list[int] = []

    def put(value: int, length: int) -> None:
        bits.extend((value >> i) & 1 for i in reversed(range(length)))

    put(0b0100, 4)  # byte mode
    put(len(data), 8 if version <= 9 else 16)
    for b in data:
        put(b, 8)
    room = data_codewords(version, level) * 8
    put(0, min(4, room - len(bits)))  # terminator
    put(0, -len(bits) % 8)
    pad = 0xEC
    while len(bits) < room:
        put(pad, 8)
        pad ^= 0xEC ^ 0x11
    words = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits), 8)]
    # Split into blocks (the short ones first), add EC to each, interleave.
    blocks_n, ecc = _BLOCKS[level][version], _ECC_PER_BLOCK[level][version]
    raw = raw_modules(version) // 8
    short_n = blocks_n - raw % blocks_n
    short_len = raw // blocks_n
    blocks: list[list[int]] = []
    k = 0
    for i in range(blocks_n):
        size = short_len - ecc + (0 if i < short_n else 1)
        block = words[k : k + size]
        k += size
        block_ecc = rs_remainder(block, ecc)
        if i < short_n:
            block.append(0)  # a placeholder so that every block has the same length while interleaving
        blocks.append(block + block_ecc)
    out = []
    for i in range(len(blocks[0])):
        for j, block in enumerate(blocks):
            if i != short_len - ecc or j >= short_n:
                out.append(block[i])
    return out


# ----- the symbol -----


def _alignment_positions(version: int) -> list[int]:
    if version == 1:
        return []
    aligns = version // 7 + 2
    step = (version * 8 + aligns * 3 + 5) // (aligns * 4 - 4) * 2
    return [6, *sorted(version * 4 + 10 - i * step for i in range(aligns - 1))]


class _Symbol:
    def __init__(self, version: int, level: str) -> None:
        self.version, self.level = version, level
        self.size = version * 4 + 17
        self.dark: Grid = [[False] * self.size for _ in range(self.size)]
        self.function: Grid = [[False] * self.size for _ in range(self.size)]
        self._draw_function_patterns()

    def _set(self, x: int, y: int, dark: bool) -> None:
        self.dark[y][x] = dark
        self.function[y][x] = True

    def _draw_function_patterns(self) -> None:
        n = self.size
        for i in range(n):
            self._set(6, i, i % 2 == 0)
            self._set(i, 6, i % 2 == 0)
        for cx, cy in ((3, 3), (n - 4, 3), (3, n - 4)):
            for dy in range(-4, 5):
                for dx in range(-4, 5):
                    x, y = cx + dx, cy + dy
                    if 0 <= x < n and 0 <= y < n:
                        self._set(x, y, max(abs(dx), abs(dy)) not in (2, 4))
        pos = _alignment_positions(self.version)
        last = len(pos) - 1
        for i, ax in enumerate(pos):
            for j, ay in enumerate(pos):
                if (i, j) in ((0, 0), (0, last), (last, 0)):
                    continue  # the finder patterns are there
                for dy in range(-2, 3):
                    for dx in range(-2, 3):
                        self._set(ax + dx, ay + dy, max(abs(dx), abs(dy)) != 1)
        self.draw_format(0)
        if self.version >= 7:
            rem = self.version
            for _ in range(12):
                rem = (rem << 1) ^ ((rem >> 11) * 0x1F25)
            bits = self.version << 12 | rem
            for i in range(18):
                bit = (bits >> i) & 1 == 1
                a, b = n - 11 + i % 3, i // 3
                self._set(a, b, bit)
                self._set(b, a, bit)

    def draw_format(self, mask: int) -> None:
        n = self.size
        data = _FORMAT_BITS[self.level] << 3 | mask
        rem = data
        for _ in range(10):
            rem = (rem << 1) ^ ((rem >> 9) * 0x537)
        bits = (data << 10 | rem) ^ 0x5412

        def bit(i: int) -> bool:
            return (bits >> i) & 1 == 1

        for i in range(6):
            self._set(8, i, bit(i))
        self._set(8, 7, bit(6))
        self._set(8, 8, bit(7))
        self._set(7, 8, bit(8))
        for i in range(9, 15):
            self._set(14 - i, 8, bit(i))
        for i in range(8):
            self._set(n - 1 - i, 8, bit(i))
        for i in range(8, 15):
            self._set(8, n - 15 + i, bit(i))
        self._set(8, n - 8, True)  # the dark module

    def place(self, codewords: list[int]) -> None:
        n = self.size
        i, total = 0, len(codewords) * 8
        right = n - 1
        while right >= 1:
            if right == 6:
                right = 5  # the vertical timing pattern is skipped
            upward = (right + 1) & 2 == 0
            for vert in range(n):
                y = n - 1 - vert if upward else vert
                for x in (right, right - 1):
                    if not self.function[y][x] and i < total:
                        self.dark[y][x] = (codewords[i >> 3] >> (7 - (i & 7))) & 1 == 1
                        i += 1
            right -= 2

    def masked(self, mask: int) -> Grid:
        test = _MASKS[mask]
        return [
            [d ^ (not f and test(x, y)) for x, (d, f) in enumerate(zip(row, frow, strict=True))]
            for y, (row, frow) in enumerate(zip(self.dark, self.function, strict=True))
        ]


def _penalty(grid: Grid) -> int:
    n = len(grid)
    score = 0
    lines = grid + [list(col) for col in zip(*grid, strict=True)]
    finder = ([True, False, True, True, True, False, True, False, False, False, False],
              [False, False, False, False, True, False, True, True, True, False, True])  # fmt: skip
    for line in lines:
        run, prev = 0, None
        for cell in line:
            if cell == prev:
                run += 1
            else:
                if run >= 5:
                    score += run - 2
                run, prev = 1, cell
        if run >= 5:
            score += run - 2
        for i in range(n - 10):
            if line[i : i + 11] in finder:
                score += 40
    for y in range(n - 1):
        for x in range(n - 1):
            if grid[y][x] == grid[y][x + 1] == grid[y + 1][x] == grid[y + 1][x + 1]:
                score += 3
    dark = sum(map(sum, grid))
    total = n * n
    score += ((abs(dark * 20 - total * 10) + total - 1) // total - 1) * 10  # distance from half dark, in 5% steps
    return score


def encode(text: str, level: str = "M") -> Grid:
    """The modules of the smallest QR code holding ``text`` (UTF-8, byte mode); True is dark."""
    if level not in _BLOCKS:
        raise ValueError(f"error correction level {level!r}: L or M")
    data = text.encode("utf-8")
    version = next((v for v in range(1, 41) if capacity(v, level) >= len(data)), None)
    if version is None:
        raise ValueError(f"{len(data)} bytes do not fit in a QR code at level {level}")
    symbol = _Symbol(version, level)
    symbol.place(_codewords(data, version, level))
    best: tuple[int, Grid] | None = None
    for mask in range(8):
        symbol.draw_format(mask)
        grid = symbol.masked(mask)
        score = _penalty(grid)
        if best is None or score < best[0]:
            best = (score, grid)
    assert best is not None
    return best[1]


def svg(text: str, *, level: str = "M", module: int = 4, quiet: int = 4) -> str:
    """An inline SVG of ``text``'s QR code: one path, dark runs row by row, a quiet zone of 4 modules.

    Coordinates are whole modules written by Python (never localised by a template), and the
    view box scales the symbol to any printed size.
    """
    grid = encode(text, level)
    n = len(grid) + 2 * quiet
    parts = []
    for y, row in enumerate(grid):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start + quiet} {y + quiet}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    size = n * module
    return (
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {n} {n}" width="{size}" height="{size}" '
        f'shape-rendering="crispEdges" role="img"><rect width="{n}" height="{n}" fill="#fff"/>'
        f'<path fill="#000" d="{"".join(parts)}"/></svg>'
    )
