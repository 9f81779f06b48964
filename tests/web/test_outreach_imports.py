"""Importing outreach and question logs through the web: every row accepted or rejected with its
row number and reason (an officer's rows for other districts too), nothing personal kept from
columns the importer does not use, the same file not imported twice, templates to fill in."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from conftest import HOME, OTHER, World
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from python_calamine import CalamineWorkbook

from birtizim.web.accounts.scope import scope_for
from birtizim.web.common.errors import NotFound
from birtizim.web.outreach import check_labels, services
from birtizim.web.outreach.models import CitizenQuestion, ImportBatch, OutreachEvent
from tests.sheets import workbook

EVENTS = (
    "Район;Дата;Вид мероприятия;Аудитория;Охват (чел.);ФИО ответственного\n"
    "Талгарский район;05.10.2019;Встреча;строители;120;Ахметов Серик\n"  # 2
    "Талгарский район;31.02.2019;встреча;;10;Ахметов Серик\n"  # 3: no such date
    ";;;;;\n"  # 4: blank
    "Карасайский район;06.10.2019;эфир;;1500;Омарова Асель\n"  # 5: not the Talgar officer's district
    "Талгарский район;07.10.2019;концерт;;-5;Ахметов Серик\n"  # 6: two problems
    "Талгар ауданы;08.10.2019;стенд;пенсионеры;35;Ахметов Серик\n"  # 7
)


def english(client: Any) -> Any:
    """Messages of the web in English, the language of their source (Russian ones come from .po files)."""
    client.cookies["django_language"] = "en"
    return client


def upload(client: Any, text: str, name: str = "log.csv", kind: str = "events", encoding: str = "cp1251") -> Any:
    return client.post("/outreach/import/", {"kind": kind, "file": SimpleUploadedFile(name, text.encode(encoding))})


def test_an_officer_imports_their_log_and_sees_each_rejected_row_with_its_reason(world: World, client_for: Any) -> None:
    response = upload(client_for("officer"), EVENTS)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/outreach/import/{batch.pk}/"
    assert sorted(OutreachEvent.objects.values_list("district", "reach")) == [(HOME, 35), (HOME, 120)]
    reasons = {r["row"]: r["reason"] for r in batch.rejects}
    assert set(reasons) == {3, 5, 6}
    assert "cannot read the date '31.02.2019'" in reasons[3]
    assert "Карасайский район" in reasons[5]  # named in the reader's language
    assert "unknown kind of event 'концерт'" in reasons[6] and "negative" in reasons[6]
    assert batch.blank_rows == [4] and batch.accepted == 2
    # The responsible person's name is in a column the importer does not use: it is not kept.
    assert "Ахметов" not in str(batch.rejects) and "ФИО ответственного" in batch.ignored_columns
    page = client_for("officer").get(response["Location"]).content.decode()
    assert re.search(r'<tr data-row="5">\s*<td class="n">5</td><td>[^<]*Карасайский район', page)
    assert 'data-indicator="rejected" data-value="3"' in page


def test_an_analyst_imports_every_district_and_questions_too(world: World, client_for: Any) -> None:
    analyst = client_for("analyst")
    assert upload(analyst, EVENTS).status_code == 302
    assert OutreachEvent.objects.filter(district=OTHER).count() == 1  # the analyst's scope is the region
    questions = (
        "District,Date,Channel,Topic,Count,Kind\n"
        "Talgar,2019-10-10,call centre 1414,checking my status,4,question\n"
        "Talgar,2019-10-11,letter,contributions,1,complaint\n"
        "Talgar,2019-10-12,letter,contributions,many,complaint\n"
    )
    response = upload(analyst, questions, name="questions.csv", kind="questions", encoding="utf-8")
    assert response.status_code == 302
    batch = ImportBatch.objects.get(kind="questions")
    assert [r["row"] for r in batch.rejects] == [4]
    assert sorted(CitizenQuestion.objects.values_list("count", "kind")) == [(1, "complaint"), (4, "question")]
    page = analyst.get(f"/outreach/districts/{HOME}/").content.decode()
    with translation.override("ru"):  # the demo's English channel, in the reader's words
        channel = check_labels.word("call centre 1414")
    assert re.search(rf"{channel}</td><td class=\"n\">4<", page)


def test_an_xlsx_log_is_read_with_its_spreadsheet_row_numbers(world: World, client_for: Any) -> None:
    data = workbook(
        {
            0: ["Журнал разъяснительной работы"],  # a title row above the header
            2: ["Аудан", "Күні", "Іс-шара түрі", "Қамту"],
            3: ["Талғар ауданы", "05.10.2019", "кездесу", 200],
            4: ["Талғар ауданы", "05.10.2019", "кездесу", "көп"],
        }
    )
    response = client_for("officer").post(
        "/outreach/import/", {"kind": "events", "file": SimpleUploadedFile("log.xlsx", data)}
    )
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert batch.header_row == 3 and [r["row"] for r in batch.rejects] == [5] and batch.accepted == 1


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("log.pdf", b"%PDF", "only .xlsx, .csv, .txt files"),
        ("log.csv", b"", 'id="id_file_error"'),  # Django's own check, in the reader's language
        ("log.xlsx", "Район;Дата\n".encode(), "does not match"),
        ("log.csv", "Колонка;Другая\nа;б\n".encode(), "cannot find the header"),
    ],
)
def test_a_file_that_cannot_be_a_log_is_refused_with_the_reason(
    world: World, client_for: Any, name: str, data: bytes, message: str
) -> None:
    response = english(client_for("officer")).post(
        "/outreach/import/", {"kind": "events", "file": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_the_same_file_is_not_imported_twice_until_the_first_import_is_deleted(world: World, client_for: Any) -> None:
    officer = english(client_for("officer"))
    assert upload(officer, EVENTS).status_code == 302
    again = upload(officer, EVENTS, name="copy.csv")
    assert again.status_code == 400 and "already imported" in again.content.decode()
    assert OutreachEvent.objects.count() == 2
    batch = ImportBatch.objects.get()
    # Karasay's officer cannot delete (or see) Talgar's import.
    with pytest.raises(NotFound):
        services.import_delete(
            scope=scope_for(world.users["other_officer"]), user=world.users["other_officer"], batch=batch
        )
    assert client_for("other_officer").post(f"/outreach/import/{batch.pk}/delete/").status_code == 404
    assert officer.post(f"/outreach/import/{batch.pk}/delete/").status_code == 302
    assert not OutreachEvent.objects.exists()
    assert upload(officer, EVENTS).status_code == 302


def test_an_import_raises_its_flags_at_once(world: World, client_for: Any) -> None:
    officer = client_for("officer")
    upload(officer, "Район;Дата;Вид мероприятия;Охват\nТалгарский район;05.10.2019;эфир;50000\n")
    page = client_for("admin").get(f"/outreach/?district={HOME}").content.decode()
    assert f'data-key="reach_le_residents:{HOME}:2019-10"' in page


@pytest.mark.parametrize("kind", ["events", "questions"])
def test_the_templates_are_workbooks_headed_in_the_readers_language(world: World, client_for: Any, kind: str) -> None:
    officer = client_for("officer")
    for language, expected in (("ru", ["Район", "Дата"]), ("kk", ["Аудан", "Күні"]), ("en", ["District", "Date"])):
        officer.cookies["django_language"] = language
        response = officer.get(f"/outreach/import/template/{kind}.xlsx")
        assert response.status_code == 200
        data = b"".join(response.streaming_content)
        header = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()[0]
        assert header[:2] == expected, language
    assert client_for("officer").get("/outreach/import/template/other.xlsx").status_code == 404


def test_an_officer_lists_only_their_own_imports(world: World, client_for: Any) -> None:
    upload(client_for("analyst"), EVENTS, name="region.csv")
    assert "region.csv" in client_for("admin").get("/outreach/import/").content.decode()
    assert "region.csv" not in client_for("officer").get("/outreach/import/").content.decode()
