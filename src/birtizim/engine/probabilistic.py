"""Probabilistic matching with Splink (DuckDB backend) for rows whose IIN is missing or unusable.

The model is trained without labels: u probabilities by random sampling, m probabilities by
expectation maximisation, the prior from the registry's size. Rows already linked by IIN are not
used as labels; a sample of them joins the rows being matched so that EM sees enough true matches to
learn from (the unlinked rows alone can be a few hundred). Splink is imported lazily: it is heavy
and only this step needs it.
"""

from __future__ import annotations

import logging
from typing import Any

import duckdb

COLUMNS = "iin, surname_key, first_key, patronymic_key, pair_key, birth_date, sex, district"
TRAINING_SAMPLE = 20_000  # already-linked rows added to the training side
EM_MAX_PAIRS = 300_000
SEED = 42


def _name_comparison() -> Any:
    """Surname and first name as one comparison: they are not independent evidence (the pair key
    agrees whenever both do), and counting them separately made every namesake a certain match."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    surname, first = cll.ExactMatchLevel("surname_key"), cll.ExactMatchLevel("first_key")
    return cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.And(cll.NullLevel("surname_key"), cll.NullLevel("first_key")),
            cll.And(surname, first).configure(label_for_charts="surname and first name"),
            cll.ExactMatchLevel("pair_key").configure(label_for_charts="swapped surname and first name"),
            cll.Or(
                cll.And(surname, cll.JaroWinklerLevel("first_key", 0.88)),
                cll.And(first, cll.JaroWinklerLevel("surname_key", 0.88)),
            ).configure(label_for_charts="one exact, the other close"),
            cll.Or(surname, first).configure(label_for_charts="one of the two"),
            cll.ElseLevel(),
        ],
    )


def _iin_comparison() -> Any:
    """A different IIN speaks against a match; one typed digit or one swapped pair (Hamming distance
    1 or 2 between 12-digit strings) speaks for it. Hamming is cheap, unlike edit distances."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="iin",
        comparison_levels=[
            cll.NullLevel("iin"),
            cll.ExactMatchLevel("iin"),
            cll.CustomLevel("length(iin_l) = 12 AND length(iin_r) = 12 AND hamming(iin_l, iin_r) <= 2").configure(
                label_for_charts="one or two digits differ"
            ),
            cll.ElseLevel(),
        ],
    )


def settings(prior: float, *, block_on_iin: bool = False) -> Any:
    """The model. ``block_on_iin`` adds IIN blocking for a Splink-only pipeline (the benchmarks'
    'Splink alone'); Birtizim itself never needs it, as equal IINs are linked before Splink runs."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        probability_two_random_records_match=prior,
        comparisons=[
            _name_comparison(),
            cl.JaroWinklerAtThresholds("patronymic_key", [0.92]),
            _iin_comparison(),
            cl.DateOfBirthComparison(
                "birth_date", input_is_string=False, datetime_thresholds=[1, 10], datetime_metrics=["month", "year"]
            ),
            cl.ExactMatch("sex"),
            cl.ExactMatch("district"),
        ],
        blocking_rules_to_generate_predictions=[
            *([block_on("iin")] if block_on_iin else []),
            block_on("surname_key", "first_key", "patronymic_key"),
            block_on("pair_key", "patronymic_key"),
            block_on("surname_key", "first_key", "birth_date"),
            block_on("birth_date", "first_key"),
            block_on("birth_date", "surname_key"),
            block_on("birth_date", "patronymic_key"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def match(
    con: duckdb.DuckDBPyConnection, *, left: str, right: str, out: str, threshold: float, trained_on: str = "links"
) -> None:
    """Write ``out(record_id, person_id, match_probability)`` for pairs at or above ``threshold``.

    ``left`` has person_id, ``right`` has record_id; both have the folded name keys, birth_date, sex,
    district. ``trained_on`` names the table of already-linked record_ids to sample for training.
    """
    from splink import DuckDBAPI, Linker, block_on

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)

    con.execute(
        f"""
        CREATE OR REPLACE TABLE splink_left AS SELECT person_id AS unique_id, {COLUMNS} FROM {left};
        CREATE OR REPLACE TABLE splink_right AS
        SELECT record_id AS unique_id, {COLUMNS}, true AS to_match FROM {right}
        UNION ALL
        SELECT * FROM (
            SELECT a.record_id, {", ".join("a." + c.strip() for c in COLUMNS.split(","))}, false
            FROM agency a JOIN {trained_on} t USING (record_id)
            WHERE a.record_id NOT IN (SELECT record_id FROM {right})
        ) USING SAMPLE reservoir({TRAINING_SAMPLE} ROWS) REPEATABLE ({SEED});
        """
    )
    n_left = con.execute("SELECT count(*) FROM splink_left").fetchone()
    prior = 1 / max(int(n_left[0]) if n_left else 1, 1)

    db_api = DuckDBAPI(connection=con)
    linker = Linker(
        [db_api.register("splink_left"), db_api.register("splink_right")], settings(prior), log_level=logging.ERROR
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=SEED)
    # Splink blocks for EM by joining all input rows with themselves, so a rule must be selective
    # over the registry too: birth date alone paired each of 2M residents with ~56 others and took
    # 20 s. Each rule trains the comparisons it does not block on; together they train them all.
    for rule in (
        block_on("birth_date", "patronymic_key"),
        block_on("surname_key", "first_key", "patronymic_key", "district"),
    ):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=EM_MAX_PAIRS)
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    con.execute(
        f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT p.unique_id_r AS record_id, p.unique_id_l AS person_id, p.match_probability
        FROM {predictions.physical_name} p JOIN splink_right r ON r.unique_id = p.unique_id_r
        WHERE r.to_match
        """
    )
    predictions.drop_table_from_database_and_remove_from_cache()
    # Splink leaves its working tables (blocked pairs, comparison vectors) in the database.
    leftovers = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, '__splink__')"
    ).fetchall()
    for (name,) in leftovers:
        con.execute(f'DROP TABLE IF EXISTS "{name}"')
    con.execute("DROP TABLE splink_left; DROP TABLE splink_right")
