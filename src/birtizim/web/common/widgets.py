"""Form widgets the browser's own pickers need.

An ``<input type="date">`` takes only an ISO value (2026-12-06): Django writes a date in the reader's
format (06.12.2026 in Russian), which the browser rejects and shows as an empty field. The picker then
shows the date in the browser's own format, and posts ISO back, which every DateField reads.
"""

from __future__ import annotations

from django import forms


def date_input(**attrs: str) -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date", **attrs}, format="%Y-%m-%d")


def time_input(**attrs: str) -> forms.TimeInput:
    return forms.TimeInput(attrs={"type": "time", **attrs}, format="%H:%M")
