# ruff: noqa: F811  (the fares fixtures imported from fares_world are parameters below)
"""Exports say in the audit log what they contained: masked or full IINs, and whose rows (keyed hashes
of their IINs, never the IINs), so "who took this person's record away" has an answer."""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import Any

from conftest import HOME, OTHER, World, person_in
from django.core import serializers
from fares_world import fares, fares_loaded  # noqa: F401 -- fixtures
from test_vouchers_access import side

from birtizim.web.audit.models import Access
from birtizim.web.audit.services import iin_hash
from birtizim.web.registry import runstore


def district_iins(world: World, district: str) -> list[str]:
    return [
        str(r["iin"])
        for r in runstore.rows(world.run.folder, "SELECT iin FROM worklist WHERE district = ?", [district])
    ]


def sheet_of(response: Any) -> str:
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return book.read("xl/worksheets/sheet1.xml").decode()


def test_it_records_a_full_iin_export_apart_from_a_masked_one_and_whose_rows_left(
    world: World, client_for: Any
) -> None:
    admin = client_for("admin")
    iins = district_iins(world, HOME)
    full = admin.get(f"/worklists/{HOME}/export.xlsx", {"full_iin": "1"})
    assert full.status_code == 200 and iins[0] in sheet_of(full)  # the workbook does hold full IINs...
    masked = admin.get(f"/worklists/{HOME}/export.xlsx")
    assert iins[0] not in sheet_of(masked)

    entries = list(Access.objects.order_by("id").filter(action__startswith="export"))
    assert [e.action for e in entries] == [Access.Action.EXPORT_FULL_IIN, Access.Action.EXPORT]
    expected = sorted(iin_hash(i) for i in iins)
    for entry in entries:
        assert entry.records == len(iins) and entry.iin_hashes == expected
        # ...and the log names them only by keyed hashes: no IIN in the stored row.
        stored = serializers.serialize("json", [entry])
        assert not set(re.findall(r"\d{12}", stored)) & set(iins)


def test_a_search_the_export_was_limited_to_records_only_those_rows(world: World, client_for: Any) -> None:
    iins = district_iins(world, HOME)
    client_for("officer").get(f"/worklists/{HOME}/export.xlsx", {"q": iins[0], "full_iin": "1"})
    entry = Access.objects.get(action=Access.Action.EXPORT_FULL_IIN)
    assert entry.iin_hashes == [iin_hash(iins[0])] and entry.records == 1 and entry.username == "officer"


def test_the_audit_log_finds_who_exported_or_revealed_a_person(world: World, client_for: Any) -> None:
    pid = person_in(world, HOME)
    iin = str(runstore.value(world.run.folder, "SELECT iin FROM statuses WHERE person_id = ?", [pid]))
    client_for("officer").post(f"/people/{pid}/iin/")
    client_for("officer").get(f"/worklists/{HOME}/export.xlsx")
    client_for("other_officer").get(f"/worklists/{OTHER}/export.xlsx")  # holds no one of Talgar
    page = client_for("admin").get("/audit/", {"iin": iin}).content.decode()
    actions = re.findall(r'data-action="([a-z_]+)"', page)
    assert sorted(actions) == ["export", "reveal_iin"]
    table = page[page.index('id="audit"') :]
    assert iin not in table  # the entries name hashes, not the IIN searched for
    everything = re.findall(r'data-action="([a-z_]+)"', client_for("admin").get("/audit/").content.decode())
    assert everything.count("export") == 2
    assert client_for("officer").get("/audit/", {"iin": iin}).status_code == 403


def test_a_timesheet_export_records_whose_children_it_holds(world: World, db: None) -> None:
    from test_vouchers_builder import login

    talgar = side(HOME, "club-a")
    response = login(talgar.user).get(f"/vouchers/timesheets/{talgar.sheet.pk}/export.xlsx")
    assert response.status_code == 200
    entry = Access.objects.get(action=Access.Action.EXPORT)
    assert entry.iin_hashes == [iin_hash(talgar.child.iin)] and entry.records == 1
    assert talgar.child.iin not in json.dumps(entry.iin_hashes)


def test_a_fares_register_export_records_full_iins_and_whose(fares: Any) -> None:
    from birtizim.web.fares.models import Protocol

    analyst = fares.client("analyst")
    b"".join(analyst.get("/fares/protocols.xlsx", {"month": "2026-06", "full": "1"}).streaming_content)
    entry = Access.objects.get(action=Access.Action.EXPORT_FULL_IIN)
    june = Protocol.objects.filter(offence_at__year=2026, offence_at__month=6).exclude(iin="")
    assert entry.iin_hashes == sorted({iin_hash(p.iin) for p in june}) and entry.iin_hashes


def test_the_registry_exports_leave_no_file_handle_open(world: World, client_for: Any) -> None:
    # each once kept mkstemp's handle open for the process's life: a worker leaked one per export
    import os

    analyst = client_for("admin")
    before = len(os.listdir("/proc/self/fd"))
    for url in ("/figures.xlsx", f"/worklists/{HOME}/export.xlsx", "/data-quality/export.xlsx"):
        for _ in range(3):
            response = analyst.get(url)
            assert response.status_code == 200, url
            b"".join(response.streaming_content)
            if response.file_to_stream is not None:  # not response.close(): that ends the request for Django
                response.file_to_stream.close()
    assert len(os.listdir("/proc/self/fd")) <= before
