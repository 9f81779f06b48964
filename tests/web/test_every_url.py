# ruff: noqa: F811  (the fares fixtures imported from fares_world are parameters below)
"""Every URL the resolver knows, for every role, with another scope's ids: nobody gets what is not theirs.

The URL patterns come from ``get_resolver().url_patterns`` (walked recursively), not from a list kept by
hand: a URL added without a case in ``CASES`` fails ``test_every_url_pattern_has_a_case``, and every
case is requested by every role -- GET, POST, and the htmx partial where the view serves one.

Two sides are built, Talgar's and Karasay's, each with records in every module (a work list, a club with
a child, a session, a timesheet and its parents' link, cases, a construction object with a report, a
photo and an alert, an outreach follow-up and import). A role bounded by a district (an officer) or an
organisation (a club provider) asks for the *other* side's ids: every such request must be refused
(403, 404, 405), and no response -- page, partial, export, even one about their own records that points
across (a case about another district's child) -- may show the other side's markers. Roles that see
the whole region (administrator, analyst) must get no server error; a viewer sees no person; a user
without a role and an anonymous visitor see nothing.
"""

from __future__ import annotations

import datetime as dt
import inspect
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import HOME, OTHER, World
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from fares_world import FaresWorld, fares, fares_loaded  # noqa: F401 -- fixtures
from test_projects_photos import PNG
from test_projects_world import ADMIN, Objects, build_objects
from test_vouchers_access import Side as ClubSide
from test_vouchers_access import side as club_side

from birtizim.web.accounts.permissions import Action, may
from birtizim.web.accounts.scope import scope_for
from birtizim.web.fares.models import ImportBatch as FaresImport
from birtizim.web.outreach.models import FollowUp, ImportBatch
from birtizim.web.projects import services as project_services
from birtizim.web.projects.models import Alert, Report
from birtizim.web.registry import runstore
from birtizim.web.registry.models import Decision, Merge
from birtizim.web.vouchers import models as vm
from birtizim.web.vouchers import tokens


@dataclass
class Side:
    """One district's records in every module, and the strings that only its records put on a page."""

    district: str
    officer: User
    people: list[int]  # the first work-list page's residents
    club: ClubSide
    cross_flag: vm.Flag | None = None  # a case of this side's club about the other side's child
    project: Any = None
    report: Report | None = None
    photo_id: int = 0
    alert: Alert | None = None
    follow_up: FollowUp | None = None
    batch: ImportBatch | None = None
    token: str = ""
    reviewed: list[int] = field(default_factory=list)  # the run's review rows of this district
    decision: Decision | None = None
    merge: Merge | None = None

    def resident_markers(self) -> list[str]:
        """What shows a resident of this side's work list."""
        return [*(f'id="person-{pid}"' for pid in self.people), *(f'"/people/{pid}/' for pid in self.people)]

    def personal_markers(self) -> list[str]:
        """What shows a person of this side: its residents, its club's child."""
        return [*self.resident_markers(), self.club.child.first_name, f"/vouchers/children/{self.club.child.pk}/"]

    def club_markers(self) -> list[str]:
        c = self.club
        return [
            c.child.first_name,
            c.club.provider.name,
            f"/vouchers/groups/{c.club.group.pk}/",
            f"/vouchers/sessions/{c.session.pk}/",
            f"/vouchers/timesheets/{c.sheet.pk}/",
            f"/vouchers/flags/{c.flag.pk}/",
        ]

    def markers(self) -> list[str]:
        """Everything of this side that another district's officer must not see."""
        assert self.project is not None and self.follow_up is not None
        return [
            *self.personal_markers(),
            *self.club_markers(),
            f"/worklists/{self.district}/",
            self.project.code,
            f"/projects/{self.project.pk}/",
            f"/outreach/follow-up/{self.follow_up.pk}/",
        ]


def build_side(world: World, district: str, officer: str, objects: Objects) -> Side:
    people = [
        int(r["person_id"])
        for r in runstore.rows(
            world.run.folder,
            "SELECT person_id FROM worklist WHERE district = ? ORDER BY person_id LIMIT 50",
            [district],
        )
    ]
    club = club_side(district, f"club-{district}")
    # The club's child lives in the club's district, under a name no other record has.
    vm.Child.objects.filter(pk=club.child.pk).update(first_name=f"Маркер{district.capitalize()}", district=district)
    club.child.refresh_from_db()
    found = Side(district, world.users[officer], people, club)
    found.project = objects.home if district == HOME else objects.other
    found.report = Report.objects.filter(project=found.project).order_by("id").first()
    assert found.report is not None
    found.photo_id = project_services.report_photos_add(
        scope=ADMIN, user=None, report=found.report, files=[SimpleUploadedFile("site.png", PNG)]
    )[0].pk
    found.alert = Alert.objects.create(
        recipient=found.officer, project=found.project, kind="rag_worse", new_rag="red", as_of=dt.date(2025, 6, 20)
    )
    found.follow_up = FollowUp.objects.create(
        key=f"reported_reach_vs_survey:{district}:2019-12",
        code="reported_reach_vs_survey",
        district=district,
        period="2019-12",
        severity="high",
        severity_rank=0,
        source="rule",
        texts={"ru": "проверка", "kk": "тексеру", "en": "check"},
    )
    found.batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.EVENTS, original_name=f"{district}.xlsx", imported_by=found.officer, districts=[district]
    )
    link = vm.ConfirmationLink.objects.filter(timesheet=club.sheet).first()
    assert link is not None  # submitting the month issued the parents' links
    found.token = tokens.token_for(link)
    found.reviewed = [
        int(r["record_id"])
        for r in runstore.rows(world.run.folder, "SELECT record_id FROM review WHERE district = ?", [district])
    ]
    found.decision = Decision.objects.create(
        source="pension", fingerprint=f"{district[:8]:0>16}", verdict="none", district=district,
        run=world.run, record_id=1, rejected=[{"person_id": people[0], "fingerprint": "0" * 16}],
    )  # fmt: skip
    found.merge = Merge.objects.create(
        person_id=people[1], person_fingerprint="0" * 16, into_id=people[0], into_fingerprint="0" * 16,
        reason="registered twice", district=district, run=world.run,
    )  # fmt: skip
    return found


def cross(a: Side, b: Side) -> None:
    """A case of ``a``'s club about ``b``'s child (a child of one district in a club of another)."""
    a.cross_flag = vm.Flag.objects.create(
        key=f"outside_region:child:{b.club.child.pk}:-",
        code="outside_region",
        entity_kind="child",
        entity_id=b.club.child.pk,
        provider_ids=[a.club.club.provider.pk],
        district=a.district,
        evidence="the IIN is not in the region's single list; marked present at 8 sessions",
        facts={"no_iin": False, "present": 8, "first_day": "2019-10-01", "last_day": "2019-10-31", "providers": 1},
    )


@dataclass
class Sides:
    home: Side
    other: Side
    upload_id: int
    run_id: int
    protocol_id: int  # fares: the city's, no district's or club's
    fares_import_id: int
    users: dict[str, User | None] = field(default_factory=dict)

    def of(self, district: str) -> Side:
        return self.home if district == HOME else self.other


@pytest.fixture
def sides(world: World, fares: FaresWorld, db: None) -> Sides:
    return build_sides(world, fares)


def build_sides(world: World, fares: FaresWorld) -> Sides:
    """Both sides' records in every module (the language test builds them on top of the demo's data)."""
    objects = build_objects(world)
    home = build_side(world, HOME, "officer", objects)
    other = build_side(world, OTHER, "other_officer", objects)
    cross(home, other)
    cross(other, home)
    upload = world.run.uploads.first()
    assert upload is not None
    fares_import = FaresImport.objects.order_by("pk").first()
    assert fares_import is not None
    found = Sides(home, other, upload.pk, world.run.pk, fares.protocol, fares_import.pk)
    found.users = {
        "anonymous": None,
        "outsider": world.users["outsider"],
        "viewer": world.users["viewer"],
        "officer": world.users["officer"],
        "other_officer": world.users["other_officer"],
        "provider": home.club.user,
        "other_provider": other.club.user,
        "analyst": world.users["analyst"],
        "admin": world.users["admin"],
        "fares_analyst": fares.users["analyst"],
        "inspector": fares.users["inspector"],
    }
    return found


# --------------------------------------------------------------------------------------------
# The cases: for each URL name, the kwargs that point at one side's records (a list: several records)
# --------------------------------------------------------------------------------------------

Kwargs = Callable[[Side, Sides], list[dict[str, Any]]]
NONE: Kwargs = lambda side, sides: [{}]  # noqa: E731 -- a list page: no id to take from another scope


def one(**make: Callable[[Side, Sides], Any]) -> Kwargs:
    return lambda side, sides: [{k: f(side, sides) for k, f in make.items()}]


CASES: dict[str, Kwargs] = {
    # The single list
    "dashboard": NONE,
    "figures_export": NONE,
    "uploads": NONE,
    "upload_detail": one(upload_id=lambda s, ss: ss.upload_id),
    "runs": NONE,
    "run_detail": one(run_id=lambda s, ss: ss.run_id),
    "worklists": NONE,
    "worklist": one(district=lambda s, ss: s.district),
    "worklist_export": one(district=lambda s, ss: s.district),
    "person_iin": one(person_id=lambda s, ss: s.people[0]),
    "person_contacts": one(person_id=lambda s, ss: s.people[0]),
    "worklist_assign": one(district=lambda s, ss: s.district),
    "data_quality": NONE,
    "data_quality_export": NONE,
    "outcome": one(person_id=lambda s, ss: s.people[0]),
    "audit_log": NONE,
    # Review, decisions and publication
    "run_publish": one(run_id=lambda s, ss: ss.run_id),
    "run_discard": one(run_id=lambda s, ss: ss.run_id),
    "review": NONE,
    "review_item": lambda s, ss: [{"run_id": ss.run_id, "record_id": r} for r in s.reviewed],
    "review_decide": lambda s, ss: [{"run_id": ss.run_id, "record_id": r} for r in s.reviewed],
    "decisions": NONE,
    "decision_undo": one(decision_id=lambda s, ss: s.decision.pk),  # type: ignore[union-attr]
    "merge_undo": one(merge_id=lambda s, ss: s.merge.pk),  # type: ignore[union-attr]
    "person": one(person_id=lambda s, ss: s.people[0]),
    "person_detach": one(person_id=lambda s, ss: s.people[0]),
    "person_merge": one(person_id=lambda s, ss: s.people[0]),
    # Construction
    "projects:portfolio": NONE,
    "projects:portfolio_export": NONE,
    "projects:oc4ids": NONE,
    "projects:project_create": NONE,
    "projects:alerts": NONE,
    "projects:alerts_read_all": NONE,
    "projects:alert_read": one(alert_id=lambda s, ss: s.alert.pk),  # type: ignore[union-attr]
    "projects:object": one(project_id=lambda s, ss: s.project.pk),
    "projects:project_edit": one(project_id=lambda s, ss: s.project.pk),
    "projects:report_create": one(project_id=lambda s, ss: s.project.pk),
    "projects:report_photos": one(project_id=lambda s, ss: s.project.pk, report_id=lambda s, ss: s.report.pk),  # type: ignore[union-attr]
    "projects:photo": one(project_id=lambda s, ss: s.project.pk, photo_id=lambda s, ss: s.photo_id),
    "projects:import": one(project_id=lambda s, ss: s.project.pk),
    "projects:import_template": one(project_id=lambda s, ss: s.project.pk),
    "projects:change_create": one(project_id=lambda s, ss: s.project.pk),
    "projects:baselines": one(project_id=lambda s, ss: s.project.pk),
    "projects:baseline_create": one(project_id=lambda s, ss: s.project.pk),
    # Vouchers
    "vouchers:home": NONE,
    "vouchers:groups": NONE,
    "vouchers:group": one(group_id=lambda s, ss: s.club.club.group.pk),
    "vouchers:session_create": one(group_id=lambda s, ss: s.club.club.group.pk),
    "vouchers:enrol": one(group_id=lambda s, ss: s.club.club.group.pk),
    "vouchers:enrolment_end": lambda s, ss: [
        {"enrolment_id": e} for e in vm.Enrolment.objects.filter(child=s.club.child).values_list("pk", flat=True)
    ],
    "vouchers:session": one(session_id=lambda s, ss: s.club.session.pk),
    "vouchers:timesheet": one(timesheet_id=lambda s, ss: s.club.sheet.pk),
    "vouchers:timesheet_move": one(timesheet_id=lambda s, ss: s.club.sheet.pk),
    "vouchers:links": one(timesheet_id=lambda s, ss: s.club.sheet.pk),
    "vouchers:timesheet_export": one(timesheet_id=lambda s, ss: s.club.sheet.pk),
    "vouchers:link_reissue": lambda s, ss: [
        {"link_id": pk}
        for pk in vm.ConfirmationLink.objects.filter(timesheet=s.club.sheet).values_list("pk", flat=True)
    ],
    "vouchers:confirm": one(token=lambda s, ss: s.token),
    "vouchers:dashboard": NONE,
    "vouchers:timesheets": NONE,
    "vouchers:flags": NONE,
    "vouchers:flags_run": NONE,
    "vouchers:flag": lambda s, ss: [{"flag_id": s.club.flag.pk}, {"flag_id": s.cross_flag.pk}],  # type: ignore[union-attr]
    "vouchers:queue": NONE,
    "vouchers:applications": NONE,
    "vouchers:children": NONE,
    "vouchers:child_register": NONE,
    "vouchers:child": one(child_id=lambda s, ss: s.club.child.pk),
    "vouchers:application_take": one(child_id=lambda s, ss: s.club.child.pk),
    "vouchers:voucher_issue": one(child_id=lambda s, ss: s.club.child.pk),
    "vouchers:voucher_accept": lambda s, ss: [
        {"voucher_id": v} for v in vm.Voucher.objects.filter(child=s.club.child).values_list("pk", flat=True)
    ],
    # Outreach
    "outreach:flags": NONE,
    "outreach:flags_export": NONE,
    "outreach:followups": NONE,
    "outreach:followup": one(follow_up_id=lambda s, ss: s.follow_up.pk),  # type: ignore[union-attr]
    "outreach:followup_assign": one(follow_up_id=lambda s, ss: s.follow_up.pk),  # type: ignore[union-attr]
    "outreach:followup_answer": one(follow_up_id=lambda s, ss: s.follow_up.pk),  # type: ignore[union-attr]
    "outreach:followup_close": one(follow_up_id=lambda s, ss: s.follow_up.pk),  # type: ignore[union-attr]
    "outreach:followup_reopen": one(follow_up_id=lambda s, ss: s.follow_up.pk),  # type: ignore[union-attr]
    "outreach:district": one(district=lambda s, ss: s.district),
    "outreach:report": one(district=lambda s, ss: s.district),
    "outreach:surveys": NONE,
    "outreach:imports": NONE,
    "outreach:import_detail": one(batch_id=lambda s, ss: s.batch.pk),  # type: ignore[union-attr]
    "outreach:import_delete": one(batch_id=lambda s, ss: s.batch.pk),  # type: ignore[union-attr]
    "outreach:import_template": lambda s, ss: [{"kind": "events"}, {"kind": "questions"}],
    "outreach:rules": NONE,
    # Fare inspection: the city's, not a district's; its ids are refused to every role without the action
    "fares:home": NONE,
    "fares:overview": NONE,
    "fares:strata": NONE,
    "fares:plans": NONE,
    "fares:plan": lambda s, ss: [{"month": "2026-06"}],
    "fares:protocols": NONE,
    "fares:protocols_export": NONE,
    "fares:protocol_iin": one(protocol_id=lambda s, ss: ss.protocol_id),
    "fares:report_export": lambda s, ss: [{"month": "2026-06"}],
    "fares:offenders": NONE,
    "fares:person": one(protocol_id=lambda s, ss: ss.protocol_id),
    "fares:imports": NONE,
    "fares:import_detail": one(batch_id=lambda s, ss: ss.fares_import_id),
    "fares:inspector": NONE,
    "fares:inspector_worker": NONE,
    "fares:inspector_state": NONE,
    "fares:inspector_check": NONE,
    "fares:inspector_protocol": NONE,
}
# Fares records belong to no district or club: who may reach them is the permission table's answer.
FARES_ACTIONS = {
    "fares:person": Action.FARES_PEOPLE,
    "fares:protocol_iin": Action.FARES_IIN_REVEAL,
    "fares:import_detail": Action.FARES_IMPORT,
}
# Not about anyone's records: the login, the language, the health check. Requested by every role too,
# with a client of their own (logging out must not end the walk), for server errors and markers.
SESSION = {"login", "logout", "set_language", "health"}
# The parent's page: the signed one-time token is the permission, whoever holds it (no login, no role);
# it shows that child's month to whoever holds the link, so its markers are no leak.
PUBLIC = {"vouchers:confirm"}
# Arguments that name no one's records: the outreach templates' kind, a month of the fares figures.
UNSCOPED = {"outreach:import_template", "fares:plan", "fares:report_export"}

POST = {
    "result": "not_reached", "comment": "x", "status": "dismissed", "note": "x", "target": "verified",
    "date": "2019-10-16", "start": "15:30", "minutes": "90", "answer": "x", "assignee": "1", "period": "2019-12",
    "reach_share": "10", "sample_size": "10", "n_unaware": "1", "n_poor": "1", "vouchers": "5",
    "iin": "100517600010", "start_date": "2019-10-01", "end_date": "2019-10-31", "outcome": "confirmed",
    "accepted_money": "0", "pct_0": "100", "language": "kk",
}  # fmt: skip


def walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    """(name with namespaces, pattern) of every URL, however deep the includes."""
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
        else:
            yield f"{prefix}{p.name}", p


def patterns() -> list[tuple[str, URLPattern]]:
    return list(walk(get_resolver().url_patterns))


def test_every_url_pattern_has_a_case() -> None:
    names = [name for name, _p in patterns()]
    missing = [n for n in names if n not in CASES and n not in SESSION]
    assert not missing, f"URLs without a case in CASES (add what ids they take): {missing}"
    stale = [n for n in CASES if n not in names]
    assert not stale, f"cases for URLs that no longer exist: {stale}"


# --------------------------------------------------------------------------------------------
# The walk
# --------------------------------------------------------------------------------------------

BOUNDED = {"officer": OTHER, "other_officer": HOME, "provider": OTHER, "other_provider": HOME}  # -> the other side
WHOLE_REGION = ("admin", "analyst")
# The transport department's roles: no district's records at all, whichever side's ids they ask for.
FARES_ROLES = ("fares_analyst", "inspector")


def client(user: User | None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


def body(response: HttpResponse) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    if raw.startswith(b"PK"):  # a workbook: its sheets and shared strings
        with zipfile.ZipFile(io.BytesIO(raw)) as book:
            raw = b"".join(book.read(n) for n in book.namelist() if n.startswith("xl/"))
    return raw.decode("utf-8", "replace")


def serves_htmx(pattern: URLPattern) -> bool:
    view = inspect.unwrap(pattern.callback)
    try:
        return "htmx" in inspect.getsource(view)
    except (OSError, TypeError):
        return False


def forbidden(role: str, sides: Sides) -> list[str]:
    """The markers a role must never be shown."""
    home, other = sides.home, sides.other
    if role == "admin":
        return []
    if role == "analyst":  # the whole region's OSMS work; fares are the transport department's
        return [f"/fares/people/{sides.protocol_id}/"]
    if role == "viewer":  # figures and buildings, never a person
        return [*home.personal_markers(), *other.personal_markers(), f"/fares/people/{sides.protocol_id}/"]
    if role in ("officer", "other_officer"):
        return [*sides.of(BOUNDED[role]).markers(), f"/fares/people/{sides.protocol_id}/"]
    fares_people = f"/fares/people/{sides.protocol_id}/"
    if role == "fares_analyst":  # offenders yes; nothing of the other modules
        return [*home.markers(), *other.markers()]
    if role in ("provider", "other_provider"):  # their own club only: no resident, no other club, no case
        own = sides.of(OTHER if BOUNDED[role] == HOME else HOME)
        return [
            *home.resident_markers(),
            *other.resident_markers(),
            *sides.of(BOUNDED[role]).club_markers(),
            f"/vouchers/flags/{own.club.flag.pk}/",
            f"/projects/{home.project.pk}/",
            f"/projects/{other.project.pk}/",
            f"/outreach/follow-up/{home.follow_up.pk}/",  # type: ignore[union-attr]
            f"/outreach/follow-up/{other.follow_up.pk}/",  # type: ignore[union-attr]
            fares_people,
        ]
    return [*home.markers(), *other.markers(), fares_people]  # no role, an inspector, anonymous: nothing


def requests_of(role: str, sides: Sides) -> Iterator[tuple[str, str, str, bool]]:
    """(name, method, url, foreign) of everything ``role`` asks; foreign: the ids are another scope's."""
    scope = scope_for(sides.users[role] or AnonymousUser())
    if role in BOUNDED:
        tries = [(sides.of(BOUNDED[role]), True), (sides.of(OTHER if BOUNDED[role] == HOME else HOME), False)]
    else:  # no district to stay inside: whatever they may read, they may read of both sides
        tries = [(sides.home, role in ("outsider", "anonymous", *FARES_ROLES))]
    for name, pattern in patterns():
        if name in SESSION:
            url = reverse(name)
            yield name, "get", url, False
            yield name, "post", url, False
            continue
        for side, foreign in tries:
            if name in FARES_ACTIONS:
                foreign = not may(scope, FARES_ACTIONS[name])
            elif name.startswith("fares:") and role in FARES_ROLES:
                foreign = False  # their own module: its pages without ids are theirs to read
            for kwargs in CASES[name](side, sides):
                url = reverse(name, kwargs=kwargs)
                methods = ["get", *(["htmx"] if serves_htmx(pattern) else [])]
                # Writes: only where they must be refused; the other roles and own records are read only.
                if foreign:
                    methods.append("post")
                for method in methods:
                    yield name, method, url, foreign and bool(kwargs) and name not in PUBLIC | UNSCOPED


REFUSED = {403, 404, 405}
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<[a-z][^>]*\son[a-z]+\s*=|<[a-z][^>]*\sstyle\s*=", re.I)


@pytest.mark.parametrize("role", [*BOUNDED, "outsider", "anonymous", "viewer", *WHOLE_REGION, *FARES_ROLES])
def test_no_role_gets_another_scopes_records_by_any_url(sides: Sides, role: str) -> None:
    user = sides.users[role]
    signed_in = client(user)
    markers = list(dict.fromkeys(forbidden(role, sides)))
    problems: list[str] = []
    for name, method, url, foreign in requests_of(role, sides):
        c = client(user) if name in SESSION else signed_in
        if method == "post":
            response = c.post(url, POST)
        elif method == "htmx":
            response = c.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="main")
        else:
            response = c.get(url)
        status = response.status_code
        where = f"{role} {method.upper()} {url} ({name}) -> {status}"
        if status >= 500:
            problems.append(f"{where}: server error")
            continue
        if foreign and status not in REFUSED:
            login = status == 302 and response["Location"].startswith("/login/")
            if not (role == "anonymous" and login):
                problems.append(f"{where}: another scope's record was not refused")
        text = body(response)
        if name not in PUBLIC:
            problems += [f"{where}: shows {m!r}" for m in markers if m in text]
        if "text/html" in response.get("Content-Type", "") and (found := INLINE.search(text)):
            problems.append(f"{where}: inline script or style {found.group(0)[:60]!r} (the CSP blocks it)")
    assert not problems, "\n".join(problems[:60])


def test_the_walk_reaches_the_pages_it_checks(sides: Sides) -> None:
    """The markers are real: each side's own officer and club do see them (so their absence above means
    something), and a case about another district's child still shows the case itself."""
    officer = client(sides.users["officer"])
    assert f'id="person-{sides.home.people[0]}"' in officer.get(f"/worklists/{HOME}/").content.decode()
    page = officer.get(f"/vouchers/flags/{sides.home.cross_flag.pk}/").content.decode()  # type: ignore[union-attr]
    assert page.count('id="children-elsewhere"') == 1 and sides.other.club.child.first_name not in page
    assert sides.home.project.code in officer.get("/projects/").content.decode()
    provider = client(sides.users["provider"])
    assert (
        sides.home.club.child.first_name
        in provider.get(f"/vouchers/groups/{sides.home.club.club.group.pk}/").content.decode()
    )
    admin = client(sides.users["admin"])
    assert (
        sides.other.club.child.first_name in admin.get(f"/vouchers/flags/{sides.home.cross_flag.pk}/").content.decode()
    )  # type: ignore[union-attr]
