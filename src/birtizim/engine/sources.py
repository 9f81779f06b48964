"""Source kinds, and how their columns are recognised.

Agencies name the same column in Russian, Kazakh or English and spell it loosely ("ИИН", "ЖСН",
"ИИН/ЖСН", "Ф.И.О."). Headers are folded and looked up in ``SYNONYMS`` by ``birtizim.tables.headers``
(whole, without a unit in brackets, then part by part); a file with a layout nobody foresaw is read
with a TOML mapping ``{column in file -> canonical field}``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from birtizim.tables import headers as header_rules
from birtizim.tables.sniff import TableError

KINDS = ("registry", "contributions", "unemployed", "pension", "disability", "students", "childcare", "asp")

PERSON_FIELDS = (
    "iin",
    "last_name",
    "first_name",
    "patronymic",
    "full_name",
    "birth_date",
    "sex",
    "district",
    "address",
    "phone",
)
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "registry": ("registry_status", "status_date"),
    "contributions": ("payer_type", "last_payment_month", "months_paid_60"),
    "unemployed": ("registration_date",),
    "pension": ("payment_type",),
    "disability": ("disability_group",),
    "students": ("institution", "study_form"),
    "childcare": ("child_birth_date", "childcare_reason"),
    "asp": ("assigned_date",),
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "iin": (
        "иин",
        "жсн",
        "iin",
        "иин жсн",
        "жсн иин",
        "иин физического лица",
        "индивидуальный идентификационный номер",
        "жеке сәйкестендіру нөмірі",
        "iin number",
    ),
    "last_name": ("фамилия", "тегі", "тегi", "last name", "surname", "family name"),
    "first_name": ("имя", "аты", "first name", "given name", "name"),
    "patronymic": ("отчество", "әкесінің аты", "акесинин аты", "patronymic", "middle name", "father name"),
    "full_name": ("фио", "ф и о", "аты жөні", "аты жони", "толық аты жөні", "full name", "фамилия имя отчество"),
    "birth_date": (
        "дата рождения",
        "туған күні",
        "туган куни",
        "туған күні мен жылы",
        "birth date",
        "date of birth",
        "дата рожд",
    ),
    "sex": ("пол", "жынысы", "sex", "gender"),
    "district": ("район", "аудан", "district", "район город", "ауданы", "район проживания", "населенный пункт район"),
    "address": ("адрес", "мекенжай", "address", "адрес проживания"),
    "phone": ("телефон", "номер телефона", "моб телефон", "мобильный телефон", "телефон нөмірі", "phone", "mobile"),
    "registry_status": ("статус", "мәртебесі", "status"),
    "status_date": ("дата изменения статуса", "дата смерти выбытия", "status date"),
    "payer_type": ("категория плательщика", "тип плательщика", "төлеуші санаты", "payer type"),
    "last_payment_month": (
        "последний период платежа",
        "последний период",
        "период последнего платежа",
        "соңғы төлем кезеңі",
        "last payment month",
        "last payment",
    ),
    "months_paid_60": (
        "кол во месяцев с взносами за 60 мес",
        "количество месяцев с взносами",
        "months paid 60",
        "months paid",
    ),
    "registration_date": ("дата регистрации", "тіркелген күні", "registration date"),
    "payment_type": ("вид выплаты", "төлем түрі", "payment type"),
    "disability_group": ("мүгедектік тобы", "группа инвалидности", "disability group", "группа"),
    "institution": ("учебное заведение", "оқу орны", "institution"),
    "study_form": ("форма обучения", "оқу нысаны", "study form"),
    "child_birth_date": ("дата рождения ребёнка", "дата рождения ребенка", "баланың туған күні", "child birth date"),
    "childcare_reason": ("основание", "негіздеме", "reason"),
    "assigned_date": ("тағайындалған күні", "дата назначения", "assigned date"),
}


# A source file that cannot be used as it is: the message names the file and what is wrong. The one
# error of every reader (``birtizim.tables``); the engine's name for it.
SourceError = TableError


@dataclass(frozen=True)
class Mapping:
    """A TOML mapping for a file of unknown layout."""

    columns: dict[str, str] = field(default_factory=dict)  # column in file -> canonical field

    @classmethod
    def load_all(cls, path: Path) -> dict[str, Mapping]:
        """Read a TOML mapping: ``[columns]`` applies to every source, ``[KIND]`` to one kind.

        Example::

            [contributions]
            "ИИН плательщика" = "iin"
            "Плательщик" = "full_name"
        """
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SourceError(f"{path}: cannot read the mapping: {exc}") from None
        out = {}
        for key, table in data.items():
            if key != "columns" and key not in KINDS:
                raise SourceError(f"{path}: [{key}] is neither [columns] nor a source kind ({', '.join(KINDS)})")
            if not isinstance(table, dict):
                raise SourceError(f"{path}: [{key}] must be a table of column = field")
            out["*" if key == "columns" else key] = cls._checked(path, table)
        return out

    @classmethod
    def _checked(cls, path: Path, columns: dict[str, object]) -> Mapping:
        known = set(PERSON_FIELDS) | {f for fields in KIND_FIELDS.values() for f in fields}
        bad = {k: v for k, v in columns.items() if not isinstance(v, str) or v not in known}
        if bad:
            raise SourceError(
                f"{path}: unknown canonical fields {sorted(map(str, bad.values()))}; known: {', '.join(sorted(known))}"
            )
        return cls(columns={str(k): str(v) for k, v in columns.items()})


def recognise(headers: list[str], kind: str, path: Path, mapping: Mapping | None = None) -> dict[str, str]:
    """Map canonical field -> header in the file; raise ``SourceError`` when a required one is missing."""
    positions, _ = header_rules.match(headers, SYNONYMS, explicit=mapping.columns if mapping else None)
    found = {canon: headers[i] for canon, i in positions.items()}
    if "iin" not in found:
        raise SourceError(
            f"{path}: no IIN column (looked for {', '.join(SYNONYMS['iin'][:3])}; "
            f"columns are: {', '.join(headers)}); give a mapping with --mapping"
        )
    has_names = "full_name" in found or ("last_name" in found and "first_name" in found)
    if not has_names:
        raise SourceError(
            f"{path}: no name columns (need ФИО, or Фамилия and Имя; columns are: "
            f"{', '.join(headers)}); give a mapping with --mapping"
        )
    if kind == "registry" and "birth_date" not in found:
        raise SourceError(f"{path}: the population registry needs a birth date column (Дата рождения)")
    return found
