"""Fuzzing the web's upload path: whatever bytes arrive under whatever name, ``upload_create`` keeps the
file and previews it, or refuses it with a sentence -- never another exception, never a file left
behind, never a count that does not add up, never a full IIN in what the database keeps.

Cases are generated from the test region's real agency files (CSV in three encodings and delimiters,
workbooks) by a fixed-seed generator: truncations, flipped and inserted bytes (NUL, quotes, line breaks,
delimiters, invalid UTF-8), broken headers, very long cells and rows, many columns, BOMs, workbooks
damaged inside their ZIP, and names that lie about the content. The readers' own fuzz test works on
the readers; this one goes through the intake, the preview and what the web stores.
"""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pytest
import xlsxwriter
from conftest import World
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from birtizim.engine import KINDS
from birtizim.web.accounts.models import Role
from birtizim.web.accounts.scope import Scope
from birtizim.web.registry import services
from birtizim.web.registry.models import Upload

SEED = 20_240_611
CASES = 100  # each goes through the bounded preview: a forked child, 0.1-0.3 s
NASTY = [
    b"\x00",
    b'"',
    b"'",
    b"\r",
    b"\n",
    b"\r\n",
    b";",
    b",",
    b"\t",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3",
    b"=",
    b"\\",
]


def samples(region: Path) -> list[tuple[str, bytes]]:
    """The region's text files cut to their first rows (workbooks are generated: ``workbook``)."""
    return [
        (path.name, b"\n".join(path.read_bytes().split(b"\n")[:40]))
        for path in sorted((region / "sources").iterdir())
        if path.suffix != ".xlsx"
    ]


def workbook(rng: random.Random) -> bytes:
    """A small workbook with odd cells: formulas, numbers for IINs, dates, very long text, empty rows."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(rng.choice(["Лист1", "Sheet1", "ЖСН", "x" * 31]))
    headers = rng.sample(["ИИН", "Фамилия", "Имя", "Отчество", "Дата рождения", "ЖСН", "Тегі", "Аты", "Район", "?"], 5)
    for c, h in enumerate(headers):
        sheet.write(rng.randint(0, 2), c, h)
    for r in range(3, 3 + rng.randint(0, 30)):
        for c in range(len(headers)):
            pick = rng.random()
            if pick < 0.3:
                sheet.write_number(r, c, rng.randint(10**10, 10**12))
            elif pick < 0.4:
                sheet.write_formula(r, c, "=1+1")
            elif pick < 0.5:
                sheet.write(r, c, "Ж" * rng.randint(1000, 40_000))
            elif pick < 0.6:
                sheet.write_datetime(r, c, __import__("datetime").datetime(1980 + rng.randint(0, 40), 1, 1))
            else:
                sheet.write(r, c, rng.choice(["Ахметов", "", " ", "=HYPERLINK(1)", "791028302728", "9.91028E+11"]))
    book.close()
    return out.getvalue()


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One to three damages of the kinds agency files and attackers bring."""
    for _ in range(rng.randint(1, 3)):
        kind = rng.randrange(9)
        at = rng.randrange(len(data) + 1) if data else 0
        if kind == 0:  # cut short
            data = data[:at]
        elif kind == 1 and data:  # flipped bytes
            buf = bytearray(data)
            for _ in range(rng.randint(1, 20)):
                buf[rng.randrange(len(buf))] = rng.randrange(256)
            data = bytes(buf)
        elif kind == 2:  # nasty bytes inserted
            data = data[:at] + b"".join(rng.choices(NASTY, k=rng.randint(1, 30))) + data[at:]
        elif kind == 3:  # one very long cell
            data = data[:at] + b"A" * rng.randint(10_000, 300_000) + data[at:]
        elif kind == 4:  # many columns
            data = b";".join(b"c%d" % i for i in range(rng.randint(100, 5000))) + b"\n" + data
        elif kind == 5:  # header broken
            data = rng.choice([b"", b"\n\n\n", b";;;;\n", b'"unterminated\n', b"\xef\xbb\xbf"]) + data
        elif kind == 6:  # the same rows many times
            data = data * rng.randint(2, 10)
        elif kind == 7:  # only line breaks of another system
            data = data.replace(b"\n", rng.choice([b"\r", b"\r\n", b"\n\r"]))
        else:  # random bytes
            data = data[:at] + rng.randbytes(rng.randint(1, 2000)) + data[at:]
    return data


def cases(region: Path) -> list[tuple[str, str, bytes]]:
    rng = random.Random(SEED)
    base = samples(region)
    found = []
    for _ in range(CASES):
        if rng.random() < 0.3:
            name, data = "list.xlsx", workbook(rng)
        else:
            name, data = rng.choice(base)
        if rng.random() < 0.85:
            data = mutate(rng, data)
        if rng.random() < 0.15:  # a name that lies, or none
            name = rng.choice(
                ["list.csv", "list.xlsx", "list.txt", "list.tsv", "list", "../../etc/passwd.csv", "a" * 300]
            )
        found.append((rng.choice(KINDS), name, data))
    return found


@pytest.fixture
def analyst(world: World) -> Scope:
    return Scope(Role.ANALYST, None)


def test_any_bytes_are_kept_and_previewed_or_refused_in_words(world: World, db: None, analyst: Scope) -> None:
    store = Path(settings.DATA_DIR) / "files"
    kept_before = {p for p in store.rglob("*") if p.is_file()} if store.exists() else set()
    outcomes = {"kept": 0, "refused": 0}
    for n, (kind, name, data) in enumerate(cases(world.region)):
        where = f"case {n}: {kind} {name!r} {len(data)} bytes"
        try:
            upload = services.upload_create(
                scope=analyst, user=world.users["analyst"], kind=kind, file=SimpleUploadedFile(name, data)
            )
        except services.UploadError as exc:
            outcomes["refused"] += 1
            assert str(exc).strip(), where  # a sentence for the analyst, not an empty refusal
            assert "Traceback" not in str(exc) and str(settings.DATA_DIR) not in str(exc), where
            continue
        outcomes["kept"] += 1
        preview = upload.preview
        assert preview["rows_in"] == preview["accepted"] + preview["rejected"], where  # nothing lost or doubled
        assert (Path(settings.DATA_DIR) / upload.stored_path).read_bytes() == data, where
        assert "/" not in upload.original_name and len(upload.original_name) <= 255, where
        # What the database keeps of the rows names no one by a full IIN.
        shown = [r.get("iin_raw") for r in preview["first_rows"] + preview["problems"]]
        assert not any(v and re.search(r"\d{12}", str(v)) for v in shown), where
    leftovers = [p.name for p in store.rglob(".incoming-*")]
    assert leftovers == []  # refused files leave nothing behind
    kept_now = {p for p in store.rglob("*") if p.is_file()}
    assert len(kept_now - kept_before) <= outcomes["kept"] == Upload.objects.count() - world.run.uploads.count()
    # The generator is not trivial: both outcomes happen, many times.
    assert outcomes["kept"] > 15 and outcomes["refused"] > 15, outcomes
