"""Reading agency files as they really arrive, and refusing clearly what cannot be read."""

import datetime as dt
import threading
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from birtizim.engine import iin, ingest
from birtizim.engine.ingest import Source
from birtizim.engine.sources import Mapping, SourceError
from birtizim.tables import readers, sniff
from tests.sheets import workbook
from tests.staging import staging_connection

REGISTRY = (
    "ИИН,Фамилия,Имя,Отчество,Дата рождения,Пол,Район,Статус\n"
    "791028302728,Ахметов,Ерлан,Серикович,28.10.1979,М,Талгарский район,Проживает\n"
    "061211600012,Оспанова,Айгерім,Нұрланқызы,11.12.2006,Ж,Илийский район,Проживает\n"
)


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    return staging_connection()


def write(tmp_path: Path, name: str, data: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return path


def test_it_reads_cp1251_with_semicolons(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", "ИИН;Фамилия;Имя;Отчество\n791028302728;Ахметов;Ерлан;Серикович\n", "cp1251")
    done = ingest.ingest_source(con, Source("unemployed", path), 0)
    assert (done.encoding, done.delimiter, done.accepted, done.rejected) == ("cp1251", ";", 1, 0)
    assert con.execute("SELECT last_name, iin, iin_valid FROM stage").fetchone() == ("Ахметов", "791028302728", True)


def test_it_reads_utf8_with_bom_and_tabs(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "s.tsv", "\ufeffЖСН\tТегі\tАты\n791028302728\tАхметов\tЕрлан\n")
    done = ingest.ingest_source(con, Source("students", path), 0)
    assert (done.encoding, done.delimiter, done.accepted) == ("utf-8-sig", "\t", 1)


def test_it_names_the_file_when_the_encoding_is_unknown(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    # 0x98 is undefined in cp1251 and invalid in utf-8
    path = write(tmp_path, "bad.csv", b"\xc8\xc8\xcd;\xd4\x98\n1;2\n")
    with pytest.raises(SourceError, match=r"bad\.csv: the text is neither utf-8 nor cp1251"):
        ingest.ingest_source(con, Source("unemployed", path), 0)


def test_a_bad_byte_past_the_sniffed_head_rejects_only_its_row(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sniff, "SNIFF_BYTES", 1000)  # the head is utf-8; the damage comes later
    rows = "".join(f"{i:012d},Иванов,Иван\n" for i in range(1, 200))
    cp1251_row = b"000000000200,\xcf\xe5\xf2\xf0,x\n"
    data = ("ИИН,Фамилия,Имя\n" + rows).encode() + cp1251_row + "000000000201,Пётр,П\n".encode()
    done = ingest.ingest_source(con, Source("pension", write(tmp_path, "late.csv", data)), 0)
    assert (done.encoding, done.rows_in, done.accepted, done.rejected) == ("utf-8", 201, 200, 1)
    reject = con.execute("SELECT row_number, reason FROM rejects").fetchone()
    assert reject == (201, "not_utf8")  # the header is row 1
    assert con.execute("SELECT max(row_number) FROM stage").fetchone() == (202,)


def test_it_refuses_a_file_without_an_iin_column(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "noiin.csv", "Фамилия,Имя\nАхметов,Ерлан\n")
    with pytest.raises(SourceError, match=r"noiin\.csv: no IIN column .*columns are: Фамилия, Имя"):
        ingest.ingest_source(con, Source("pension", path), 0)


def test_it_refuses_an_empty_file_and_accepts_a_header_only_one(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"empty\.csv: the file is empty"):
        ingest.ingest_source(con, Source("pension", write(tmp_path, "empty.csv", b"")), 0)
    done = ingest.ingest_source(con, Source("pension", write(tmp_path, "h.csv", "ИИН,ФИО\n")), 1)
    assert (done.rows_in, done.accepted, done.rejected) == (0, 0, 0)


def test_it_refuses_garbage(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "garbage.csv", bytes(range(256)) * 40)
    with pytest.raises(SourceError, match=r"garbage\.csv: not a text file"):
        ingest.ingest_source(con, Source("pension", path), 0)
    xlsx = write(tmp_path, "fake.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match=r"fake\.xlsx: cannot be read as a spreadsheet"):
        ingest.ingest_source(con, Source("disability", xlsx), 1)


def test_a_huge_column_of_scientific_notation_loses_no_row(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    lines = ["ИИН;ФИО"] + [f"{7 + i % 2}.91028E+11;Ахметов Ерлан Серикович" for i in range(50_000)]
    path = write(tmp_path, "kgd.csv", "\n".join(lines) + "\n")
    done = ingest.ingest_source(con, Source("contributions", path), 0)
    assert (done.rows_in, done.accepted, done.rejected) == (50_000, 50_000, 0)
    statuses = con.execute(
        "SELECT iin_status, count(*), count(iin), min(iin_lo), max(iin_hi) FROM stage GROUP BY 1"
    ).fetchall()
    # every row keeps the range of IINs its surviving digits allow (7.91028E+11 or 8.91028E+11)
    assert statuses == [("scientific_notation", 50_000, 0, 791_027_500_000, 891_028_500_000)]


def test_rows_that_do_not_parse_are_rejected_with_their_row_number(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    text = (
        "ИИН;Фамилия;Имя\n791028302728;Ахметов;Ерлан\n061211600012;Оспанова;Айгерім;лишнее\n"
        "791028302728;Ахметов\n;;\n061211600012;Оспанова;Айгерім\n"
    )
    done = ingest.ingest_source(con, Source("students", write(tmp_path, "x.csv", text)), 0)
    assert (done.rows_in, done.accepted, done.rejected) == (5, 2, 3)
    numbers = con.execute("SELECT row_number FROM stage ORDER BY row_number").fetchall()
    assert numbers == [(2,), (6,)]  # the rows Excel shows (header row 1), surviving the rejects between them
    rejects = con.execute("SELECT row_number, reason FROM rejects ORDER BY row_number").fetchall()
    assert rejects == [
        (3, "too_many_fields:4:3"),
        (4, "too_few_fields:2:3"),
        (5, "empty_row"),
    ]


def test_it_reads_xlsx_with_numeric_iins(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "d.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["ЖСН", "Тегі", "Аты", "Аудан"])
    ws.write_row(1, 0, [61211600012, "Оспанова", "Айгерім", "Іле ауданы"])  # leading zero lost
    ws.write_row(2, 0, ["791028302728", "Ахметов", "Ерлан", "Талғар ауданы"])
    wb.close()
    done = ingest.ingest_source(con, Source("disability", path), 0)
    assert done.accepted == 2
    got = con.execute("SELECT iin, iin_status, iin_valid FROM stage ORDER BY row_number").fetchall()
    assert got == [("061211600012", "leading_zero_restored", True), ("791028302728", "ok", True)]


def test_a_mapping_reads_an_unknown_layout(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write(tmp_path, "odd.csv", "Номер;Получатель\n791028302728;Ахметов Ерлан Серикович\n")
    with pytest.raises(SourceError, match="no IIN column"):
        ingest.ingest_source(con, Source("asp", path), 0)
    toml = write(tmp_path, "m.toml", '[asp]\n"Номер" = "iin"\n"Получатель" = "full_name"\n')
    mapping = Mapping.load_all(toml)["asp"]
    ingest.ingest_source(con, Source("asp", path, mapping), 1)
    assert con.execute("SELECT iin, last_name, first_name, patronymic FROM stage").fetchone() == (
        "791028302728",
        "Ахметов",
        "Ерлан",
        "Серикович",
    )
    bad = write(tmp_path, "bad.toml", '[asp]\n"Номер" = "passport"\n')
    with pytest.raises(SourceError, match="unknown canonical fields"):
        Mapping.load_all(bad)


def test_unknown_districts_are_kept_and_flagged(tmp_path: Path) -> None:
    from birtizim.engine import pipeline

    reg = write(tmp_path, "registry.csv", REGISTRY)
    pension = write(
        tmp_path,
        "p.csv",
        "ИИН,ФИО,Район\n791028302728,Ахметов Ерлан Серикович,Атлантида\n061211600012,Оспанова Айгерім,Іле ауданы\n",
    )
    run = pipeline.reconcile([Source("registry", reg), Source("pension", pension)], tmp_path / "run")
    con = duckdb.connect(str(run.folder / "run.duckdb"), read_only=True)
    assert con.execute("SELECT type, detail FROM conflicts WHERE type = 'unknown_district'").fetchall() == [
        ("unknown_district", "district not recognised: Атлантида")
    ]
    assert con.execute("SELECT count(*) FROM links WHERE method = 'iin'").fetchone() == (2,)


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("+7 701 234 56 78", "+7 701 234 56 78"),
        ("87012345678", "+7 701 234 56 78"),
        ("8 (701) 234-56-78", "+7 701 234 56 78"),
        ("+77012345678", "+7 701 234 56 78"),
        ("7012345678", "+7 701 234 56 78"),
        ("8-701-234-56-78 (моб.)", "+7 701 234 56 78"),
        ("\u00a0+7 (701) 234-56-78\u00a0", "+7 701 234 56 78"),  # the cell goes in untrimmed
        ('" 8 701 234 56 78\t"', "+7 701 234 56 78"),
        ("+7 701 234 56 7", None),  # a digit lost: not another number
        ("12345", None),
        ("", None),
        ('"\u3000 "', None),
    ],
)
def test_the_registry_phone_is_read_in_any_usual_form(tmp_path: Path, written: str, read: str | None) -> None:
    con = staging_connection()
    path = tmp_path / "registry.csv"
    path.write_text(
        f"ИИН,Фамилия,Имя,Дата рождения,Телефон\n{iin.make(dt.date(1979, 10, 28), 'M', 3027)},Ахметов,Ерлан,"
        f"28.10.1979,{written}\n",
        encoding="utf-8",
    )
    ingest.ingest_source(con, Source("registry", path), 0)
    assert con.execute("SELECT phone FROM stage").fetchall() == [(read,)]


def _registry_and_workbook(tmp_path: Path, disability: bytes) -> list[Source]:
    registry = write(
        tmp_path,
        "registry.csv",
        "ИИН,Фамилия,Имя,Дата рождения,Район\n"
        f"{iin.make(dt.date(1979, 10, 28), 'M', 3027)},Ахметов,Ерлан,28.10.1979,Талгарский район\n"
        f"{iin.make(dt.date(2006, 12, 11), 'F', 1)},Оспанова,Айгерім,11.12.2006,Илийский район\n",
    )
    return [Source("registry", registry), Source("disability", write(tmp_path, "disability.xlsx", disability))]


def test_a_lists_workbook_is_parsed_beside_the_registry_and_staged_as_if_read_in_its_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sheet = workbook(
        [
            ["ЖСН", "Тегі", "Аты", "Туған күні"],
            [61211600012, "Оспанова", "Айгерім", dt.date(2006, 12, 11)],
            [None, None, None, None],
            ["791028302728", "Ахметов", "Ерлан", "28.10.79"],
        ]
    )
    sources = _registry_and_workbook(tmp_path, sheet)
    threads: list[str] = []
    parse = readers.parse_xlsx

    def watched(path: Path) -> readers.ParsedSheet:
        threads.append(threading.current_thread().name)
        return parse(path)

    monkeypatch.setattr(readers, "parse_xlsx", watched)

    def staged() -> tuple[list[tuple[object, ...]], list[int]]:
        con = staging_connection()
        reading = ingest.read(con, sources, as_of=dt.date(2026, 12, 1))
        return con.execute("SELECT * FROM records ORDER BY record_id").fetchall(), [i.rows_in for i in reading.ingested]

    ahead = staged()
    assert threads and threads[0] != threading.main_thread().name  # parsed in a thread of its own
    monkeypatch.setattr(ingest, "PREFETCH_BYTES", 0)  # read in its turn, batch by batch
    assert staged() == ahead
    assert len(threads) == 1
    assert ahead[1] == [2, 2]  # the blank row is not a row


def test_a_damaged_lists_workbook_parsed_ahead_fails_the_run_with_its_sentence(tmp_path: Path) -> None:
    sources = _registry_and_workbook(tmp_path, b"PK\x03\x04 not really a zip")
    with pytest.raises(SourceError, match=r"disability\.xlsx: cannot be read as a spreadsheet"):
        ingest.read(staging_connection(), sources, as_of=dt.date(2026, 12, 1))
