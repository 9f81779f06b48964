"""Validation rules in the style of DHIS2: left side, operator, right side, over named values.

A rule is data. It can be written as a dict or in TOML (an array of ``[[rule]]`` tables)::

    [[rule]]
    code = "reach_le_residents"
    name = "Reach within residents"
    left = "reach"
    operator = "<="
    right = "residents"
    importance = "high"
    message = "{district} logged {reach:int} people reached in {period}, more than its {residents:int} residents."

Fields: ``code``, ``name``, ``left``, ``operator``, ``right``, ``importance`` (high, medium, low),
``message`` (a template in English, see ``messages``), and optionally ``message_ru`` and
``message_kk`` (the same sentence in Russian and Kazakh), ``name_ru`` and ``name_kk``, ``when`` (a
condition the rule applies under, e.g. ``reach >= 2000``), ``missing`` and ``description``. A rule
needs at least one message; a reader whose language has none gets the Russian one, else English
(``Rule.template``). Operators: ``== != < <= > >=``
compare the two sides; ``compulsory_pair`` requires that both sides have a value or neither does;
``exclusive_pair`` that at most one does. ``missing`` is DHIS2's missing value strategy:
``skip_if_any_missing`` (default: a rule about a survey says nothing where there was no survey),
``skip_if_all_missing`` and ``never_skip`` (the missing values count as 0). Pair operators look at
presence itself, so they are never skipped.

Every name, operator and format is checked when a rule is loaded, against ``VALUE_NAMES``: an
administrator who mistypes ``reahc`` hears about it at once, with the list of names.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

from birtizim.outreach.data_elements import VALUE_NAMES
from birtizim.outreach.expressions import (
    Condition,
    Expression,
    ExpressionError,
    compare,
    parse,
    parse_condition,
)
from birtizim.outreach.messages import DEFAULT_LANGUAGE, LANGUAGES, Language, Template, parse_template

Operator = Literal["==", "!=", "<", "<=", ">", ">=", "compulsory_pair", "exclusive_pair"]
OPERATORS: tuple[Operator, ...] = get_args(Operator)
Importance = Literal["high", "medium", "low"]
IMPORTANCES: tuple[Importance, ...] = get_args(Importance)
MissingStrategy = Literal["skip_if_any_missing", "skip_if_all_missing", "never_skip"]
MISSING_STRATEGIES: tuple[MissingStrategy, ...] = get_args(MissingStrategy)
PAIRS = ("compulsory_pair", "exclusive_pair")


class RuleError(ValueError):
    """A rule definition is not valid; the message names the rule and the field."""


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    left: Expression
    operator: Operator
    right: Expression
    importance: Importance
    message: Template
    when: Condition | None = None
    missing: MissingStrategy = "skip_if_any_missing"
    description: str = ""
    messages: Mapping[Language, Template] = field(default_factory=dict)  # every language given, ``message`` too
    titles: Mapping[Language, str] = field(default_factory=dict)  # the name in each language given

    @property
    def names(self) -> frozenset[str]:
        """Every value the rule reads, in its sides and its condition."""
        return self.left.names | self.right.names | (self.when.names if self.when else frozenset())

    def template(self, language: Language = DEFAULT_LANGUAGE) -> Template:
        """The message in ``language``; else Russian (the region's working language), else English."""
        for candidate in (language, "ru", "en", "kk"):
            found = self.messages.get(candidate)
            if found is not None:
                return found
        return self.message

    def title(self, language: Language = DEFAULT_LANGUAGE) -> str:
        for candidate in (language, "ru", "en"):
            found = self.titles.get(candidate)
            if found:
                return found
        return self.name


Status = Literal["pass", "violation", "skipped"]


@dataclass(frozen=True)
class Outcome:
    """A rule's verdict on one district and period, with the numbers it saw."""

    rule: Rule
    status: Status
    left: float | None
    right: float | None
    reason: str = ""  # why it was skipped


MESSAGE_FIELDS: dict[Language, str] = {"en": "message", "ru": "message_ru", "kk": "message_kk"}
NAME_FIELDS: dict[Language, str] = {"en": "name", "ru": "name_ru", "kk": "name_kk"}
_FIELDS = (
    "code",
    "name",
    "name_ru",
    "name_kk",
    "left",
    "operator",
    "right",
    "importance",
    "message",
    "message_ru",
    "message_kk",
    "when",
    "missing",
    "description",
)
_REQUIRED = ("code", "name", "left", "operator", "right")


def rule_from_dict(item: Mapping[str, Any], names: Collection[str] = VALUE_NAMES) -> Rule:
    """Build and check one rule; ``names`` is the vocabulary of values."""
    label = f"rule {item.get('code', '(no code)')!r}"
    unknown = sorted(set(item) - set(_FIELDS))
    if unknown:
        raise RuleError(f"{label}: unknown field(s) {', '.join(unknown)}; fields are {', '.join(_FIELDS)}")
    missing = [f for f in _REQUIRED if not isinstance(item.get(f), str) or not str(item[f]).strip()]
    if not any(isinstance(item.get(f), str) and item[f].strip() for f in MESSAGE_FIELDS.values()):
        missing.append("message")
    if missing:
        raise RuleError(f"{label}: missing or empty field(s) {', '.join(missing)}")
    for key in ("when", "missing", "description", "importance", *MESSAGE_FIELDS.values(), *NAME_FIELDS.values()):
        if key in item and not isinstance(item[key], str):
            raise RuleError(f"{label}: {key} must be text")
    operator = item["operator"].strip()
    if operator not in OPERATORS:
        raise RuleError(f"{label}: operator {operator!r} is not one of {', '.join(OPERATORS)}")
    importance = item.get("importance", "medium")
    if importance not in IMPORTANCES:
        raise RuleError(f"{label}: importance {importance!r} is not one of {', '.join(IMPORTANCES)}")
    strategy = item.get("missing", "skip_if_any_missing")
    if strategy not in MISSING_STRATEGIES:
        raise RuleError(f"{label}: missing {strategy!r} is not one of {', '.join(MISSING_STRATEGIES)}")
    try:
        left = parse(item["left"], names)
        right = parse(item["right"], names)
        when = parse_condition(item["when"], names) if item.get("when") else None
        # A message may also quote the two sides as computed.
        messages: dict[Language, Template] = {}
        for language, key in MESSAGE_FIELDS.items():
            if str(item.get(key) or "").strip():
                try:
                    messages[language] = parse_template(item[key], {*names, "left", "right"}, language=language)
                except ExpressionError as exc:
                    raise ExpressionError(f"{key}: {exc}" if key != "message" else str(exc)) from None
    except ExpressionError as exc:
        raise RuleError(f"{label}: {exc}") from None
    message = next(messages[lang] for lang in (DEFAULT_LANGUAGE, *LANGUAGES) if lang in messages)
    titles = {lang: item[key].strip() for lang, key in NAME_FIELDS.items() if str(item.get(key) or "").strip()}
    return Rule(
        code=item["code"].strip(),
        name=item["name"].strip(),
        left=left,
        operator=operator,
        right=right,
        importance=importance,
        message=message,
        when=when,
        missing=strategy,
        description=item.get("description", ""),
        messages=messages,
        titles=titles,
    )


def rules_from_dicts(items: Iterable[Mapping[str, Any]], names: Collection[str] = VALUE_NAMES) -> list[Rule]:
    rules = [rule_from_dict(item, names) for item in items]
    codes = [r.code for r in rules]
    duplicates = sorted({c for c in codes if codes.count(c) > 1})
    if duplicates:
        raise RuleError(f"rule codes must be unique; repeated: {', '.join(duplicates)}")
    return rules


def rules_from_toml(text: str, names: Collection[str] = VALUE_NAMES) -> list[Rule]:
    """Rules from TOML text holding ``[[rule]]`` tables."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(f"cannot read the rules: {exc}") from None
    extra = sorted(set(data) - {"rule"})
    if extra:
        raise RuleError(f"the rules file holds [[rule]] tables only, not {', '.join(extra)}")
    items = data.get("rule", [])
    if not isinstance(items, list):
        raise RuleError("write rules as [[rule]] tables (an array), not a single [rule] table")
    return rules_from_dicts(items, names)


def rules_to_toml(items: Iterable[Mapping[str, str]]) -> str:
    """TOML text of rule dicts (``DEFAULT_RULE_DATA``, say): the starting point an administrator edits.

    A JSON string literal is a TOML basic string, except that TOML also forbids a raw DEL.
    """
    blocks = []
    for item in items:
        lines = ["[[rule]]"]
        for key in _FIELDS:
            if key in item:
                literal = json.dumps(item[key], ensure_ascii=False).replace("\x7f", "\\u007f")
                lines.append(f"{key} = {literal}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def load_rules(path: Path, names: Collection[str] = VALUE_NAMES) -> list[Rule]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(f"{path}: cannot read the rules: {exc}") from None
    try:
        return rules_from_toml(text, names)
    except RuleError as exc:
        raise RuleError(f"{path}: {exc}") from None


def check(rule: Rule, values: Mapping[str, float | None]) -> Outcome:
    """Apply ``rule`` to one district's values for one period."""
    if rule.when is not None:
        applies = rule.when.evaluate(values)
        if applies is None:
            return Outcome(rule, "skipped", None, None, f"cannot tell whether {rule.when.text}")
        if not applies:
            return Outcome(rule, "skipped", None, None, f"applies only when {rule.when.text}")
    if rule.operator in PAIRS:
        left, right = rule.left.evaluate(values), rule.right.evaluate(values)
        present = (left is not None) + (right is not None)
        broken = present == 1 if rule.operator == "compulsory_pair" else present == 2
        return Outcome(rule, "violation" if broken else "pass", left, right)
    side_names = rule.left.names | rule.right.names
    absent = {n for n in side_names if values.get(n) is None}
    if absent and (
        rule.missing == "skip_if_any_missing" or (rule.missing == "skip_if_all_missing" and absent == side_names)
    ):
        return Outcome(rule, "skipped", None, None, f"no value for {', '.join(sorted(absent))}")
    filled = {**values, **dict.fromkeys(absent, 0.0)}
    left, right = rule.left.evaluate(filled), rule.right.evaluate(filled)
    if left is None or right is None:
        return Outcome(rule, "skipped", left, right, "the arithmetic is undefined (division by zero)")
    return Outcome(rule, "pass" if compare(left, rule.operator, right) else "violation", left, right)


def explain(
    outcome: Outcome,
    values: Mapping[str, float | None],
    *,
    district: str,
    period: str,
    language: Language = DEFAULT_LANGUAGE,
) -> str:
    """The rule's one-sentence message for this outcome in ``language``, numbers filled in."""
    return outcome.rule.template(language).fill(
        {**values, "left": outcome.left, "right": outcome.right}, district=district, period=period
    )


# The defaults, as data: the same dicts could be written in TOML (``rules_from_toml``). Russian and
# Kazakh sentences name the district in the nominative ("Талгарский район сообщает..."), since the
# reference's names are nominative; numbers take the language's own punctuation (``messages``).
DEFAULT_RULE_DATA: list[dict[str, str]] = [
    {
        "code": "reach_le_residents",
        "name": "Reach within residents",
        "name_ru": "Охват не больше числа жителей",
        "name_kk": "Қамту тұрғындар санынан аспайды",
        "left": "reach",
        "operator": "<=",
        "right": "residents",
        "importance": "high",
        "message": "{district} logged {reach:int} people reached in {period}, more than its {residents:int} residents.",
        "message_ru": "{district}: в журнале за {period} охвачено {reach:count человек|человека|человек} — больше, "
        "чем всех жителей ({residents:int}).",
        "message_kk": "{district}: {period} журналында {reach:int} адам қамтылған — бұл барлық тұрғындар санынан "
        "({residents:int}) көп.",
        "description": "A month's logged reach cannot exceed everyone living in the district.",
    },
    {
        "code": "reported_reach_vs_survey",
        "name": "Reported coverage against survey awareness",
        "name_ru": "Заявленный охват и осведомлённость по опросу",
        "name_kk": "Мәлімделген қамту және сауалнама бойынша хабардарлық",
        # Anyone reached should have heard of OSMS, so the reported reach share should not exceed
        # the aware share (1 − unaware). 15 points allow for the survey's own error (about ±4 points
        # at n = 400) and for people who forget; more than that is not noise.
        "left": "reported_reach_share - (1 - survey_unaware_share)",
        "operator": "<=",
        "right": "0.15",
        "importance": "high",
        "message": "{district} reports {reported_reach_share:pct} of residents reached, yet the survey found "
        "{survey_unaware_share:pct} (95% CI {survey_unaware_low:pctn}–{survey_unaware_high:pct}) had never "
        "heard of OSMS and only {questions_to_date:int} questions were received for {reach_to_date:int} reached.",
        "message_ru": "{district} сообщает об охвате {reported_reach_share:pct} жителей, однако опрос показал, что "
        "{survey_unaware_share:pct} (95% ДИ {survey_unaware_low:pctn}–{survey_unaware_high:pct}) никогда не "
        "слышали об ОСМС, а на {reach_to_date:int} охваченных поступило лишь "
        "{questions_to_date:count вопрос|вопроса|вопросов}.",
        "message_kk": "{district} тұрғындардың {reported_reach_share:pct} қамтылғанын хабарлайды, алайда сауалнама "
        "бойынша {survey_unaware_share:pct} (95% сенім аралығы {survey_unaware_low:pctn}–{survey_unaware_high:pct}) "
        "МӘМС туралы мүлде естімеген, ал {reach_to_date:int} қамтылған адамнан небәрі "
        "{questions_to_date:count сұрақ} түскен.",
        "description": "Reported reach share minus the survey's aware share must not exceed 15 points.",
    },
    {
        "code": "reported_reach_vs_log",
        "name": "Reported coverage against the outreach log",
        "name_ru": "Заявленный охват и журнал мероприятий",
        "name_kk": "Мәлімделген қамту және іс-шаралар журналы",
        # Logged reach counts a person once per event, so it overstates coverage; a report above
        # even that overstatement by 20 points has no events behind it.
        "left": "reported_reach_share - reach_to_date / residents",
        "operator": "<=",
        "right": "0.2",
        "importance": "high",
        "message": "{district} reports {reported_reach_share:pct} of residents reached by {period}, but its "
        "outreach log adds up to {reach_to_date:int} people, {reach_to_date / residents:pct} of "
        "{residents:int} residents.",
        "message_ru": "{district} сообщает об охвате {reported_reach_share:pct} жителей на {period}, но по журналу "
        "мероприятий охвачено {reach_to_date:count человек|человека|человек} — {reach_to_date / residents:pct} из "
        "{residents:int} жителей.",
        "message_kk": "{district} {period} бойынша тұрғындардың {reported_reach_share:pct} қамтылғанын хабарлайды, "
        "бірақ іс-шаралар журналы бойынша {reach_to_date:int} адам қамтылған — {residents:int} тұрғынның "
        "{reach_to_date / residents:pct}.",
        "description": "Reported reach share may exceed logged reach per resident by at most 20 points.",
    },
    {
        "code": "questions_per_reach",
        "name": "Reach high while questions ≈ 0",
        "name_ru": "Охват большой, а обращений почти нет",
        "name_kk": "Қамту жоғары, ал өтініштер жоқтың қасы",
        # Outreach that reaches people raises questions (status, contributions, clinics): districts
        # with real events receive tens per 10,000 reached. Fewer than 2 suggests the reach is on paper.
        "left": "questions / reach * 10000",
        "operator": ">=",
        "right": "2",
        "when": "reach >= 2000",
        "importance": "medium",
        "message": "{district} logged {reach:int} people reached in {period} but received only "
        "{questions:count question} ({left:num} per 10,000 reached; at least {right:int} expected).",
        "message_ru": "{district}: за {period} охвачено {reach:count человек|человека|человек}, но поступило лишь "
        "{questions:count обращение|обращения|обращений} ({left:num} на 10\u00a0000 охваченных; ожидается не "
        "менее {right:int}).",
        "message_kk": "{district}: {period} ішінде {reach:int} адам қамтылған, бірақ небәрі "
        "{questions:count өтініш} түскен (қамтылған 10\u00a0000 адамға {left:num}; кемінде {right:int} күтіледі).",
        "description": "With 2,000 or more reached in a month, at least 2 questions per 10,000 reached.",
    },
    {
        "code": "actualisation_vs_list",
        "name": "Self-reported actualisation against the single list",
        "name_ru": "Актуализация по отчёту района и по единому списку",
        "name_kk": "Аудан есебіндегі және бірыңғай тізімдегі өзектендіру",
        "left": "abs(reported_actualisation - list_actualisation) * 100",
        "operator": "<=",
        "right": "5",
        "importance": "high",
        "message": "{district} reports actualisation of {reported_actualisation:pct1} for {period}, but the single "
        "list shows {list_actualisation:pct1} ({determined:int} of {residents:int} residents determined), "
        "{left:num} points apart.",
        "message_ru": "{district} сообщает об актуализации {reported_actualisation:pct1} за {period}, но по единому "
        "списку — {list_actualisation:pct1} (статус определён у {determined:int} из {residents:int} жителей), "
        "расхождение {left:num} п. п.",
        "message_kk": "{district} {period} үшін өзектендіруді {reported_actualisation:pct1} деп көрсетеді, ал "
        "бірыңғай тізім бойынша — {list_actualisation:pct1} ({residents:int} тұрғынның {determined:int} "
        "мәртебесі анықталған), айырмашылық {left:num} пайыздық тармақ.",
        "description": "The district's own actualisation figure within 5 points of the single list's.",
    },
    {
        "code": "report_filled_in",
        "name": "Both figures in a district report",
        "name_ru": "В отчёте района оба показателя",
        "name_kk": "Аудан есебінде екі көрсеткіш те бар",
        "left": "reported_reach_share",
        "operator": "compulsory_pair",
        "right": "reported_actualisation",
        "importance": "low",
        "message": "{district}'s report for {period} is incomplete: reach share {reported_reach_share:pct}, "
        "actualisation {reported_actualisation:pct1}; both must be filled in.",
        "message_ru": "{district}: отчёт за {period} заполнен не полностью — доля охвата "
        "{reported_reach_share:pct}, актуализация {reported_actualisation:pct1}; нужны оба показателя.",
        "message_kk": "{district}: {period} есебі толық толтырылмаған — қамту үлесі {reported_reach_share:pct}, "
        "өзектендіру {reported_actualisation:pct1}; екі көрсеткіш те қажет.",
        "description": "A submitted report gives both the reach share and the actualisation.",
    },
]

DEFAULT_RULES: tuple[Rule, ...] = tuple(rules_from_dicts(DEFAULT_RULE_DATA))
