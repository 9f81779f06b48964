from __future__ import annotations

from django.db.models import QuerySet

from birtizim.web.accounts.scope import Scope, require
from birtizim.web.audit.models import Access


def access_list(*, scope: Scope) -> QuerySet[Access]:
    require(scope.may_audit)
    return Access.objects.all()
