from __future__ import annotations

from django.db.models import QuerySet

from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.models import Access


def access_list(*, scope: Scope) -> QuerySet[Access]:
    require(scope, Action.AUDIT_READ)
    return Access.objects.all()
