"""Splink alone: one Splink 5 (DuckDB) model links every agency row to the registry.

A competent Splink setup on the same cleaned columns as Birtizim's probabilistic step: the IIN is
one comparison among others (exact, one or two digits off, different), blocking on the IIN and on
name and birth-date keys (and Birtizim's budgeted routes); u by random sampling, m by EM, the prior
from the registry's size. The model has the comparisons the files' fields allow
(``probabilistic.shape_of``), as Birtizim's does.
Each row goes to its best candidate when that scores 0.5 or more. No deterministic steps before it.
"""

from __future__ import annotations

import logging

import duckdb

from bench import alternative
from birtizim.engine import probabilistic

THRESHOLD = 0.5
COLUMNS = probabilistic.COLUMNS


def link_with_splink(con: duckdb.DuckDBPyConnection) -> None:
    from splink import DuckDBAPI, Linker, block_on
    from splink.internals.exceptions import EMTrainingException

    probabilistic.quiet()
    con.execute(
        f"""
        CREATE TABLE splink_left AS SELECT person_id AS unique_id, {COLUMNS} FROM persons;
        CREATE TABLE splink_right AS SELECT record_id AS unique_id, {COLUMNS} FROM agency;
        """
    )
    n_left = con.execute("SELECT count(*) FROM splink_left").fetchone()
    prior = 1 / max(int(n_left[0]) if n_left else 1, 1)
    shape = probabilistic.shape_of(con, "splink_left", "splink_right")
    settings = probabilistic.settings(prior, shape, block_on_iin=shape.has("iin"))
    db_api = DuckDBAPI(connection=con)
    linker = Linker(
        [db_api.register("splink_left"), db_api.register("splink_right")], settings, log_level=logging.ERROR
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=probabilistic.SEED)
    # Blocking on the IIN trains every comparison but the IIN; blocking on names (and birth date)
    # trains the IIN (and the rest again).
    rules = [block_on("iin")] if shape.has("iin") else []
    rules.append(
        block_on("surname_key", "first_key", "birth_date")
        if shape.has("birth_date")
        else block_on("surname_key", "first_key")
    )
    for rule in rules:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        except EMTrainingException:
            continue  # too few pairs: that comparison keeps its starting m probabilities
    # the routes Birtizim adds where their pairs are affordable (lists without patronymic or birth date)
    model = probabilistic.with_routes(
        linker.misc.save_model_to_json(),
        probabilistic.affordable_routes(con, left="splink_left", right="splink_right", shape=shape),
    )
    linker = Linker([db_api.register("splink_left"), db_api.register("splink_right")], model, log_level=logging.ERROR)
    predictions = linker.inference.predict(threshold_match_probability=THRESHOLD)
    con.execute(
        f"""
        INSERT INTO links
        SELECT unique_id_r, unique_id_l, 'splink', match_probability FROM {predictions.physical_name}
        QUALIFY row_number() OVER (PARTITION BY unique_id_r ORDER BY match_probability DESC, unique_id_l) = 1
        """
    )


if __name__ == "__main__":
    alternative.main(link_with_splink)
