"""A synthetic region with a known review band, for the tests of identities, decisions and the review page.

``with_namesakes`` copies a region written by ``birtizim synth`` and, for a few residents of pension age,
adds to the registry a **namesake** (same surname, first name, patronymic, sex and district, born a few
days apart, another IIN) and to the pension list a row that names them without an IIN or a birth date.
Nothing in such a row tells the two apart, so the engine leaves it to people: it waits in the review
band with both residents as candidates. The truth of each added row is the original resident.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from birtizim.engine import iin
from birtizim.synth import synthesize

PENSION = "sources/gcvp_pension.csv"
REGISTRY = "sources/registry.csv"


@dataclass(frozen=True)
class Namesakes:
    original: str  # IIN of the resident the pension row is about
    namesake: str  # IIN of the added resident with the same names
    row_number: int  # the pension row (Excel's numbering: the header is row 1)
    full_name: str
    district: str  # the district's code


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        header, *rows = list(csv.reader(f))
    return header, rows


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(header)
        out.writerows(rows)


def with_namesakes(
    region: Path, out: Path, n: int = 4, first: tuple[str, ...] = ("talgar", "karasay")
) -> list[Namesakes]:
    """Copy ``region`` to ``out`` with ``n`` namesakes in the registry and their rows in the pension list,
    each in another district, those of ``first`` (district codes: the web tests' home and other
    district) before the rest."""
    shutil.copytree(region, out, dirs_exist_ok=True)
    persons = pq.read_table(region / "truth" / "persons.parquet").to_pylist()
    as_of = dt.date.fromisoformat(json.loads((region / "manifest.json").read_text(encoding="utf-8"))["as_of"])
    names = Counter((p["last_name"], p["first_name"], p["patronymic"]) for p in persons)
    taken = {p["iin"] for p in persons}
    # a resident another list names without an IIN would send that row to review too (its namesake added)
    rows = pq.read_table(region / "truth" / "rows.parquet", columns=["person_id", "noise_iin_missing"]).to_pylist()
    unnamed = {r["person_id"] for r in rows if r["noise_iin_missing"]}
    eligible = [
        p
        for p in persons
        if p["registry_status"] == "resident"
        and p["patronymic"]
        and 50 <= (as_of - p["birth_date"]).days // 365 <= 60
        and names[(p["last_name"], p["first_name"], p["patronymic"])] == 1
        and p["person_id"] not in unnamed
    ]
    eligible.sort(key=lambda p: first.index(p["district"]) if p["district"] in first else len(first))
    chosen: list[dict[str, Any]] = []
    for p in eligible:  # each district's first resident
        if all(c["district"] != p["district"] for c in chosen):
            chosen.append(p)
    chosen = chosen[:n]
    assert len(chosen) == n, "the region has too few residents of pension age"
    header, registry = _read(out / REGISTRY)
    by_iin = {row[header.index("ИИН")]: row for row in registry}
    p_header, pension = _read(out / PENSION)
    found = []
    for k, person in enumerate(chosen):
        born = person["birth_date"] + dt.timedelta(days=3)
        other = next(
            x for x in (iin.make(born, person["sex"], 9000 + 7 * k + s) for s in range(50)) if x and x not in taken
        )
        taken.add(other)
        copy = list(by_iin[person["iin"]])
        copy[header.index("ИИН")] = other
        copy[header.index("Дата рождения")] = f"{born:%d.%m.%Y}"
        registry.append(copy)
        full = f"{person['last_name']} {person['first_name']} {person['patronymic']}"
        row = {"ИИН": "", "ФИО": full, "Дата рождения": "", "Вид выплаты": "Пенсия по возрасту"}
        row["Район"] = copy[header.index("Район")]
        pension.append([row.get(h, "") for h in p_header])
        found.append(Namesakes(person["iin"], other, len(pension) + 1, full, person["district"]))
    _write(out / REGISTRY, header, registry)
    _write(out / PENSION, p_header, pension)
    return found


def region_with_namesakes(folders: Callable[[str], Path]) -> tuple[Path, list[Namesakes]]:
    """The tests' region with its review band: a synthetic region of 3,000 (seed 21) with namesakes,
    written to a new folder from ``folders`` (a ``tmp_path_factory.mktemp``)."""
    plain = folders("plain")
    synthesize(region="almaty-2019", residents=3_000, seed=21, out=plain)
    region = folders("namesakes")
    return region, with_namesakes(plain, region)


def agency_file(region: Path, kind: str) -> Path:
    """The path of a kind's file in a region folder (its manifest)."""
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    return region / next(s["path"] for s in manifest["sources"] if s["kind"] == kind)
