"""Rows with no IIN and no birth date whose full name several residents carry (namesakes).

A small synthetic region gets namesakes added to its registry: the same full name in three districts,
twice in one district, with and without a patronymic, and once already in the list by IIN. An agency
list then names each of them with no IIN and no birth date; each test checks what became of its row:
linked to the one namesake the row's other evidence leaves, or sent to review when nothing tells the
namesakes apart (never linked at random, never "new").
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from birtizim.engine import iin, pipeline
from birtizim.engine.ingest import Source
from birtizim.synth import synthesize

LIST_HEADERS = ["ИИН", "Фамилия", "Имя", "Отчество", "Дата рождения", "Район"]
# Districts as the registry writes them (each has its Russian name in the region's reference).
TALGAR, KARASAY, ILE = "Талгарский район", "Карасайский район", "Илийский район"


@dataclass(frozen=True)
class Namesake:
    iin: str
    last_name: str
    first_name: str
    patronymic: str
    birth_date: dt.date
    sex: str  # "М" or "Ж", as the registry writes it
    district: str


def _resident(n: int, last: str, first: str, patronymic: str, district: str, sex: str = "Ж") -> Namesake:
    # every namesake of the same age band (five years) and sex: the list's age limits tell them not apart
    born = dt.date(1981, 1 + n % 12, 1 + n)
    code = iin.make(born, "F" if sex == "Ж" else "M", 9000 + n)
    serial = 9000 + n
    while code is None:  # a serial without a check digit is never issued: take the next
        serial += 100
        code = iin.make(born, "F" if sex == "Ж" else "M", serial)
    return Namesake(code, last, first, patronymic, born, sex, district)


# Names no generated resident carries (the generator draws from its own lists of names).
NAMESAKES = {
    # the same full name in three districts: the row's district leaves one
    "one_per_district": [
        _resident(1, "Жолдасбекова", "Гүлзира", "Ермекқызы", TALGAR),
        _resident(2, "Жолдасбекова", "Гүлзира", "Ермекқызы", KARASAY),
        _resident(3, "Жолдасбекова", "Гүлзира", "Ермекқызы", ILE),
    ],
    # twice in one district: nothing on the row tells them apart
    "two_in_one_district": [
        _resident(4, "Құдайбергенова", "Салтанат", "Бауыржанқызы", TALGAR),
        _resident(5, "Құдайбергенова", "Салтанат", "Бауыржанқызы", TALGAR),
    ],
    # one with a patronymic, one without, in one district: a list that writes patronymics leaves one out
    # when the resident has none
    "no_patronymic": [
        _resident(6, "Тілеубердиева", "Меруерт", "Асқарқызы", ILE),
        _resident(7, "Тілеубердиева", "Меруерт", "", ILE),
    ],
    # one already in the list by IIN (another row), one not: the list names a person twice seldom
    "taken_by_iin": [
        _resident(8, "Сейітқазиева", "Айнұр", "Нұрланқызы", KARASAY),
        _resident(9, "Сейітқазиева", "Айнұр", "Нұрланқызы", KARASAY),
    ],
}
# which namesake each row is (None: nothing on the row decides), and the district the row gives
ROW_PERSON = {"one_per_district": 1, "two_in_one_district": None, "no_patronymic": 1, "taken_by_iin": 1}
ROW_DISTRICT = {"one_per_district": KARASAY, "two_in_one_district": TALGAR, "no_patronymic": ILE, "taken_by_iin": ""}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    region = tmp_path_factory.mktemp("region")
    synthesize(region="almaty-2019", residents=3_000, seed=23, out=region)
    residents = [
        r
        for r in pq.read_table(region / "truth" / "persons.parquet").to_pylist()
        if r["registry_status"] == "resident" and r["patronymic"]
    ]
    taken = {r["iin"] for r in residents}
    added = [p for group in NAMESAKES.values() for p in group]
    assert not taken & {p.iin for p in added}
    folder = tmp_path_factory.mktemp("run")
    registry = folder / "registry.csv"
    with (
        (region / "sources" / "registry.csv").open(encoding="utf-8", newline="") as src,
        registry.open("w", encoding="utf-8", newline="") as dst,
    ):
        rows = list(csv.DictReader(src))
        writer = csv.DictWriter(dst, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
        for p in added:
            writer.writerow(
                {
                    **{k: "" for k in rows[0]},
                    "ИИН": p.iin,
                    "Фамилия": p.last_name,
                    "Имя": p.first_name,
                    "Отчество": p.patronymic,
                    "Дата рождения": f"{p.birth_date:%d.%m.%Y}",
                    "Пол": p.sex,
                    "Район": p.district,
                    "Статус": "Проживает",
                }
            )
    # the list: residents, most linked by their IINs (what the list's own statistics are measured on), the
    # namesake already in it by IIN, then one row per case with no IIN and no birth date
    listed = folder / "disability.csv"
    with listed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=LIST_HEADERS)
        writer.writeheader()
        for i, r in enumerate(residents[:300]):
            writer.writerow(
                {
                    # a third without the IIN, as agency lists are (they link by names and birth date)
                    "ИИН": "" if i % 3 == 0 else r["iin"],
                    "Фамилия": r["last_name"],
                    "Имя": r["first_name"],
                    "Отчество": r["patronymic"],
                    "Дата рождения": f"{r['birth_date']:%d.%m.%Y}",
                    "Район": "",
                }
            )
        held = NAMESAKES["taken_by_iin"][0]
        writer.writerow(
            {
                "ИИН": held.iin,
                "Фамилия": held.last_name,
                "Имя": held.first_name,
                "Отчество": held.patronymic,
                "Дата рождения": f"{held.birth_date:%d.%m.%Y}",
                "Район": held.district,
            }
        )
        for case, group in NAMESAKES.items():
            p = group[ROW_PERSON[case] or 0]
            writer.writerow(
                {
                    "ИИН": "",
                    "Фамилия": p.last_name,
                    "Имя": p.first_name,
                    "Отчество": p.patronymic,
                    "Дата рождения": "",
                    "Район": ROW_DISTRICT[case],
                }
            )
    done = pipeline.reconcile([Source("registry", registry), Source("disability", listed)], folder / "out")
    con = duckdb.connect(str(done.folder / "run.duckdb"), read_only=True)
    last = con.execute("SELECT max(row_number) FROM agency WHERE source = 'disability'").fetchone()
    assert last is not None
    rows_of = {case: int(last[0]) - len(NAMESAKES) + 1 + i for i, case in enumerate(NAMESAKES)}
    return {"con": con, "rows": rows_of}


def _outcome(run: dict[str, Any], case: str) -> tuple[str | None, str | None, bool]:
    """(the IIN of the resident the row is linked to, the method, whether the row awaits review)."""
    con, row_number = run["con"], run["rows"][case]
    linked = con.execute(
        "SELECT p.iin, l.method FROM links l JOIN agency a USING (record_id) "
        "LEFT JOIN statuses p USING (person_id) WHERE a.source = 'disability' AND a.row_number = ?",
        [row_number],
    ).fetchone()
    review = con.execute(
        "SELECT count(*) FROM review r JOIN agency a USING (record_id) "
        "WHERE a.source = 'disability' AND a.row_number = ?",
        [row_number],
    ).fetchone()
    return (linked[0] if linked else None, linked[1] if linked else None, bool(review and review[0]))


def test_the_namesake_in_the_rows_district_is_linked(run: dict[str, Any]) -> None:
    assert _outcome(run, "one_per_district") == (NAMESAKES["one_per_district"][1].iin, "probabilistic", False)


def test_two_namesakes_nothing_tells_apart_go_to_review_not_to_either(run: dict[str, Any]) -> None:
    linked, _method, review = _outcome(run, "two_in_one_district")
    assert linked is None and review
    candidates = {
        iin_
        for (iin_,) in run["con"]
        .execute(
            "SELECT p.iin FROM review_candidates c JOIN agency a USING (record_id) JOIN statuses p USING (person_id) "
            "WHERE a.source = 'disability' AND a.row_number = ?",
            [run["rows"]["two_in_one_district"]],
        )
        .fetchall()
    }
    # both namesakes are offered to the person who decides (others of a close name may follow)
    assert candidates >= {p.iin for p in NAMESAKES["two_in_one_district"]}


def test_a_row_without_patronymic_goes_to_the_namesake_who_has_none(run: dict[str, Any]) -> None:
    assert _outcome(run, "no_patronymic") == (NAMESAKES["no_patronymic"][1].iin, "probabilistic", False)


def test_a_namesake_the_list_already_holds_by_iin_leaves_the_other(run: dict[str, Any]) -> None:
    assert _outcome(run, "taken_by_iin") == (NAMESAKES["taken_by_iin"][1].iin, "probabilistic", False)
