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
CORES = ("engine", "projects", "vouchers", "outreach", "fares", "reference", "tables")


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


def _engine_reaches(path: Path) -> Iterator[tuple[int, str]]:
    """(line, what) for every way a file reaches into the engine: a module path, or a name."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _reaches(alias.name, "birtizim.engine"):
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "birtizim.engine":
                yield from ((node.lineno, f"birtizim.engine:{alias.name}") for alias in node.names)
            elif _reaches(node.module, "birtizim.engine"):
                yield node.lineno, node.module
            elif node.module == "birtizim" and any(a.name == "engine" for a in node.names):
                yield node.lineno, "birtizim.engine"


def test_the_web_uses_the_engine_through_its_public_names_only() -> None:
    import birtizim.engine

    public = {f"birtizim.engine:{name}" for name in birtizim.engine.__all__} | {"birtizim.engine"}
    reached = [(path, line, what) for path in _files("web") for line, what in _engine_reaches(path)]
    assert len(reached) >= 5  # the web does use the engine: the walker sees it
    assert [f"{p.relative_to(SRC)}:{line} {what}" for p, line, what in reached if what not in public] == []


def test_the_engines_public_names_all_resolve() -> None:
    import birtizim.engine

    assert sorted(birtizim.engine.__all__) == sorted(birtizim.engine._PUBLIC)
    for name in birtizim.engine.__all__:
        assert getattr(birtizim.engine, name) is not None, name


# What importing a package loads at run time (the static checks above miss a library that pulls a
# heavy one in): the engine and the command line stay light, the domain cores and their worlds never
# bring Django in.
LOADS_NOTHING_OF = [
    (("birtizim.engine", "birtizim.cli", "typer"), ("duckdb", "splink", "pyarrow", "django")),
    (("birtizim.projects",), ("django", "duckdb", "splink")),
    (
        (
            "birtizim.fares.estimate",
            "birtizim.fares.plan",
            "birtizim.fares.offenders",
            "birtizim.fares.importers",
            "birtizim.fares.kpi",
            "birtizim.synth.fares.world",
            "birtizim.eval.fares",
        ),
        ("django",),
    ),
    (
        ("birtizim.outreach", "birtizim.outreach.importer", "birtizim.synth.outreach", "birtizim.outreach.run_figures"),
        ("django",),
    ),
]


@pytest.mark.parametrize(("modules", "heavy"), LOADS_NOTHING_OF, ids=lambda x: x[0] if isinstance(x, tuple) else x)
def test_importing_a_package_loads_nothing_heavy(modules: tuple[str, ...], heavy: tuple[str, ...]) -> None:
    import subprocess
    import sys

    code = f"import sys, {', '.join(modules)}; print(*sorted(sys.modules))"
    loaded = subprocess.check_output([sys.executable, "-c", code], text=True).split()
    assert [m for m in loaded if m.split(".")[0] in heavy] == []
    assert set(modules) <= set(loaded)  # the check sees what was imported


DOMAIN_CORES = ("projects", "vouchers", "outreach", "fares")


def test_no_core_imports_another_core() -> None:
    found = {
        (str(path.relative_to(SRC)), module.rsplit(".", 1)[0] if module.count(".") > 2 else module)
        for core in DOMAIN_CORES
        for path in _files(core)
        for _line, module in _imports(path)
        for other in DOMAIN_CORES
        if other != core and _reaches(module, f"birtizim.{other}")
    }
    assert found == set()  # fares reads its files by birtizim.tables, not by the outreach importer
    assert ("fares/messages.py", "birtizim.outreach.messages") not in found  # the sentences' rules are wording's


def test_wording_is_below_every_core() -> None:
    """``birtizim.wording`` (numbers and counted nouns in ru/kk/en) imports nothing of Birtizim."""
    assert [m for _line, m in _imports(SRC / "wording.py") if _reaches(m, "birtizim")] == []
