from __future__ import annotations

from django.db.models import QuerySet, TextField
from django.db.models.functions import Cast

from birtizim.web.accounts.permissions import Action, require
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.models import Access
from birtizim.web.audit.services import iin_hash


def access_list(*, scope: Scope, iin: str = "") -> QuerySet[Access]:
    """The log, newest first; with ``iin``, only the exports and reveals that held that person.

    The hashes are read as text (quoted, as JSON writes them), which SQLite and PostgreSQL both search;
    the list itself does not load them (an export holds thousands).
    """
    require(scope, Action.AUDIT_READ)
    found = Access.objects.defer("iin_hashes")
    if iin:
        wanted = f'"{iin_hash(iin)}"'
        found = found.annotate(hashes_text=Cast("iin_hashes", TextField())).filter(hashes_text__contains=wanted)
    return found
