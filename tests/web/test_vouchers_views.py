"""The voucher pages over HTTP: attendance, the parent's page, verification, flags, the queue."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import segno
from conftest import World
from django.utils import timezone
from test_vouchers_builder import OCT, RATE, Club, login

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.vouchers import models as m
from birtizim.web.vouchers import services, tokens


def provider_scope(club: Club) -> Scope:
    return Scope(Role.PROVIDER, frozenset(), club.provider.bin)


def test_it_saves_attendance_from_the_htmx_form(db: None) -> None:
    club = Club()
    a, b = club.enrol(), club.enrol()
    client = login(club.user("club"))
    created = client.post(
        f"/vouchers/groups/{club.group.pk}/sessions/", {"date": "2019-10-14", "start": "15:30", "minutes": "90"}
    )
    session = m.Session.objects.get(group=club.group)
    assert created.status_code == 302 and created["Location"] == f"/vouchers/sessions/{session.pk}/"
    incomplete = client.post(f"/vouchers/sessions/{session.pk}/", {f"kind_{a.pk}": "present"}, HTTP_HX_REQUEST="true")
    assert incomplete.status_code == 400 and not m.Mark.objects.exists()  # every child must be marked
    saved = client.post(
        f"/vouchers/sessions/{session.pk}/",
        {f"kind_{a.pk}": "present", f"checkin_{a.pk}": "15:22", f"kind_{b.pk}": "excused_absence"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and b"<html" not in saved.content  # the partial only
    assert dict(m.Mark.objects.values_list("enrolment_id", "kind")) == {a.pk: "present", b.pk: "excused_absence"}
    mark = m.Mark.objects.get(enrolment=a)
    assert mark.checked_in_at is not None and timezone.localtime(mark.checked_in_at).strftime("%H:%M") == "15:22"
    assert f'data-enrolment="{a.pk}" data-kind="present"' in saved.content.decode()


def prepared(club: Club) -> tuple[m.Enrolment, m.Timesheet, str]:
    """Two present marks and one excused for a child, the month submitted; returns the parent's token."""
    scope = provider_scope(club)
    user = club.user(f"u{club.provider.pk}")
    e = club.enrol(club.child(first_name="Айдана"))
    for day, kind in ((14, "present"), (16, "present"), (21, "excused_absence")):
        s = services.session_create(
            scope=scope, group=club.group, date=dt.date(2019, 10, day), start=dt.time(15, 30), minutes=90
        )
        services.marks_record(scope=scope, user=user, session=s, kinds={e.pk: kind})
    sheet = services.timesheet_open(group=club.group, period=OCT)
    services.timesheet_transition(scope=scope, user=user, timesheet=sheet, target="submitted")
    link = m.ConfirmationLink.objects.select_related("enrolment").get(enrolment=e)
    return e, sheet, tokens.token_for(link)


def test_it_lets_a_parent_confirm_once_without_an_account(db: None) -> None:
    club = Club()
    e, sheet, token = prepared(club)
    client = login(club.user("nobody-special"))  # any session or none: the token is what counts
    client.logout()
    page = client.get(f"/vouchers/confirm/{token}/")
    text = page.content.decode()
    assert page.status_code == 200 and "Айдана" in text and e.child.iin[-4:] in text
    assert e.child.iin not in text and e.child.last_name not in text  # first name and masked IIN only
    assert text.count('data-kind="present"') == 2 and text.count('data-kind="excused_absence"') == 1
    done = client.post(f"/vouchers/confirm/{token}/", {"outcome": "confirmed"})
    assert done.status_code == 200 and 'data-outcome="confirmed"' in done.content.decode()
    for again in (
        client.post(f"/vouchers/confirm/{token}/", {"outcome": "disputed"}),
        client.get(f"/vouchers/confirm/{token}/"),
    ):
        assert again.status_code == 409 and 'data-refusal="reused"' in again.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == "parent_confirmed" and sheet.amount == 2 * RATE


def test_it_refuses_forged_and_expired_links_with_a_clear_page(db: None) -> None:
    club = Club()
    e, _, token = prepared(club)
    version, body, signature = token.split(".")
    forged = f"{version}.{body}.{signature[::-1]}"
    response = login(club.user("x")).get(f"/vouchers/confirm/{forged}/")
    assert response.status_code == 404 and 'data-refusal="forged"' in response.content.decode()
    link = m.ConfirmationLink.objects.get(enrolment=e)
    link.sent_at -= dt.timedelta(days=30)
    link.expires_at -= dt.timedelta(days=30)
    link.save()
    expired = tokens.token_for(m.ConfirmationLink.objects.select_related("enrolment").get(pk=link.pk))
    response = login(club.user("y")).post(f"/vouchers/confirm/{expired}/", {"outcome": "confirmed"})
    assert response.status_code == 410 and 'data-refusal="expired"' in response.content.decode()
    assert not m.Confirmation.objects.exists()


def test_it_marks_an_expired_link_and_lets_the_provider_make_a_new_one(db: None) -> None:
    from birtizim.web.audit.models import Access

    club = Club()
    e, sheet, old = prepared(club)
    m.ConfirmationLink.objects.filter(enrolment=e).update(
        sent_at=timezone.now() - dt.timedelta(days=30), expires_at=timezone.now() - dt.timedelta(days=20)
    )
    old = tokens.token_for(m.ConfirmationLink.objects.select_related("enrolment").get(enrolment=e))
    provider = login(club.user("printer"))
    page = provider.get(f"/vouchers/timesheets/{sheet.pk}/links/").content.decode()
    assert 'data-expired="1"' in page and "/reissue/" in page
    link = m.ConfirmationLink.objects.get(enrolment=e)
    # Only the club that hands the links out makes a new one.
    assert login(Club().user("other-club")).post(f"/vouchers/links/{link.pk}/reissue/").status_code == 404
    made = provider.post(f"/vouchers/links/{link.pk}/reissue/")
    assert made.status_code == 302 and made["Location"] == f"/vouchers/timesheets/{sheet.pk}/links/"
    assert Access.objects.filter(action=Access.Action.REISSUE_LINK, subject_ref=link.pk).count() == 1
    page = provider.get(f"/vouchers/timesheets/{sheet.pk}/links/").content.decode()
    assert 'data-expired="0"' in page
    refused = provider.get(f"/vouchers/confirm/{old}/")
    assert refused.status_code == 410 and 'data-refusal="expired"' in refused.content.decode()
    fresh = tokens.token_for(m.ConfirmationLink.objects.select_related("enrolment").get(enrolment=e))
    assert provider.get(f"/vouchers/confirm/{fresh}/").status_code == 200


def test_it_prints_one_link_and_qr_code_per_child_for_the_provider_only(
    world: World, db: None, client_for: Any
) -> None:
    club = Club()
    _, sheet, token = prepared(club)
    page = login(club.user("printer")).get(f"/vouchers/timesheets/{sheet.pk}/links/").content.decode()
    assert page.count('class="qr"') == 1 and f"/vouchers/confirm/{token}/" in page
    # The symbol on the page is the link's: its modules are segno's for that very URL.
    url = f"http://testserver/vouchers/confirm/{token}/"
    svg = re.search(r'<svg[^>]*class="qr".*?</svg>', page, re.S)
    assert svg is not None and drawn_modules(svg.group(0)) == dark_modules(segno.make_qr(url, error="m"))
    assert (
        client_for("admin").get(f"/vouchers/timesheets/{sheet.pk}/links/").status_code == 404
    )  # only the provider hands them out


def test_it_verifies_approves_and_pays_through_the_pages(world: World, db: None, client_for: Any) -> None:
    club = Club()
    _, sheet, token = prepared(club)
    login(club.user("p")).logout()
    services.confirmation_record(token=token, outcome="confirmed")
    officer, admin = client_for("officer"), client_for("admin")
    assert officer.post(f"/vouchers/timesheets/{sheet.pk}/move/", {"target": "verified"}).status_code == 302
    assert officer.post(f"/vouchers/timesheets/{sheet.pk}/move/", {"target": "approved"}).status_code == 403
    for target in ("approved", "paid"):
        assert admin.post(f"/vouchers/timesheets/{sheet.pk}/move/", {"target": target}).status_code == 302
    page = admin.get(f"/vouchers/timesheets/{sheet.pk}/").content.decode()
    assert 'data-status="paid"' in page
    assert re.search(r'id="payment" data-value="([\d.]+)"', page).group(1) == "4000.00"  # type: ignore[union-attr]
    dashboard = admin.get("/vouchers/dashboard/").content.decode()
    assert f'data-provider="{club.provider.pk}"' in dashboard
    assert m.Timesheet.objects.get(pk=sheet.pk).amount == Decimal("4000.00")


def test_it_runs_the_flags_from_the_button_and_works_a_case(world: World, db: None, client_for: Any) -> None:
    club = Club(capacity=1)
    club.enrol()
    club.enrol()
    assert client_for("officer").post("/vouchers/flags/run/").status_code == 403  # analysts and administrators run them
    assert client_for("analyst").post("/vouchers/flags/run/").status_code == 302
    flag = m.Flag.objects.get(code="over_capacity", entity_id=club.group.pk)
    listing = client_for("officer").get("/vouchers/flags/?code=over_capacity", HTTP_HX_REQUEST="true")
    assert b"<html" not in listing.content and f"/vouchers/flags/{flag.pk}/".encode() in listing.content
    officer = client_for("officer")
    assert officer.post(f"/vouchers/flags/{flag.pk}/", {"status": "investigating", "note": "visit"}).status_code == 302
    assert officer.post(f"/vouchers/flags/{flag.pk}/", {"status": "open", "note": ""}).status_code == 400
    flag.refresh_from_db()
    assert flag.status == "investigating" and flag.notes.get().text == "visit"


def test_it_runs_the_allocation_queue_from_the_page(world: World, db: None, client_for: Any) -> None:
    for i in range(3):
        services.application_create(child=Club.child(), applied_at=timezone.now() - dt.timedelta(days=i))
    form = {
        "vouchers": "2",
        "valid_until": "2020-05-31",
        "nominal_value": "30000",
        "time_bucket_hours": "24",
        "salt": "",
    }
    assert client_for("officer").post("/vouchers/queue/", form).status_code == 403
    assert client_for("analyst").post("/vouchers/queue/", form).status_code == 302
    batch = m.AllocationBatch.objects.get()
    assert (batch.ranked, batch.allocated, len(batch.salt)) == (3, 2, 32)
    page = client_for("viewer").get("/vouchers/queue/").content.decode()
    assert batch.salt_sha256 in page and 'data-indicator="allocated">2<' in page


def drawn_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules an SVG from segno draws: its path of horizontal strokes ("M x y.5", "m dx dy",
    "h n"), read back into (column, row) pairs, the quiet zone included."""
    path = re.search(r'stroke="#000" d="([^"]+)"', svg)
    assert path is not None
    x = y = 0.0
    dark = set()
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.group(1)):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            dark |= {(int(x) + i, int(y)) for i in range(int(a))}
            x += float(a)
    return dark


def dark_modules(symbol: Any, border: int = 4) -> set[tuple[int, int]]:
    return {(c + border, r + border) for r, row in enumerate(symbol.matrix) for c, v in enumerate(row) if v}


def test_it_fills_the_session_date_as_a_date_input_reads_it(db: None) -> None:
    """A date input takes an ISO value only: the Russian "14.10.2019" would leave the picker blank."""
    club = Club()
    club.enrol()
    page = login(club.user("club")).get(f"/vouchers/groups/{club.group.pk}/").content.decode()
    date = re.search(r'<input type="date" name="date" value="([^"]*)"', page)
    assert date is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date.group(1))
    assert re.search(r'<label for="id_date">[^<]+</label>', page)  # and named by its label
