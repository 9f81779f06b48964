"""A run's step and log in the reader's words (``registry.run_log``)."""

from __future__ import annotations

from django import template

from birtizim.web.registry import run_log

register = template.Library()


@register.filter
def run_step(step: str | None) -> str:
    return run_log.step_label(step or "")


@register.filter
def run_log_lines(log: str | None) -> list[tuple[str, str]]:
    return run_log.lines(log or "")
