"""Raw rows -> canonical records and rejects. Nothing is dropped silently: for every source,
rows in = records + rejects, and every reject carries its file, row number and reason.

A record has the cleaned IIN (and how it was cleaned), names as written plus their folded keys,
a parsed birth date, sex, a recognised district code, and the fields its kind needs for the
status decision. Files are read, and cells parsed, by ``birtizim.tables`` (one set of rules for
every importer, docs/tables.md).

Every row is staged once, in its final form, by one set-based query per file. What repeats is
worked out once per distinct value and joined back: names (trimmed, split from ``ФИО``, folded to
keys: a fold costs microseconds and a region has a few thousand spellings for millions of rows),
districts, sexes and the agencies' free-text codes. Folded keys are kept across files, so a
spelling the registry already had is never folded again. The IIN, dates and addresses are read per
row (they hardly repeat; their rules start with a cheap test that settles the common case).

Places: the registry's district names choose the region (``--region`` may name it instead), so the
registries are read first and the region is known before any row is staged. When no known region
covers them (another region, a city, no district column), the districts are kept as the registry
writes them, grouped by their folded names, and the run carries a warning. Residents whose district
is missing or not recognised are reported under ``places.UNPLACED``.

Two-digit years ("28.10.79") are read against the run's as-of year (a yy after its yy is 19yy),
except where the row's valid IIN begins with the same YYMMDD: the IIN's century wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from birtizim.engine import names
from birtizim.engine.sources import KINDS, Mapping, SourceError, recognise
from birtizim.reference import Region, regions
from birtizim.tables import cells, places, readers, sniff
from birtizim.tables.sql import quote_ident, quote_literal

Progress = Callable[[str], None]

# record_id = RECORD_ID_BASE * (position of the source + 1) + row number: unique and in file order
# without sorting millions of rows to number them.
RECORD_ID_BASE = 1_000_000_000


@dataclass(frozen=True)
class Source:
    kind: str
    path: Path
    mapping: Mapping | None = None


@dataclass(frozen=True)
class Ingested:
    kind: str
    path: Path
    rows_in: int
    accepted: int
    rejected: int
    encoding: str
    delimiter: str | None
    headers: tuple[str, ...] = ()
    columns: dict[str, str] = field(default_factory=dict)  # canonical field -> column in the file


RECORD_COLUMNS = """
    record_id BIGINT, source VARCHAR, file VARCHAR, row_number BIGINT,
    iin_raw VARCHAR, iin VARCHAR, iin_status VARCHAR, iin_valid BOOLEAN, iin_lo BIGINT, iin_hi BIGINT,
    last_name VARCHAR, first_name VARCHAR, patronymic VARCHAR, address VARCHAR, phone VARCHAR,
    birth_date DATE, sex VARCHAR, district VARCHAR, district_raw VARCHAR,
    registry_status VARCHAR, status_date DATE,
    payer_type VARCHAR, last_payment_month DATE, months_paid_60 INTEGER, childcare_reason VARCHAR,
    child_birth_date DATE
"""
# The folded matching keys of the names (``names``), beside the names as written.
KEY_COLUMNS = "surname_key VARCHAR, first_key VARCHAR, patronymic_key VARCHAR, pair_key VARCHAR"

# Folded keys of every spelling met so far, per role (a surname's fold strips -ов/-ова, a
# patronymic's -ович/-қызы): each spelling is folded once per run, whichever file brings it.
FOLDS = ("surname", "first", "patronymic")

# Free text an agency writes -> code: the first pattern that matches the lower-cased text wins.
REGISTRY_STATUSES = (("deceased", "умер|скончал|қайтыс|deceas|death"), ("emigrated", "выбыл|эмигр|көшіп|emigr|left"))
PAYER_TYPES = (
    ("employee", "наем|наём|работник|employee|жалдамалы"),
    ("entrepreneur", "предприним|^ип|entrepreneur|кәсіпкер"),
    ("self_employed", "самозан|self"),
    ("esp", "есп|единый|ебт|single"),
)
CHILDCARE_REASONS = (("leave", "отпуск|демалыс|leave"),)


def _classify(expr: str, patterns: tuple[tuple[str, str], ...], default: str) -> str:
    whens = " ".join(
        f"WHEN regexp_matches(lower({expr}), {quote_literal(p)}) THEN {quote_literal(code)}" for code, p in patterns
    )
    return f"CASE {whens} ELSE {default} END"


# A Kazakh phone as the registry writes it in any of the usual ways (``8 701 234 5678``, ``+7(701)2345678``,
# ``7012345678``) -> ``+7 701 234 56 78``; anything that is not ten digits after the country code -> NULL.
# A number written with + must carry its country code. The value appears once in the expression: a
# macro that repeats its argument is expanded that many times (a preview of 2,000 rows ran out of 256 MB).
PHONE_SQL = r"""
CREATE OR REPLACE MACRO phone_text(x) AS nullif(regexp_replace(
    regexp_extract(regexp_replace(x, '[^0-9+]', '', 'g'), '^(?:[+]7|8|7)?(7[0-9]{9})$', 1),
    '^([0-9]{3})([0-9]{3})([0-9]{2})([0-9]{2})$', '+7 \1 \2 \3 \4'), '');
"""


def install_sql(con: duckdb.DuckDBPyConnection) -> None:
    cells.install_sql(con)
    places.install_sql(con)
    con.execute(PHONE_SQL)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TABLE stage ({RECORD_COLUMNS}, {KEY_COLUMNS})")
    con.execute("CREATE OR REPLACE TABLE rejects (source VARCHAR, file VARCHAR, row_number BIGINT, reason VARCHAR)")
    for role in FOLDS:
        con.execute(f"CREATE OR REPLACE TEMP TABLE fold_{role} (v VARCHAR, k VARCHAR)")


# ---- one file ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    """A file read into DuckDB (``table``, one VARCHAR column per header) and its columns recognised."""

    source: Source
    index: int
    table: str
    result: readers.ReadResult
    found: dict[str, str]  # canonical field -> header

    def column(self, field: str) -> str:
        """The raw column of a canonical field (of the table aliased ``r``), or a typed NULL."""
        return f"r.{quote_ident(self.found[field])}" if field in self.found else "CAST(NULL AS VARCHAR)"

    @property
    def split(self) -> bool:
        """Names come in one column (ФИО) to be split."""
        return "full_name" in self.found and not ("last_name" in self.found and "first_name" in self.found)

    @property
    def base(self) -> int:
        return RECORD_ID_BASE * (self.index + 1)


def open_source(
    con: duckdb.DuckDBPyConnection, source: Source, index: int, parsed: readers.ParsedSheet | None = None
) -> Opened:
    """Read one file into DuckDB and recognise its columns; rows it could not parse go to ``rejects``.
    A workbook already parsed (``readers.parse_xlsx``) is given as ``parsed``."""
    if source.kind not in KINDS:
        raise SourceError(f"{source.path}: unknown source kind {source.kind!r}; known: {', '.join(KINDS)}")
    table = f"raw{index}"
    result = readers.read(con, source.path, table, parsed)
    found = recognise(result.headers, source.kind, source.path, source.mapping)
    con.execute(
        f"INSERT INTO rejects SELECT ?, ?, _row, reason FROM {quote_ident(table + '_parse_rejects')}",
        [source.kind, str(source.path)],
    )
    return Opened(source, index, table, result, found)


def _distinct(opened: Opened, expr: str) -> str:
    """The distinct values of a raw column expression, as ``v`` (SQL)."""
    return f"(SELECT DISTINCT {expr} AS v FROM {quote_ident(opened.table)} r)"


def _fold_new(con: duckdb.DuckDBPyConnection, role: str, texts: str) -> None:
    """Fold the spellings of ``texts`` (a query of ``v``) not folded yet."""
    new = f"SELECT DISTINCT v FROM ({texts}) WHERE v IS NOT NULL AND v NOT IN (SELECT v FROM fold_{role})"
    con.execute(f"INSERT INTO fold_{role} {names.fold_select(role, new)}")


def _name_lookups(con: duckdb.DuckDBPyConnection, opened: Opened) -> tuple[list[str], dict[str, str]]:
    """Tables mapping each distinct raw name cell of the file to its text and keys; the joins that
    bring them to a row (of ``r``) and the SQL of each name field."""
    p = f"n{opened.index}_"
    if opened.split:
        # one column: split once per distinct full name, each part trimmed
        fulls = _distinct(opened, opened.column("full_name"))
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {p}parts AS
            SELECT v, cell_text(last_name) AS last_name, cell_text(first_name) AS first_name,
                   cell_text(patronymic) AS patronymic
            FROM ({names.split_select(f"SELECT v FROM {fulls} WHERE v IS NOT NULL")})
            """
        )
        parts = f"{p}parts"
        _fold_new(con, "surname", f"SELECT last_name AS v FROM {parts} UNION ALL SELECT first_name FROM {parts}")
        _fold_new(con, "first", f"SELECT first_name AS v FROM {parts}")
        _fold_new(con, "patronymic", f"SELECT patronymic AS v FROM {parts}")
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {p}names AS
            SELECT n.*, nullif(concat_ws(' ', least(surname_key, first_surname_key),
                   CASE WHEN surname_key IS NOT NULL AND first_surname_key IS NOT NULL
                        THEN greatest(surname_key, first_surname_key) END), '') AS pair_key
            FROM (SELECT x.*, sl.k AS surname_key, sf.k AS first_surname_key, f.k AS first_key, pt.k AS patronymic_key
                  FROM {parts} x LEFT JOIN fold_surname sl ON sl.v = x.last_name
                  LEFT JOIN fold_surname sf ON sf.v = x.first_name LEFT JOIN fold_first f ON f.v = x.first_name
                  LEFT JOIN fold_patronymic pt ON pt.v = x.patronymic) n
            """
        )
        con.execute(f"DROP TABLE {parts}")
        split = {
            f: f"nm.{f}"
            for f in ("last_name", "first_name", "patronymic", "surname_key", "first_key", "patronymic_key", "pair_key")
        }
        return [f"LEFT JOIN {p}names nm ON nm.v = {opened.column('full_name')}"], split
    # separate columns: each trimmed once per distinct cell
    joins: list[str] = []
    fields = {f: "CAST(NULL AS VARCHAR)" for f in ("last_name", "first_name", "patronymic")}
    keys = {"surname_key": "CAST(NULL AS VARCHAR)", "first_key": "CAST(NULL AS VARCHAR)"}
    keys |= {"patronymic_key": "CAST(NULL AS VARCHAR)", "first_surname_key": "CAST(NULL AS VARCHAR)"}
    for field_ in ("last_name", "first_name", "patronymic"):
        if field_ not in opened.found:
            continue
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {p}{field_}_text AS SELECT v, cell_text(v) AS text "
            f"FROM {_distinct(opened, opened.column(field_))} WHERE v IS NOT NULL"
        )
    texts = {
        f: f"SELECT text AS v FROM {p}{f}_text" for f in ("last_name", "first_name", "patronymic") if f in opened.found
    }
    surnames = [texts[f] for f in ("last_name", "first_name") if f in texts]
    if surnames:
        _fold_new(con, "surname", " UNION ALL ".join(surnames))
    if "first_name" in texts:
        _fold_new(con, "first", texts["first_name"])
    if "patronymic" in texts:
        _fold_new(con, "patronymic", texts["patronymic"])
    for field_, alias, role_keys in (
        ("last_name", "nl", (("surname", "key"),)),
        ("first_name", "nf", (("first", "key"), ("surname", "skey"))),
        ("patronymic", "np", (("patronymic", "key"),)),
    ):
        if field_ not in opened.found:
            continue
        selects = ", ".join(f"{role[0]}{i}.k AS {name}" for i, (role, name) in enumerate(role_keys))
        folds = " ".join(
            f"LEFT JOIN fold_{role} {role[0]}{i} ON {role[0]}{i}.v = t.text" for i, (role, _) in enumerate(role_keys)
        )
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {p}{field_} AS SELECT t.v, t.text, {selects} FROM {p}{field_}_text t {folds}"
        )
        con.execute(f"DROP TABLE {p}{field_}_text")
        joins.append(f"LEFT JOIN {p}{field_} {alias} ON {alias}.v = {opened.column(field_)}")
        fields[field_] = f"{alias}.text"
    if "last_name" in opened.found:
        keys["surname_key"] = "nl.key"
    if "first_name" in opened.found:
        keys["first_key"], keys["first_surname_key"] = "nf.key", "nf.skey"
    if "patronymic" in opened.found:
        keys["patronymic_key"] = "np.key"
    a, b = keys["surname_key"], keys["first_surname_key"]
    keys["pair_key"] = (
        f"nullif(concat_ws(' ', least({a}, {b}), CASE WHEN {a} IS NOT NULL AND {b} IS NOT NULL "
        f"THEN greatest({a}, {b}) END), '')"
    )
    del keys["first_surname_key"]
    return joins, fields | keys


def _code_lookup(con: duckdb.DuckDBPyConnection, opened: Opened, field_: str, expr: str) -> str:
    """A table mapping each distinct raw cell ``v`` of ``field_`` to ``expr`` (SQL over ``v``); its name."""
    name = f"n{opened.index}_{field_}_code"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT v, {expr} "
        f"FROM {_distinct(opened, opened.column(field_))} WHERE v IS NOT NULL"
    )
    return name


def _pivot(column: str, yy: int) -> str:
    """A date staged with a two-digit year as 20yy, read against the as-of year's ``yy`` instead."""
    return (
        f"CASE WHEN year({column}) % 100 > {yy} "
        f"THEN try(make_date(year({column}) - 100, month({column}), day({column}))) ELSE {column} END"
    )


def stage_source(
    con: duckdb.DuckDBPyConnection, opened: Opened, *, as_of: dt.date, places_known: bool = True
) -> Ingested:
    """Append the file's rows to ``stage`` (usable) and ``rejects`` (not), in their final form.

    ``places_known``: ``run_places`` (folded place name -> district) is loaded; without it districts
    are kept as written only (the upload preview, which knows no region).
    """
    source, file, kind = opened.source, str(opened.source.path), opened.source.kind
    raw = quote_ident(opened.table)
    c = opened.column
    joins, names_sql = _name_lookups(con, opened)
    # Cells that repeat (a sex, a district, an agency's codes, dates: a region has some 36,000 birth
    # dates for its millions of rows) are read once per distinct value: (field, SQL over v -> code[, yy]).
    read_once = {
        "sex": "cell_sex(v)",
        "registry_status": _classify("v", REGISTRY_STATUSES, "'resident'"),
        "payer_type": _classify("v", PAYER_TYPES, "'employee'"),
        "childcare_reason": _classify("v", CHILDCARE_REASONS, "'nonworking'"),
        "birth_date": "cell_date(v)",
        "status_date": "cell_date(v)",
        "last_payment_month": "cell_month(v)",
        "months_paid_60": "TRY_CAST(cell_whole(v) AS INTEGER)",
        "child_birth_date": "cell_date(v)",  # when a childcare category ends (the child's third birthday)
    }
    types = {
        "birth_date": "DATE",
        "status_date": "DATE",
        "last_payment_month": "DATE",
        "months_paid_60": "INTEGER",
        "child_birth_date": "DATE",
    }
    code = {f: f"CAST(NULL AS {types.get(f, 'VARCHAR')})" for f in (*read_once, "district_raw", "district")}
    code |= {"birth_date_yy": "false", "status_date_yy": "false"}
    for field_, expr in read_once.items():
        if field_ in opened.found:
            # a date written with a two-digit year: its century is settled below, with the row's IIN
            yy_flag = ", cell_date_yy(v) AS yy" if field_ in ("birth_date", "status_date") else ""
            table = _code_lookup(con, opened, field_, f"{expr} AS code{yy_flag}")
            joins.append(f"LEFT JOIN {table} c_{field_} ON c_{field_}.v = {c(field_)}")
            code[field_] = f"c_{field_}.code"
            if yy_flag:
                code[f"{field_}_yy"] = f"coalesce(c_{field_}.yy, false)"
    if "district" in opened.found:
        # each distinct spelling trimmed and, when the region is known, recognised
        table = f"n{opened.index}_district_code"
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT d.v, d.text, {"p.district" if places_known else "CAST(NULL AS VARCHAR)"} AS district
            FROM (SELECT v, cell_text(v) AS text FROM {_distinct(opened, c("district"))} WHERE v IS NOT NULL) d
            {"LEFT JOIN run_places p ON p.key = place_key(d.text)" if places_known else ""}
            """
        )
        joins.append(f"LEFT JOIN {table} c_district ON c_district.v = {c('district')}")
        code["district_raw"], code["district"] = "c_district.text", "c_district.district"
    address = f"cell_text({c('address')})" if "address" in opened.found else "CAST(NULL AS VARCHAR)"
    # a phone written in any of the usual ways (8 701..., +7(701)..., 701...) becomes +7 7xx xxx xx xx;
    # phone_text drops every character but digits and +, spaces too, so the cell goes in untrimmed
    # (trimming it first doubled the phones' cost: 1 s of a 2,059,200-row registry)
    phone = f"phone_text({c('phone')})" if "phone" in opened.found else "CAST(NULL AS VARCHAR)"
    registry = kind == "registry"
    yy = as_of.year % 100
    # registry: a row without a status is a resident; a birth date or sex it lacks comes from its IIN
    status = f"coalesce({code['registry_status']}, 'resident')" if registry else "CAST(NULL AS VARCHAR)"
    # One query, a projection per step (each column is computed once and read by the next step). Most
    # IIN cells are twelve digits: one test settles them, and only the others go through iin_clean.
    con.execute(
        f"""
        INSERT INTO stage
        SELECT {opened.base} + _row, {quote_literal(kind)}, {quote_literal(file)}, _row,
               iin_raw, iin, iin_status, iin_valid,
               -- the IINs a number in scientific notation can stand for (iin.scientific_range)
               CASE WHEN iin_status = 'scientific_notation' AND iin IS NULL THEN iin_sci_range(iin_raw) END.lo,
               CASE WHEN iin_status = 'scientific_notation' AND iin IS NULL THEN iin_sci_range(iin_raw) END.hi,
               last_name, first_name, patronymic, address, phone,
               CASE WHEN NOT birth_date_yy THEN birth_date
                    WHEN iin_valid AND strftime(birth_date, '%y%m%d') = left(iin, 6) THEN iin_birth_date_n(iin_num)
                    ELSE coalesce({_pivot("birth_date", yy)}, {"iin_birth_date_n(iin_num)" if registry else "NULL"})
               END,
               {"coalesce(sex, iin_sex(iin))" if registry else "sex"},
               district, district_raw, registry_status,
               CASE WHEN status_date_yy THEN {_pivot("status_date", yy)} ELSE status_date END,
               payer_type, last_payment_month, months_paid_60, childcare_reason, child_birth_date,
               surname_key, first_key, patronymic_key, pair_key
        FROM (
            SELECT *, coalesce(iin_is_valid_n(iin_num), false) AS iin_valid,
                   {"coalesce(birth_date_read, iin_birth_date_n(iin_num))" if registry else "birth_date_read"}
                       AS birth_date
            FROM (
                SELECT *, TRY_CAST(iin AS BIGINT) AS iin_num FROM (
                    SELECT * EXCLUDE (plain),
                           CASE WHEN plain THEN iin_raw ELSE iin_clean(iin_raw).iin END AS iin,
                           CASE WHEN plain THEN 'ok' ELSE iin_clean(iin_raw).status END AS iin_status
                    FROM (
                        SELECT * FROM (
                            SELECT r._row, {c("iin")} AS iin_raw,
                                   coalesce(regexp_full_match({c("iin")}, '[0-9]{{12}}'), false) AS plain,
                                   {names_sql["last_name"]} AS last_name, {names_sql["first_name"]} AS first_name,
                                   {names_sql["patronymic"]} AS patronymic, {address} AS address,
                                   {phone} AS phone,
                                   {code["birth_date"]} AS birth_date_read, {code["birth_date_yy"]} AS birth_date_yy,
                                   {code["sex"]} AS sex, {code["district_raw"]} AS district_raw,
                                   {code["district"]} AS district, {status} AS registry_status,
                                   {code["status_date"]} AS status_date, {code["status_date_yy"]} AS status_date_yy,
                                   {code["payer_type"]} AS payer_type,
                                   {code["last_payment_month"]} AS last_payment_month,
                                   {code["months_paid_60"]} AS months_paid_60,
                                   {code["childcare_reason"]} AS childcare_reason,
                                   {code["child_birth_date"]} AS child_birth_date,
                                   {names_sql["surname_key"]} AS surname_key, {names_sql["first_key"]} AS first_key,
                                   {names_sql["patronymic_key"]} AS patronymic_key, {names_sql["pair_key"]} AS pair_key
                            FROM {raw} r {" ".join(joins)})))))
        """
    )
    # Rows with neither a usable IIN nor a name: few, moved to the rejects once staged.
    mine = f"record_id BETWEEN {opened.base} AND {opened.base + RECORD_ID_BASE - 1}"
    unusable = (
        f"{mine} AND iin IS NULL AND iin_status <> 'scientific_notation' AND last_name IS NULL AND first_name IS NULL"
    )
    con.execute(
        f"""
        INSERT INTO rejects
        SELECT source, file, row_number,
               CASE WHEN iin_raw IS NULL AND last_name IS NULL AND first_name IS NULL THEN 'empty_row'
                    ELSE 'no_iin_no_name' END
        FROM stage WHERE {unusable};
        DELETE FROM stage WHERE {unusable};
        """
    )
    counts = con.execute(
        f"SELECT (SELECT count(*) FROM stage WHERE {mine}), "
        "(SELECT count(*) FROM rejects WHERE source = ? AND file = ?)",
        [kind, file],
    ).fetchone()
    accepted, rejected = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    readers.drop(con, opened.table)
    for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)", [f"n{opened.index}_"]
    ).fetchall():
        con.execute(f"DROP TABLE {quote_ident(name)}")
    result = opened.result
    if accepted + rejected != result.rows_in:  # the invariant every report relies on
        raise AssertionError(f"{file}: {result.rows_in} rows in, {accepted} accepted + {rejected} rejected")
    return Ingested(
        kind,
        source.path,
        result.rows_in,
        accepted,
        rejected,
        result.encoding,
        result.delimiter,
        tuple(result.headers),
        opened.found,
    )


def ingest_source(
    con: duckdb.DuckDBPyConnection, source: Source, index: int, *, as_of: dt.date | None = None
) -> Ingested:
    """Read one file and append its rows to ``stage`` and ``rejects``, districts kept as written (no
    region is known) and two-digit years read against ``as_of`` (today by default)."""
    opened = open_source(con, source, index)
    return stage_source(con, opened, as_of=as_of or dt.date.today(), places_known=False)


# ---- places, before any row is staged -----------------------------------------------------------------


class Notice(str):
    """A warning of the run: its English sentence (the command line prints it, ``run.json`` keeps it) that
    also carries a ``code`` and the figures it names (``params``), so that a page can say the same in the
    reader's language. Codes: ``region_share_low``, ``districts_not_in_region``, ``no_district``,
    ``no_known_region``, ``rare_places_unplaced``, ``rows_without_district``."""

    code: str
    params: dict[str, Any]

    def __new__(cls, code: str, text: str, **params: Any) -> Notice:
        notice = super().__new__(cls, text)
        notice.code = code
        notice.params = params
        return notice


@dataclass(frozen=True)
class Reading:
    """Every source read: the region (a known one, or the registry's places as written), the status
    date, what each file gave, and warnings worth a person's attention."""

    region: Region
    as_of: dt.date
    ingested: list[Ingested]
    warnings: list[str] = field(default_factory=list)  # each a Notice


# Spellings named in a warning about unrecognised districts (place names, never personal data).
WARNING_EXAMPLES = 3


def _usable(opened: Opened) -> str:
    """SQL over a raw row (``r``): it has a usable IIN or a name, as staging will judge it. Most rows
    hold twelve digits, which settles it without the rest."""
    iin = opened.column("iin")
    if opened.split:
        split = f"name_split_full({opened.column('full_name')})"
        last, first = f"{split}.last_name", f"{split}.first_name"
    else:
        last, first = opened.column("last_name"), opened.column("first_name")
    # (a CASE, so that the rest is evaluated only for the rows the first test leaves)
    return (
        f"CASE WHEN regexp_full_match({iin}, '[0-9]{{12}}') THEN true ELSE NOT (iin_clean({iin}).iin IS NULL "
        f"AND iin_clean({iin}).status <> 'scientific_notation' AND cell_text({last}) IS NULL "
        f"AND cell_text({first}) IS NULL) END"
    )


def _registry_places(
    con: duckdb.DuckDBPyConnection, registries: list[Opened]
) -> tuple[list[places.PlaceCount], int, int]:
    """The registry's folded place names with their rows; rows naming a place; rows in the registry
    (usable rows only, as they will be staged)."""
    counts = " UNION ALL ".join(
        f"SELECT {o.column('district')} AS v, count(*) FILTER ({_usable(o)}) AS n "
        f"FROM {quote_ident(o.table)} r GROUP BY ALL"
        for o in registries
    )
    # The spellings are counted first, into a table of their own: given the steps as one query,
    # DuckDB folds every registry row instead of every spelling.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE registry_spellings AS SELECT cell_text(v) AS district_raw, sum(n) AS n "
        f"FROM ({counts}) GROUP BY ALL"
    )
    found = con.execute(
        """
        SELECT place_key(district_raw) AS key, arg_max(district_raw, n) AS spelling, sum(n) AS rows
        FROM registry_spellings WHERE district_raw IS NOT NULL
        GROUP BY key HAVING key IS NOT NULL ORDER BY rows DESC, key
        """
    ).fetchall()
    total = con.execute("SELECT coalesce(sum(n), 0) FROM registry_spellings").fetchone()
    con.execute("DROP TABLE registry_spellings")
    counted = [places.PlaceCount(str(k), str(s), int(n)) for k, s, n in found]
    return counted, sum(p.rows for p in counted), int(total[0]) if total else 0


def choose_region(
    con: duckdb.DuckDBPyConnection, region: str | None, as_of: dt.date | None, registries: list[Opened]
) -> tuple[Region, list[str]]:
    """The run's region and the warnings about it; loads ``run_places(key, district)`` for staging.

    ``region`` names a known region (``--region``); without it the registry's districts choose one,
    and when none covers enough of them the places are kept as written.
    """
    counted, with_place, registry_rows = _registry_places(con, registries)
    warnings: list[str] = []  # Notices
    known = regions()
    if region is not None and region not in known:
        raise SourceError(f"unknown region {region!r}; known regions: {', '.join(sorted(known))}")
    found = places.detect(counted, with_place)
    code = region or found.region
    con.execute("CREATE OR REPLACE TEMP TABLE run_places (key VARCHAR, district VARCHAR)")
    if code is not None:
        chosen = known[code]
        con.execute("INSERT INTO run_places SELECT key, district FROM place_alias WHERE region = ?", [code])
        covered = sum(p.rows for p in counted if p.key in places.aliases(code))
        if region is not None and with_place and covered < with_place * places.DETECT_SHARE:
            warnings.append(
                Notice(
                    "region_share_low",
                    f"only {covered / with_place:.0%} of the registry's rows that name a district name one of "
                    f"{chosen.name_en}'s",
                    share=covered / with_place,
                    region=code,
                )
            )
        missing = [p for p in counted if p.key not in places.aliases(code)]
        if missing:
            spellings = [p.spelling[:40] for p in missing[:WARNING_EXAMPLES]]
            examples = ", ".join(repr(s) for s in spellings)
            more = len(missing) > WARNING_EXAMPLES
            rows = sum(p.rows for p in missing)
            warnings.append(
                Notice(
                    "districts_not_in_region",
                    f"{rows:,} registry rows name a district {chosen.name_en} does not have "
                    f"({examples}{', ...' if more else ''}); they are counted under '{places.UNPLACED.name_en}'",
                    rows=rows,
                    region=code,
                    examples=spellings,
                    more=more,
                )
            )
    else:
        chosen, lookup = places.as_written(counted, as_of=as_of or dt.date.today())
        if lookup:  # at most places.MAX_PLACES rows, as literals (no pandas import, no round trip per row)
            values = ", ".join(f"({quote_literal(k)}, {quote_literal(v)})" for k, v in lookup.items())
            con.execute(f"INSERT INTO run_places VALUES {values}")
        if not with_place:
            warnings.append(
                Notice(
                    "no_district",
                    "the registry names no district (no district column, or it is empty): every resident is "
                    f"counted under '{places.UNPLACED.name_en}'",
                )
            )
        else:
            best = f" (the closest, {known[found.best].name_en}, covers {found.share:.0%})" if found.best else ""
            warnings.append(
                Notice(
                    "no_known_region",
                    f"the registry's district names match no known region{best}; the {len(chosen.districts):,} "
                    "places are kept as written, grouped by their folded names; give --region CODE to choose a "
                    "region",
                    places=len(chosen.districts),
                    best=found.best,
                    share=found.share if found.best else None,
                )
            )
            if len(counted) > len(chosen.districts):
                rarer = len(counted) - len(chosen.districts)
                warnings.append(
                    Notice(
                        "rare_places_unplaced",
                        f"only the {places.MAX_PLACES} most frequent place names are kept; {rarer:,} rarer ones are "
                        f"counted under '{places.UNPLACED.name_en}'",
                        kept=places.MAX_PLACES,
                        rarer=rarer,
                    )
                )
    unnamed = registry_rows - with_place
    if with_place and unnamed:
        warnings.append(
            Notice(
                "rows_without_district",
                f"{unnamed:,} registry rows name no district; they are counted under '{places.UNPLACED.name_en}'",
                rows=unnamed,
            )
        )
    return chosen, warnings


def finish(con: duckdb.DuckDBPyConnection) -> None:
    """The staged rows become ``records`` (already in their final form: no copy)."""
    con.execute("DROP TABLE IF EXISTS records")
    con.execute("ALTER TABLE stage RENAME TO records")
    for role in FOLDS:
        con.execute(f"DROP TABLE IF EXISTS fold_{role}")


def read(
    con: duckdb.DuckDBPyConnection,
    sources: list[Source],
    *,
    region: str | None = None,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
) -> Reading:
    """Read every source into ``records`` and ``rejects``; choose the region and the status date."""
    install_sql(con)
    create_tables(con)
    if not any(s.kind == "registry" for s in sources):
        raise SourceError("a population registry source is needed (--source registry=PATH)")
    # The lists' workbooks are parsed by Python in a thread of their own while DuckDB reads the CSV
    # files beside it (a workbook is parsed a cell at a time by Python, one core, while DuckDB would
    # leave the other idle: 2 s of 16 at 2,059,200 residents).
    with ThreadPoolExecutor(max_workers=1) as pool:
        parsing = {
            i: pool.submit(readers.parse_xlsx, s.path)
            for i, s in enumerate(sources)
            if s.kind != "registry" and _prefetched(s.path)
        }
        try:
            # The registries first: their districts choose the region, so that every file is staged
            # once with its district codes and its two-digit years settled.
            opened = {i: open_source(con, s, i) for i, s in enumerate(sources) if s.kind == "registry"}
            chosen, warnings = choose_region(con, region, as_of, list(opened.values()))
            as_of = as_of or chosen.default_as_of
            done = []
            for i, source in enumerate(sources):
                if i in opened:
                    file = opened.pop(i)
                else:
                    file = open_source(con, source, i, parsing[i].result() if i in parsing else None)
                done.append(stage_source(con, file, as_of=as_of))
                if progress:
                    progress(f"read {source.kind}")
        finally:
            for future in parsing.values():  # a failed run parses nothing more
                future.cancel()
    finish(con)
    return Reading(chosen, as_of, done, warnings)


# A workbook larger than this is read as the engine reaches it, batch by batch, not parsed whole
# beforehand: a parsed sheet is held in memory until its turn (about its unpacked size; a list of
# 60,600 rows is a 3.4 MB workbook).
PREFETCH_BYTES = 32 << 20


def _prefetched(path: Path) -> bool:
    """Whether the file is a workbook small enough to parse ahead of its turn."""
    try:
        return sniff.is_spreadsheet(path) and path.stat().st_size <= PREFETCH_BYTES
    except OSError:  # read() says what is wrong with the file, in its turn
        return False


def ingest(
    con: duckdb.DuckDBPyConnection, sources: list[Source], progress: Progress | None = None
) -> tuple[Region, list[Ingested]]:
    """``read`` with the region detected: the region and what each file gave."""
    reading = read(con, sources, progress=progress)
    return reading.region, reading.ingested
