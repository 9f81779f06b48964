"""recordlinkage (the Python Record Linkage Toolkit), the classic pandas pipeline, small scale only.

Candidate pairs by blocking on the IIN and on surname and first-name keys; features compared with
the toolkit's exact and Jaro-Winkler comparers (thresholded to agree/disagree); pairs classified by
its unsupervised ECM classifier. Each row goes to its best-scoring matched candidate. Everything is
pandas in memory, which is why it is run at the smallest scale only.
"""

from __future__ import annotations

import duckdb

from bench import alternative
from birtizim.engine import probabilistic


def link_with_recordlinkage(con: duckdb.DuckDBPyConnection) -> None:
    import pyarrow as pa
    import recordlinkage

    left = con.execute(f"SELECT person_id AS id, {probabilistic.COLUMNS} FROM persons").df().set_index("id")
    right = con.execute(f"SELECT record_id AS id, {probabilistic.COLUMNS} FROM agency").df().set_index("id")
    indexer = recordlinkage.Index()
    indexer.block("iin")
    indexer.block(["surname_key", "first_key"])
    indexer.block(["pair_key", "patronymic_key"])
    pairs = indexer.index(left, right)

    compare = recordlinkage.Compare()
    compare.exact("iin", "iin", label="iin")
    compare.string("surname_key", "surname_key", method="jarowinkler", threshold=0.88, label="surname")
    compare.string("first_key", "first_key", method="jarowinkler", threshold=0.88, label="first")
    compare.string("patronymic_key", "patronymic_key", method="jarowinkler", threshold=0.92, label="patronymic")
    compare.exact("birth_date", "birth_date", label="birth_date")
    compare.exact("sex", "sex", label="sex")
    compare.exact("district", "district", label="district")
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
