"""Hand-built voucher records in the database for the web tests (``from test_vouchers_builder import Club``).

A ``Club`` is one provider with one group (Mondays and Wednesdays 15:30-17:00, rate 2,000 tenge)
in a district; children get valid IINs that the test region's single list does not hold unless a
test takes one from it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from birtizim.engine.iin import make
from birtizim.tables.bin_number import make_bin
from birtizim.web.accounts.services import user_create
from birtizim.web.vouchers import models as m

OCT = dt.date(2019, 10, 1)
RATE = Decimal("2000.00")
_serials = itertools.count(1)
_bins = itertools.count(1)


def new_bin() -> str:
    while True:
        found = make_bin(dt.date(2018, 4, 1), next(_bins))
        if found is not None:
            return found


def new_iin(birth: dt.date = dt.date(2010, 5, 17)) -> str:
    while True:
        iin = make(birth, "M", 9000 + next(_serials))  # serials far from the synthetic region's
        if iin is not None:
            return iin


def local(day: dt.date, hm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hm), tzinfo=timezone.get_default_timezone())


def login(user: User) -> Client:
    c = Client()
    c.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return c


class Club:
    def __init__(self, *, district: str = "talgar", capacity: int = 10, name: str = "Клуб «Тест»") -> None:
        self.provider = m.Provider.objects.create(bin=new_bin(), name=name, district=district)
        m.Contract.objects.create(provider=self.provider, starts_on=dt.date(2019, 1, 1), ends_on=dt.date(2020, 12, 31))
        self.venue = m.Venue.objects.create(
            provider=self.provider, district=district, address="ул. Абая, 1", capacity=80
        )
        self.staff = m.Staff.objects.create(
            provider=self.provider, full_name="Тренер", background_check_on=dt.date(2019, 1, 1)
        )
        self.programme = m.Programme.objects.create(
            provider=self.provider, name="Футбол", kind="sport", age_min=4, age_max=17, rate_per_session=RATE
        )
        self.group = self.new_group(capacity=capacity)

    def new_group(
        self, *, capacity: int = 10, slots: tuple[tuple[int, str, int], ...] = ((1, "15:30", 90), (3, "15:30", 90))
    ) -> m.Group:
        group = m.Group.objects.create(
            programme=self.programme,
            provider=self.provider,
            venue=self.venue,
            staff=self.staff,
            name="Группа",
            capacity=capacity,
        )
        for weekday, start, minutes in slots:
            begin = dt.datetime.combine(OCT, dt.time.fromisoformat(start))
            m.ScheduleSlot.objects.create(
                group=group,
                weekday=weekday,
                start_time=begin.time(),
                end_time=(begin + dt.timedelta(minutes=minutes)).time(),
            )
        return group

    def user(self, username: str) -> User:
        return user_create(
            username=username, password="correct-horse-battery", role="provider", organisation_bin=self.provider.bin
        )

    @staticmethod
    def child(
        *,
        iin: str | None = None,
        first_name: str = "Нурсултан",
        parent: m.Parent | None = None,
        district: str = "talgar",
    ) -> m.Child:
        return m.Child.objects.create(
            iin=iin or new_iin(),
            last_name="Ахметов",
            first_name=first_name,
            birth_date=dt.date(2010, 5, 17),
            sex="M",
            district=district,
            parent=parent or m.Parent.objects.create(contact="+7 701 000 00 00"),
        )

    def enrol(
        self,
        child: m.Child | None = None,
        *,
        group: m.Group | None = None,
        start: dt.date = dt.date(2019, 9, 1),
        end: dt.date | None = None,
    ) -> m.Enrolment:
        child = child or self.child()
        voucher = m.Voucher.objects.filter(child=child).first() or m.Voucher.objects.create(
            child=child,
            status="active",
            issued_on=dt.date(2019, 8, 20),
            valid_until=dt.date(2020, 5, 31),
            nominal_value=Decimal("30000.00"),
        )
        return m.Enrolment.objects.create(
            child=child, voucher=voucher, group=group or self.group, start_date=start, end_date=end
        )

    def session(self, day: dt.date, start: str = "15:30", minutes: int = 90, group: m.Group | None = None) -> m.Session:
        begin = local(day, start)
        return m.Session.objects.create(
            group=group or self.group, date=day, starts_at=begin, ends_at=begin + dt.timedelta(minutes=minutes)
        )

    def timetable(self, first: dt.date, last: dt.date, group: m.Group | None = None) -> list[m.Session]:
        """Sessions on every Monday and Wednesday from ``first`` to ``last`` (no holidays in October 2019)."""
        group = group or self.group
        slots = list(group.schedule.all())
        out = []
        day = first
        while day <= last:
            for slot in slots:
                if slot.weekday == day.isoweekday():
                    out.append(self.session(day, slot.start_time.strftime("%H:%M"), group=group))
            day += dt.timedelta(days=1)
        return out

    @staticmethod
    def mark(session: m.Session, enrolment: m.Enrolment, kind: str = "present", **fields: Any) -> m.Mark:
        if kind == "present" and "checked_in_at" not in fields:  # a distinct second per child, before the start
            fields["checked_in_at"] = session.starts_at - dt.timedelta(seconds=60 + 37 * enrolment.pk)
        fields.setdefault("entered_at", session.ends_at + dt.timedelta(minutes=30))
        return m.Mark.objects.create(
            session=session, enrolment=enrolment, child_id=enrolment.child_id, kind=kind, **fields
        )


def test_it_builds_a_club_with_valid_identifiers(db: None) -> None:
    club = Club()
    club.provider.full_clean()  # the BIN validator accepts the builder's BINs
    child = club.child()
    child.full_clean()
    assert club.group.schedule.count() == 2 and len(child.iin) == 12
