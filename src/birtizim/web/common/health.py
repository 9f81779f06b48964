"""``/health/``: is the database answering and the data folder there? For the proxy's and the
service manager's checks: no login, no personal data, nothing written but a probe file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:  # any failure is the answer "not ok"; the reason goes to the server's log
        return False


def _data_folder() -> bool:
    folder = Path(settings.DATA_DIR)
    try:
        # Writable, not just present: uploads and runs are written here.
        handle, name = tempfile.mkstemp(prefix=".health-", dir=folder)
        os.close(handle)
        os.unlink(name)
    except OSError:
        return False
    return True


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "data": _data_folder()}
    ok = all(checks.values())
    body = {"status": "ok" if ok else "failing", **{k: "ok" if v else "failing" for k, v in checks.items()}}
    return JsonResponse(body, status=200 if ok else 503)
