"""Codes of the fares core in the reader's words: fine statuses, link methods, check kinds."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from birtizim.fares.fines import FineStatus
from birtizim.web.accounts.models import Role

FINE_STATUS: dict[str, Promise] = {
    FineStatus.PAID_IN_TIME: _("paid in time"),
    FineStatus.PAID_LATE: _("paid late"),
    FineStatus.OVERDUE: _("overdue"),
    FineStatus.NOT_YET_DUE: _("not yet due"),
    FineStatus.NOT_SERVED: _("decision not served"),
    FineStatus.APPEALED: _("under appeal"),
    FineStatus.CANCELLED: _("cancelled"),
}
LINK_METHOD: dict[str, Promise] = {
    "iin": _("by IIN"),
    "iin_repaired": _("by an IIN with a typing error, confirmed by name and birth date"),
    "names_birth_date": _("by name and date of birth"),
    "unlinked": _("not linked (namesakes born on the same day)"),
}

# The fares roles' names as the accounts table spells them, so that this app's catalogue carries
# their words (the shared catalogue in web/locale is edited by every module).
ROLE_NAMES: dict[str, Promise] = {
    Role.INSPECTOR: _("Fare inspector"),
    Role.FARES_ANALYST: _("Transport department analyst"),
}


def fine_status(code: str | None) -> str:
    return str(FINE_STATUS.get(code or "", code or ""))


def link_method(code: str | None) -> str:
    return str(LINK_METHOD.get(code or "", code or ""))
