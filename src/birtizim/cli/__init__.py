"""The ``birtizim`` command: ``app`` is the entry point; importing the modules registers their commands."""

from __future__ import annotations

from birtizim.cli import fares, outreach, projects, region, vouchers
from birtizim.cli.app import app

app.add_typer(vouchers.app, name="vouchers")
app.add_typer(outreach.app, name="outreach")
app.add_typer(projects.app, name="projects")
app.add_typer(fares.app, name="fares")

__all__ = ["app", "region"]
