"""Pages over HTTP: the numbers shown, what is audited, what an export holds, login and deployment."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import zipfile
from typing import Any

from conftest import HOME, World, person_in
from django.core.files.uploadedfile import SimpleUploadedFile

from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.audit.models import Access
from birtizim.web.registry import runstore


def test_it_shows_the_engines_figures_on_the_dashboard(world: World, client_for: Any) -> None:
    page = client_for("analyst").get("/").content.decode()
    residents = runstore.value(world.run.folder, "SELECT sum(residents) FROM district_report")
    assert f'data-indicator="residents" data-value="{residents}"' in page
    best = runstore.value(world.run.folder, "SELECT name FROM district_report WHERE rank = 1")
    assert best in page and "<svg" in page


def test_shares_are_rounded_not_cut() -> None:
    from django.utils import translation

    from birtizim.web.common.charts import share

    with translation.override("ru"):
        assert share(0.2737) == "27,4%" and share(0.2) == "20,0%"
    with translation.override("en"):
        assert share(0.99949) == "99.9%" and share(0.99951) == "100.0%"


def test_the_ranking_chart_draws_one_bar_per_district_in_any_language(world: World, client_for: Any) -> None:
    # Russian writes decimals with a comma; an SVG attribute would read "412,3" as two coordinates.
    page = client_for("analyst").get("/").content.decode()
    assert 'lang="ru"' in page
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([^"]+)"', page)]
    districts = runstore.value(world.run.folder, "SELECT count(*) FROM district_report")
    assert len(widths) == districts
    assert widths == sorted(widths, reverse=True) and widths[-1] > 0  # ranked, best first
    svg_numbers = re.findall(r'(?:x|y|width|height|cx|cy)="([^"]*)"', page)
    assert svg_numbers and all("," not in n for n in svg_numbers)


def test_an_officers_dashboard_adds_up_their_districts_and_marks_them_in_the_ranking(
    world: World, client_for: Any
) -> None:
    page = client_for("officer").get("/").content.decode()
    mine = runstore.rows(
        world.run.folder, "SELECT residents, undetermined FROM district_report WHERE district = ?", [HOME]
    )[0]
    assert f'data-indicator="residents" data-value="{mine["residents"]}"' in page
    assert re.findall(r'<tr data-district="(\w+)" class="mine"', page) == [HOME]
    # The trend's last point is the same share as the tile (the officer's districts, not the region).
    share = (mine["residents"] - mine["undetermined"]) / mine["residents"]
    tile = re.search(r'data-indicator="actualisation" data-value="([0-9.]+)"', page)
    assert tile is not None and abs(float(tile.group(1)) - share) < 1e-4
    # The trend's points are named in its text alternative, by the day each run finished.
    alt = re.search(r'id="trend-alt">([^<]+)<', page)
    assert alt is not None and re.fullmatch(r"(\d\d\.\d\d: [0-9,]+%(; )?)+", alt.group(1))
    assert alt.group(1).split(": ")[-1] == f"{share * 100:.1f}%".replace(".", ",")


def test_it_names_statuses_and_conflicts_in_the_readers_language(world: World, client_for: Any) -> None:
    page = client_for("officer").get(f"/worklists/{HOME}/").content.decode()
    assert "Статус не определён" in page or "статус не определён" in page
    assert ">undetermined<" not in page and "duplicate_in_list" not in page


def test_the_figures_workbook_holds_the_dashboards_districts_in_the_readers_language(
    world: World, client_for: Any
) -> None:
    response = client_for("viewer").get("/figures.xlsx")
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    districts = book.read("xl/worksheets/sheet1.xml").decode()
    assert ">Район<" in districts and ">Актуализация<" in districts
    rows = runstore.rows(world.run.folder, "SELECT name, residents FROM district_report ORDER BY rank")
    assert districts.count("<row>") == len(rows) + 1
    assert f">{rows[0]['name']}<" in districts and f"<v>{rows[0]['residents']}</v>" in districts
    assert ' s="2"><v>0.' in districts  # actualisation as a percentage cell
    sources = book.read("xl/worksheets/sheet2.xml").decode()
    assert ">Получатели пенсий<" in sources  # source kinds in words


def test_it_audits_a_work_list_page_with_the_people_shown(world: World, client_for: Any) -> None:
    response = client_for("officer").get(f"/worklists/{HOME}/")
    assert response.status_code == 200
    entry = Access.objects.filter(action=Access.Action.VIEW_LIST, username="officer").first()
    assert entry is not None and entry.district == HOME and entry.records == len(entry.person_ids) > 0
    # Pages carry masked IINs only.
    iins = [r["iin"] for r in runstore.rows(world.run.folder, "SELECT iin FROM worklist WHERE district = ?", [HOME])]
    assert not any(iin in response.content.decode() for iin in iins)


def test_it_reveals_one_iin_on_request_and_audits_it(world: World, client_for: Any) -> None:
    pid = person_in(world, HOME)
    iin = runstore.value(world.run.folder, "SELECT iin FROM statuses WHERE person_id = ?", [pid])
    response = client_for("officer").post(f"/people/{pid}/iin/", HTTP_HX_REQUEST="true")
    assert iin in response.content.decode()
    entry = Access.objects.get(action=Access.Action.REVEAL_IIN)
    assert entry.person_ids == [pid] and entry.username == "officer"


def test_it_exports_a_masked_list_whose_text_is_never_a_formula(world: World, client_for: Any) -> None:
    pid = person_in(world, HOME)
    client_for("officer").post(f"/people/{pid}/outcome/", {"result": "refused", "comment": '=HYPERLINK("http://x")'})
    response = client_for("officer").get(f"/worklists/{HOME}/export.xlsx")
    assert response.status_code == 200
    book = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formulas at all
    assert ">ИИН<" in sheet and ">Статус<" in sheet  # headers in the reader's language
    assert '<c t="inlineStr"><is><t xml:space="preserve">=HYPERLINK("http://x")</t></is></c>' in sheet
    full = runstore.value(world.run.folder, "SELECT iin FROM statuses WHERE person_id = ?", [pid])
    assert full not in sheet and full[-4:] in sheet
    entry = Access.objects.get(action=Access.Action.EXPORT)
    rows = runstore.value(world.run.folder, "SELECT count(*) FROM worklist WHERE district = ?", [HOME])
    assert entry.records == rows


def test_the_next_run_shows_what_changed_after_an_outcome(world: World, client_for: Any) -> None:
    from birtizim.web.registry import services
    from birtizim.web.registry.models import Run

    pid = person_in(world, HOME)
    client_for("officer").post(f"/people/{pid}/outcome/", {"result": "not_reached", "comment": "called"})
    second = Run.objects.create(requested_by=world.users["analyst"])
    second.uploads.set(world.run.uploads.all())
    claimed = services.run_claim_next()
    assert claimed is not None and services.run_execute(claimed).state == Run.State.SUCCEEDED
    analyst = Scope(Role.ANALYST, None)
    services.run_publish(scope=analyst, user=world.users["analyst"], run=claimed, acknowledged=True, note="same files")
    page = client_for("officer").get(f"/worklists/{HOME}/").content.decode()
    assert 'id="changes"' in page and f"#{world.run.pk}" in page


def test_an_analyst_uploads_sees_the_preview_and_starts_a_run(world: World, client_for: Any) -> None:
    analyst = client_for("analyst")
    data = (world.region / "sources" / "gcvp_pension.csv").read_bytes()
    response = analyst.post("/uploads/", {"kind": "pension", "file": SimpleUploadedFile("gcvp.csv", data)})
    assert response.status_code == 302
    preview = analyst.get(response["Location"]).content.decode()
    assert 'id="recognised"' in preview and 'id="problems"' in preview
    # Fields and IIN problems in words (the synthetic pension list has damaged IINs), never as codes.
    assert "<td>Дата рождения</td>" in preview and "<td>birth_date</td>" not in preview
    assert "<td>iin_" not in preview and "ИИН" in preview
    bad = analyst.post("/uploads/", {"kind": "pension", "file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert bad.status_code == 400 and "x.pdf" in bad.content.decode()
    started = analyst.post("/runs/")
    assert started.status_code == 302
    progress = analyst.get(started["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'id="run-progress"' in progress and 'data-state="queued"' in progress and "<html" not in progress


def test_it_speaks_kazakh_and_english_on_request(world: World, client_for: Any) -> None:
    analyst = client_for("analyst")
    analyst.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    kk = analyst.get("/").content.decode()
    analyst.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = analyst.get("/").content.decode()
    assert 'lang="kk"' in kk and 'lang="en"' in en
    # Kazakh pages write decimals as Kazakhstan does (Django ships no kk formats; ours are in web/formats).
    share = re.search(r'data-indicator="actualisation" data-value="[0-9.]+">([^<]+)<', kk)
    assert share is not None and "," in share.group(1) and "." not in share.group(1)
    assert "Residents" in en and "Тұрғындар" in kk and "Residents" not in kk


def test_it_speaks_russian_whatever_the_browser_asks_until_the_reader_chooses(world: World, client_for: Any) -> None:
    analyst = client_for("analyst")
    assert 'lang="ru"' in analyst.get("/", headers={"Accept-Language": "en-US,en;q=0.9"}).content.decode()
    analyst.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert 'lang="kk"' in analyst.get("/", headers={"Accept-Language": "en-US"}).content.decode()


def test_the_deploy_check_passes_with_production_settings(tmp_path: Any) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "birtizim.web.settings",
        "BIRTIZIM_SECRET_KEY": "a-long-random-production-secret-" + "k9" * 30,
        "BIRTIZIM_ALLOWED_HOSTS": "birtizim.example.kz",
        "BIRTIZIM_DATA_DIR": str(tmp_path),
    }
    env.pop("BIRTIZIM_DEBUG", None)
    env.pop("BIRTIZIM_SSL_REDIRECT", None)  # the test settings turn it off for the test client
    check = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    env.pop("BIRTIZIM_SECRET_KEY")
    refused = subprocess.run([sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "BIRTIZIM_SECRET_KEY" in refused.stderr
