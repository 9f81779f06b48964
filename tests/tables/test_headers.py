"""Header folding and matching, and headers made safe as column names."""

from __future__ import annotations

from birtizim.tables import headers

SYNONYMS = {
    "iin": ("ИИН", "ЖСН", "иин жсн"),
    "last_name": ("Фамилия", "Тегі"),
    "reach": ("Охват", "Қамту", "reach"),
    "district": ("Район", "Аудан", "District"),
}


def test_headers_are_folded_alike() -> None:
    assert headers.fold(" Тегі ") == headers.fold("ТЕГИ") == "теги"
    assert headers.fold("\ufeffИИН/ЖСН") == "иин жсн"
    assert headers.fold("Алаколь") == headers.fold("Алакөл")
    assert headers.fold("«Ф.И.О.»") == "ф и о"


def test_a_header_is_matched_whole_without_units_or_part_by_part() -> None:
    found, ignored = headers.match(
        ["ИИН/ЖСН", "Охват (чел.)", "Район/Аудан/District", "Тегі", "Примечание", "Фамилия", ""], SYNONYMS
    )
    assert found == {"iin": 0, "reach": 1, "district": 2, "last_name": 3}
    assert ignored == ["Примечание", "Фамилия"]  # a second surname column is not taken
    forced, _ = headers.match(["Номер", "Фамилия"], SYNONYMS, explicit={"номер": "iin"})
    assert forced == {"iin": 0, "last_name": 1}


def test_headers_become_safe_unique_column_names() -> None:
    names = headers.clean(["ИИН", "иин", "", 'Фамилия"; DROP', "a\x00b\u2028c", "_row", "x" * 500], reserved=("_row",))
    assert names[:4] == ["ИИН", "иин_2", "column3", 'Фамилия"; DROP']  # DuckDB names ignore case
    assert names[4] == "a b c" and names[5] == "_row_2" and len(names[6]) == 200
