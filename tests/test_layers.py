"""The house's floors: an import may only point down (docs/architecture.md).

Read from the source with ``ast`` (nothing is imported), so a forbidden arrow fails here whether or
not any test happens to execute the line that draws it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "birtizim"
CORES = ("engine", "projects", "vouchers", "outreach", "reference")


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in a file, relative imports resolved against its package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # ``from birtizim.engine import iin`` reaches the submodule too
                yield node.lineno, f"{module}.{alias.name}"


def _files(floor: str) -> list[Path]:
    return sorted((SRC / floor).rglob("*.py"))


def _reaches(module: str, target: str) -> bool:
    return module == target or module.startswith(target + ".")


@pytest.mark.parametrize("core", CORES)
def test_a_core_imports_neither_django_nor_synthetic_worlds_nor_evaluation(core: str) -> None:
    forbidden = ("django", "birtizim.web", "birtizim.synth", "birtizim.eval", "birtizim.cli")
    found = [
        f"{path.relative_to(SRC)}:{line} imports {module}"
        for path in _files(core)
        for line, module in _imports(path)
        if any(_reaches(module, f) for f in forbidden)
    ]
    assert found == []


def test_the_files_are_read() -> None:
    """The check above sees real imports (a broken walker would pass every file)."""
    modules = {m for _, m in _imports(SRC / "web" / "registry" / "services.py")}
    assert "django.conf" in modules
    assert any(_reaches(m, "birtizim.engine") for m in modules)
