"""The agencies' own lists, written the way agencies really send them, with known noise.

Each list is a ``SourceSpec``: which people it holds, its file format, encoding and headers, how its
clerks spell names and how its spreadsheets damage IINs. ``build_rows`` turns a spec into the file's
columns plus a truth table that records, per row, the true person and every kind of noise applied.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from birtizim.reference import Region
from birtizim.synth import contacts, damage
from birtizim.synth.forms import NameForms
from birtizim.synth.population import BoolArray, IntArray, Population
from birtizim.synth.spelling import Spelling

NOISE_KINDS = (
    "duplicate",  # a second row for the same person in the same list
    "outsider",  # a person who is not in the population registry
    "stale_departed",  # a deceased or emigrated person still listed
    "spelling",  # name written in another script than the registry's
    "surname_suffix",  # surname with -ов/-ев added or dropped
    "patronymic_style",  # -ұлы/-қызы written as -ович/-овна or the other way
    "name_swap",  # surname and first name swapped
    "name_typo",  # one letter of the surname mistyped
    "wrong_district",  # district differs from the registry's
    "iin_missing",
    "iin_typo",  # one digit substituted
    "iin_swap",  # two neighbouring digits swapped
    "iin_format",  # spaces, apostrophe or trailing ".0"
    "iin_scientific",  # 9.91028E+11: digits lost for good
    "iin_leading_zero_lost",  # a numeric cell dropped leading zeros
)


@dataclass(frozen=True)
class Noise:
    """Per-row probabilities of each kind of noise (the registry itself has none)."""

    duplicate: float = 0.005
    outsider: float = 0.003
    surname_suffix: float = 0.03
    patronymic_style: float = 0.05
    name_swap: float = 0.005
    name_typo: float = 0.01
    wrong_district: float = 0.02
    iin_missing: float = 0.01
    iin_typo: float = 0.005
    iin_swap: float = 0.003
    iin_format: float = 0.01
    iin_scientific: float = 0.0
    iin_numeric_cell: float = 0.0  # share of rows whose IIN passed through a numeric spreadsheet cell


CLEAN = Noise(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class SourceSpec:
    kind: str
    agency: str
    filename: str
    headers: dict[str, str]  # canonical field -> header as the agency writes it (file column order)
    fmt: str = "csv"  # "csv" or "xlsx"
    encoding: str = "utf-8"
    delimiter: str = ","
    spellings: tuple[float, float, float, float] = (0.5, 0.4, 0.07, 0.03)  # by Spelling
    district_language: str = "ru"
    noise: Noise = field(default_factory=Noise)
    stale_share: float = 0.0  # share of the relevant departed people still listed


RU_PERSON = {"iin": "ИИН", "last_name": "Фамилия", "first_name": "Имя", "patronymic": "Отчество"}
KK_PERSON = {"iin": "ЖСН", "last_name": "Тегі", "first_name": "Аты", "patronymic": "Әкесінің аты"}

SOURCES: tuple[SourceSpec, ...] = (
    SourceSpec(
        kind="registry",
        agency="Population registry (ГБД ФЛ)",
        filename="registry.csv",
        headers={
            **RU_PERSON,
            "birth_date": "Дата рождения",
            "sex": "Пол",
            "district": "Район",
            "address": "Адрес",
            "phone": "Телефон",
            "registry_status": "Статус",
            "status_date": "Дата изменения статуса",
        },
        spellings=(1.0, 0.0, 0.0, 0.0),
        noise=CLEAN,
    ),
    SourceSpec(
        kind="contributions",
        agency="State Revenue Department: OSMS contributions",
        filename="kgd_contributions.csv",
        encoding="utf-8-sig",
        delimiter=";",
        headers={
            "iin": "ИИН",
            "full_name": "ФИО",
            "payer_type": "Категория плательщика",
            "last_payment_month": "Последний период платежа",
            "months_paid_60": "Кол-во месяцев с взносами за 60 мес.",
        },
        spellings=(0.3, 0.6, 0.1, 0.0),
        noise=Noise(iin_scientific=0.004, iin_numeric_cell=0.6),
        stale_share=0.03,
    ),
    SourceSpec(
        kind="unemployed",
        agency="Employment and social programmes department: registered unemployed",
        filename="enbek_unemployed.csv",
        encoding="cp1251",  # Kazakh letters do not exist in cp1251: clerks type Russian spellings
        delimiter=";",
        headers={
            **RU_PERSON,
            "birth_date": "Дата рождения",
            "district": "Район",
            "registration_date": "Дата регистрации",
        },
        spellings=(0.0, 0.9, 0.1, 0.0),
    ),
    SourceSpec(
        kind="pension",
        agency="State Centre for Pension Payments: pension recipients",
        filename="gcvp_pension.csv",
        headers={
            "iin": "ИИН",
            "full_name": "ФИО",
            "birth_date": "Дата рождения",
            "payment_type": "Вид выплаты",
            "district": "Район",
        },
        spellings=(0.4, 0.6, 0.0, 0.0),
        stale_share=0.08,
    ),
    SourceSpec(
        kind="disability",
        agency="Social protection: persons with disabilities",
        filename="disability.xlsx",
        fmt="xlsx",
        headers={**KK_PERSON, "birth_date": "Туған күні", "disability_group": "Мүгедектік тобы", "district": "Аудан"},
        spellings=(0.8, 0.2, 0.0, 0.0),
        district_language="kk",
        noise=Noise(iin_numeric_cell=0.5),
        stale_share=0.02,
    ),
    SourceSpec(
        kind="students",
        agency="Education: full-time students (TVET, higher education)",
        filename="students.tsv",
        delimiter="\t",
        headers={
            **RU_PERSON,
            "birth_date": "Дата рождения",
            "institution": "Учебное заведение",
            "study_form": "Форма обучения",
        },
        spellings=(0.5, 0.3, 0.1, 0.1),
    ),
    SourceSpec(
        kind="childcare",
        agency="Social protection: childcare leave and non-working parents of children under 3",
        filename="childcare.xlsx",
        fmt="xlsx",
        headers={**RU_PERSON, "child_birth_date": "Дата рождения ребёнка", "childcare_reason": "Основание"},
        spellings=(0.4, 0.6, 0.0, 0.0),
        noise=Noise(iin_numeric_cell=0.3),
    ),
    SourceSpec(
        kind="asp",
        agency="Employment and social programmes department: targeted social assistance (АСП)",
        filename="asp.xlsx",
        fmt="xlsx",
        headers={**KK_PERSON, "district": "Аудан", "assigned_date": "Тағайындалған күні"},
        spellings=(0.7, 0.3, 0.0, 0.0),
        district_language="kk",
        noise=Noise(iin_numeric_cell=0.5),
        stale_share=0.02,
    ),
)

PAYER_TYPES = ("", "Наемный работник", "Индивидуальный предприниматель", "Самозанятый", "Плательщик ЕСП")
INSTITUTIONS = (
    "Жетысуский университет им. И. Жансугурова",
    "Талдыкорганский высший медицинский колледж",
    "Казахский национальный университет им. аль-Фараби",
    "Южно-Казахстанский университет им. М. Ауэзова",
    "Высший колледж APEC PetroTechnic",
    "Текелийский горно-индустриальный колледж",
)
STREETS = tuple(
    f"ул. {s}"
    for s in (
        "Абая",
        "Жансугурова",
        "Толе би",
        "Кабанбай батыра",
        "Гагарина",
        "Ауэзова",
        "Шевченко",
        "Желтоксан",
        "Райымбека",
        "Сейфуллина",
        "Назарбаева",
        "Бокейханова",
        "Иманова",
        "Жамбыла",
        "Момышулы",
        "Байтурсынова",
        "Мира",
        "Ленина",
        "Победы",
        "Школьная",
        "Садовая",
        "Молодежная",
        "Восточная",
        "Центральная",
        "Тауелсиздик",
        "Алтынсарина",
        "Кунаева",
        "Сатпаева",
        "Валиханова",
        "Мамыр",
        "Достык",
        "Байзакова",
        "Акана серэ",
        "Биржан сала",
        "Есенберлина",
        "Майлина",
        "Токаша Бокина",
        "Суюнбая",
        "Шокая",
        "Карасай батыра",
    )
)


@dataclass
class Rows:
    """One agency list: file columns (canonical field -> Arrow array) and per-row truth."""

    spec: SourceSpec
    columns: dict[str, pa.Array]
    iin_numeric: BoolArray  # rows whose IIN is a number (XLSX cells)
    truth: pa.Table
    # cells written other than their column's type (harsh damage: a birth date as "12.03.85" or as an
    # Excel serial number, or left empty): canonical field -> row index -> value
    overrides: dict[str, dict[int, Any]] = field(default_factory=dict)


def _members(spec: SourceSpec, pop: Population, rng: np.random.Generator) -> tuple[IntArray, BoolArray]:
    """Indices of the people this list should hold, and which of them are stale departed entries."""
    s = pop.situation
    departed = pop.registry_status > 0
    relevant_departed: BoolArray
    if spec.kind == "registry":
        return np.arange(len(pop)), np.zeros(len(pop), bool)
    if spec.kind == "contributions":
        member = pop.contributor_type > 0
        relevant_departed = departed & (pop.age() < 70)
    elif spec.kind == "pension":
        member = s["pensioner"]
        relevant_departed = departed & (pop.age() >= 61)
    elif spec.kind == "childcare":
        member = s["childcare_leave"] | s["nonworking_parent"]
        relevant_departed = np.zeros(len(pop), bool)
    elif spec.kind == "students":
        member = s["student"]
        relevant_departed = np.zeros(len(pop), bool)
    else:
        member = s[spec.kind]
        relevant_departed = departed & (pop.age() >= 18)
    stale = relevant_departed & (rng.random(len(pop)) < spec.stale_share)
    idx = np.flatnonzero(member | stale)
    return idx, stale[idx]


def build_rows(
    spec: SourceSpec,
    pop: Population,
    outsiders: dict[str, Any],
    region: Region,
    forms: NameForms,
    rng: np.random.Generator,
    damage_rng: np.random.Generator | None = None,
    contacts_rng: np.random.Generator | None = None,
    *,
    first_row: int = 2,
) -> Rows:
    """The rows of one list. ``damage_rng`` adds the harsh damage of ``synth.damage`` from its own
    generator, after the standard noise, so the standard rows of a seed stay as they are.
    ``first_row`` is the file row the first of them lands on: past the rows of the chunks written before."""
    nz = spec.noise
    idx, stale = _members(spec, pop, rng)
    n_pop = len(pop)

    # People outside the registry join the list (indices past the population).
    n_out = rng.binomial(len(idx), nz.outsider) if nz.outsider else 0
    n_out = min(n_out, len(outsiders["iin"]))
    out_idx = n_pop + rng.choice(len(outsiders["iin"]), n_out, replace=False)
    idx = np.concatenate([idx, out_idx])
    stale = np.concatenate([stale, np.zeros(n_out, bool)])

    # Duplicates: a second row for some people, noised independently below.
    dup = rng.random(len(idx)) < nz.duplicate
    idx = np.concatenate([idx, idx[dup]])
    stale = np.concatenate([stale, stale[dup]])
    is_dup = np.concatenate([np.zeros(len(dup), bool), np.ones(int(dup.sum()), bool)])

    order = rng.permutation(len(idx))
    idx, stale, is_dup = idx[order], stale[order], is_dup[order]
    n = len(idx)
    outsider = idx >= n_pop

    def col(name: str) -> npt.NDArray[Any]:
        own = getattr(pop, name)
        other = outsiders[name]
        values: npt.NDArray[Any] = np.where(
            outsider, other[np.clip(idx - n_pop, 0, None)], own[np.clip(idx, None, n_pop - 1)]
        )
        return values

    flags = {k: np.zeros(n, bool) for k in NOISE_KINDS}
    flags["duplicate"] = is_dup
    flags["outsider"] = outsider
    flags["stale_departed"] = stale

    # --- names -------------------------------------------------------------------------------
    spelling = rng.choice(len(Spelling), n, p=np.array(spec.spellings) / sum(spec.spellings))
    surname_form = col("surname_form")
    patronymic_form = col("patronymic_form")
    female = col("female")
    kk_entries = forms.surname_groups["kk"][1]
    suffix = (rng.random(n) < nz.surname_suffix) & (surname_form // 3 < kk_entries)
    surname_form = np.where(
        suffix,
        np.where(surname_form % 3 == 2, surname_form - 2 + female, surname_form - surname_form % 3 + 2),
        surname_form,
    )
    kk_fathers = forms.father_groups["kk"][1]
    style = (rng.random(n) < nz.patronymic_style) & (patronymic_form >= 0) & (patronymic_form // 4 < kk_fathers)
    patronymic_form = np.where(style, patronymic_form ^ 2, patronymic_form)

    first_form = col("first_form")
    last = forms.surname[spelling, surname_form]
    first = forms.first[spelling, first_form]
    patronymic_at = np.maximum(patronymic_form, 0)
    patronymic = cast(
        "npt.NDArray[np.object_]", np.where(patronymic_form >= 0, forms.patronymic[spelling, patronymic_at], None)
    )
    canon = Spelling.CANONICAL
    flags["spelling"] = (
        (last != forms.surname[canon, surname_form])
        | (first != forms.first[canon, first_form])
        | ((patronymic_form >= 0) & (patronymic != forms.patronymic[canon, patronymic_at]))
    )
    flags["surname_suffix"] = suffix
    flags["patronymic_style"] = style

    swap = rng.random(n) < nz.name_swap
    last, first = np.where(swap, first, last), np.where(swap, last, first)
    flags["name_swap"] = swap
    typo = np.flatnonzero(rng.random(n) < nz.name_typo)
    last = last.copy()
    for i, pos, op in zip(typo, rng.random(len(typo)), rng.integers(0, 3, len(typo)), strict=True):
        last[i] = _mistype(last[i], pos, int(op))
    flags["name_typo"][typo] = True

    # --- IIN -----------------------------------------------------------------------------------
    iin_digits = col("iin")
    text = np.array(pc.utf8_lpad(pc.cast(pa.array(iin_digits), pa.string()), 12, "0").to_pylist(), dtype=object)
    kind = rng.choice(6, n, p=_iin_noise_p(nz))  # 0 none, 1 missing, 2 typo, 3 swap, 4 format, 5 scientific
    for i in np.flatnonzero(kind == 2):
        text[i] = _substitute_digit(text[i], rng)
    for i in np.flatnonzero(kind == 3):
        text[i] = _swap_digits(text[i], rng)
    numeric = (kind <= 3) & (kind != 1) & (rng.random(n) < nz.iin_numeric_cell)
    lost_zero = numeric & np.array([t[0] == "0" for t in text], bool) if n else numeric
    if spec.fmt == "csv":  # the sheet was saved back to CSV: digits as the number shows them
        for i in np.flatnonzero(lost_zero):
            text[i] = text[i].lstrip("0")
    for i in np.flatnonzero(kind == 4):
        text[i] = _decorate(text[i], rng)
    for i in np.flatnonzero(kind == 5):
        text[i] = f"{int(text[i]):.5E}"
    text[kind == 1] = ""
    flags["iin_missing"] = kind == 1
    flags["iin_typo"] = kind == 2
    flags["iin_swap"] = kind == 3
    flags["iin_format"] = kind == 4
    flags["iin_scientific"] = kind == 5
    flags["iin_leading_zero_lost"] = lost_zero

    # --- other fields --------------------------------------------------------------------------
    district = col("district")
    wrong = (rng.random(n) < nz.wrong_district) & ("district" in spec.headers)
    district = np.where(wrong, (district + rng.integers(1, len(region.districts), n)) % len(region.districts), district)
    flags["wrong_district"] = wrong
    names_by_lang = {
        "ru": np.array([d.name_ru for d in region.districts], dtype=object),
        "kk": np.array([d.name_kk for d in region.districts], dtype=object),
        "en": np.array([d.name_en for d in region.districts], dtype=object),
    }
    birth = col("birth_date")
    hit = None
    if damage_rng is not None and spec.kind != "registry":
        hit = damage.apply(
            kind=spec.kind, headers=spec.headers, encoding=spec.encoding, pop=pop, idx=idx, outsider=outsider,
            last=last, first=first, patronymic=patronymic, iin=text, birth=birth, rng=damage_rng,
        )  # fmt: skip
        last, first, patronymic, text = hit.last, hit.first, hit.patronymic, hit.iin
        # Another resident's IIN, or none, replaces the cell: the standard IIN noise no longer describes
        # it. Dashes, spaces, letters or scientific notation write the same digits another way. Either
        # way the cell is text now.
        replaced = hit.flags["relative_iin"] | hit.flags["random_iin"] | hit.flags["iin_missing"]
        for noise in ("iin_missing", "iin_typo", "iin_swap", "iin_format", "iin_scientific", "iin_leading_zero_lost"):
            flags[noise] &= ~replaced
        for iin_kind in damage.IIN_KINDS:
            numeric = numeric & ~hit.flags[iin_kind.name]
    values: dict[str, Any] = {
        "iin": text,
        "last_name": last,
        "first_name": first,
        "patronymic": patronymic,
        "birth_date": birth,
        "sex": np.where(female, "Ж", "М"),
        "district": names_by_lang[spec.district_language][district],
    }
    if "full_name" in spec.headers and hit is not None:
        values["full_name"] = pa.array(damage.full_names(hit), pa.string())
    elif "full_name" in spec.headers:
        values["full_name"] = pc.binary_join_element_wise(
            pa.array(last, pa.string()),
            pa.array(first, pa.string()),
            pa.array(patronymic, pa.string()),
            " ",
            null_handling="skip",
        )
    values.update(_kind_fields(spec, pop, idx, outsider, birth, rng))
    if spec.kind == "registry":
        # from a generator of their own: the other columns and files of a seed stay as they were
        own = np.clip(idx, None, n_pop - 1)
        reach = contacts_rng or np.random.default_rng(contacts.SEED_SALT)
        values["address"] = contacts.addresses(
            region, pop.district[own], pop.street[own], pop.house[own], STREETS, reach
        )
        values["phone"] = contacts.phones(n, reach)

    columns = {canon: _arrow(values[canon]) for canon in spec.headers}
    person_id = np.where(outsider, 0, pop.person_id[np.clip(idx, None, n_pop - 1)])
    truth = pa.table(
        {
            "source": pa.array([spec.kind] * n, pa.string()),
            # The row as Excel shows it: the header is row 1 in every file the writers produce.
            "row_number": pa.array(np.arange(first_row, first_row + n, dtype=np.int64)),
            "person_id": pa.array(person_id, mask=outsider),
            **{f"noise_{k}": pa.array(v) for k, v in flags.items()},
            **({f"damage_{k}": pa.array(v) for k, v in hit.flags.items()} if hit is not None else {}),
        }
    )
    return Rows(
        spec=spec,
        columns=columns,
        iin_numeric=numeric,
        truth=truth,
        overrides={k: v for k, v in (hit.overrides if hit else {}).items() if k in spec.headers},
    )


def _arrow(values: Any) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return pa.array(arr.astype("datetime64[D]"))
    if arr.dtype == object:
        return pa.array(arr, pa.string())
    return pa.array(arr)


def _iin_noise_p(nz: Noise) -> list[float]:
    p = [nz.iin_missing, nz.iin_typo, nz.iin_swap, nz.iin_format, nz.iin_scientific]
    return [1 - sum(p), *p]


def _substitute_digit(value: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(0, 12))
    d = str((int(value[i]) + int(rng.integers(1, 10))) % 10)
    return value[:i] + d + value[i + 1 :]


def _swap_digits(value: str, rng: np.random.Generator) -> str:
    positions = [i for i in range(11) if value[i] != value[i + 1]]
    i = positions[int(rng.integers(0, len(positions)))]
    return value[:i] + value[i + 1] + value[i] + value[i + 2 :]


def _decorate(value: str, rng: np.random.Generator) -> str:
    style = int(rng.integers(0, 4))
    if style == 0:
        return f"{value[:4]} {value[4:8]} {value[8:]}"
    if style == 1:
        return "'" + value
    if style == 2:
        return value + ".0"
    return f" {value} "


def _mistype(name: str, pos: float, op: int) -> str:
    if len(name) < 3:
        return name
    i = 1 + int(pos * (len(name) - 1))  # keep the first letter: clerks rarely get it wrong
    i = min(i, len(name) - 1)
    if op == 0:  # dropped letter
        return name[:i] + name[i + 1 :]
    if op == 1:  # doubled letter
        return name[:i] + name[i] + name[i:]
    j = i - 1 if i == len(name) - 1 else i  # swapped neighbours
    if name[j] == name[j + 1]:
        return name[:j] + name[j + 1 :]
    return name[:j] + name[j + 1] + name[j] + name[j + 2 :]


def _months_ago(as_of: dt.date, months: IntArray) -> list[str]:
    total = as_of.year * 12 + (as_of.month - 1) - months
    return [f"{m % 12 + 1:02d}.{m // 12}" for m in total.tolist()]


def _kind_fields(
    spec: SourceSpec,
    pop: Population,
    idx: IntArray,
    outsider: BoolArray,
    birth: npt.NDArray[np.datetime64],
    rng: np.random.Generator,
) -> dict[str, Any]:
    n = len(idx)
    own = np.clip(idx, None, len(pop) - 1)
    as_of = np.datetime64(pop.as_of, "D")

    def days_ago(lo: int, hi: int) -> npt.NDArray[np.datetime64]:
        return as_of - rng.integers(lo, hi, n).astype("timedelta64[D]")

    if spec.kind == "registry":
        # The registry holds everyone once, in its own (shuffled) row order: index by ``own``.
        status_text = np.array(["Проживает", "Умер", "Выбыл за пределы РК"], dtype=object)[pop.registry_status[own]]
        return {"registry_status": status_text, "status_date": pop.event_date[own]}
    if spec.kind == "contributions":
        ctype = np.where(outsider, 1, pop.contributor_type[own])
        since = np.where(outsider, 0, pop.months_since_payment[own])
        # Stale departed rows: payments kept arriving after death or departure.
        since = np.where(since < 0, rng.integers(0, 3, n), since)
        ctype = np.where(ctype <= 0, 1, ctype)
        paid = np.where(outsider, rng.integers(1, 61, n), np.maximum(pop.months_paid_60[own], 1))
        return {
            "payer_type": np.array(PAYER_TYPES, dtype=object)[ctype],
            "last_payment_month": np.array(_months_ago(pop.as_of, since), dtype=object),
            "months_paid_60": paid,
        }
    if spec.kind == "unemployed":
        return {"registration_date": days_ago(10, 400)}
    if spec.kind == "pension":
        return {"payment_type": np.where(rng.random(n) < 0.9, "Пенсия по возрасту", "Базовая пенсионная выплата")}
    if spec.kind == "disability":
        return {"disability_group": np.array(["I", "II", "III"], dtype=object)[rng.choice(3, n, p=[0.1, 0.4, 0.5])]}
    if spec.kind == "students":
        return {
            "institution": np.array(INSTITUTIONS, dtype=object)[rng.integers(0, len(INSTITUTIONS), n)],
            "study_form": np.full(n, "очная", dtype=object),
        }
    if spec.kind == "childcare":
        leave = np.where(outsider, True, pop.situation["childcare_leave"][own])
        reason = np.where(leave, "Отпуск по уходу за ребёнком", "Неработающий родитель ребёнка до 3 лет")
        return {"child_birth_date": days_ago(1, 3 * 365), "childcare_reason": reason}
    if spec.kind == "asp":
        return {"assigned_date": days_ago(10, 365)}
    return {}
