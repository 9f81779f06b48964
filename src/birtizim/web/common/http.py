"""The request a signed-in view receives, typed for what the middleware really puts on it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django_htmx.middleware import HtmxDetails

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class AuthedRequest(HttpRequest):
    """Behind ``login_required`` the user is a real ``User``; django-htmx's middleware adds ``htmx``."""

    user: User
    htmx: HtmxDetails


def temporary_path(prefix: str, suffix: str = ".xlsx") -> Path:
    """A new empty file to write an export for one response into; ``temporary_download`` removes it.

    The handle ``mkstemp`` opens is closed here: the writer opens the file by its name.
    """
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix)
    os.close(handle)
    return Path(name)


def temporary_download(path: Path, filename: str) -> FileResponse:
    """Send a file written for this response as an attachment, and remove it from disk at once.

    On POSIX the open handle keeps the bytes until the response is sent, so no export lingers in
    the temporary folder (exports hold personal data).
    """
    response = FileResponse(path.open("rb"), as_attachment=True, filename=filename)
    path.unlink()
    return response


def download(content: bytes | str, filename: str, content_type: str = XLSX_TYPE) -> HttpResponse:
    """Send what was made in memory (a workbook, a JSON package) as an attachment named ``filename``."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
