import datetime as dt

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from birtizim.engine import iin
from birtizim.synth.population import make_iins


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    iin.install_sql(c)
    return c


# --- the two worked examples of ARCHITECTURE.md ------------------------------------------------


def test_it_parses_the_first_pass_example() -> None:
    parsed = iin.parse("791028302728")
    assert parsed.birth_date == dt.date(1979, 10, 28)
    assert parsed.sex == "M"
    first_pass = sum(int(d) * w for d, w in zip("79102830272", iin.WEIGHTS_1, strict=True))
    assert first_pass == 217 and first_pass % 11 == 8
    assert iin.check_digit("79102830272") == 8


def test_it_parses_the_second_pass_example() -> None:
    parsed = iin.parse("061211600012")
    assert parsed.birth_date == dt.date(2006, 12, 11)
    assert parsed.sex == "F"
    digits = [int(d) for d in "06121160001"]
    assert sum(d * w for d, w in zip(digits, iin.WEIGHTS_1, strict=True)) % 11 == 10
    assert sum(d * w for d, w in zip(digits, iin.WEIGHTS_2, strict=True)) == 112
    assert iin.check_digit("06121160001") == 2


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("791028302727", "check digit"),
        ("79102830272", "12 digits"),
        ("7910283027280", "12 digits"),
        ("79102830272a", "12 digits"),
        ("791028702728", "digit 7"),
        ("791328302728", "not a date"),
        ("790229302728", "not a date"),  # 1979 was not a leap year
    ],
)
def test_it_says_why_an_iin_is_invalid(value: str, reason: str) -> None:
    with pytest.raises(iin.InvalidIIN, match=reason):
        iin.parse(value)
    assert not iin.is_valid(value)


def test_it_knows_numbers_that_are_never_issued() -> None:
    # Find a prefix whose both passes give 10: no check digit exists for it.
    never = next(p for p in (f"8001013{s:04d}" for s in range(10000)) if iin.check_digit(p) is None)
    assert all(not iin.is_valid(never + str(d)) for d in range(10))


def test_it_reads_century_and_sex_from_digit_seven() -> None:
    for digit, (century, sex) in iin.CENTURY_SEX.items():
        value = iin.make(dt.date(century + 55, 3, 1), sex, 1)
        if value is None:
            value = iin.make(dt.date(century + 55, 3, 1), sex, 2)
        assert value is not None and value[6] == str(digit)
        parsed = iin.parse(value)
        assert parsed.sex == sex and parsed.birth_date.year == century + 55


# --- cleaning what spreadsheets do ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "status"),
    [
        ("791028302728", "791028302728", iin.CleanStatus.OK),
        ("  791028302728 ", "791028302728", iin.CleanStatus.OK),
        ("7910 2830 2728", "791028302728", iin.CleanStatus.REFORMATTED),
        ("'791028302728", "791028302728", iin.CleanStatus.REFORMATTED),
        ("791028302728.0", "791028302728", iin.CleanStatus.REFORMATTED),
        ("\u00a0791028302728\u00a0", "791028302728", iin.CleanStatus.OK),
        ("61211600012", "061211600012", iin.CleanStatus.LEADING_ZERO),
        (61211600012.0, "061211600012", iin.CleanStatus.LEADING_ZERO),
        (61211600012, "061211600012", iin.CleanStatus.LEADING_ZERO),
        ("1015500123", "001015500123", iin.CleanStatus.LEADING_ZERO),  # born 2000: two zeros gone
        ("9.91028E+11", None, iin.CleanStatus.SCIENTIFIC),
        ("9,91028E+11", None, iin.CleanStatus.SCIENTIFIC),
        ("7.91028e11", None, iin.CleanStatus.SCIENTIFIC),
        ("", None, iin.CleanStatus.EMPTY),
        ("   ", None, iin.CleanStatus.EMPTY),
        (None, None, iin.CleanStatus.EMPTY),
        ("нет", None, iin.CleanStatus.MALFORMED),
        ("12345", None, iin.CleanStatus.MALFORMED),
        ("7910283027281234", None, iin.CleanStatus.MALFORMED),
        # every dash and space a keyboard or a word processor puts between digit groups
        ("791028-302728", "791028302728", iin.CleanStatus.REFORMATTED),
        ("791028\u2013302728", "791028302728", iin.CleanStatus.REFORMATTED),  # en dash
        ("7910\u201428\u20143027\u201428", "791028302728", iin.CleanStatus.REFORMATTED),  # em dash
        ("\u2212791028302728", "791028302728", iin.CleanStatus.REFORMATTED),  # minus sign
        ("791028\u2011302728", "791028302728", iin.CleanStatus.REFORMATTED),  # non-breaking hyphen
        ("7910\u20092830\u20092728", "791028302728", iin.CleanStatus.REFORMATTED),  # thin space
        ("7910\u202f2830\u00a02728", "791028302728", iin.CleanStatus.REFORMATTED),  # narrow and plain NBSP
        ("\u02bc791028302728", "791028302728", iin.CleanStatus.REFORMATTED),
        ("«791028302728»", "791028302728", iin.CleanStatus.REFORMATTED),
        # letters typed for digits: Latin and Cyrillic O, l and I
        ("791O28302728", "791028302728", iin.CleanStatus.LOOKALIKE),
        ("791О28302728", "791028302728", iin.CleanStatus.LOOKALIKE),  # Cyrillic О
        ("79l028302728", "791028302728", iin.CleanStatus.LOOKALIKE),
        ("79IO28302728", "791028302728", iin.CleanStatus.LOOKALIKE),
        ("O61211600012", "061211600012", iin.CleanStatus.LOOKALIKE),
        ("61211б00012", None, iin.CleanStatus.MALFORMED),  # other letters are not digits
        ("OOOO", None, iin.CleanStatus.MALFORMED),
        # scientific notation that kept every digit is the number itself
        ("7.91028302728E+11", "791028302728", iin.CleanStatus.SCIENTIFIC),
        ("6.1211600012E+10", "061211600012", iin.CleanStatus.SCIENTIFIC),
        ("7.9102830272800E+11", "791028302728", iin.CleanStatus.SCIENTIFIC),
        ("7.910283027281E+11", None, iin.CleanStatus.SCIENTIFIC),  # not a whole number
        ("7.91E+11", None, iin.CleanStatus.SCIENTIFIC),
    ],
)
def test_it_cleans_what_agencies_send(raw: object, expected: str | None, status: iin.CleanStatus) -> None:
    cleaned = iin.clean(raw)  # type: ignore[arg-type]
    assert cleaned == iin.Cleaned(expected, status)


def test_it_never_invents_digits_for_scientific_notation() -> None:
    # 9.91028E+11 could be any of a million IINs: cleaning must not pick one.
    assert iin.clean("9.91028E+11").iin is None
    assert iin.clean(991028000000.0 + 0.5).iin is None


def test_sql_clean_agrees_with_python(con: duckdb.DuckDBPyConnection) -> None:
    samples = [
        "791028302728",
        "  791028302728 ",
        "7910 2830 2728",
        "'791028302728",
        "791028302728.0",
        "\u00a0791028302728",
        "61211600012",
        "1015500123",
        "9.91028E+11",
        "9,91028E+11",
        "",
        "   ",
        "нет",
        "12345",
        "7910283027281234",
        "79-10-28-302728",
        "\u2019791028302728",
        '"791028302728"',
        "791028\u2013302728",
        "7910\u20092830\u20092728",
        "\u2212791028302728",
        "791O28302728",
        "79lО28302728",
        "O61211600012",
        "61211б00012",
        "OOOO",
        "7.91028302728E+11",
        "6.1211600012E+10",
        "7.910283027281E+11",
        "7.91E+11",
        "1.2E+5",
    ]
    rows = con.execute("SELECT s, iin_clean(s) FROM unnest(?) AS t(s)", [samples]).fetchall()
    for raw, got in rows:
        py = iin.clean(raw)
        assert (got["iin"], got["status"]) == (py.iin, py.status.value), raw
    assert con.execute("SELECT iin_clean(NULL)").fetchone() == ({"iin": None, "status": "empty"},)


@pytest.mark.parametrize(
    ("raw", "span"),
    [
        ("7.91E+11", (790_500_000_000, 791_500_000_000)),  # three digits: 791028302728 is inside
        ("7,91E+11", (790_500_000_000, 791_500_000_000)),
        ("7.91028E+11", (791_027_500_000, 791_028_500_000)),
        ("8E+11", (750_000_000_000, 850_000_000_000)),
        ("6.12116E+10", (61_211_550_000, 61_211_650_000)),  # a leading zero lost as well
        ("7.91028302728E+11", (791_028_302_728, 791_028_302_728)),
        ("1.2E+5", None),  # too short to be an IIN
        ("7.91E+13", None),  # too long
        ("791028302728", None),
    ],
)
def test_scientific_notation_gives_the_range_of_iins_it_can_stand_for(
    con: duckdb.DuckDBPyConnection, raw: str, span: tuple[int, int] | None
) -> None:
    assert iin.scientific_range(raw) == span
    got = con.execute("SELECT iin_sci_range(?)", [raw]).fetchone()
    assert got == ({"lo": span[0], "hi": span[1]} if span else None,)


@settings(max_examples=300)
@given(st.integers(1, 12), st.booleans(), st.data())
def test_the_true_iin_is_always_inside_its_scientific_range(digits: int, comma: bool, data: st.DataObject) -> None:
    value = data.draw(valid_iins)
    shown = f"{int(value):.{digits - 1}E}"  # how Excel rounds the number to the digits it shows
    if comma:
        shown = shown.replace(".", ",")
    span = iin.scientific_range(shown)
    assert span is not None and span[0] <= int(value) <= span[1]
    # one unit of the last digit shown, at most
    assert span[1] - span[0] <= 10 ** (int(shown.split("E")[1]) - digits + 1)


# --- repair candidates --------------------------------------------------------------------------


def test_it_finds_the_true_iin_among_repair_candidates() -> None:
    candidates = iin.repair_candidates("791028302727")  # last digit mistyped
    assert "791028302728" in candidates
    assert all(iin.is_valid(c) for c in candidates)
    swapped = iin.repair_candidates("790128302728")  # digits 3 and 4 swapped
    assert "791028302728" in swapped


def test_sql_repair_candidates_match_python(con: duckdb.DuckDBPyConnection) -> None:
    bad = ["791028302727", "790128302728", "061211600013", "601211600012", "000000000000"]
    con.execute(
        "CREATE OR REPLACE TEMP TABLE broken AS SELECT ordinality AS id, iin "
        "FROM unnest(?) WITH ORDINALITY AS t(iin, ordinality)",
        [bad],
    )
    got: dict[str, list[str]] = {}
    for _id, value, candidate, _err in con.execute("SELECT * FROM iin_repair_candidates(broken)").fetchall():
        got.setdefault(value, []).append(candidate)
    for value in bad:
        assert sorted(got.get(value, [])) == iin.repair_candidates(value), value


def test_sql_repair_runs_set_based_over_many_rows(con: duckdb.DuckDBPyConnection) -> None:
    # 20,000 damaged IINs in one query: the true value is found for each single-error row.
    rng = np.random.default_rng(7)
    births = np.datetime64("1930-01-01") + rng.integers(0, 365 * 90, 20_000).astype("timedelta64[D]")
    numbers = make_iins(births, rng.random(20_000) < 0.5, rng)
    valid = [f"{v:012d}" for v in numbers]
    damaged = []
    for v in valid:
        i = int(rng.integers(0, 12))
        damaged.append(v[:i] + str((int(v[i]) + 1 + int(rng.integers(0, 9))) % 10) + v[i + 1 :])
    # Arrow, not list parameters: DuckDB inspects every element of a bound Python list.
    con.register("damaged", pa.table({"id": range(len(valid)), "iin": damaged, "truth": valid}))
    con.execute("CREATE OR REPLACE TEMP TABLE candidates AS SELECT * FROM iin_repair_candidates(damaged)")
    missed, invalid = con.execute("""
        SELECT count(*) FILTER (NOT iin_is_valid(d.iin) AND c.id IS NULL),
               (SELECT count(*) FILTER (NOT iin_is_valid(candidate)) FROM candidates)
        FROM damaged d LEFT JOIN candidates c ON c.id = d.id AND c.candidate = d.truth
    """).fetchone()  # type: ignore[misc]
    assert missed == 0 and invalid == 0
    # and, for a sample, exactly the candidates of the Python reference
    sample = con.execute(
        "SELECT id, iin, list(candidate ORDER BY candidate) FROM candidates WHERE id < 300 GROUP BY id, iin"
    ).fetchall()
    assert len(sample) > 250
    for _id, value, cands in sample:
        assert cands == iin.repair_candidates(value)


# --- vectorised and SQL validation agree with the scalar one -------------------------------------


def test_valid_mask_agrees_with_is_valid(con: duckdb.DuckDBPyConnection) -> None:
    rng = np.random.default_rng(3)
    numbers = np.concatenate([rng.integers(0, 10**12, 30_000), [791028302728, 61211600012, 0]])
    mask = iin.valid_mask(numbers)
    texts = pa.table({"s": [f"{v:012d}" for v in numbers]})
    assert mask.tolist() == [iin.is_valid(t) for t in texts["s"].to_pylist()]
    con.register("texts", texts)
    sql = con.execute("SELECT iin_is_valid(s) FROM texts").fetchall()
    assert [r[0] for r in sql] == mask.tolist()
    assert mask.sum() > 30  # the sample holds valid numbers, not only invalid ones


def test_sql_reads_birth_date_and_sex(con: duckdb.DuckDBPyConnection) -> None:
    assert con.execute(
        "SELECT iin_birth_date('061211600012'), iin_sex('061211600012'), "
        "iin_birth_date('791328302728'), iin_sex('791028302728')"
    ).fetchone() == (dt.date(2006, 12, 11), "F", None, "M")


# --- properties ------------------------------------------------------------------------------

valid_iins = st.builds(
    lambda d, sex, serial: iin.make(d, sex, serial),
    st.dates(dt.date(1900, 1, 1), dt.date(2099, 12, 31)),
    st.sampled_from(["M", "F"]),
    st.integers(0, 9999),
).filter(lambda v: v is not None)


@settings(max_examples=300)
@given(valid_iins, st.sampled_from(["plain", "spaces", "apostrophe", "dot_zero", "numeric", "padded"]))
def test_a_valid_iin_survives_cleaning(value: str, damage: str) -> None:
    raw: object = {
        "plain": value,
        "spaces": f"{value[:4]} {value[4:8]} {value[8:]}",
        "apostrophe": "'" + value,
        "dot_zero": value + ".0",
        "numeric": float(int(value)),
        "padded": f"  {value}\t",
    }[damage]
    assert iin.clean(raw).iin == value  # type: ignore[arg-type]


@settings(max_examples=300)
@given(valid_iins, st.integers(0, 11), st.integers(1, 9), st.booleans())
def test_a_single_error_is_always_among_the_candidates(value: str, pos: int, shift: int, swap: bool) -> None:
    if swap:
        pos = min(pos, 10)
        if value[pos] == value[pos + 1]:
            return
        damaged = value[:pos] + value[pos + 1] + value[pos] + value[pos + 2 :]
    else:
        damaged = value[:pos] + str((int(value[pos]) + shift) % 10) + value[pos + 1 :]
    if iin.is_valid(damaged):
        return  # the error produced another valid number: nothing to repair
    assert value in iin.repair_candidates(damaged)
