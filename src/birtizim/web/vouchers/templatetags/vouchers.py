from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from birtizim.web.common import labels as common_labels
from birtizim.web.vouchers import flag_labels
from birtizim.web.vouchers.models import PRIORITY_CHOICES, TIMESHEET_STATUS_CHOICES, VOUCHER_STATUS_CHOICES, Flag

_TIMESHEET_STATUS = dict(TIMESHEET_STATUS_CHOICES)
_VOUCHER_STATUS = dict(VOUCHER_STATUS_CHOICES)
_CASE_STATUS = dict(Flag.Status.choices)
_PRIORITY = dict(PRIORITY_CHOICES)

register = template.Library()


@register.filter
def flag_label(code: str) -> str:
    return flag_labels.flag(code)


@register.filter
def entity_label(code: str) -> str:
    return flag_labels.entity(code)


@register.filter
def tenge(value: Decimal | float | int | None) -> str:
    """Money as people read it in the active language (Russian: 12 000,00)."""
    if value is None:
        return "–"
    return str(number_format(Decimal(value), 2, force_grouping=True))


@register.filter
def timesheet_status(code: str) -> str:
    return str(_TIMESHEET_STATUS.get(code, code))


@register.filter
def voucher_status(code: str) -> str:
    return str(_VOUCHER_STATUS.get(code, code))


@register.filter
def case_status(code: str) -> str:
    return str(_CASE_STATUS.get(code, code))


@register.filter
def district_name(code: str) -> str:
    return common_labels.district_name(code)


@register.filter
def priority_label(code: str) -> str:
    return str(_PRIORITY.get(code, code))
