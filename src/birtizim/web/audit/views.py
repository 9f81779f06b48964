from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from birtizim.web.accounts.scope import scope_for
from birtizim.web.audit.selectors import access_list
from birtizim.web.common.http import AuthedRequest


@login_required
@require_GET
def audit_log(request: AuthedRequest) -> HttpResponse:
    iin = "".join(ch for ch in request.GET.get("iin", "")[:20] if ch.isdigit())
    iin = iin if len(iin) == 12 else ""
    entries = access_list(scope=scope_for(request.user), iin=iin)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "iin": iin})
