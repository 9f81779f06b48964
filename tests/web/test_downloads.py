"""Files going out: an export written for one response, and bytes made in memory."""

from __future__ import annotations

import os
from pathlib import Path

from birtizim.web.common.http import download, temporary_download, temporary_path


def _open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def test_an_exports_file_is_made_without_leaving_a_handle_open_and_is_gone_once_sent() -> None:
    before = _open_files()
    paths = [temporary_path("export-") for _ in range(5)]
    assert _open_files() == before  # mkstemp's handles are closed, not left for the process's life
    path = paths[0]
    assert path.suffix == ".xlsx" and path.name.startswith("export-") and path.stat().st_size == 0
    path.write_bytes(b"PK")
    response = temporary_download(path, "figures.xlsx")
    assert not path.exists() and b"".join(response.streaming_content) == b"PK"  # type: ignore[arg-type]
    response.file_to_stream.close()  # not response.close(): that signals the request's end to Django
    for p in paths[1:]:
        Path(p).unlink()


def test_bytes_made_in_memory_go_out_as_a_named_attachment() -> None:
    response = download(b"PK", "portfolio-2025.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-2025.xlsx"'
    assert response["Content-Type"].startswith("application/vnd.openxmlformats") and response.content == b"PK"
    named = download("{}", "объекты.json", "application/json; charset=utf-8")
    assert named["Content-Disposition"].startswith("attachment; filename*=utf-8''")  # a non-ASCII name survives
