"""Facts about the machine and the inputs, printed with every table so figures can be compared."""

from __future__ import annotations

import json
import os
import platform
from importlib import metadata
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return float("nan")


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def facts() -> dict[str, str]:
    return {
        "cpu": _cpu_model(),
        "cores": str(len(os.sched_getaffinity(0))),
        "memory_gib": str(_memory_gib()),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        **{p: _version(p) for p in ("duckdb", "splink", "recordlinkage", "pandas", "birtizim")},
    }


def memory_config(spill: Path) -> dict[str, str | bool | int | float | list[str]]:
    """DuckDB's memory limit when the bench sets one (``--memory-limit``), for the alternatives and the floor,
    spilling into ``spill`` past it (as Birtizim spills into its run folder)."""
    limit = os.environ.get("BENCH_MEMORY_LIMIT")
    return {"memory_limit": limit, "temp_directory": str(spill)} if limit else {}


def input_size(region: Path) -> dict[str, int]:
    """Registry rows, agency rows, files and bytes of one synthetic region."""
    manifest = json.loads((region / "manifest.json").read_text(encoding="utf-8"))
    sources = manifest["sources"]
    return {
        "residents": int(manifest["residents"]),
        "registry_rows": sum(int(s["rows"]) for s in sources if s["kind"] == "registry"),
        "agency_rows": sum(int(s["rows"]) for s in sources if s["kind"] != "registry"),
        "files": len(sources),
        "bytes": sum((region / s["path"]).stat().st_size for s in sources),
    }
