"""``birtizim.tables`` is the floor under the engine: it imports nothing of Birtizim but ``reference``."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "birtizim"


def test_the_readers_import_nothing_of_birtizim_but_reference() -> None:
    reached = []
    for path in sorted((SRC / "tables").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            reached += [
                f"{path.name}: {m}"
                for m in modules
                if m.startswith("birtizim") and not m.startswith(("birtizim.tables", "birtizim.reference"))
            ]
    assert len(list((SRC / "tables").rglob("*.py"))) >= 10  # the walk sees the package
    assert reached == []
