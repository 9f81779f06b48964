from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from birtizim.web.accounts.permissions import allowed
from birtizim.web.accounts.scope import scope_for


def scope(request: HttpRequest) -> dict[str, Any]:
    """``scope`` (who and where) and ``may`` (the permission table's answers) for every template."""
    found = scope_for(request.user)
    return {"scope": found, "may": allowed(found)}
