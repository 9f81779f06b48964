"""The engine's public name ``preview`` is the function, whichever name of its module is asked for first."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "first",
    [
        "from birtizim.engine import PreviewBounds, preview",
        "import birtizim.engine as e; e.Preview; preview = e.preview",
    ],
)
def test_the_preview_function_survives_its_module_being_loaded_first(first: str) -> None:
    code = f"{first}\nimport birtizim.engine as engine\nprint(callable(preview), callable(engine.preview))"
    assert subprocess.check_output([sys.executable, "-c", code], text=True).split() == ["True", "True"]
