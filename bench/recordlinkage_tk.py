"""recordlinkage (the Python Record Linkage Toolkit), the classic pandas pipeline, small scale only.

Candidate pairs by blocking on the IIN, on surname and first-name keys, on swapped names with the
patronymic, on birth date and on the address (each where both sides carry it); features compared
with the toolkit's exact and Jaro-Winkler comparers (thresholded to agree/disagree) for the fields
both sides carry (``probabilistic.shape_of``, as Birtizim's model); pairs classified by its
unsupervised ECM classifier. Each row goes to its best-scoring matched candidate. Everything is
pandas in memory, which is why it is run at the smallest scale only.
"""

from __future__ import annotations

import duckdb

from bench import alternative
from birtizim.engine import probabilistic

# (column, comparer, Jaro-Winkler threshold or None for exact)
FEATURES = (
    ("iin", None),
    ("surname_key", 0.88),
    ("first_key", 0.88),
    ("patronymic_key", 0.92),
    ("birth_date", None),
    ("sex", None),
    ("district", None),
    ("address_key", 0.85),
)


def link_with_recordlinkage(con: duckdb.DuckDBPyConnection) -> None:
    import pyarrow as pa
    import recordlinkage

    columns = probabilistic.COLUMNS
    left = con.execute(f"SELECT person_id AS id, {columns} FROM persons").df().set_index("id")
    right = con.execute(f"SELECT record_id AS id, {columns} FROM agency").df().set_index("id")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rl_left AS SELECT {columns} FROM persons")
    con.execute(f"CREATE OR REPLACE TEMP TABLE rl_right AS SELECT {columns} FROM agency")
    shape = probabilistic.shape_of(con, "rl_left", "rl_right")
    present = {"surname_key", "first_key", *shape.fields}

    indexer = recordlinkage.Index()
    if "iin" in present:
        indexer.block("iin")
    indexer.block(["surname_key", "first_key"])
    if "patronymic_key" in present:
        indexer.block(["pair_key", "patronymic_key"])
    if "birth_date" in present:
        indexer.block("birth_date")
    if "address_key" in present:
        indexer.block("address_key")
    pairs = indexer.index(left, right)

    compare = recordlinkage.Compare()
    for column, threshold in FEATURES:
        if column not in present:
            continue
        if threshold is None:
            compare.exact(column, column, label=column)
        else:
            compare.string(column, column, method="jarowinkler", threshold=threshold, label=column)
    features = compare.compute(pairs, left, right)

    classifier = recordlinkage.ECMClassifier(binarize=0.5)
    matches = classifier.fit_predict(features)
    scores = classifier.prob(features).loc[matches]
    ranked = scores.reset_index()
    ranked.columns = ["person_id", "record_id", "p"]
    con.register("rl_matches", pa.Table.from_pandas(ranked, preserve_index=False))
    con.execute(
        """
        INSERT INTO links
        SELECT record_id, person_id, 'recordlinkage', p FROM rl_matches
        QUALIFY row_number() OVER (PARTITION BY record_id ORDER BY p DESC, person_id) = 1
        """
    )


if __name__ == "__main__":
    alternative.main(link_with_recordlinkage)
