"""The work list page, its htmx partial and its Excel export come from one table definition."""

from __future__ import annotations

import io
import re
import zipfile
from typing import Any

from conftest import HOME, World
from django.utils import translation

from birtizim.web.registry import worklist_table


def _headers(html: str) -> list[str]:
    return re.findall(r'<th data-column="([a-z_]+)">', html)


def test_the_page_and_the_partial_show_the_definitions_columns_in_order(world: World, client_for: Any) -> None:
    client = client_for("officer")
    page = client.get(f"/worklists/{HOME}/").content.decode()
    partial = client.get(f"/worklists/{HOME}/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="worklist-table")
    expected = [c.key for c in worklist_table.page_columns()]
    assert _headers(page) == expected == _headers(partial.content.decode())
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    first_row = body.split("</tr>", 1)[0]
    assert len(re.findall(r"<td[ >]", first_row)) == len(expected)  # one cell per header


def test_the_export_has_every_exported_column_in_the_definitions_order(world: World, client_for: Any) -> None:
    response = client_for("officer").get(f"/worklists/{HOME}/export.xlsx")
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    first_row = sheet.split("</row>", 1)[0]
    headers = re.findall(r"<t[^>]*>([^<]*)</t>", first_row)
    with translation.override("ru"):
        expected = [str(c.header) for c in worklist_table.COLUMNS if c.export]
    assert headers == expected
    page_keys = [c.key for c in worklist_table.page_columns()]
    exported_keys = [c.key for c in worklist_table.COLUMNS if c.export]
    assert [k for k in exported_keys if k in page_keys] == page_keys  # the page's columns, in the same order
