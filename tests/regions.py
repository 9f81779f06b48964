"""Synthetic regions for tests: one written per module (or session) fixture, into a fresh temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from birtizim.synth import synthesize


def synthetic_region(
    factory: pytest.TempPathFactory,
    *,
    residents: int,
    seed: int,
    damage_mode: str = "standard",
    region: str = "almaty-2019",
    folder: str = "region",
) -> Path:
    """A region's agency lists and truth (``birtizim synth``) in a new folder of ``factory``'s."""
    out = factory.mktemp(folder)
    synthesize(region=region, residents=residents, seed=seed, out=out, damage_mode=damage_mode)
    return out
