"""Public facts the project relies on: regions, districts and their populations, OSMS categories.

Data files sit beside this module; district populations that are not official are marked as
estimates in the files themselves (``population_is_estimate``).
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources

# The region the web platform and the modules assume when nothing says otherwise (the demo's).
DEFAULT_REGION = "almaty-2019"


@dataclass(frozen=True, slots=True)
class District:
    code: str
    name_ru: str
    name_kk: str
    name_en: str
    kind: str  # "city" or "district"
    population: int
    population_is_estimate: bool


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name_ru: str
    name_en: str
    population: int
    population_date: dt.date
    default_as_of: dt.date
    kazakh_name_share: float  # share of residents with Kazakh-style names (the rest Russian-style)
    note: str
    districts: tuple[District, ...]

    def district(self, code: str) -> District:
        for d in self.districts:
            if d.code == code:
                return d
        raise KeyError(f"region {self.code} has no district {code!r}")


def _rows(name: str) -> list[dict[str, str]]:
    with resources.files(__package__).joinpath(name).open(encoding="utf-8") as fh:
        # lines starting with "#" say where the figures come from
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


@cache
def regions() -> dict[str, Region]:
    districts: dict[str, list[District]] = {COUNTRY: country_districts()}
    for r in _rows("districts.csv"):
        districts.setdefault(r["region"], []).append(
            District(
                code=r["code"],
                name_ru=r["name_ru"],
                name_kk=r["name_kk"],
                name_en=r["name_en"],
                kind=r["kind"],
                population=int(r["population"]),
                population_is_estimate=r["population_is_estimate"] == "true",
            )
        )
    return {
        r["region"]: Region(
            code=r["region"],
            name_ru=r["name_ru"],
            name_en=r["name_en"],
            population=int(r["population"]),
            population_date=dt.date.fromisoformat(r["population_date"]),
            default_as_of=dt.date.fromisoformat(r["default_as_of"]),
            kazakh_name_share=float(r["kazakh_name_share"]),
            note=r["note"],
            districts=tuple(districts[r["region"]]),
        )
        for r in _rows("regions.csv")
    }


# The whole country as one region: every district of every region (country_regions.csv, country_districts.csv).
COUNTRY = "kazakhstan-2025"


def country_districts() -> list[District]:
    """Every district of Kazakhstan, its names qualified by its region's (a Zhambyl district is in three
    regions) and its code prefixed by the region's; district estimates scaled to add up to the region's total."""
    by_region: dict[str, list[dict[str, str]]] = {}
    for r in _rows("country_districts.csv"):
        by_region.setdefault(r["region"], []).append(r)
    out: list[District] = []
    for reg in _rows("country_regions.csv"):
        rows = by_region[reg["code"]]
        scale = int(reg["population"]) / sum(int(r["population_k"]) for r in rows)
        for r in rows:
            out.append(
                District(
                    code=f"{reg['code']}-{r['code']}",
                    name_ru=f"{r['name_ru']}, {reg['name_ru']}",
                    name_kk=f"{reg['name_kk']}, {r['name_kk']}",
                    name_en=f"{r['name_en']}, {reg['name_en']}",
                    kind=r["kind"],
                    population=round(int(r["population_k"]) * scale),
                    population_is_estimate=True,
                )
            )
    return out


def region(code: str) -> Region:
    try:
        return regions()[code]
    except KeyError:
        known = ", ".join(sorted(regions()))
        raise KeyError(f"unknown region {code!r}; known regions: {known}") from None
