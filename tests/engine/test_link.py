"""Linking rows the way real agency files damage them, one case per row of a hand-made list.

The registry is a small synthetic region; the agency list is written here, row by row, from its
residents: a relative's IIN, a random resident's IIN, an IIN nobody's names fit, IINs with dashes,
letters and three digits of scientific notation, Latin names, initials, rows without patronymic and
birth date. Each test checks what became of its row.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest

from birtizim.engine import link, names, pipeline, probabilistic
from birtizim.engine.ingest import Source
from birtizim.synth import damage
from tests.regions import synthetic_region

HEADERS = ["ИИН", "Фамилия", "Имя", "Отчество", "Дата рождения", "Район"]


@dataclass(frozen=True)
class Person:
    person_id: int
    iin: str
    last_name: str
    first_name: str
    patronymic: str | None
    birth_date: dt.date
    district: str


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=3_000, seed=21)


@pytest.fixture(scope="module")
def people(region: Path) -> list[Person]:
    table = pq.read_table(region / "truth" / "persons.parquet").to_pylist()
    return [
        Person(
            r["person_id"], r["iin"], r["last_name"], r["first_name"], r["patronymic"], r["birth_date"], r["district"]
        )
        for r in table
        if r["registry_status"] == "resident" and r["patronymic"]
    ]


def _relatives(people: list[Person]) -> tuple[Person, Person]:
    """Two residents of one district with the same surname and different first names (a family)."""
    seen: dict[tuple[str | None, str], Person] = {}
    for p in people:
        key = (names.fold_surname(p.last_name), p.district)
        other = seen.get(key)
        if other and names.fold(other.first_name) != names.fold(p.first_name) and other.birth_date != p.birth_date:
            return other, p
        seen[key] = p
    raise AssertionError("the region has no family")


def _unique(people: list[Person], start: int) -> Person:
    """A resident whose surname and first name nobody else in the registry carries."""
    counts: dict[tuple[str | None, str | None], int] = {}
    for p in people:
        key = (names.fold_surname(p.last_name), names.fold(p.first_name))
        counts[key] = counts.get(key, 0) + 1
    return next(p for p in people[start:] if counts[(names.fold_surname(p.last_name), names.fold(p.first_name))] == 1)


@dataclass
class Case:
    row: dict[str, str]
    person: Person | None  # the row's true person


@pytest.fixture(scope="module")
def cases(people: list[Person]) -> dict[str, Case]:
    a, b = _relatives(people)
    c, d = people[10], people[500]
    with_zero = next(p for p in people[600:] if "0" in p.iin[1:])

    def row(p: Person, **changes: str) -> dict[str, str]:
        written = {
            "ИИН": p.iin,
            "Фамилия": p.last_name,
            "Имя": p.first_name,
            "Отчество": p.patronymic or "",
            "Дата рождения": f"{p.birth_date:%d.%m.%Y}",
            "Район": "",
        }
        return {**written, **changes}

    latin = people[700]
    initials = people[800]
    bare = _unique(people, 900)
    sci = _unique(people, 1200)
    dashed = people[1000]
    out = {
        "relative_iin": Case(row(a, ИИН=b.iin), a),
        "random_iin": Case(row(c, ИИН=d.iin), c),
        "nobodys_names": Case(
            row(people[300], Фамилия="Несуществующая", Имя="Евлампия", Отчество="", **{"Дата рождения": ""}), None
        ),
        # the IIN and the birth date agree, the names do not: kept with the resident, and flagged
        "names_differ": Case(row(people[400], Фамилия="Другая", Имя="Фамилия", Отчество=""), people[400]),
        "en_dash": Case(row(dashed, ИИН=f"{dashed.iin[:6]}\u2013{dashed.iin[6:]}"), dashed),
        "letter_o": Case(row(with_zero, ИИН=with_zero.iin.replace("0", "O")), with_zero),
        "scientific_3": Case(row(sci, ИИН=f"{int(sci.iin):.2E}", **{"Дата рождения": ""}), sci),
        "latin_2018": Case(
            row(
                latin,
                Фамилия=damage.latin_2018(latin.last_name),
                Имя=damage.latin_2018(latin.first_name),
                Отчество=damage.latin_2018(latin.patronymic or ""),
            ),
            latin,
        ),
        "initials": Case(
            row(initials, Имя=initials.first_name[0] + ".", Отчество=(initials.patronymic or "?")[0] + "."),
            initials,
        ),
        "no_iin_patronymic_birth_date": Case(row(bare, ИИН="", Отчество="", **{"Дата рождения": ""}), bare),
    }
    return out


@pytest.fixture(scope="module")
def run(region: Path, cases: dict[str, Case], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("run")
    listed = folder / "disability.csv"
    with listed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(c.row for c in cases.values())
    done = pipeline.reconcile(
        [Source("registry", region / "sources" / "registry.csv"), Source("disability", listed)], folder / "out"
    )
    con = duckdb.connect(str(done.folder / "run.duckdb"), read_only=True)
    first = con.execute("SELECT min(row_number) FROM agency").fetchone()
    rows = {name: i + int(first[0]) for i, name in enumerate(cases)} if first else {}  # row numbers, in order
    return {"run": done, "con": con, "rows": rows}


def _link(run: dict[str, Any], case: str) -> tuple[Any, ...] | None:
    query = (
        "SELECT p.iin, l.method FROM links l JOIN agency a USING (record_id) "
        "LEFT JOIN statuses p USING (person_id) WHERE a.row_number = ?"
    )
    row: tuple[Any, ...] | None = run["con"].execute(query, [run["rows"][case]]).fetchone()
    return row


def _linked_to_its_person(run: dict[str, Any], cases: dict[str, Case], case: str, method: str) -> Person:
    """The case's row is linked, by ``method``, to the resident it was made from; that resident."""
    person = cases[case].person
    assert person is not None
    assert _link(run, case) == (person.iin, method)
    return person


def _conflicts(run: dict[str, Any], case: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = (
        run["con"]
        .execute(
            "SELECT type, detail FROM conflicts WHERE source = 'disability' AND row_number = ? ORDER BY type",
            [run["rows"][case]],
        )
        .fetchall()
    )
    return found


def _in_review(run: dict[str, Any], case: str) -> bool:
    found = (
        run["con"]
        .execute(
            "SELECT count(*) FROM review r JOIN agency a USING (record_id) WHERE a.row_number = ?", [run["rows"][case]]
        )
        .fetchone()
    )
    return bool(found and found[0])


def test_a_relatives_iin_links_the_row_to_its_own_person_and_names_both(
    run: dict[str, Any], cases: dict[str, Case]
) -> None:
    person = _linked_to_its_person(run, cases, "relative_iin", "probabilistic")
    # both residents named by their person_id in this run (persons.parquet)
    ids = dict(run["con"].execute("SELECT iin, person_id FROM statuses").fetchall())
    ((_kind, detail),) = [c for c in _conflicts(run, "relative_iin") if c[0] == "iin_of_another_resident"]
    assert detail == (
        f"the IIN is that of person {ids[cases['relative_iin'].row['ИИН']]}; "
        f"names and birth date are those of person {ids[person.iin]}"
    )


def test_a_random_residents_iin_does_not_stay_silently_in_the_list(run: dict[str, Any], cases: dict[str, Case]) -> None:
    _linked_to_its_person(run, cases, "random_iin", "probabilistic")
    assert "iin_of_another_resident" in [t for t, _ in _conflicts(run, "random_iin")]


def test_an_iin_and_birth_date_that_agree_keep_the_resident_whose_names_differ_with_a_conflict(
    run: dict[str, Any], cases: dict[str, Case]
) -> None:
    _linked_to_its_person(run, cases, "names_differ", "iin")
    assert "iin_name_mismatch" in [t for t, _ in _conflicts(run, "names_differ")]


def test_a_residents_iin_under_names_nobody_has_waits_for_review_and_is_never_new(run: dict[str, Any]) -> None:
    assert _link(run, "nobodys_names") is None
    assert _in_review(run, "nobodys_names")
    ((kind, detail),) = _conflicts(run, "nobodys_names")
    assert kind == "uncertain_match" and "IIN" in detail


@pytest.mark.parametrize("case", ["en_dash", "letter_o", "latin_2018", "initials"])
def test_damaged_iins_and_names_still_link_by_the_iin(run: dict[str, Any], cases: dict[str, Case], case: str) -> None:
    _linked_to_its_person(run, cases, case, "iin")
    assert not [t for t, _ in _conflicts(run, case) if t.startswith("iin_")]


def test_three_digits_of_scientific_notation_link_with_the_names(run: dict[str, Any], cases: dict[str, Case]) -> None:
    person = cases["scientific_3"].person
    linked = _link(run, "scientific_3")
    assert person is not None and linked is not None and linked[0] == person.iin
    assert linked[1] in ("iin_repaired", "probabilistic")


def test_a_row_without_iin_patronymic_and_birth_date_still_finds_its_person(
    run: dict[str, Any], cases: dict[str, Case]
) -> None:
    _linked_to_its_person(run, cases, "no_iin_patronymic_birth_date", "probabilistic")


def test_the_run_counts_its_review_band_and_disputed_iins(run: dict[str, Any]) -> None:
    linking = run["run"].linking
    assert run["run"].review == linking.review >= 1
    assert linking.disputed_iins >= 3 and linking.linked_to_another_resident >= 2
    assert linking.wrong_iin_share is not None and 0 < linking.wrong_iin_share <= link.EPSILON_BOUNDS[1]


def test_a_list_without_patronymic_birth_date_sex_or_district_reconciles(region: Path, tmp_path: Path) -> None:
    """The "any list shape" case: the model is built from the names alone, EM has too few pairs and the
    documented m probabilities stand in; nothing raises."""
    people = pq.read_table(region / "truth" / "persons.parquet").to_pylist()[:40]
    listed = tmp_path / "asp.csv"
    with listed.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ИИН", "Фамилия", "Имя"])
        for i, p in enumerate(people):
            writer.writerow(["" if i % 2 else p["iin"], p["last_name"], p["first_name"]])
    done = pipeline.reconcile(
        [Source("registry", region / "sources" / "registry.csv"), Source("asp", listed)], tmp_path / "out"
    )
    training = done.linking.training
    # names and the IIN (for the rows whose IIN is mistyped) are all both sides carry
    assert set(training["shape"]) <= {"iin"}
    assert "name" in training["fixed"]
    linked = pq.read_table(done.folder / "links.parquet").to_pylist()
    assert len(linked) + done.review == len(people)


def test_the_training_sample_is_the_same_whatever_order_the_rows_are_in() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE listed AS SELECT range AS id FROM range(100000)")
    con.execute("CREATE TABLE reordered AS SELECT * FROM listed ORDER BY hash(id)")  # the same rows, elsewhere

    def sample(table: str) -> set[tuple[int, ...]]:
        return set(con.execute(probabilistic.sample_sql(f"SELECT id FROM {table}", "id", 1_000)).fetchall())

    assert sample("listed") == sample("reordered")
    assert len(sample("listed")) == 1_000

    # The reservoir sample training took before follows the scan: the same rows in another order (as
    # two loads of the same files leave them) gave another sample, and another model.
    def reservoir(table: str) -> set[tuple[int, ...]]:
        query = f"SELECT id FROM {table} USING SAMPLE reservoir(1000 ROWS) REPEATABLE ({probabilistic.SEED})"
        return set(con.execute(query).fetchall())

    assert reservoir("listed") != reservoir("reordered")
