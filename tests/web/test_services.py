"""Services and selectors without HTTP: uploads, the run queue, outcomes, figures that add up."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from conftest import HOME, OTHER, World, person_in
from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.permissions import Action, may
from birtizim.web.accounts.scope import Scope, scope_for
from birtizim.web.common.errors import NotAllowed, NotFound
from birtizim.web.registry import runstore, selectors, services
from birtizim.web.registry.models import Outcome, Run, Upload

ANALYST = Scope(Role.ANALYST, None)


def upload(world: World, kind: str, name: str, data: bytes) -> Upload:
    return services.upload_create(
        scope=ANALYST, user=world.users["analyst"], kind=kind, file=SimpleUploadedFile(name, data)
    )


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("list.csv", b"", "empty"),
        ("list.pdf", b"%PDF-1.4", "only"),
        ("list.xlsx", "ИИН;Фамилия\n".encode(), "not an Excel"),
        ("list.csv", b"PK\x03\x04 zipped workbook", "binary"),
        ("list.csv", "Колонка;Другая\nа;б\n".encode(), "column"),
    ],
)
def test_it_refuses_files_that_cannot_be_a_source(world: World, db: None, name: str, data: bytes, message: str) -> None:
    before = Upload.objects.count()
    with translation.override("en"), pytest.raises(services.UploadError, match=message):
        upload(world, "pension", name, data)
    assert Upload.objects.count() == before
    assert not list((Path(settings.DATA_DIR) / "files").glob(".incoming-*"))  # nothing of it is kept


def test_it_refuses_a_file_over_the_size_limit(world: World, db: None, settings: Any) -> None:
    settings.INTAKE = {**settings.INTAKE, "agency_list": {**settings.INTAKE["agency_list"], "max_bytes": 10}}
    with translation.override("en"), pytest.raises(services.UploadError, match="limit"):
        upload(world, "pension", "big.csv", b"IIN,Surname\n" + b"1,a\n" * 10)


def test_it_keeps_the_upload_byte_for_byte_with_its_checksum(world: World, db: None) -> None:
    data = (world.region / "sources" / "enbek_unemployed.csv").read_bytes()  # cp1251, as sent
    u = upload(world, "unemployed", "enbek.csv", data)
    stored = Path(settings.DATA_DIR) / u.stored_path
    assert stored.read_bytes() == data
    assert u.sha256 == hashlib.sha256(data).hexdigest()
    assert u.preview["encoding"] == "cp1251"
    assert {"iin", "last_name", "first_name"} <= set(u.preview["recognised"])
    assert u.preview["rows_in"] == u.preview["accepted"] + u.preview["rejected"] > 0
    # The preview kept in the database has no full IIN.
    assert all(r["iin_raw"] is None or r["iin_raw"].startswith("*") for r in u.preview["first_rows"])


def test_it_lets_only_one_worker_claim_a_run(world: World, db: None) -> None:
    run = Run.objects.create(requested_by=world.users["analyst"])
    first = services.run_claim_next()
    second = services.run_claim_next()
    assert first is not None and first.pk == run.pk and first.state == Run.State.RUNNING
    assert second is None


def test_it_needs_a_registry_before_a_run(world: World, db: None, monkeypatch: Any) -> None:
    monkeypatch.setattr(services, "latest_uploads", lambda: {})
    with translation.override("en"), pytest.raises(services.UploadError, match="registry"):
        services.run_create(scope=ANALYST, user=world.users["analyst"])
    # The refusal is shown on the page as it is: in the reader's language.
    with translation.override("ru"), pytest.raises(services.UploadError, match="регистр населения"):
        services.run_create(scope=ANALYST, user=world.users["analyst"])


def test_a_failed_run_leaves_the_previous_results_in_place(world: World, db: None) -> None:
    current = selectors.run_current()
    # The stored file vanished between upload and run (a full disk, a cleanup gone wrong).
    broken = Upload.objects.create(
        kind="registry", original_name="r.csv", stored_path="uploads/gone.csv", sha256="0", size=1
    )
    run = Run.objects.create(requested_by=world.users["analyst"])
    run.uploads.set([broken])
    claimed = services.run_claim_next()
    assert claimed is not None
    done = services.run_execute(claimed)
    assert done.state == Run.State.FAILED and done.error
    assert selectors.run_current() == current
    assert not (Path(settings.DATA_DIR) / "runs" / str(done.pk)).exists()


def test_run_summary_equals_the_engines_district_report(world: World, db: None) -> None:
    report = runstore.rows(world.run.folder, "SELECT * FROM district_report ORDER BY rank")
    data = selectors.dashboard_get(scope=ANALYST, run=world.run)
    assert [d["district"] for d in data["ranking"]] == [r["district"] for r in report]
    assert data["totals"]["residents"] == sum(r["residents"] for r in report)
    assert data["totals"]["insured"] == sum(r["state"] + r["contributor"] for r in report)
    officer = selectors.dashboard_get(scope=Scope(Role.OFFICER, frozenset({HOME})), run=world.run)
    assert officer["totals"]["residents"] == next(r["residents"] for r in report if r["district"] == HOME)


def test_worklist_search_by_iin_and_by_name(world: World, db: None) -> None:
    row = runstore.rows(world.run.folder, "SELECT iin, last_name FROM worklist WHERE district = ? LIMIT 1", [HOME])[0]
    by_iin = selectors.worklist_page(scope=ANALYST, run=world.run, district=HOME, query=row["iin"])
    assert by_iin.total >= 1 and all(r["iin_masked"].endswith(row["iin"][-4:]) for r in by_iin.rows)
    by_name = selectors.worklist_page(scope=ANALYST, run=world.run, district=HOME, query=row["last_name"].lower())
    assert by_name.total >= 1 and all(row["last_name"].lower() in r["last_name"].lower() for r in by_name.rows)
    everyone = selectors.worklist_page(scope=ANALYST, run=world.run, district=HOME)
    assert everyone.total > by_name.total


def test_an_officer_records_outcomes_only_in_their_districts(world: World, db: None) -> None:
    officer = Scope(Role.OFFICER, frozenset({HOME}))
    mine, theirs = person_in(world, HOME), person_in(world, OTHER)
    done = services.outcome_record(
        scope=officer,
        user=world.users["officer"],
        run=world.run,
        person_id=mine,
        result="will_pay",
        follow_up=dt.date.today() + dt.timedelta(days=7),
        category="student",  # not a field "will pay" needs: not kept
        comment=" will pay on Monday ",
    )
    assert (done.district, done.category, done.comment) == (HOME, "", "will pay on Monday")
    assert done.follow_up == dt.date.today() + dt.timedelta(days=7)
    assert len(done.iin) == 12 and done.status_then
    with pytest.raises(NotFound):
        services.outcome_record(
            scope=officer,
            user=world.users["officer"],
            run=world.run,
            person_id=theirs,
            result="not_reached",
        )
    with pytest.raises(NotAllowed):
        services.outcome_record(
            scope=Scope(Role.VIEWER, None),
            user=world.users["viewer"],
            run=world.run,
            person_id=mine,
            result="not_reached",
        )
    assert Outcome.objects.filter(district=OTHER).count() == 0


def test_the_user_command_opens_an_account_with_a_role_and_districts(db: None) -> None:
    out = io.StringIO()
    call_command("birtizim_user", "aigerim", "--role", "officer", "--district", "talgar", stdout=out)
    username, password = out.getvalue().split()
    scope = scope_for(User.objects.get(username="aigerim"))
    assert username == "aigerim" and scope.districts == frozenset({"talgar"})
    assert User.objects.get(username="aigerim").check_password(password)
    with pytest.raises(CommandError, match="needs at least one district"):
        call_command("birtizim_user", "nurlan", "--role", "officer", stdout=io.StringIO())
    with pytest.raises(CommandError, match="unknown districts"):
        call_command("birtizim_user", "nurlan", "--role", "officer", "--district", "atlantis", stdout=io.StringIO())
    assert not User.objects.filter(username="nurlan").exists()


def test_a_club_provider_is_bound_to_a_valid_organisation_bin(db: None) -> None:
    from birtizim.engine.iin import check_digit
    from birtizim.web.accounts.services import user_create

    prefix = next(p for p in (f"1903400{n:04d}" for n in range(100)) if check_digit(p) is not None)
    valid = prefix + str(check_digit(prefix))
    wrong = prefix + str((int(valid[-1]) + 1) % 10)
    with pytest.raises(ValueError, match="valid BIN"):
        user_create(username="club1", password="x" * 12, role=Role.PROVIDER, organisation_bin=wrong)
    user = user_create(username="club2", password="x" * 12, role=Role.PROVIDER, organisation_bin=valid)
    scope = scope_for(user)
    assert scope.is_provider and scope.organisation == valid
    assert not may(scope, Action.PEOPLE_READ) and not may(scope, Action.FIGURES_READ) and scope.districts == frozenset()
    assert may(scope, Action.PROVIDER_READ, organisation=valid) and not may(
        scope, Action.PROVIDER_READ, organisation=wrong
    )


def test_the_figures_workbook_of_a_run_without_figures_has_its_headers_and_no_rows(db: None) -> None:
    import zipfile

    from django.utils import translation

    from birtizim.web.registry import exports

    with translation.override("ru"):  # a service call has no request to choose the language
        path = exports.figures_export(scope=ANALYST, run=Run(summary={}))
    try:
        sheets = zipfile.ZipFile(path)
        districts = sheets.read("xl/worksheets/sheet1.xml").decode()
        sources = sheets.read("xl/worksheets/sheet2.xml").decode()
    finally:
        path.unlink()
    assert districts.count("<row>") == 1 and ">Район<" in districts
    assert sources.count("<row>") == 1 and ">Источник<" in sources
