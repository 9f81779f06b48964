"""Importers: every row accepted or rejected with a reason in three languages; nothing lost or doubled."""

import datetime as dt
from pathlib import Path

import pytest

from birtizim.engine import iin
from birtizim.fares.importers import FaresImportError, import_payments, import_ridership, read_protocols
from birtizim.fares.messages import LANGUAGES
from tests.sheets import workbook


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_ridership_with_kazakh_headers_and_every_kind_of_bad_row(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "validators.csv",
        "Маршрут нөмірі;Күні;Сағат;Жолаушылар саны\n"
        "12;01.06.2026;7;100\n"  # line 2: am_peak
        "12;2026-06-01;8;50\n"  # line 3: am_peak again, same route and month: summed
        "12;02.06.2026;20;30\n"  # line 4: evening
        "99;01.06.2026;7;10\n"  # line 5: unknown route
        "12;01.06.2026;3;10\n"  # line 6: 3 a.m. is in no band
        "12;31.06.2026;7;10\n"  # line 7: no such date
        "12;01.06.2026;9;много\n"  # line 8: not a number
        ";;;\n"  # line 9: blank
        "12;01.06.2026;7;100\n",  # line 10: repeats line 2
    )
    result = import_ridership(path, routes=["12", "45"])
    assert result.columns == {
        "route": "Маршрут нөмірі",
        "date": "Күні",
        "hour": "Сағат",
        "boardings": "Жолаушылар саны",
    }
    assert [(r.route, r.band, r.month, r.boardings) for r in result.records] == [
        ("12", "am_peak", "2026-06", 150),
        ("12", "evening", "2026-06", 30),
    ]
    assert [(r.row, r.code) for r in result.rejects] == [
        (5, "unknown_route"),
        (6, "bad_hour"),
        (7, "bad_date"),
        (8, "bad_number"),
        (10, "duplicate"),
    ]
    assert result.rows_in == result.rows_accepted + len(result.rejects) == 8
    assert result.blank_rows == 1
    messages = {lang: result.rejects[0].message(lang) for lang in LANGUAGES}
    assert messages["ru"] == "маршрута «99» нет в справочнике маршрутов"
    assert "99" in messages["kk"] and "99" in messages["en"] and len(set(messages.values())) == 3
    assert result.rejects[-1].message("en") == "the row repeats row 2"


def test_ridership_by_month_and_band_from_an_english_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "ridership.xlsx"
    rows = [
        ["Monthly ridership export"],  # a title row above the header
        ["Route", "Month", "Time band", "Boardings"],
        [12, "2026-06", "morning peak", 1000],
        [12, "06.2026", "вечер", 400],
        [12, "2026-13", "day", 5],
        [12, "2026-06", "night", 5],
    ]
    path.write_bytes(workbook(rows))
    result = import_ridership(path)
    assert [(r.route, r.band, r.boardings) for r in result.records] == [("12", "am_peak", 1000), ("12", "evening", 400)]
    assert [(r.row, r.code) for r in result.rejects] == [(5, "bad_month"), (6, "unknown_band")]


def test_payments_rejects(tmp_path: Path) -> None:
    good = iin.make(dt.date(1990, 1, 1), "M", 1111) or iin.make(dt.date(1990, 1, 1), "M", 1112)
    assert good is not None
    path = _write(
        tmp_path / "payments.csv",
        "Номер протокола,Дата оплаты,Сумма,ИИН плательщика\n"
        f"П-1,05.06.2026,8650,{good}\n"
        "П-2,05.06.2026,8650,\n"
        "П-404,05.06.2026,8650,\n"
        "П-3,05.06.2026,8650,123456789012\n"
        "П-1,05.06.2026,8650,\n"
        "П-3,вчера,8650,\n"
        "П-3,05.06.2026,-5,\n",
    )
    result = import_payments(path, protocols=["П-1", "П-2", "П-3"])
    assert [(p.protocol, p.amount) for p in result.records] == [("П-1", 8650), ("П-2", 8650)]
    assert [(r.row, r.code) for r in result.rejects] == [
        (4, "unknown_protocol"),
        (5, "invalid_iin"),
        (6, "duplicate"),
        (7, "bad_date"),
        (8, "bad_number"),
    ]
    assert result.rows_in == 7
    assert result.rejects[1].message("ru").startswith("ИИН «123456789012» недействителен")
    assert result.rejects[0].message("kk") == "№ П-404 хаттамасы хаттамалар арасында жоқ"


def test_a_protocol_of_a_year_without_mrp_is_rejected_with_the_reason(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "protocols.csv",
        "number,offence_at,iin,last_name,first_name,birth_date\nП-1,2026-06-01T08:00,,А,Б,\nП-2,2031-01-05T08:00,,А,Б,\n",
    )
    result = read_protocols(path)
    assert [p.fine for p in result.records] == [8650]
    assert [(r.row, r.code, r.message("en")) for r in result.rejects] == [
        (3, "no_mrp", "no MRP is recorded for 2031: the fine cannot be computed")
    ]


def test_a_file_without_the_columns_says_which_are_missing(tmp_path: Path) -> None:
    path = _write(tmp_path / "x.csv", "a,b\n1,2\n")
    with pytest.raises(FaresImportError, match="route; date or month; hour or band; boardings"):
        import_ridership(path)
    with pytest.raises(FaresImportError, match="no such file"):
        import_ridership(tmp_path / "missing.csv")
