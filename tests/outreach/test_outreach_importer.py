"""Outreach logs as district offices send them: ru/kk/en headers, CSV and XLSX, every bad row accounted for."""

import datetime as dt
from pathlib import Path

import pytest

from birtizim.outreach.importer import (
    OutreachImportError,
    import_events,
    import_questions,
    write_events_template,
    write_questions_template,
)
from birtizim.outreach.model import OutreachEvent
from birtizim.synth.outreach import build_demo
from tests.sheets import workbook

RUSSIAN_CSV = (
    "Район;Дата;Вид мероприятия;Аудитория;Охват (чел.)\n"
    "Талгарский район;05.10.2019;Встреча;строители;120\n"  # line 2
    "г. Талдыкорган;2019-10-06;эфир;;15 000\n"  # line 3
    "Атырауский район;05.10.2019;встреча;;10\n"  # line 4: not a district of this region
    ";;;;\n"  # line 5: blank
    "Илийский район;31.02.2019;встреча;;10\n"  # line 6: no such date
    "Карасайский район;07.10.2019;концерт;;10\n"  # line 7: unknown kind
    "Аксуский район;07.10.2019;стенд;;-5\n"  # line 8: negative reach
    "Коксуский район;07.10.2019;стенд;;12,5\n"  # line 9: not whole
    ";07.10.2019;;;\n"  # line 10: three problems at once
    "Алакольский р-н;08.10.2019;Приём граждан;пенсионеры;35\n"  # line 11
)


def test_it_imports_a_russian_cp1251_csv_and_rejects_each_bad_row_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_bytes(RUSSIAN_CSV.encode("cp1251"))
    result = import_events(path)
    assert result.rows == (
        OutreachEvent("talgar", dt.date(2019, 10, 5), "meeting", "строители", 120),
        OutreachEvent("taldykorgan", dt.date(2019, 10, 6), "broadcast", "", 15000),
        OutreachEvent("alakol", dt.date(2019, 10, 8), "public_reception", "пенсионеры", 35),
    )
    reasons = {r.row: r.reason for r in result.rejects}
    assert reasons == {
        4: "unknown district 'Атырауский район' (not a district of Almaty region (before the 2022 split))",
        6: "cannot read the date '31.02.2019' (write it as dd.mm.yyyy)",
        7: "unknown kind of event 'концерт' (known: встреча, публикация, эфир, приём граждан, стенд)",
        8: "the reach '-5' is negative",
        9: "the reach '12,5' is not a whole number of people",
        10: "the district is empty; the kind of event is empty; the reach is empty",
    }
    assert result.rejects[0].cells["Район"] == "Атырауский район"
    assert result.blank_rows == (5,)
    assert result.rows_read == 9
    assert result.row_numbers == (2, 3, 11)  # where each accepted record came from
    assert result.columns["reach"] == "Охват (чел.)"


def test_it_imports_kazakh_headers_under_a_title_row_from_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "журнал.xlsx"
    rows: dict[int, list[object]] = {
        0: ["Ақпараттық-түсіндіру жұмысы, 2019 жылғы қазан"],  # title; row 2 left empty
        2: ["Аудан", "Күні", "Іс-шара түрі", "Қатысушылар", "Қамту", "Ескертпе"],
        3: ["Талғар ауданы", dt.date(2019, 10, 3), "кездесу", "құрылысшылар", 85],
        4: ["Еңбекшіқазақ ауданы", "12.10.2019", "жарияланым", "", "2 500"],
        5: ["Талдықорған қ.", "2019-10-14", "хабар", "", "көп"],  # "many" is not a number
    }
    path.write_bytes(workbook(rows))
    result = import_events(path)
    assert result.header_row == 3
    assert result.rows == (
        OutreachEvent("talgar", dt.date(2019, 10, 3), "meeting", "құрылысшылар", 85),
        OutreachEvent("enbekshikazakh", dt.date(2019, 10, 12), "publication", "", 2500),
    )
    assert [(r.row, r.reason) for r in result.rejects] == [(6, "the reach 'көп' is not a number")]
    assert result.ignored_columns == ("Ескертпе",)


def test_the_template_round_trips_through_the_importer(tmp_path: Path) -> None:
    events = build_demo(1).events[:40]
    path = write_events_template(tmp_path / "template.xlsx", events)
    result = import_events(path)
    assert result.rejects == ()
    assert result.rows == events
    assert result.columns["district"] == "Район/Аудан/District"
    empty = import_events(write_events_template(tmp_path / "empty.xlsx"))
    assert (empty.rows, empty.rejects) == ((), ())


@pytest.mark.parametrize(("language", "header"), [("ru", "Район"), ("kk", "Аудан"), ("en", "District")])
def test_a_template_in_one_language_round_trips_too(tmp_path: Path, language: str, header: str) -> None:
    events = build_demo(1).events[:40]
    path = write_events_template(tmp_path / "template.xlsx", events, language=language)
    result = import_events(path)
    assert result.rejects == () and result.rows == events
    assert result.columns["district"] == header
    questions = build_demo(1).questions[:20]
    asked = import_questions(write_questions_template(tmp_path / "questions.xlsx", questions, language=language))
    assert asked.rejects == () and asked.rows == questions


def test_dates_after_the_limit_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("District,Date,Kind,Reach\nTalgar,2019-10-05,meeting,10\nTalgar,2029-10-05,meeting,10\n")
    result = import_events(path, not_after=dt.date(2020, 1, 1))
    assert len(result.rows) == 1
    assert [(r.row, r.reason) for r in result.rejects] == [(3, "the date 2029-10-05 is after 2020-01-01")]


def test_a_file_without_a_reach_column_is_refused_with_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("Район,Дата,Вид мероприятия\nТалгар,05.10.2019,встреча\n", encoding="utf-8")
    with pytest.raises(OutreachImportError, match=r"log\.csv: cannot find the header \(row 1 lacks reach\)"):
        import_events(path)
    with pytest.raises(OutreachImportError, match="no such file"):
        import_events(tmp_path / "absent.xlsx")


def test_it_imports_questions_and_complaints(tmp_path: Path) -> None:
    path = tmp_path / "questions.csv"
    path.write_text(
        "Аудан,Өтініш күні,Арна,Тақырып,Өтініш түрі\n"
        "Талғар,05.10.2019,call centre 1414,checking my status,\n"
        "Іле,06.10.2019,public reception,choosing a clinic,шағым\n"
        "Іле,06.10.2019,public reception,choosing a clinic,спасибо\n",
        encoding="utf-8",
    )
    result = import_questions(path)
    assert [(q.district, q.count, q.kind) for q in result.rows] == [("talgar", 1, "question"), ("ile", 1, "complaint")]
    assert [r.row for r in result.rejects] == [4]
    assert "neither a question nor a complaint" in result.rejects[0].reason
    demo = build_demo(1).questions[:20]
    again = import_questions(write_questions_template(tmp_path / "q.xlsx", demo))
    assert (again.rows, again.rejects) == (demo, ())


def test_district_names_are_found_in_every_common_spelling(tmp_path: Path) -> None:
    spellings = [
        "Talgar",
        "Талгарский",
        "ТАЛГАР р-н",
        "Алакол",
        "Алакөл ауданы",
        "Енбекшиказахский",
        "Taldykorgan city",
    ]
    path = tmp_path / "log.csv"
    path.write_text(
        "District,Date,Kind,Reach\n" + "".join(f"{s},05.10.2019,meeting,1\n" for s in spellings), encoding="utf-8"
    )
    result = import_events(path)
    assert result.rejects == ()
    assert [e.district for e in result.rows] == ["talgar"] * 3 + ["alakol"] * 2 + ["enbekshikazakh", "taldykorgan"]
