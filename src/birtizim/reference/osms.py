"""Compulsory social health insurance (ОСМС): who is insured, and why.

The rules here are the single statement of how a resident's status is decided. The synthetic
generator applies them to people's true situations to produce ground truth; the engine applies the
same order to the evidence it finds in agency lists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    STATE = "state"  # the state pays: one of the categories below
    CONTRIBUTOR = "contributor"  # insured by own or employer's contributions
    LAPSED = "lapsed"  # used to contribute, no payment within the grace period
    UNDETERMINED = "undetermined"  # found in no source: district officers must reach them
    LEFT = "left"  # deceased or emigrated: no longer a resident


DETERMINED = (Status.STATE, Status.CONTRIBUTOR, Status.LAPSED)


class ContributorType(StrEnum):
    EMPLOYEE = "employee"  # employer 3% + employee 2%
    ENTREPRENEUR = "entrepreneur"
    SELF_EMPLOYED = "self_employed"
    ESP = "esp"  # single aggregate payment (ЕСП)


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    name_ru: str
    name_kk: str
    name_en: str
    requires_not_working: bool  # contributions at the same time are a conflict


# The 15 categories (ARCHITECTURE.md) the state pays for, in the order used to pick one when several apply:
# categories that do not depend on employment first, then the "non-working" ones.
CATEGORIES: tuple[Category, ...] = (
    Category("children", "Дети до 18 лет", "18 жасқа дейінгі балалар", "Children under 18", False),
    Category("pensioner", "Получатели пенсий", "Зейнетақы алушылар", "Pension recipients", False),
    Category("disability", "Лица с инвалидностью", "Мүгедектігі бар адамдар", "Persons with disabilities", False),
    Category(
        "student", "Обучающиеся очной формы", "Күндізгі оқу нысанының білім алушылары", "Full-time students", False
    ),
    Category(
        "childcare_leave",
        "Отпуск по беременности, родам, уходу за ребёнком",
        "Жүктілік, босану, бала күтімі бойынша демалыс",
        "Maternity, adoption or childcare leave",
        False,
    ),
    Category("prisoner", "Лица, отбывающие наказание", "Жазасын өтеп жатқан адамдар", "Prisoners", False),
    Category("detained", "Лица под стражей", "Күзетпен ұсталған адамдар", "Persons in pre-trial detention", False),
    Category(
        "large_family_mother",
        "Многодетные матери (Алтын/Күміс алқа, Мать-героиня)",
        "Көпбалалы аналар (Алтын/Күміс алқа, Батыр ана)",
        "Mothers of large families with awards",
        False,
    ),
    Category("unemployed", "Зарегистрированные безработные", "Тіркелген жұмыссыздар", "Registered unemployed", True),
    Category(
        "nonworking_parent",
        "Неработающий родитель ребёнка до 3 лет",
        "3 жасқа дейінгі баланы тәрбиелейтін жұмыс істемейтін ата-ана",
        "Non-working parent of a child under 3",
        True,
    ),
    Category(
        "pregnant", "Неработающие беременные", "Жұмыс істемейтін жүкті әйелдер", "Non-working pregnant women", True
    ),
    Category(
        "disabled_child_carer",
        "Неработающие, ухаживающие за ребёнком с инвалидностью",
        "Мүгедек баланы күтетін жұмыс істемейтін адамдар",
        "Non-working carers of a disabled child",
        True,
    ),
    Category(
        "group1_carer",
        "Неработающие, ухаживающие за лицом с инвалидностью I группы",
        "I топтағы мүгедекті күтетін жұмыс істемейтін адамдар",
        "Non-working carers of a group-I disabled person",
        True,
    ),
    Category("kandas", "Неработающие кандасы", "Жұмыс істемейтін қандастар", "Non-working kandas", True),
    Category(
        "asp",
        "Неработающие получатели АСП",
        "АӘК алатын жұмыс істемейтін адамдар",
        "Non-working recipients of targeted social assistance",
        True,
    ),
)
CATEGORY_CODES = tuple(c.code for c in CATEGORIES)

# Contributions keep a person insured for this many months after the month of the last credited
# payment; after 60 months of regular payments the grace period is longer.
GRACE_MONTHS = 3
# Age at which a man (M) or a woman (F) receives the age pension.
PENSION_AGE = {"M": 63, "F": 61}
GRACE_MONTHS_REGULAR = 6
REGULAR_MONTHS = 60


def is_contribution_active(months_since_last_payment: int, months_paid_last_60: int) -> bool:
    grace = GRACE_MONTHS_REGULAR if months_paid_last_60 >= REGULAR_MONTHS else GRACE_MONTHS
    return 0 <= months_since_last_payment <= grace
