"""Raw rows -> canonical records and rejects. Nothing is dropped silently: for every source,
rows in = records + rejects, and every reject carries its file, row number and reason.

A record has the cleaned IIN (and how it was cleaned), names as written plus their folded keys,
a parsed birth date, sex, a recognised district code, and the fields its kind needs for the
status decision. All of it is set-based SQL over the whole table; names are folded once per
distinct spelling and joined back. Files are read, and cells parsed, by ``birtizim.tables`` (one set
of rules for every importer, docs/tables.md).

Places: the registry's district names choose the region (``--region`` may name it instead). When no
known region covers them (another region, a city, no district column), the districts are kept as
the registry writes them, grouped by their folded names, and the run carries a warning. Residents
whose district is missing or not recognised are reported under ``places.UNPLACED``.

Two-digit years ("28.10.79") are read against the run's as-of year (a yy after its yy is 19yy),
except where the row's valid IIN begins with the same YYMMDD: the IIN's century wins.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from birtizim.engine.sources import KINDS, Mapping, SourceError, recognise
from birtizim.reference import Region, regions
from birtizim.tables import cells, places, readers
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
    last_name VARCHAR, first_name VARCHAR, patronymic VARCHAR, address VARCHAR,
    birth_date DATE, sex VARCHAR, district VARCHAR, district_raw VARCHAR,
    registry_status VARCHAR, status_date DATE,
    payer_type VARCHAR, last_payment_month DATE, months_paid_60 INTEGER, childcare_reason VARCHAR,
    birth_date_yy BOOLEAN, status_date_yy BOOLEAN
"""
# Stage-only columns: whether a date was written with a two-digit year (its century is settled once
# the as-of date is known, then the flags go).
YY_COLUMNS = ("birth_date_yy", "status_date_yy")


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


def _col(found: dict[str, str], field: str) -> str:
    return quote_ident(found[field]) if field in found else "CAST(NULL AS VARCHAR)"


def install_sql(con: duckdb.DuckDBPyConnection) -> None:
    cells.install_sql(con)
    places.install_sql(con)


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
    con.execute(f"INSERT INTO rejects SELECT ?, ?, _row, reason FROM {quote_ident(table + '_parse_rejects')}", params)
    # The file's columns in the shape of ``stage``, materialised once: read through a subquery, DuckDB
    # would inline each expression wherever its column is named, recomputing name splits several times.
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {quote_ident(table + "_canon")} AS
        SELECT *, TRY_CAST(cleaned.iin AS BIGINT) AS iin_num FROM (
        SELECT _row AS row_number,
               {c("iin")} AS iin_raw, iin_clean({c("iin")}) AS cleaned, cell_text({c("address")}) AS address,
               cell_text({last}) AS last_name, cell_text({first}) AS first_name,
               cell_text({patronymic}) AS patronymic,
               cell_date({c("birth_date")}) AS birth_date, cell_date_yy({c("birth_date")}) AS birth_date_yy,
               cell_sex({c("sex")}) AS sex,
               cell_text({c("district")}) AS district_raw,
               {c("registry_status")} AS registry_status_raw, cell_date({c("status_date")}) AS status_date,
               cell_date_yy({c("status_date")}) AS status_date_yy,
               {c("payer_type")} AS payer_type_raw, cell_month({c("last_payment_month")}) AS last_payment_month,
               TRY_CAST(cell_whole({c("months_paid_60")}) AS INTEGER) AS months_paid_60,
               {c("childcare_reason")} AS childcare_reason_raw
        FROM {quote_ident(table)})
        """
    )
    readers.drop(con, table)
    canon = quote_ident(table + "_canon")
    unusable = (
        "cleaned.iin IS NULL AND cleaned.status <> 'scientific_notation' AND last_name IS NULL AND first_name IS NULL"
    )
    con.execute(
        f"""
        INSERT INTO rejects
        SELECT ?, ?, row_number,
               CASE WHEN iin_raw IS NULL AND last_name IS NULL AND first_name IS NULL THEN 'empty_row'
                    ELSE 'no_iin_no_name' END
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
                   {_classify("childcare_reason_raw", CHILDCARE_REASONS, "'nonworking'")} END,
               birth_date_yy, status_date_yy
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


# ---- places and dates, once every file is staged -----------------------------------------------------


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


def _registry_places(con: duckdb.DuckDBPyConnection) -> tuple[list[places.PlaceCount], int, int]:
    """The registry's folded place names with their rows; rows naming a place; rows in the registry."""
    # The spellings are counted first, into a table of their own: given the two steps as one query,
    # DuckDB folds every registry row instead of every spelling.
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE registry_spellings AS
        SELECT district_raw, count(*) AS n FROM stage
        WHERE source = 'registry' AND district_raw IS NOT NULL GROUP BY district_raw
        """
    )
    found = con.execute(
        """
        SELECT place_key(district_raw) AS key, arg_max(district_raw, n) AS spelling, sum(n) AS rows
        FROM registry_spellings GROUP BY key HAVING key IS NOT NULL ORDER BY rows DESC, key
        """
    ).fetchall()
    con.execute("DROP TABLE registry_spellings")
    counted = [places.PlaceCount(str(k), str(s), int(n)) for k, s, n in found]
    total = con.execute("SELECT count(*) FROM stage WHERE source = 'registry'").fetchone()
    return counted, sum(p.rows for p in counted), int(total[0]) if total else 0


def choose_region(
    con: duckdb.DuckDBPyConnection, region: str | None, as_of: dt.date | None
) -> tuple[Region, list[str]]:
    """The run's region and the warnings about it; loads ``run_places(key, district)`` for ``finish``.

    ``region`` names a known region (``--region``); without it the registry's districts choose one,
    and when none covers enough of them the places are kept as written.
    """
    counted, with_place, registry_rows = _registry_places(con)
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


def settle_centuries(con: duckdb.DuckDBPyConnection, as_of: dt.date) -> None:
    """Give dates written with a two-digit year their century (staged as 20yy).

    A birth date takes the century of the row's IIN when the IIN is valid and begins with the date as
    written (YYMMDD); otherwise, like every other date, a yy after the as-of year's is 19yy.
    """
    yy = as_of.year % 100

    def pivot(column: str) -> str:
        return (
            f"CASE WHEN year({column}) % 100 > {yy} "
            f"THEN try(make_date(year({column}) - 100, month({column}), day({column}))) ELSE {column} END"
        )

    con.execute(
        f"""
        UPDATE stage SET
            birth_date = CASE WHEN NOT birth_date_yy THEN birth_date
                              WHEN iin_valid AND strftime(birth_date, '%y%m%d') = left(iin, 6)
                                  THEN iin_birth_date(iin)
                              ELSE coalesce({pivot("birth_date")},
                                            CASE WHEN source = 'registry' THEN iin_birth_date(iin) END) END,
            status_date = CASE WHEN status_date_yy THEN {pivot("status_date")} ELSE status_date END
        WHERE birth_date_yy OR status_date_yy
        """
    )


def finish(con: duckdb.DuckDBPyConnection) -> None:
    """Resolve districts (``run_places``) and fold names (once per distinct spelling) into ``records``."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE district_spellings AS
        SELECT DISTINCT district_raw FROM stage WHERE district_raw IS NOT NULL;
        CREATE OR REPLACE TEMP TABLE district_lookup AS
        SELECT s.district_raw, p.district
        FROM district_spellings s LEFT JOIN run_places p ON p.key = place_key(s.district_raw);
        DROP TABLE district_spellings;

        CREATE OR REPLACE TEMP TABLE surname_fold AS
        SELECT v, name_fold_surname(v) AS k FROM (SELECT last_name AS v FROM stage UNION SELECT first_name FROM stage)
        WHERE v IS NOT NULL;
        CREATE OR REPLACE TEMP TABLE first_fold AS
        SELECT v, name_fold(v) AS k FROM (SELECT DISTINCT first_name AS v FROM stage) WHERE v IS NOT NULL;
        CREATE OR REPLACE TEMP TABLE patronymic_fold AS
        SELECT v, name_fold_patronymic(v) AS k FROM (SELECT DISTINCT patronymic AS v FROM stage) WHERE v IS NOT NULL;

        CREATE OR REPLACE TABLE records AS
        SELECT s.* EXCLUDE (district, {", ".join(YY_COLUMNS)}), dl.district,
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
    done = []
    for i, source in enumerate(sources):
        done.append(ingest_source(con, source, i))
        if progress:
            progress(f"read {source.kind}")
    chosen, warnings = choose_region(con, region, as_of)
    as_of = as_of or chosen.default_as_of
    settle_centuries(con, as_of)
    finish(con)
    return Reading(chosen, as_of, done, warnings)


def ingest(
    con: duckdb.DuckDBPyConnection, sources: list[Source], progress: Progress | None = None
) -> tuple[Region, list[Ingested]]:
    """``read`` with the region detected: the region and what each file gave."""
    reading = read(con, sources, progress=progress)
    return reading.region, reading.ingested
