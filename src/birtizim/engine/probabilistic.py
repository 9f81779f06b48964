"""Probabilistic matching with Splink (DuckDB backend): rows the IIN does not settle, and the evidence
that weighs an IIN against names and birth date.

The model is built from the fields the registry and the rows to match both carry (``Shape``): a
list without patronymics, birth dates, sexes or districts gets a model without those comparisons,
and the blocking rules and training rules that need them are left out. It is trained without labels:
u probabilities by random sampling, m probabilities by expectation maximisation on blocking rules
chosen from the fields present (``em_rules``), the prior from the registry's size. Every level
starts from a documented m probability (``M_PROBABILITIES``): EM replaces it where it can, and a
comparison no feasible EM rule can train keeps it (too few pairs to learn from, or a rule whose
blocked pairs would cost more than it can tell). Nothing about a list's shape ends in an exception.

Rows already linked by IIN are not used as labels; a sample of them joins the rows being matched so
that EM sees enough true matches to learn from (the unlinked rows alone can be a few hundred).
Splink is imported lazily: it is heavy and only this step needs it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from typing import Any

import duckdb

# The columns a model may compare or block on (all of them exist in both tables; a missing field is null).
COLUMNS = (
    "iin, iin_head, iin_lo, iin_hi, surname_key, first_key, patronymic_key, pair_key, birth_date, sex, district, "
    "address_key"
)
OPTIONAL_FIELDS = ("patronymic_key", "birth_date", "sex", "district", "iin", "iin_lo", "address_key")
# A field counts as present when at least this share of the rows on each side carries it.
PRESENT_SHARE = 0.01
TRAINING_SAMPLE = 20_000  # already-linked rows added to the training side
EM_MAX_PAIRS = 300_000
EM_MIN_PAIRS = 500  # fewer cross pairs than this and EM's estimates are noise: keep the fixed m values
# Splink blocks for EM by joining every input row with every other (registry with registry too), so a
# rule is only used when that join stays small: birth date alone paired each of 2M residents with ~56
# others and took 20 s. Only registry rows that share the rule's key with a row to match are given.
EM_JOIN_BUDGET = 20_000_000
U_MAX_PAIRS = 2e6
M_FLOOR = 0.001
U_FLOOR = 1e-7
SEED = 42

# m probabilities (share of true matches at each level) used until EM estimates them, and kept where
# it cannot. Round figures for lists typed by clerks: most true matches agree exactly; the rest are
# spread over the partial levels. Listed from the best level to the "else" level (the null level has none).
M_PROBABILITIES: dict[str, tuple[float, ...]] = {
    # both exact / swapped / one exact and the other close / surname and first initial / one of the two / else
    "name": (0.86, 0.01, 0.06, 0.005, 0.05, 0.015),
    # exact / an initial that fits / Jaro-Winkler >= 0.92 / else
    "patronymic_key": (0.85, 0.01, 0.07, 0.07),
    # exact / one or two digits differ / else
    "iin": (0.93, 0.04, 0.03),
    # the resident's IIN lies in the range a number in scientific notation stands for / else
    "iin_lo": (0.97, 0.03),
    # exact / day and month swapped / year and day or month / day and month, another year / else
    "birth_date": (0.9, 0.01, 0.04, 0.02, 0.03),
    "sex": (0.97, 0.03),
    "district": (0.9, 0.1),
    # exact / Jaro-Winkler >= 0.9 (a typo) / >= 0.75 (the same street, another flat) / else (people move)
    "address_key": (0.6, 0.2, 0.1, 0.1),
}


@dataclass(frozen=True)
class Shape:
    """The optional fields both the registry and the rows to match carry."""

    fields: frozenset[str]

    def has(self, name: str) -> bool:
        return name in self.fields


@dataclass
class Training:
    """What training did, for the run's record: the EM rules used, and the comparisons left at their
    documented m probabilities (with why)."""

    shape: list[str]
    em_rules: list[str] = field(default_factory=list)
    fixed: dict[str, str] = field(default_factory=dict)  # comparison -> why its m values are the fixed ones
    seconds: dict[str, float] = field(default_factory=dict)


def sample_sql(query: str, key: str, rows: int) -> str:
    """SQL for ``rows`` rows of ``query`` chosen by a hash of its column ``key``.

    The same rows whatever order DuckDB holds them in: a reservoir sample follows the scan, and the
    order rows land in a table varies from run to run with the threads that wrote them (two loads of
    the same files put a quarter of the rows at other positions), so a model trained on one was not
    the same from run to run. Splink samples by a hash of the id too.
    """
    return f"SELECT * FROM ({query}) ORDER BY hash({key}, {SEED}), {key} LIMIT {rows}"


def shape_of(con: duckdb.DuckDBPyConnection, left: str, right: str) -> Shape:
    """Which optional fields both tables carry (at least ``PRESENT_SHARE`` of the rows on each side)."""
    counts = ", ".join(f"count({f}) / greatest(count(*), 1)" for f in OPTIONAL_FIELDS)
    shares_l = con.execute(f"SELECT {counts} FROM {left}").fetchone() or ()
    shares_r = con.execute(f"SELECT {counts} FROM {right}").fetchone() or ()
    present = {
        f
        for f, a, b in zip(OPTIONAL_FIELDS, shares_l, shares_r, strict=True)
        if a and b and a >= PRESENT_SHARE and b >= PRESENT_SHARE
    }
    return Shape(frozenset(present))


# --- the model ----------------------------------------------------------------------------------------


def _with_m(levels: list[Any], name: str) -> list[Any]:
    """Attach the documented m probabilities to a comparison's levels (the null level comes first)."""
    return [
        levels[0],
        *(lv.configure(m_probability=m) for lv, m in zip(levels[1:], M_PROBABILITIES[name], strict=True)),
    ]


CLOSE = (
    "CASE WHEN jaro_winkler_similarity({c}_l, {c}_r) >= 0.88 THEN true"
    " WHEN left({c}_l, 1) = left({c}_r, 1) AND abs(length({c}_l) - length({c}_r)) <= 1"
    " THEN levenshtein({c}_l, {c}_r) <= 1 ELSE false END"
)


def _name_comparison() -> Any:
    """Surname and first name as one comparison: they are not independent evidence (the pair key
    agrees whenever both do), and counting them separately made every namesake a certain match."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    surname, first = cll.ExactMatchLevel("surname_key"), cll.ExactMatchLevel("first_key")
    initial = cll.CustomLevel(
        "name_initial_fits(first_key_r, first_key_l) OR name_initial_fits(first_key_l, first_key_r)"
    )
    # close: Jaro-Winkler (suits long names) or one edit (a typo in a short one: Жанар/Жаар); the edit
    # distance only where the first letter and the length allow it (it costs seven times Jaro-Winkler)
    surname_close, first_close = (cll.CustomLevel(CLOSE.format(c=c)) for c in ("surname_key", "first_key"))
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=_with_m(
            [
                cll.And(cll.NullLevel("surname_key"), cll.NullLevel("first_key")),
                cll.And(surname, first).configure(label_for_charts="surname and first name"),
                cll.ExactMatchLevel("pair_key").configure(label_for_charts="swapped surname and first name"),
                cll.Or(cll.And(surname, first_close), cll.And(first, surname_close)).configure(
                    label_for_charts="one exact, the other close"
                ),
                cll.And(surname, initial).configure(label_for_charts="surname and the first name's initial"),
                cll.Or(surname, first).configure(label_for_charts="one of the two"),
                cll.ElseLevel(),
            ],
            "name",
        ),
    )


def _patronymic_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="patronymic_key",
        comparison_levels=_with_m(
            [
                cll.NullLevel("patronymic_key"),
                cll.ExactMatchLevel("patronymic_key"),
                cll.CustomLevel(
                    "name_initial_fits(patronymic_key_r, patronymic_key_l)"
                    " OR name_initial_fits(patronymic_key_l, patronymic_key_r)"
                ).configure(label_for_charts="an initial that fits"),
                cll.JaroWinklerLevel("patronymic_key", 0.92),
                cll.ElseLevel(),
            ],
            "patronymic_key",
        ),
    )


def _iin_comparison(prior: float) -> Any:
    """A different IIN speaks against a match; one typed digit or one swapped pair (Hamming distance
    1 or 2 between 12-digit strings) speaks for it. Hamming is cheap, unlike edit distances.

    An equal IIN is weighed by ``link.weigh_iin_holders`` against names and birth date, not by this
    comparison (the IIN is strong evidence, not the truth). Random sampling never sees two rows with
    one IIN, so the exact level's u probability is fixed (a tenth of the prior) rather than left
    unobserved."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="iin",
        comparison_levels=_with_m(
            [
                cll.NullLevel("iin"),
                cll.ExactMatchLevel("iin").configure(u_probability=prior / 10, fix_u_probability=True),
                cll.CustomLevel("length(iin_l) = 12 AND length(iin_r) = 12 AND hamming(iin_l, iin_r) <= 2").configure(
                    label_for_charts="one or two digits differ"
                ),
                cll.ElseLevel(),
            ],
            "iin",
        ),
    )


def _iin_range_comparison() -> Any:
    """An IIN shown in scientific notation (7.91E+11) stands for a range of IINs (``iin_lo``..``iin_hi``;
    a resident's own IIN is a range of one): the resident's IIN inside the row's range is evidence as
    strong as the range is narrow, which random sampling measures."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="iin_lo",
        comparison_levels=_with_m(
            [
                cll.Or(cll.NullLevel("iin_lo"), cll.NullLevel("iin_hi")),
                cll.CustomLevel(
                    "(iin_lo_l BETWEEN iin_lo_r AND iin_hi_r) OR (iin_lo_r BETWEEN iin_lo_l AND iin_hi_l)"
                ).configure(label_for_charts="IIN within the range"),
                cll.ElseLevel(),
            ],
            "iin_lo",
        ),
    )


def _birth_date_comparison() -> Any:
    """Exact; day and month swapped; the year and one of day and month agree (a typo in the other);
    day and month agree in another year (a mistyped year, or a two-digit year read in the wrong
    century); else. Date parts, not string distances: edit distances on millions of pairs cost
    seconds, these cost nothing."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    y, m, d = (f"{part}(birth_date_l) = {part}(birth_date_r)" for part in ("year", "month", "day"))
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=_with_m(
            [
                cll.NullLevel("birth_date"),
                cll.ExactMatchLevel("birth_date"),
                cll.CustomLevel(
                    f"{y} AND month(birth_date_l) = day(birth_date_r) AND day(birth_date_l) = month(birth_date_r)"
                ).configure(label_for_charts="day and month swapped"),
                cll.CustomLevel(f"{y} AND ({m} OR {d})").configure(label_for_charts="year and day or month"),
                cll.CustomLevel(f"{m} AND {d}").configure(label_for_charts="day and month, another year"),
                cll.ElseLevel(),
            ],
            "birth_date",
        ),
    )


def _exact(column: str) -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=_with_m([cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()], column),
    )


def comparisons(shape: Shape, prior: float) -> list[Any]:
    """The comparisons the fields present allow: names always, the others when both sides carry them."""
    out = [_name_comparison()]
    if shape.has("patronymic_key"):
        out.append(_patronymic_comparison())
    if shape.has("iin"):
        out.append(_iin_comparison(prior))
    if shape.has("iin_lo"):
        out.append(_iin_range_comparison())
    if shape.has("birth_date"):
        out.append(_birth_date_comparison())
    for column in ("sex", "district"):
        if shape.has(column):
            out.append(_exact(column))
    if shape.has("address_key"):
        out.append(_address_comparison())
    return out


def _address_comparison() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="address_key",
        comparison_levels=_with_m(
            [
                cll.NullLevel("address_key"),
                cll.ExactMatchLevel("address_key"),
                cll.JaroWinklerLevel("address_key", 0.9),
                cll.JaroWinklerLevel("address_key", 0.75),
                cll.ElseLevel(),
            ],
            "address_key",
        ),
    )


# Rows with neither a patronymic nor a birth date meet every resident of their surname and first name.
# Against a large registry each such pair scores below any candidate threshold, yet what the list says
# (its age and sex, a patronymic the resident lacks too: ``link._list_prior``) can still tell who the row
# is, so ``link`` keeps these pairs whatever their score (``thin_pairs``).
THIN_ROUTE = "l.pair_key = r.pair_key AND r.birth_date IS NULL AND r.patronymic_key IS NULL"


def thin_pairs(con: duckdb.DuckDBPyConnection, *, left: str, right: str) -> int | None:
    """How many pairs ``THIN_ROUTE`` forms, or None past ``ROUTE_BUDGET`` (a list without patronymics or
    birth dates against a large registry: every namesake of every row)."""
    row = con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {left} l JOIN {right} r ON {THIN_ROUTE} LIMIT {ROUTE_BUDGET + 1})"
    ).fetchone()
    pairs = int(row[0]) if row else 0
    return pairs if pairs <= ROUTE_BUDGET else None


def prediction_rules(shape: Shape, *, block_on_iin: bool = False) -> list[Any]:
    """Blocking routes, so that a row missing one field still meets its candidates: full name with
    patronymic; swapped names; surname + birth date, first name + birth date, swapped names + birth
    date; patronymic + birth date; the full name without patronymic for rows that have neither a
    patronymic nor a birth date; and the surviving IIN head (its birth-date digits) with either name.
    ``block_on_iin`` adds the IIN itself (for a pipeline that links by it inside the model)."""
    from splink import block_on

    rules: list[Any] = [*([block_on("iin")] if block_on_iin else [])]
    if shape.has("patronymic_key"):
        rules += [block_on("surname_key", "first_key", "patronymic_key"), block_on("pair_key", "patronymic_key")]
    if shape.has("birth_date"):
        rules += [
            block_on("surname_key", "first_key", "birth_date"),
            block_on("birth_date", "first_key"),
            block_on("birth_date", "surname_key"),
            block_on("pair_key", "birth_date"),
        ]
        if shape.has("patronymic_key"):
            rules.append(block_on("birth_date", "patronymic_key"))
    # Neither patronymic nor birth date on the row: the names are all there is (r is the agency row).
    rules.append(THIN_ROUTE)
    rules += [block_on("iin_head", "surname_key"), block_on("iin_head", "first_key")]
    return rules


# Routes whose pairs grow with the registry (every namesake, every neighbour is a pair): each is used
# only when it forms at most ROUTE_BUDGET pairs. On lists shaped like FEBRL's (names replaced or
# mistyped, birth dates missing, addresses mistyped, no patronymic) they find what the fixed routes
# cannot; at 2 million residents names alone cannot pick one person anyway. A route is the keys both
# rows must share (SQL over "{t}", the table's alias), the fields it needs, and which rows to match.


@dataclass(frozen=True)
class Route:
    keys: tuple[str, ...]
    needs: tuple[str, ...] = ()
    where: str = ""  # a condition on the row to match (alias r), or "" for every row


def _keys(*columns: str) -> tuple[str, ...]:
    return tuple(f"{{t}}.{c}" for c in columns)


EXTRA_ROUTES: tuple[Route, ...] = (
    Route(_keys("surname_key", "patronymic_key"), ("patronymic_key",), "r.birth_date IS NULL"),  # first name typo
    Route(_keys("first_key", "patronymic_key"), ("patronymic_key",), "r.birth_date IS NULL"),  # surname typo
    Route(_keys("surname_key", "first_key")),  # the birth date damaged or missing, no patronymic
    Route(_keys("surname_key", "district"), ("district",)),
    Route(_keys("first_key", "district"), ("district",)),
    Route(_keys("birth_date", "district"), ("birth_date", "district")),
    Route(_keys("birth_date"), ("birth_date",)),  # both names replaced or mistyped
    # the first three letters of each name (a typo further on), and the house number with the start of
    # the street (a typo in the street's name or a suburb added)
    Route(("left({t}.surname_key, 3)", "left({t}.first_key, 3)")),
    Route(("split_part({t}.address_key, ' ', 1)", "left(split_part({t}.address_key, ' ', 2), 3)"), ("address_key",)),
    Route(_keys("address_key"), ("address_key",)),
)
ROUTE_BUDGET = 1_000_000


def affordable_routes(con: duckdb.DuckDBPyConnection, *, left: str, right: str, shape: Shape) -> list[Route]:
    """The extra routes the fields allow whose pairs stay within ``ROUTE_BUDGET``."""
    chosen = []
    for route in EXTRA_ROUTES:
        if not all(shape.has(f) for f in route.needs):
            continue
        on = " AND ".join(f"{k.format(t='l')} = {k.format(t='r')}" for k in route.keys)
        where = f"WHERE {route.where}" if route.where else ""
        # the pairs themselves, counted by a join that stops past the budget
        pairs = con.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {left} l JOIN {right} r ON {on} {where} LIMIT {ROUTE_BUDGET + 1})"
        ).fetchone()
        if pairs and int(pairs[0]) <= ROUTE_BUDGET:
            chosen.append(route)
    return chosen


def with_routes(model: dict[str, Any], routes: list[Route]) -> dict[str, Any]:
    """The model with extra prediction routes."""
    extra = [_rule_sql(route.keys, route.where) for route in routes]
    rules = [*model["blocking_rules_to_generate_predictions"], *extra]
    return {**model, "blocking_rules_to_generate_predictions": rules}


def _rule_sql(keys: tuple[str, ...], where: str = "") -> dict[str, str]:
    """A blocking rule as Splink's settings write it: equal keys, and an optional condition."""
    sql = " AND ".join(f"{k.format(t='l')} = {k.format(t='r')}" for k in keys) + (f" AND {where}" if where else "")
    return {"blocking_rule": sql, "sql_dialect": "duckdb"}


def _rule(*columns: str) -> dict[str, str]:
    return _rule_sql(_keys(*columns))


def settings(prior: float, shape: Shape, *, block_on_iin: bool = False) -> Any:
    """The model for ``shape``. ``block_on_iin`` adds IIN blocking for a Splink-only pipeline (the
    benchmarks' 'Splink alone'); Birtizim links equal IINs before the model and weighs disputed ones
    with ``predict(only_by_iin=True)``."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=comparisons(shape, prior),
        blocking_rules_to_generate_predictions=prediction_rules(shape, block_on_iin=block_on_iin),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=False,
    )


# Candidate EM rules, best first, in two groups: the first trains names and patronymic (it blocks on
# birth date and a field that keeps the pairs few), the second trains birth date and district (it
# blocks on names). One feasible rule of each group is used; a comparison that no used rule trains
# keeps its documented m probabilities.
EM_RULES: tuple[tuple[tuple[str, ...], ...], ...] = (
    (("birth_date", "district"), ("birth_date", "sex"), ("birth_date", "patronymic_key"), ("birth_date",)),
    (
        ("surname_key", "first_key", "patronymic_key"),
        ("surname_key", "first_key", "district"),
        ("surname_key", "first_key"),
    ),
)


def _comparison_columns(shape: Shape) -> dict[str, set[str]]:
    columns = {"name": {"surname_key", "first_key", "pair_key"}}
    for f in OPTIONAL_FIELDS:
        if shape.has(f):
            columns[f] = {f}
    return columns


def _pairs(con: duckdb.DuckDBPyConnection, left: str, right: str, keys: tuple[str, ...]) -> tuple[int, int]:
    """(pairs across the two tables, pairs Splink's EM self-join would form) for blocking on ``keys``
    (SQL over "{t}"), counting only registry rows that share a key with a row to match."""
    names = [f"k{i}" for i in range(len(keys))]
    select = ", ".join(f"{k.format(t='x')} AS {n}" for k, n in zip(keys, names, strict=True))
    not_null = " AND ".join(f"{n} IS NOT NULL" for n in names)
    listed = ", ".join(names)
    row = con.execute(
        f"""
        WITH r AS (SELECT {listed}, count(*) AS n FROM (SELECT {select} FROM {right} x) WHERE {not_null} GROUP BY ALL),
             l AS (SELECT {listed}, count(*) AS n FROM (SELECT {select} FROM {left} x)
                   WHERE {not_null} AND ({listed}) IN (SELECT {listed} FROM r) GROUP BY ALL)
        SELECT coalesce(sum(l.n * r.n), 0), coalesce(sum((l.n + r.n) * (l.n + r.n - 1) / 2), 0)
        FROM r JOIN l USING ({listed})
        """
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def train(
    con: duckdb.DuckDBPyConnection, *, left: str, right: str, shape: Shape, prior: float
) -> tuple[dict[str, Any], Training]:
    """Train the model on ``left`` (registry) and ``right`` (rows to match plus a sample of linked rows);
    return it as Splink's settings dictionary, and what training did."""
    from splink import DuckDBAPI, Linker, block_on
    from splink.internals.exceptions import EMTrainingException

    training = Training(shape=sorted(shape.fields))
    db_api = DuckDBAPI(connection=con)
    linker = Linker([db_api.register(left), db_api.register(right)], settings(prior, shape), log_level=logging.ERROR)
    t0 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    model = linker.misc.save_model_to_json()
    training.seconds["u"] = round(time.perf_counter() - t0, 2)
    columns = _comparison_columns(shape)
    trained: set[str] = set()
    for group in EM_RULES:
        for rule in group:
            if not all(c == "surname_key" or c == "first_key" or shape.has(c) for c in rule):
                continue
            cross, joined = _pairs(con, left, right, _keys(*rule))
            if cross < EM_MIN_PAIRS or joined > EM_JOIN_BUDGET:
                continue
            # EM on the registry rows that share the rule's key with a row to match, with this model's u
            keys = ", ".join(rule)
            con.execute(
                f"CREATE OR REPLACE TEMP TABLE em_left AS SELECT * FROM {left} "
                f"WHERE ({keys}) IN (SELECT {keys} FROM {right})"
            )
            t0 = time.perf_counter()
            em = Linker([db_api.register("em_left"), db_api.register(right)], model, log_level=logging.ERROR)
            try:
                em.training.estimate_parameters_using_expectation_maximisation(block_on(*rule), max_pairs=EM_MAX_PAIRS)
            except EMTrainingException:
                continue
            model = em.misc.save_model_to_json()
            training.seconds[" + ".join(rule)] = round(time.perf_counter() - t0, 2)
            training.em_rules.append(" + ".join(rule))
            trained |= {name for name, cols in columns.items() if not cols & set(rule)}
            break
    _drop_splink_tables(con)
    con.execute("DROP TABLE IF EXISTS em_left")
    for name in columns:
        if name not in trained:
            training.fixed[name] = "no EM rule without this comparison had enough pairs"
    _floor(model)
    # predictions keep each comparison's weight (mw_*) and level (gamma_*, which Splink writes only
    # beside the matching columns)
    model["retain_intermediate_calculation_columns"] = True
    model["retain_matching_columns"] = True
    return model, training


def predict(
    con: duckdb.DuckDBPyConnection,
    model: dict[str, Any],
    *,
    left: str,
    right: str,
    out: str,
    threshold: float | None,
    only_by_iin: bool = False,
    only_thin: bool = False,
) -> None:
    """Write ``out(record_id, person_id, match_probability, evidence, mw_*, gamma_*)`` for the pairs the
    model's blocking rules form, at or above ``threshold`` (every pair when None).

    ``evidence`` is the pair's weight of evidence in bits from every comparison but the IIN, without
    the prior: what names, birth date, sex and district say on their own. ``link`` weighs the resident
    whose IIN a row carries with it. ``only_by_iin`` pairs each row with the resident whose IIN it
    carries and no one else; ``only_thin`` pairs only rows with neither a patronymic nor a birth date with
    the residents of their names (``THIN_ROUTE``).
    """
    from splink import DuckDBAPI, Linker

    if only_by_iin:
        model = {**model, "blocking_rules_to_generate_predictions": [_rule("iin")]}
    if only_thin:
        model = {
            **model,
            "blocking_rules_to_generate_predictions": [{"blocking_rule": THIN_ROUTE, "sql_dialect": "duckdb"}],
        }
    db_api = DuckDBAPI(connection=con)
    linker = Linker([db_api.register(left), db_api.register(right)], model, log_level=logging.ERROR)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    prior = float(model["probability_two_random_records_match"])
    prior_weight = math.log2(prior / (1 - prior))
    columns = {c for (c,) in con.execute(f"SELECT column_name FROM (DESCRIBE {predictions.physical_name})").fetchall()}
    iin_weight = "coalesce(mw_iin, 0)" if "mw_iin" in columns else "0"
    kept = ", ".join(sorted(c for c in columns if c.startswith(("mw_", "gamma_"))))
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT unique_id_r AS record_id, unique_id_l AS person_id, match_probability,
               match_weight - {prior_weight} - {iin_weight} AS evidence, {kept}
        FROM {predictions.physical_name}
        """
    )
    predictions.drop_table_from_database_and_remove_from_cache()
    _drop_splink_tables(con)


def _floor(model: dict[str, Any]) -> None:
    """Keep every level possible. EM drives the m probability of a level its training pairs never show
    to zero, and random sampling can do the same to a u probability; a zero is an infinite weight
    (Splink clamps it at ±1000 bits), so one unseen kind of error would sink or carry any pair. m is
    floored at M_FLOOR (clerks make every kind of error now and then) and renormalised; u at U_FLOOR
    (below what the random sample can measure)."""
    for comparison in model["comparisons"]:
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        ms = [max(float(lv.get("m_probability") or 0.0), M_FLOOR) for lv in levels]
        total = sum(ms)
        for lv, m in zip(levels, ms, strict=True):
            lv["m_probability"] = m / total
            u = lv.get("u_probability")
            lv["u_probability"] = max(float(u), U_FLOOR) if isinstance(u, int | float) else U_FLOOR


def level_m(model: dict[str, Any], comparison: str) -> dict[int, float]:
    """m probability of each level of a comparison by its gamma value (the else level is 0)."""
    for c in model["comparisons"]:
        if c["output_column_name"] == comparison:
            levels = [lv for lv in c["comparison_levels"] if not lv.get("is_null_level")]
            return {len(levels) - 1 - i: float(lv.get("m_probability") or 0.0) for i, lv in enumerate(levels)}
    return {}


def _drop_splink_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Splink leaves its working tables (blocked pairs, comparison vectors) in the database."""
    leftovers = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, '__splink__')"
    ).fetchall()
    for (name,) in leftovers:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')


def quiet() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
