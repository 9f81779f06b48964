"""The web with a registry of any region: places kept as written, residents without a district, and
uploads that once broke the preview (a quote in a header, thousands of columns)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import World
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from birtizim.engine import iin
from birtizim.tables import places
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.registry import run_log, runstore, services
from birtizim.web.registry.models import Run, Upload

ANALYST = Scope(Role.ANALYST, None)
AKMOLA = ["Бурабайский район", "Зерендинский р-н", "г. Кокшетау", ""]


def akmola_registry() -> bytes:
    lines = ["ИИН;Фамилия;Имя;Дата рождения;Район"]
    for i in range(40):
        born = dt.date(1950 + i, 1 + i % 12, 1 + i % 28)
        serial = 100 + i
        while (number := iin.make(born, "M", serial)) is None:
            serial += 1
        lines.append(f"{number};Фамилия{i};Ерлан;{born:%d.%m.%Y};{AKMOLA[i % 4]}")
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def own_runs() -> Iterator[list[str]]:
    """This test's run is rolled back with its transaction, and its number may be taken again by a later
    test's run: its files and the shared read-only connection to them must go too."""
    folders: list[str] = []
    yield folders
    runstore.close_all()
    for folder in folders:
        assert folder.startswith("runs/")
        shutil.rmtree(runstore.run_path(folder), ignore_errors=True)


def test_it_runs_a_registry_of_another_region_and_shows_its_places(
    world: World, client_for: Any, own_runs: list[str]
) -> None:
    user = world.users["analyst"]
    registry = services.upload_create(
        scope=ANALYST, user=user, kind="registry", file=SimpleUploadedFile("akmola.csv", akmola_registry())
    )
    # The registry alone: the session's agency uploads are another region's people.
    run = Run.objects.create(requested_by=user)
    run.uploads.set([registry])
    claimed = services.run_claim_next()
    assert claimed is not None and claimed.pk == run.pk
    done = services.run_execute(claimed)
    own_runs.append(done.folder)
    assert done.state == Run.State.SUCCEEDED and done.region == ""
    assert '"warning": "no_known_region"' in done.log  # a code and its figures, said in words by the page
    with translation.override("en"):
        assert any("match no known region" in text for _t, text in run_log.lines(done.log))
    services.run_publish(scope=ANALYST, user=user, run=done, acknowledged=True, note="another region, on purpose")
    names = {d["district"]: d["name"] for d in done.summary["districts"]}
    assert names == {
        "burabai": "Бурабайский район",
        "zerendinskii".removesuffix("skii"): "Зерендинский р-н",
        "kokshetau": "г. Кокшетау",
        places.UNPLACED.code: places.UNPLACED.name_ru,
    }
    admin = client_for("admin")
    dashboard = admin.get("/").content.decode()
    assert all(name in dashboard for name in names.values())
    worklists = admin.get("/worklists/")
    assert worklists.status_code == 200 and "Бурабайский район" in worklists.content.decode()
    for code in names:
        page = admin.get(f"/worklists/{code}/")
        assert page.status_code == 200, code
    assert client_for("officer").get("/worklists/burabai/").status_code == 404  # not the officer's district


def test_it_previews_a_file_whose_headers_hold_quotes(world: World, db: None) -> None:
    data = '"ИИН ""ЖСН""";Фамилия";"Имя; --"\n791028302728;Ахметов;Ерлан\n'.encode()
    upload = services.upload_create(
        scope=ANALYST, user=world.users["analyst"], kind="pension", file=SimpleUploadedFile("q.csv", data)
    )
    assert upload.preview["accepted"] == 1 and upload.preview["recognised"]["iin"] == 'ИИН "ЖСН"'
    assert (Path(settings.DATA_DIR) / upload.stored_path).read_bytes() == data


def test_it_refuses_thousands_of_columns_at_once_and_keeps_nothing(world: World, db: None) -> None:
    header = ",".join(["ИИН", "ФИО", *(f"c{i}" for i in range(4_000))])
    data = (header + "\n" + "791028302728,Ахметов Ерлан\n" * 200).encode()
    before = set((Path(settings.DATA_DIR) / "uploads").rglob("*"))
    try:
        services.upload_create(
            scope=ANALYST, user=world.users["analyst"], kind="pension", file=SimpleUploadedFile("wide.csv", data)
        )
    except services.UploadError as exc:
        assert "wide.csv: the header has 4,002 columns; at most 200 are read" in str(exc)
    else:
        raise AssertionError("a 4,002-column file was accepted")
    assert not Upload.objects.filter(original_name="wide.csv").exists()
    left = {p for p in set((Path(settings.DATA_DIR) / "uploads").rglob("*")) - before if p.is_file()}
    assert left == set()
