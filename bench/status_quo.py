"""The status quo: agencies join lists on the IIN exactly as it is written, and nothing else."""

from __future__ import annotations

import duckdb

from bench import alternative


def link_exact_text(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        INSERT INTO links
        SELECT a.record_id, p.person_id, 'iin', 1.0 FROM agency a JOIN persons p ON a.iin_raw = p.iin
        """
    )


if __name__ == "__main__":
    alternative.main(link_exact_text)
