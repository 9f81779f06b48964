import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from birtizim.engine import iin, names
from birtizim.reference import region
from birtizim.reference.osms import GRACE_MONTHS, GRACE_MONTHS_REGULAR, REGULAR_MONTHS
from birtizim.synth import agencies, synthesize
from tests.regions import synthetic_region

RESIDENTS = 20_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic_region(tmp_path_factory, residents=RESIDENTS, seed=11)


@pytest.fixture(scope="module")
def manifest(demo: Path) -> dict[str, Any]:
    return json.loads((demo / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def persons(demo: Path) -> dict[str, list[Any]]:
    return pq.read_table(demo / "truth" / "persons.parquet").to_pydict()  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def truth_rows(demo: Path) -> dict[str, list[Any]]:
    return pq.read_table(demo / "truth" / "rows.parquet").to_pydict()  # type: ignore[no-any-return]


def read_source(path: Path, spec: agencies.SourceSpec) -> tuple[list[str], list[list[Any]]]:
    """Read an agency file the plain way (csv module / calamine), as a test oracle."""
    if spec.fmt == "xlsx":
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        header, *data = rows
        return [str(h) for h in header], [list(r) for r in data]
    text = path.read_bytes().decode(spec.encoding)
    header, *data = list(csv.reader(io.StringIO(text), delimiter=spec.delimiter))
    return header, data


def by_kind(kind: str) -> agencies.SourceSpec:
    return next(s for s in agencies.SOURCES if s.kind == kind)


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and p.name != "manifest.json":  # the manifest records the run time
            h.update(p.relative_to(folder).as_posix().encode())
            h.update(p.read_bytes() if p.suffix != ".xlsx" else _xlsx_cells(p))
    return h.hexdigest()


def _xlsx_cells(path: Path) -> bytes:
    # XLSX zips carry a creation timestamp; compare the cells.
    return repr(CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()).encode()


# --- contract ----------------------------------------------------------------------------------


def test_it_writes_the_contract_layout(demo: Path, manifest: dict[str, Any]) -> None:
    assert (demo / "truth" / "persons.parquet").is_file()
    assert (demo / "truth" / "rows.parquet").is_file()
    kinds = [s["kind"] for s in manifest["sources"]]
    assert kinds == [s.kind for s in agencies.SOURCES]
    assert {"registry", "contributions", "unemployed", "pension", "disability", "students", "childcare", "asp"} <= set(
        kinds
    )
    for s in manifest["sources"]:
        assert (demo / s["path"]).is_file()
        assert s["path"].startswith("sources/")
    formats = {s["kind"]: (s["fmt"], s["encoding"], s["delimiter"]) for s in manifest["sources"]}
    assert formats["unemployed"] == ("csv", "cp1251", ";")
    assert sum(1 for f in formats.values() if f[0] == "xlsx") >= 2
    assert manifest["residents"] == RESIDENTS and manifest["seed"] == 11


def test_every_file_row_has_a_truth_row(demo: Path, manifest: dict[str, Any], truth_rows: dict[str, list[Any]]) -> None:
    for s in manifest["sources"]:
        header, data = read_source(demo / s["path"], by_kind(s["kind"]))
        assert header == list(by_kind(s["kind"]).headers.values())
        assert len(data) == s["rows"] == truth_rows["source"].count(s["kind"]), s["kind"]


def test_headers_are_written_as_agencies_write_them(demo: Path) -> None:
    raw = (demo / "sources" / by_kind("unemployed").filename).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert raw.decode("cp1251").splitlines()[0].startswith('"ИИН";"Фамилия"')
    assert (demo / "sources" / by_kind("contributions").filename).read_bytes().startswith(b"\xef\xbb\xbf")
    header, _ = read_source(demo / "sources" / "disability.xlsx", by_kind("disability"))
    assert header[:3] == ["ЖСН", "Тегі", "Аты"]


def test_registry_iins_are_valid_unique_and_agree_with_birth_date_and_sex(persons: dict[str, list[Any]]) -> None:
    values = persons["iin"]
    assert len(set(values)) == len(values) == RESIDENTS + round(RESIDENTS * 0.018)
    for value, birth, sex in zip(values, persons["birth_date"], persons["sex"], strict=True):
        parsed = iin.parse(value)
        assert parsed.birth_date == birth and parsed.sex == sex


def test_districts_follow_population_shares(persons: dict[str, list[Any]]) -> None:
    reg = region("almaty-2019")
    total = sum(d.population for d in reg.districts)
    counts = {d.code: 0 for d in reg.districts}
    for code in persons["district"]:
        counts[code] += 1
    for d in reg.districts:
        expected = d.population / total
        assert abs(counts[d.code] / len(persons["district"]) - expected) < 0.01, d.code


def test_age_pyramid_is_young(persons: dict[str, list[Any]]) -> None:
    as_of = dt.date(2020, 1, 1)
    ages = np.array([(as_of - b).days / 365.25 for b in persons["birth_date"]])
    assert 0.25 < (ages < 15).mean() < 0.33  # Kazakhstan: about 29% under 15
    assert 0.03 < (ages >= 70).mean() < 0.08
    assert ages.max() < 100


def test_names_are_kazakh_and_russian_with_patronymics(persons: dict[str, list[Any]]) -> None:
    kazakh_letters = re.compile("[ӘәҒғҚқҢңӨөҰұҮүІі]")
    firsts = persons["first_name"]
    assert 0.4 < np.mean([bool(kazakh_letters.search(f)) for f in firsts]) < 0.9
    patronymics = [p for p in persons["patronymic"] if p]
    assert len(patronymics) > 0.95 * len(firsts)
    endings = {"ұлы": 0, "қызы": 0, "ович": 0, "овна": 0}
    for p in patronymics:
        for e in endings:
            endings[e] += p.endswith(e)
    assert all(v > 100 for v in endings.values()), endings


# --- true statuses follow the rules -----------------------------------------------------------


def test_true_statuses_are_plausible_and_follow_the_rules(persons: dict[str, list[Any]]) -> None:
    n = len(persons["status"])
    share = {s: persons["status"].count(s) / n for s in set(persons["status"])}
    assert set(share) == {"state", "contributor", "lapsed", "undetermined", "left"}
    assert 0.03 < share["undetermined"] < 0.15
    as_of = dt.date(2020, 1, 1)
    for i in range(n):
        status, reg = persons["status"][i], persons["registry_status"][i]
        assert (status == "left") == (reg != "resident")
        b = persons["birth_date"][i]
        age = as_of.year - b.year - ((b.month, b.day) > (as_of.month, as_of.day))
        if status == "left":
            continue
        if age < 18:
            assert (status, persons["category"][i]) == ("state", "children")
        if status == "contributor":
            grace = GRACE_MONTHS_REGULAR if persons["months_paid_60"][i] >= REGULAR_MONTHS else GRACE_MONTHS
            assert 0 <= persons["months_since_payment"][i] <= grace
        if status == "lapsed":
            assert persons["months_since_payment"][i] is not None
        if status == "undetermined":
            assert persons["contributor_type"][i] is None
            assert not any(persons[k][i] for k in persons if k.startswith("situation_"))
    assert persons["conflict"].count("contributions_and_nonworking_category") > 10


# --- noise is real, and recorded truthfully ---------------------------------------------------


def _rows_with_truth(demo: Path, kind: str, truth_rows: dict[str, list[Any]]) -> list[tuple[list[Any], dict[str, Any]]]:
    spec = by_kind(kind)
    _, data = read_source(demo / "sources" / spec.filename, spec)
    idx = [i for i, s in enumerate(truth_rows["source"]) if s == kind]
    out = []
    for row, i in zip(data, idx, strict=True):
        out.append((row, {k: v[i] for k, v in truth_rows.items()}))
    assert [t["row_number"] for _, t in out] == list(range(2, len(out) + 2))  # the header is row 1
    return out


def _text(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value))
    return "" if value is None else str(value)


@pytest.mark.parametrize("kind", [s.kind for s in agencies.SOURCES])
def test_iin_noise_flags_match_the_file(
    demo: Path, kind: str, truth_rows: dict[str, list[Any]], persons: dict[str, list[Any]]
) -> None:
    true_iin = dict(zip(persons["person_id"], persons["iin"], strict=True))
    registry = set(persons["iin"])
    col = list(by_kind(kind).headers).index("iin")
    for row, t in _rows_with_truth(demo, kind, truth_rows):
        written = _text(row[col])
        if t["noise_outsider"]:
            assert t["person_id"] is None
            assert iin.clean(written).iin not in registry
            continue
        truth = true_iin[t["person_id"]]
        if t["noise_iin_missing"]:
            assert written.strip() == ""
        elif t["noise_iin_scientific"]:
            assert iin.clean(written).status is iin.CleanStatus.SCIENTIFIC
        elif t["noise_iin_typo"] or t["noise_iin_swap"]:
            cleaned = iin.clean(written).iin
            assert cleaned is not None and cleaned != truth
            assert sum(a != b for a, b in zip(cleaned, truth, strict=True)) in (1, 2)
            if not iin.is_valid(cleaned):
                assert truth in iin.repair_candidates(cleaned)
        else:
            assert iin.clean(written).iin == truth
            if t["noise_iin_leading_zero_lost"]:
                assert len(written) < 12
            elif not t["noise_iin_format"]:
                assert written == truth


def test_noise_rates_are_near_their_settings(manifest: dict[str, Any]) -> None:
    contributions = next(s for s in manifest["sources"] if s["kind"] == "contributions")
    rows = contributions["rows"]
    nz = agencies.Noise()
    for kind in ("iin_missing", "iin_format", "name_typo", "surname_suffix"):
        expected = getattr(nz, kind)
        assert abs(contributions["noise"][kind] / rows - expected) < expected * 0.5 + 0.002, kind
    assert contributions["noise"]["iin_scientific"] > 0
    assert contributions["noise"]["iin_leading_zero_lost"] > 0
    registry = next(s for s in manifest["sources"] if s["kind"] == "registry")
    assert not any(registry["noise"].values())  # the registry is the clean anchor


def test_name_noise_is_recorded_and_spellings_fold_back(
    demo: Path, truth_rows: dict[str, list[Any]], persons: dict[str, list[Any]]
) -> None:
    by_id = {pid: i for i, pid in enumerate(persons["person_id"])}
    seen_scripts = set()
    for kind in ("unemployed", "students", "disability"):
        spec = by_kind(kind)
        cols = list(spec.headers)
        for row, t in _rows_with_truth(demo, kind, truth_rows):
            if t["noise_outsider"]:
                continue
            p = by_id[t["person_id"]]
            last, first = row[cols.index("last_name")], row[cols.index("first_name")]
            true_last, true_first = persons["last_name"][p], persons["first_name"][p]
            if re.search("[A-Za-z]", last):
                seen_scripts.add("latin")
            if t["noise_name_swap"]:
                last, first = first, last
            assert names.fold(first) == names.fold(true_first), (first, true_first)
            if not t["noise_name_typo"]:
                assert names.fold_surname(last) == names.fold_surname(true_last), (last, true_last)
            if not (t["noise_spelling"] or t["noise_surname_suffix"] or t["noise_name_typo"] or t["noise_name_swap"]):
                assert (last, first) == (true_last, true_first)
    assert "latin" in seen_scripts


def test_other_noise_kinds_are_real(
    demo: Path, truth_rows: dict[str, list[Any]], persons: dict[str, list[Any]]
) -> None:
    by_id = {pid: i for i, pid in enumerate(persons["person_id"])}
    reg = region("almaty-2019")
    kk_name = {d.name_kk: d.code for d in reg.districts}
    rows = _rows_with_truth(demo, "disability", truth_rows)
    district_col = list(by_kind("disability").headers).index("district")
    wrong = stale = 0
    for row, t in rows:
        if t["noise_outsider"]:
            continue
        p = by_id[t["person_id"]]
        same = kk_name[row[district_col]] == persons["district"][p]
        assert same != t["noise_wrong_district"]
        wrong += t["noise_wrong_district"]
        assert (persons["registry_status"][p] != "resident") == t["noise_stale_departed"]
        stale += t["noise_stale_departed"]
    assert wrong > 0 and stale > 0
    pension = _rows_with_truth(demo, "pension", truth_rows)
    ids = [t["person_id"] for _, t in pension]
    for _, t in pension:
        if t["noise_duplicate"]:
            assert ids.count(t["person_id"]) >= 2


def test_registry_rows_carry_their_own_persons_status(
    demo: Path, truth_rows: dict[str, list[Any]], persons: dict[str, list[Any]]
) -> None:
    by_id = {pid: i for i, pid in enumerate(persons["person_id"])}
    cols = list(by_kind("registry").headers)
    words = {"resident": "Проживает", "deceased": "Умер", "emigrated": "Выбыл за пределы РК"}
    departed = 0
    for row, t in _rows_with_truth(demo, "registry", truth_rows):
        p = by_id[t["person_id"]]
        assert row[cols.index("iin")] == persons["iin"][p]
        assert row[cols.index("registry_status")] == words[persons["registry_status"][p]]
        departed += persons["registry_status"][p] != "resident"
        assert bool(row[cols.index("status_date")]) == (persons["registry_status"][p] != "resident")
    assert departed > 0


def test_some_residents_are_in_no_list(persons: dict[str, list[Any]], truth_rows: dict[str, list[Any]]) -> None:
    listed = {pid for pid, src in zip(truth_rows["person_id"], truth_rows["source"], strict=True) if src != "registry"}
    adults_unlisted = [
        pid
        for pid, st in zip(persons["person_id"], persons["status"], strict=True)
        if st == "undetermined" and pid not in listed
    ]
    undetermined = persons["status"].count("undetermined")
    assert len(adults_unlisted) == undetermined > 0


def test_duckdb_reads_the_files_agencies_send(demo: Path, manifest: dict[str, Any]) -> None:
    # The engine's reader will use DuckDB: utf-8, BOM, ';' and tab files must parse as they are.
    con = duckdb.connect()
    for s in manifest["sources"]:
        if s["fmt"] != "csv" or s["encoding"] == "cp1251":
            continue
        n = con.execute(
            "SELECT count(*) FROM read_csv(?, delim=?, header=true, all_varchar=true)",
            [str(demo / s["path"]), s["delimiter"]],
        ).fetchone()
        assert n == (s["rows"],), s["kind"]


# --- determinism ---------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_region(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    synthesize(region="shymkent", residents=2_000, seed=5, out=a)
    synthesize(region="shymkent", residents=2_000, seed=5, out=b)
    synthesize(region="shymkent", residents=2_000, seed=6, out=c)
    assert _digest(a) == _digest(b)
    assert _digest(a) != _digest(c)
    shymkent = {d.code for d in region("shymkent").districts}
    assert set(pq.read_table(a / "truth" / "persons.parquet")["district"].to_pylist()) == shymkent


def test_it_refuses_a_tiny_region(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at least 100"):
        synthesize(region="almaty-2019", residents=5, seed=1, out=tmp_path)


def test_it_names_known_regions_when_given_an_unknown_one(tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="almaty-2019"):
        synthesize(region="atlantis", residents=1000, seed=1, out=tmp_path)


def test_the_registry_carries_phones_and_addresses_as_clerks_write_them(demo: Path) -> None:
    with (demo / "sources" / "registry.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    phones = [r["Телефон"] for r in rows]
    written = [p for p in phones if p]
    assert 0.05 < phones.count("") / len(rows) < 0.2  # some residents have no phone
    own = [p for p in written if re.fullmatch(r"\+7 7\d\d \d{3} \d\d \d\d", p)]
    assert 0.6 < len(own) / len(written) < 0.8
    others = set(written) - set(own)
    assert any(re.fullmatch(r"87\d{9}", p) for p in others) and any(p.startswith("8 (7") for p in others)
    assert all(re.sub(r"\D", "", p)[-10:].startswith("7") for p in written)
    addresses = [r["Адрес"] for r in rows]
    assert 0 < addresses.count("") / len(rows) < 0.06
    # settlement, street, house
    assert all(re.fullmatch(r"(г|с)\. [^,]+, ул\. [^,]+, \d+", a) for a in addresses if a)
