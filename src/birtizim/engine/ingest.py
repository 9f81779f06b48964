"""Raw rows -> canonical records and rejects. Nothing is dropped silently: for every source,
rows in = records + rejects, and every reject carries its file, row number and reason.

A record has the cleaned IIN (and how it was cleaned), names as written plus their folded keys,
a parsed birth date, sex, a recognised district code, and the fields its kind needs for the
status decision. All of it is set-based SQL over the whole table; names are folded once per
distinct spelling and joined back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from birtizim.engine import readers
from birtizim.engine.sources import KINDS, Mapping, SourceError, recognise
from birtizim.reference import Region, regions

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
    last_name VARCHAR, first_name VARCHAR, patronymic VARCHAR, address VARCHAR,
    birth_date DATE, sex VARCHAR, district VARCHAR, district_raw VARCHAR,
    registry_status VARCHAR, status_date DATE,
    payer_type VARCHAR, last_payment_month DATE, months_paid_60 INTEGER, childcare_reason VARCHAR
"""

SQL_HELPERS = r"""
CREATE OR REPLACE MACRO parse_date(x) AS (
    coalesce(try_strptime(trim(x), '%d.%m.%Y'), try_strptime(trim(x), '%Y-%m-%d'),
             try_strptime(trim(x), '%d/%m/%Y'), try_strptime(trim(x), '%Y-%m-%d %H:%M:%S'),
             try_strptime(trim(x), '%d.%m.%y'))::DATE
);
CREATE OR REPLACE MACRO parse_month(x) AS (
    date_trunc('month', coalesce(try_strptime('01.' || trim(x), '%d.%m.%Y'),
                                 try_strptime(trim(x) || '-01', '%Y-%m-%d'),
                                 parse_date(x)))::DATE
);
CREATE OR REPLACE MACRO parse_sex(x) AS (
    CASE WHEN lower(trim(x)) IN ('м', 'm', 'муж', 'мужской', 'male', 'е', 'ер', 'еркек', '1') THEN 'M'
         WHEN lower(trim(x)) IN ('ж', 'f', 'жен', 'женский', 'female', 'ә', 'әйел', '2') THEN 'F' END
);
"""

_GENERIC_PLACE_WORDS = r"\b(район|р-н|ауданы|аудан|город|г\.|қаласы|қ\.|district|city|region|область|облысы)(\s|$)"


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
    whens = " ".join(f"WHEN regexp_matches(lower({expr}), '{p}') THEN '{code}'" for code, p in patterns)
    return f"CASE {whens} ELSE {default} END"


def _col(found: dict[str, str], field: str) -> str:
    return f'"{found[field]}"' if field in found else "CAST(NULL AS VARCHAR)"


def install_sql(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(SQL_HELPERS)


def create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"CREATE OR REPLACE TABLE stage ({RECORD_COLUMNS})")
    con.execute("CREATE OR REPLACE TABLE rejects (source VARCHAR, file VARCHAR, row_number BIGINT, reason VARCHAR)")


def ingest_source(con: duckdb.DuckDBPyConnection, source: Source, index: int) -> Ingested:
    """Read one file and append its rows to ``stage`` (usable) and ``rejects`` (not)."""
    if source.kind not in KINDS:
        raise SourceError(f"{source.path}: unknown source kind {source.kind!r}; known: {', '.join(KINDS)}")
    table = f"raw{index}"
    result = readers.read(con, source.path, table)
    found = recognise(result.headers, source.kind, source.path, source.mapping)
    file = str(source.path)

    def c(field: str) -> str:  # a short name keeps the SQL below readable
        return _col(found, field)

    if "full_name" in found and not ("last_name" in found and "first_name" in found):
        split = f"name_split_full({c('full_name')})"
        last, first, patronymic = f"{split}.last_name", f"{split}.first_name", f"{split}.patronymic"
    else:
        last, first, patronymic = c("last_name"), c("first_name"), c("patronymic")
    params = [source.kind, file]
    con.execute(f'INSERT INTO rejects SELECT ?, ?, _row, reason FROM "{table}_parse_rejects"', params)
    # The file's columns in the shape of ``stage``, materialised once: read through a subquery, DuckDB
    # would inline each expression wherever its column is named, recomputing name splits several times.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE "{table}_canon" AS
        SELECT *, TRY_CAST(cleaned.iin AS BIGINT) AS iin_num FROM (
        SELECT _row AS row_number,
               {c("iin")} AS iin_raw, iin_clean({c("iin")}) AS cleaned, nullif(trim({c("address")}), '') AS address,
               nullif(trim({last}), '') AS last_name, nullif(trim({first}), '') AS first_name,
               nullif(trim({patronymic}), '') AS patronymic,
               parse_date({c("birth_date")}) AS birth_date, parse_sex({c("sex")}) AS sex,
               nullif(trim({c("district")}), '') AS district_raw,
               {c("registry_status")} AS registry_status_raw, parse_date({c("status_date")}) AS status_date,
               {c("payer_type")} AS payer_type_raw, parse_month({c("last_payment_month")}) AS last_payment_month,
               TRY_CAST({c("months_paid_60")} AS INTEGER) AS months_paid_60,
               {c("childcare_reason")} AS childcare_reason_raw
        FROM "{table}")
        """
    )
    readers.drop(con, table)
    canon = f'"{table}_canon"'
    unusable = (
        "cleaned.iin IS NULL AND cleaned.status <> 'scientific_notation' AND last_name IS NULL AND first_name IS NULL"
    )
    con.execute(
        f"""
        INSERT INTO rejects
        SELECT ?, ?, row_number,
               CASE WHEN iin_raw IS NULL AND last_name IS NULL AND first_name IS NULL THEN 'empty row'
                    ELSE 'no usable IIN and no name' END
        FROM {canon} WHERE {unusable}
        """,
        params,
    )
    con.execute(
        f"""
        INSERT INTO stage
        SELECT {RECORD_ID_BASE * (index + 1)} + row_number, ?, ?, row_number, iin_raw, cleaned.iin, cleaned.status,
               coalesce(iin_is_valid_n(iin_num), false),
               -- the IINs a number in scientific notation can stand for (iin.scientific_range)
               CASE WHEN cleaned.status = 'scientific_notation' AND cleaned.iin IS NULL
                    THEN iin_sci_range(iin_raw) END.lo,
               CASE WHEN cleaned.status = 'scientific_notation' AND cleaned.iin IS NULL
                    THEN iin_sci_range(iin_raw) END.hi,
               last_name, first_name, patronymic, address,
               coalesce(birth_date, CASE WHEN ? = 'registry' THEN iin_birth_date_n(iin_num) END),
               coalesce(sex, CASE WHEN ? = 'registry' THEN iin_sex(cleaned.iin) END),
               NULL, district_raw,
               CASE WHEN ? = 'registry' THEN {_classify("registry_status_raw", REGISTRY_STATUSES, "'resident'")} END,
               status_date,
               {_classify("payer_type_raw", PAYER_TYPES, "CASE WHEN payer_type_raw IS NOT NULL THEN 'employee' END")},
               last_payment_month, months_paid_60,
               CASE WHEN childcare_reason_raw IS NOT NULL THEN
                   {_classify("childcare_reason_raw", CHILDCARE_REASONS, "'nonworking'")} END
        FROM {canon} WHERE NOT ({unusable})
        """,
        [*params, source.kind, source.kind, source.kind],
    )
    counts = con.execute(
        "SELECT (SELECT count(*) FROM stage WHERE source = ? AND file = ?), "
        "(SELECT count(*) FROM rejects WHERE source = ? AND file = ?)",
        [source.kind, file, source.kind, file],
    ).fetchone()
    accepted, rejected = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    con.execute(f"DROP TABLE {canon}")
    if accepted + rejected != result.rows_in:  # the invariant every report relies on
        raise AssertionError(f"{file}: {result.rows_in} rows in, {accepted} accepted + {rejected} rejected")
    return Ingested(
        source.kind,
        source.path,
        result.rows_in,
        accepted,
        rejected,
        result.encoding,
        result.delimiter,
        tuple(result.headers),
        found,
    )


def _place_key_sql(expr: str) -> str:
    return f"name_fold(regexp_replace(lower({expr}), '{_GENERIC_PLACE_WORDS}', ' ', 'g'))"


def detect_region(con: duckdb.DuckDBPyConnection) -> Region:
    """The region whose district names the registry's district column matches best."""
    _load_district_aliases(con)
    row = con.execute(
        f"""
        SELECT a.region, count(*) AS n FROM (SELECT DISTINCT district_raw FROM stage WHERE source = 'registry') s
        JOIN district_alias a ON a.key = {_place_key_sql("s.district_raw")}
        GROUP BY a.region ORDER BY n DESC LIMIT 1
        """
    ).fetchone()
    if row is None:
        raise SourceError(f"the registry's district names match no known region ({', '.join(sorted(regions()))})")
    return regions()[row[0]]


def _load_district_aliases(con: duckdb.DuckDBPyConnection) -> None:
    rows = [
        (r.code, d.code, name)
        for r in regions().values()
        for d in r.districts
        for name in (d.name_ru, d.name_kk, d.name_en, d.code)
    ]
    con.execute("CREATE OR REPLACE TEMP TABLE district_alias_src (region VARCHAR, district VARCHAR, name VARCHAR)")
    con.executemany("INSERT INTO district_alias_src VALUES (?, ?, ?)", rows)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE district_alias AS
        SELECT DISTINCT region, district, {_place_key_sql("name")} AS key FROM district_alias_src
        """
    )


def finish(con: duckdb.DuckDBPyConnection, region: Region) -> None:
    """Resolve districts and fold names (once per distinct spelling) into ``records``."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE district_lookup AS
        SELECT s.district_raw, a.district
        FROM (SELECT DISTINCT district_raw FROM stage WHERE district_raw IS NOT NULL) s
        LEFT JOIN (SELECT * FROM district_alias WHERE region = '{region.code}') a
            ON a.key = {_place_key_sql("s.district_raw")};

        CREATE OR REPLACE TEMP TABLE surname_fold AS
        SELECT v, name_fold_surname(v) AS k FROM (SELECT last_name AS v FROM stage UNION SELECT first_name FROM stage)
        WHERE v IS NOT NULL;
        CREATE OR REPLACE TEMP TABLE first_fold AS
        SELECT v, name_fold(v) AS k FROM (SELECT DISTINCT first_name AS v FROM stage) WHERE v IS NOT NULL;
        CREATE OR REPLACE TEMP TABLE patronymic_fold AS
        SELECT v, name_fold_patronymic(v) AS k FROM (SELECT DISTINCT patronymic AS v FROM stage) WHERE v IS NOT NULL;

        CREATE OR REPLACE TABLE records AS
        SELECT s.* EXCLUDE (district), dl.district,
               sl.k AS surname_key, f.k AS first_key, p.k AS patronymic_key,
               nullif(concat_ws(' ', least(sl.k, sf.k), CASE WHEN sl.k IS NOT NULL AND sf.k IS NOT NULL
                                                          THEN greatest(sl.k, sf.k) END), '') AS pair_key
        FROM stage s
        LEFT JOIN district_lookup dl USING (district_raw)
        LEFT JOIN surname_fold sl ON sl.v = s.last_name
        LEFT JOIN surname_fold sf ON sf.v = s.first_name
        LEFT JOIN first_fold f ON f.v = s.first_name
        LEFT JOIN patronymic_fold p ON p.v = s.patronymic;
        DROP TABLE stage;
        """
    )


def ingest(
    con: duckdb.DuckDBPyConnection, sources: list[Source], progress: Progress | None = None
) -> tuple[Region, list[Ingested]]:
    install_sql(con)
    create_tables(con)
    if not any(s.kind == "registry" for s in sources):
        raise SourceError("a population registry source is needed (--source registry=PATH)")
    done = []
    for i, source in enumerate(sources):
        done.append(ingest_source(con, source, i))
        if progress:
            progress(f"read {source.kind}")
    region = detect_region(con)
    finish(con, region)
    return region, done
