from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from birtizim.web.accounts.scope import scope_for


def scope(request: HttpRequest) -> dict[str, Any]:
    return {"scope": scope_for(request.user)}
