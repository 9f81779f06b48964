"""How much a file may ask of the machine: every limit the readers enforce, in one place.

A file over a limit is refused with a sentence naming the limit (``TableError``), before it is
loaded: no input may make a reader allocate without bound or run for minutes. The limits are far
above what agencies send (a registry of 2 million rows has about 15 columns; a spreadsheet at most
Excel's 1,048,576 rows), and docs/tables.md lists them.
"""

from __future__ import annotations

# Columns of a table (CSV header fields, spreadsheet columns counted from A). DuckDB's cost grows
# with columns times rows, and no agency list has more than a few dozen.
MAX_COLUMNS = 200
# A header longer than this is cut (it is a label, not data) before it becomes a column name.
MAX_HEADER_CHARS = 200
# One CSV field (characters); a longer one means a quote that is never closed, or not a table.
MAX_FIELD_CHARS = 1 << 20
# The first line of a CSV file must end within this many bytes (it is the header).
MAX_HEADER_BYTES = 1 << 20

# Spreadsheets: the area a reader materialises is every cell from A1 to the last one used.
# 25 million cells is Excel's full height (1,048,576 rows) by 24 columns.
MAX_CELLS = 25_000_000
# All parts of an .xlsx together, uncompressed, and how much smaller the file may be than that.
MAX_UNCOMPRESSED_BYTES = 2 << 30
MAX_COMPRESSION_RATIO = 200

# CSV rows DuckDB could not split into the header's fields are recorded one error per extra
# field; past this many errors the file is read the careful way instead (see readers).
MAX_PARSE_ERRORS = 20_000

# The upload preview runs in a child process with these bounds (engine.preview).
PREVIEW_DUCKDB_MEMORY = "256MB"
PREVIEW_ADDRESS_SPACE_BYTES = 3 << 30
PREVIEW_SECONDS = 60.0
