"""Who may do what: one table of named actions by role, asked by every view, selector and service.

A ``Scope`` carries who the user is (role) and where they work (districts, or a club provider's
organisation); this module says what that allows. ``may`` answers, ``require`` refuses with
``NotAllowed`` (403). Records outside the scope's districts or organisation are the selectors'
business: they answer ``NotFound`` (404) so that ids cannot be probed.

Adding a role: a member of ``Role`` (accounts.models) and its line in ``GRANTS``; adding an action:
a member of ``Action`` and the roles that get it. Templates read the same table as ``may.<action>``
(``accounts.context``).
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope, scope_for
from birtizim.web.common.errors import NotAllowed


class Action(StrEnum):
    # The single list (registry)
    FIGURES_READ = "figures_read"  # dashboards and aggregates: no personal record
    PEOPLE_READ = "people_read"  # work lists and residents' records (IINs masked)
    IIN_REVEAL = "iin_reveal"  # one resident's full IIN, audited
    RUN = "run"  # uploads, reconciliation runs; the modules' batch jobs (voucher flags, allocation)
    OUTCOME_RECORD = "outcome_record"  # what an officer found when working a resident
    ASSIGN = "assign"  # give work-list residents to an officer of their district
    REVIEW = "review"  # rows the engine could not settle: see them beside their candidates, decide, detach
    MERGE = "merge"  # two residents who are one person (registry duplicates), and undoing it
    PUBLISH = "publish"  # a finished run, read against the published one, published or discarded
    AUDIT_READ = "audit_read"
    # Construction objects
    PROJECTS_READ = "projects_read"
    PROJECT_EDIT = "project_edit"  # reports, photos, imports, contract changes, baselines, new objects
    PROJECT_FACTS_EDIT = "project_facts_edit"  # name, address, officer, deadline reason, contract number
    # Vouchers
    VOUCHERS_FIGURES = "vouchers_figures"  # dashboard and queue counts
    PROVIDER_READ = "provider_read"  # a provider's groups, rosters (masked), sessions, timesheets
    PROVIDER_WORK = "provider_work"  # sessions, attendance, submitting a month, parents' links: the club itself
    ENROL = "enrol"  # enrol a child into a group or end an enrolment
    CHILD_REGISTER = "child_register"  # register a child, take an application, issue or accept a voucher
    TIMESHEET_VERIFY = "timesheet_verify"  # close the parents' window, verify, send a month back
    TIMESHEET_APPROVE = "timesheet_approve"  # approve for payment, record the payment
    CASES_READ = "cases_read"  # fraud flags and their cases
    CASES_WORK = "cases_work"
    # Outreach and plausibility
    OUTREACH_READ = "outreach_read"  # red flags, follow-ups, district pages, surveys, export
    OUTREACH_IMPORT = "outreach_import"
    OUTREACH_REPORT = "outreach_report"  # a district's own monthly figures
    OUTREACH_SURVEY = "outreach_survey"  # a survey checks the districts' claims: not the districts'
    FOLLOWUP_MANAGE = "followup_manage"  # assign, close, reopen a flag
    FOLLOWUP_ANSWER = "followup_answer"
    RULES_READ = "rules_read"
    RULES_EDIT = "rules_edit"
    # Fare inspection
    FARES_READ = "fares_read"  # the evasion rate, KPIs, strata, plans, imports: figures only
    FARES_PLAN = "fares_plan"  # draw a month's inspection plan
    FARES_IMPORT = "fares_import"  # ridership (validator exports) and payments
    FARES_PEOPLE = "fares_people"  # protocols, repeat offenders, a person's history (IINs masked), exports
    FARES_IIN_REVEAL = "fares_iin_reveal"  # one offender's full IIN, audited
    FARES_INSPECT = "fares_inspect"  # the inspector's phone page: own team's shifts, own checks and protocols


A = Action
_STAFF_READS = {A.FIGURES_READ, A.PROJECTS_READ, A.VOUCHERS_FIGURES, A.OUTREACH_READ}
_PEOPLE = {A.PEOPLE_READ, A.IIN_REVEAL, A.PROVIDER_READ, A.CASES_READ, A.CASES_WORK, A.CHILD_REGISTER}
_FARES = {A.FARES_READ, A.FARES_PLAN, A.FARES_IMPORT, A.FARES_PEOPLE, A.FARES_IIN_REVEAL}

GRANTS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(
        _STAFF_READS
        | _PEOPLE
        | {A.RUN, A.OUTCOME_RECORD, A.AUDIT_READ, A.PROJECT_EDIT, A.PROJECT_FACTS_EDIT, A.ENROL}
        | {A.REVIEW, A.MERGE, A.PUBLISH, A.ASSIGN}
        | {A.TIMESHEET_VERIFY, A.TIMESHEET_APPROVE}
        | {A.OUTREACH_IMPORT, A.OUTREACH_REPORT, A.OUTREACH_SURVEY, A.FOLLOWUP_MANAGE, A.RULES_READ, A.RULES_EDIT}
        | _FARES
    ),
    Role.ANALYST: frozenset(
        _STAFF_READS
        | _PEOPLE
        | {A.RUN, A.PROJECT_FACTS_EDIT, A.REVIEW, A.MERGE, A.PUBLISH, A.ASSIGN}
        | {A.OUTREACH_IMPORT, A.OUTREACH_SURVEY, A.FOLLOWUP_MANAGE, A.RULES_READ}
    ),
    Role.OFFICER: frozenset(
        _STAFF_READS
        | _PEOPLE
        # an officer shares their own districts' list with colleagues (there is no separate district lead)
        | {A.OUTCOME_RECORD, A.ASSIGN, A.PROJECT_EDIT, A.TIMESHEET_VERIFY, A.REVIEW}
        | {A.OUTREACH_IMPORT, A.OUTREACH_REPORT, A.FOLLOWUP_ANSWER}
    ),
    Role.VIEWER: frozenset(_STAFF_READS),  # figures only: buildings and aggregates, never a resident
    Role.PROVIDER: frozenset({A.PROVIDER_READ, A.PROVIDER_WORK, A.ENROL}),  # their own organisation only
    # The transport department: the whole city's fares and offenders, and nothing of the other modules.
    Role.FARES_ANALYST: frozenset(_FARES),
    # An inspector's page shows their own team's shifts and their own protocols (web/fares selectors).
    Role.INSPECTOR: frozenset({A.FARES_INSPECT}),
}


def may(scope: Scope, action: Action, *, district: str | None = None, organisation: str | None = None) -> bool:
    """Whether the scope's role has ``action`` and, when given, covers ``district`` (staff) or is
    ``organisation`` (a club provider, whose organisation bounds everything they do)."""
    if action not in GRANTS.get(scope.role, frozenset()):
        return False
    if scope.role == Role.PROVIDER:
        # About a record, only its organisation counts; about the role alone (nothing given), the BIN must be set.
        if organisation is None:
            return bool(scope.organisation) and district is None
        return organisation == scope.organisation
    return district is None or scope.covers(district)


def require(scope: Scope, action: Action, *, district: str | None = None, organisation: str | None = None) -> None:
    if not may(scope, action, district=district, organisation=organisation):
        raise NotAllowed(action.value)


def required_scope(user: User | AnonymousUser, action: Action) -> Scope:
    """The user's scope, if its role has ``action`` at all (a view's first line); NotAllowed otherwise."""
    scope = scope_for(user)
    require(scope, action)
    return scope


def allowed(scope: Scope) -> dict[str, bool]:
    """Every action for the scope as a whole (no district or organisation): what templates show."""
    return {action.value: may(scope, action) for action in Action}
