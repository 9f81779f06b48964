"""Progress sheets: headers in three languages, every reject with its row and reason, the template."""

from __future__ import annotations

import io
import zipfile

import pytest
from projects_builders import D

from birtizim.projects.sheet import (
    RejectCode,
    SheetError,
    TemplateLine,
    progress_template,
    read_progress_sheet,
)
from tests.sheets import workbook

AS_OF = D(2025, 6, 20)
CODES = ("ROOF", "NET", "FAC")


RU = ["Дата", "Код работы", "Наименование работы", "Выполнено, %", "Принято работ, тг", "Рабочих на объекте"]
RU.append("Проблемы")


def test_it_reads_a_clean_sheet_into_one_report_per_date() -> None:
    content = workbook(
        [
            RU,
            [D(2025, 6, 1), "ROOF", "Кровля", 40, 1_000_000, 12, ""],
            [D(2025, 6, 1), "NET", "Сети", "25,5", None, None, "Нет окон"],
            [D(2025, 6, 15), "ROOF", "Кровля", 60, "1 500 000", 14, None],
            ["15.06.2025", "FAC", "Фасад", "10%", None, 14, None],
        ]
    )
    result = read_progress_sheet(content, activities=CODES, as_of=AS_OF)
    assert result.rejects == () and result.rows == 4
    first, second = result.reports
    assert first.date == D(2025, 6, 1) and dict(first.percent_complete) == {"ROOF": 40.0, "NET": 25.5}
    assert (first.accepted_money, first.workforce, first.issues, first.rows) == (1_000_000.0, 12, "Нет окон", (2, 3))
    assert second.date == D(2025, 6, 15) and dict(second.percent_complete) == {"ROOF": 60.0, "FAC": 10.0}
    assert (second.accepted_money, second.workforce) == (1_500_000.0, 14)


@pytest.mark.parametrize(
    "header",
    [
        ["Есеп күні", "Жұмыс коды", "Орындалды, %"],
        ["Report date", "Activity code", "Percent complete"],
        ["  DATE ", "code", "%"],  # case and spaces do not matter
    ],
)
def test_it_recognises_kazakh_and_english_headers(header: list[str]) -> None:
    result = read_progress_sheet(workbook([header, [D(2025, 6, 1), "ROOF", 40]]), activities=CODES, as_of=AS_OF)
    assert [dict(r.percent_complete) for r in result.reports] == [{"ROOF": 40.0}]
    # Money not given: None, so the service carries the previous amount forward.
    assert result.reports[0].accepted_money is None and result.reports[0].workforce is None


def test_it_rejects_every_bad_row_with_its_row_number_and_reason() -> None:
    content = workbook(
        [
            [],  # row 1 blank: the header is the first row with anything in it, and rows keep Excel's numbers
            RU,
            [None, "ROOF", None, 40],  # row 3: no date
            ["вчера", "ROOF", None, 40],  # 4
            [D(2025, 7, 1), "ROOF", None, 40],  # 5: after as_of
            [D(2025, 6, 2), "XYZ", None, 40],  # 6: unknown activity
            [D(2025, 6, 3), "ROOF", None, 140],  # 7: over 100
            [D(2025, 6, 4), "ROOF", None, "много"],  # 8
            [D(2025, 6, 5), "ROOF", None, 40],  # 9: fine...
            [D(2025, 6, 5), "ROOF", None, 45],  # 10: ...repeated
            [D(2025, 6, 6), "ROOF", None, 40, 100, 5],  # 11
            [D(2025, 6, 6), "NET", None, 20, 200, 5],  # 12: money differs from row 11
            [D(2025, 6, 7), "ROOF", None, 40, None, 2.5],  # 13: half a worker
            [D(2025, 6, 8), "ROOF", None, 40, -5],  # 14: negative money
            [D(2025, 6, 9), "ROOF", None, None],  # 15: no percent
            [D(2025, 6, 10), None, None, 40],  # 16: no code
            [D(2025, 6, 11), "ROOF", None, 50],  # 17: already recorded
            [D(2025, 6, 12), "ROOF", None, 50],  # 18: accepted
        ]
    )
    result = read_progress_sheet(content, activities=CODES, as_of=AS_OF, recorded={D(2025, 6, 11)})
    got = [(r.row, r.code) for r in result.rejects]
    assert got == [
        (3, RejectCode.DATE_MISSING),
        (4, RejectCode.DATE_INVALID),
        (5, RejectCode.DATE_FUTURE),
        (6, RejectCode.ACTIVITY_UNKNOWN),
        (7, RejectCode.PERCENT_OUT_OF_RANGE),
        (8, RejectCode.PERCENT_INVALID),
        (9, RejectCode.DATE_INCOMPLETE),  # its date lost row 10, so row 9 goes back too
        (10, RejectCode.DUPLICATE),
        (11, RejectCode.DATE_INCOMPLETE),
        (12, RejectCode.CONFLICT),
        (13, RejectCode.WORKFORCE_INVALID),
        (14, RejectCode.MONEY_INVALID),
        (15, RejectCode.PERCENT_MISSING),
        (16, RejectCode.ACTIVITY_MISSING),
        (17, RejectCode.DATE_RECORDED),
    ]
    params = {r.row: dict(r.params) for r in result.rejects}
    assert params[4] == {"value": "вчера"} and params[6] == {"activity": "XYZ"}
    assert params[10] == {"activity": "ROOF", "date": "2025-06-05", "first_row": 9}
    assert params[9] == {"date": "2025-06-05", "other_row": 10}
    assert params[12] == {"column": "accepted_money", "date": "2025-06-06", "first_row": 11}
    # Every data row is either in a report or rejected: none dropped.
    assert [r.date for r in result.reports] == [D(2025, 6, 12)] and result.rows == 16
    assert len(result.rejects) + sum(len(r.rows) for r in result.reports) == result.rows


def test_it_refuses_a_sheet_without_the_required_columns_or_not_a_workbook() -> None:
    with pytest.raises(SheetError) as missing:
        no_code = workbook([["Дата", "Наименование работы"], [D(2025, 6, 1), "x"]])
        read_progress_sheet(no_code, activities=CODES, as_of=AS_OF)
    assert missing.value.code == "missing_columns" and missing.value.params["columns"] == "activity, percent"
    with pytest.raises(SheetError) as broken:
        read_progress_sheet(b"not a workbook at all", activities=CODES, as_of=AS_OF)
    assert broken.value.code == "unreadable"
    with pytest.raises(SheetError) as empty:
        read_progress_sheet(workbook([]), activities=CODES, as_of=AS_OF)
    assert empty.value.code == "empty"


def test_it_reads_dates_and_numbers_as_clerks_type_them() -> None:
    # The shared cell rules (birtizim.tables.cells): a serial day, a two-digit year read against the
    # as-of date, "48,000" as forty-eight thousand, "1 500 000,5" with spaces and a decimal comma.
    content = workbook(
        [
            RU,
            [45809, "ROOF", "Кровля", "40", "48,000", None, None],
            ["15.06.25", "ROOF", "Кровля", "60%", "1 500 000,5", None, None],
            ["20.13.2025", "NET", "Сети", 10, None, None, None],
            [D(2025, 6, 15), "NET", "Сети", "1,2,3", None, None, None],
        ]
    )
    result = read_progress_sheet(content, activities=CODES, as_of=AS_OF)
    assert [(r.date, r.accepted_money, dict(r.percent_complete)) for r in result.reports] == [
        (D(2025, 6, 1), 48_000.0, {"ROOF": 40.0})
    ]
    assert [(r.row, r.code) for r in result.rejects] == [
        (3, RejectCode.DATE_INCOMPLETE),
        (4, RejectCode.DATE_INVALID),
        (5, RejectCode.PERCENT_INVALID),
    ]


def test_the_template_reads_back_as_the_latest_percents_and_holds_no_formula() -> None:
    lines = [TemplateLine("ROOF", "Кровля", 40.0), TemplateLine("=1+1", '=HYPERLINK("x")', 0.0)]
    content = progress_template(lines, report_date=D(2025, 6, 20), language="kk", notes=["Толтырыңыз"])
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s for s in sheets)
    result = read_progress_sheet(content, activities=("ROOF", "=1+1"), as_of=AS_OF)
    assert result.columns["date"] == "Есеп күні"
    (only,) = result.reports
    assert only.date == D(2025, 6, 20) and dict(only.percent_complete) == {"ROOF": 40.0, "=1+1": 0.0}
