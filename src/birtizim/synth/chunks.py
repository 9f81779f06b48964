"""A large region drawn a chunk at a time: whole districts, in the region's order, grouped into chunks
of at most ``CHUNK_RESIDENTS`` residents, so that generating the country (20 million residents) holds
one chunk in memory rather than the whole population.

A region that fits in one chunk is drawn exactly as it always was (the same files for the same seed).
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass

import numpy as np

from birtizim.reference import Region

# About 2.3 GiB of generator memory at this size (1.82 GiB measured at 2,000,000 residents); every
# Almaty region the tests and benches use (up to 2,059,200 residents) fits in one.
CHUNK_RESIDENTS = 2_500_000
# Lowers the chunk size for a check that memory follows the chunk, not the region (docs/synthetic-data.md).
CHUNK_ENV = "BIRTIZIM_SYNTH_CHUNK_RESIDENTS"


@dataclass(frozen=True)
class Chunk:
    first_district: int  # index in the whole region's districts of the chunk's first district
    region: Region  # the region with only the chunk's districts
    residents: int


def chunk_residents() -> int:
    """The chunk size in force: ``CHUNK_RESIDENTS`` unless the environment lowers it for a check."""
    value = os.environ.get(CHUNK_ENV, "")
    return int(value) if value else CHUNK_RESIDENTS


def plan(region: Region, residents: int, limit: int) -> list[Chunk]:
    """Whole districts in the region's order, grouped so that no chunk expects more than ``limit``
    residents (a district larger than ``limit`` is a chunk of its own); the residents are shared out in
    proportion to the chunks' populations and add up to ``residents``."""
    if limit < 1:
        raise ValueError("a chunk holds at least one resident")
    if residents <= limit:
        return [Chunk(0, region, residents)]
    population = np.array([d.population for d in region.districts], dtype=float)
    expected = residents * population / population.sum()
    bounds: list[tuple[int, int]] = []
    start, held = 0, 0.0
    for i, e in enumerate(expected):
        if i > start and held + e > limit:
            bounds.append((start, i))
            start, held = i, 0.0
        held += float(e)
    bounds.append((start, len(expected)))
    exact = np.array([expected[a:b].sum() for a, b in bounds])
    counts = np.floor(exact).astype(np.int64)
    # largest remainders get the residents rounding left over, so the chunks add up exactly
    short = residents - int(counts.sum())
    counts[np.argsort(-(exact - counts), kind="stable")[:short]] += 1
    return [
        Chunk(a, dataclasses.replace(region, districts=region.districts[a:b]), int(n))
        for (a, b), n in zip(bounds, counts, strict=True)
    ]
