"""Who may see and do what in the voucher programme, from the user's ``Scope``.

A club provider sees their own organisation (matched by BIN) and nothing else; akimat staff who
work with people see the providers of their districts; viewers see figures only. Whatever is out
of scope answers 404, as if it did not exist, so ids cannot be probed.
"""

from __future__ import annotations

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.vouchers.models import Provider


def is_provider_of(scope: Scope, provider: Provider) -> bool:
    return scope.is_provider and provider.bin == scope.organisation


def sees_provider(scope: Scope, provider: Provider) -> bool:
    """May read the provider's groups, children (masked), sessions and timesheets."""
    return is_provider_of(scope, provider) or (scope.sees_people and scope.covers(provider.district))


def sees_figures(scope: Scope) -> bool:
    """Dashboards and queue figures: every akimat role, viewers included; not providers."""
    return scope.is_staff_of_region


def may_verify(scope: Scope, district: str) -> bool:
    """Close the confirmation window, verify, or send a month back: administrators and the district's officer."""
    return scope.role in (Role.ADMIN, Role.OFFICER) and scope.covers(district)


def may_approve(scope: Scope) -> bool:
    """Approve for payment and record the payment: the region administrator."""
    return scope.role == Role.ADMIN


def may_work_cases(scope: Scope, district: str) -> bool:
    """Investigate flags: administrators, analysts, and officers in their districts."""
    return scope.role in (Role.ADMIN, Role.ANALYST, Role.OFFICER) and scope.covers(district)


def may_read_cases(scope: Scope) -> bool:
    return scope.sees_people


def may_register(scope: Scope, district: str) -> bool:
    """Register a child, take an application, issue or accept a voucher: administrators, analysts,
    and the officer of the child's district."""
    return scope.role in (Role.ADMIN, Role.ANALYST, Role.OFFICER) and scope.covers(district)


def may_enrol(scope: Scope, provider: Provider) -> bool:
    """Enrol a child into a group or end an enrolment: the group's own provider, or the administrator."""
    return is_provider_of(scope, provider) or scope.role == Role.ADMIN
