"""Every flag explains itself in Russian, Kazakh and English: numbers in each language's style,
nouns agreeing with their numbers, district names from the reference, rules' sentences from TOML."""

import datetime as dt

import pytest
from outreach_cases import meeting_data, one

from birtizim.outreach.data_elements import VALUE_NAMES
from birtizim.outreach.expressions import ExpressionError
from birtizim.outreach.flags import evaluate_all
from birtizim.outreach.messages import NBSP, format_number, language_of, parse_template, russian_form
from birtizim.outreach.rules import (
    DEFAULT_RULE_DATA,
    DEFAULT_RULES,
    RuleError,
    check,
    explain,
    rule_from_dict,
    rules_from_toml,
    rules_to_toml,
)
from birtizim.synth.outreach import AS_OF, build_demo

MEETING_RU = (
    "Талгарский район сообщает об охвате 100% жителей, однако опрос показал, что 23% (95% ДИ 19–27%) никогда "
    "не слышали об ОСМС, а на 48\u00a0000 охваченных поступило лишь 3\u00a0вопроса."
)
MEETING_KK = (
    "Талғар ауданы тұрғындардың 100% қамтылғанын хабарлайды, алайда сауалнама бойынша 23% (95% сенім аралығы "
    "19–27%) МӘМС туралы мүлде естімеген, ал 48\u00a0000 қамтылған адамнан небәрі 3\u00a0сұрақ түскен."
)


def test_the_meeting_case_reads_correctly_in_russian_and_kazakh() -> None:
    flags = evaluate_all(meeting_data(), periods=["2019-11"], as_of=dt.date(2020, 1, 1), language="ru")
    flag = one(flags, "reported_reach_vs_survey", "talgar", "2019-11")
    assert flag.explanation == MEETING_RU
    for part in ("100%", "23%", "95% ДИ 19–27%", "3\u00a0вопроса"):
        assert part in flag.explanation
    assert flag.texts["kk"] == MEETING_KK
    assert flag.texts["en"].startswith("Talgar reports 100% of residents reached")
    assert flag.text("kk") == MEETING_KK and flag.text("en-us") == flag.texts["en"]
    # The numbers do not depend on the language.
    english = one(evaluate_all(meeting_data(), periods=["2019-11"]), "reported_reach_vs_survey", "talgar", "2019-11")
    assert english.numbers == flag.numbers and english.key == flag.key


def test_the_demo_reads_in_russian_with_dates_and_periods_as_russians_write_them() -> None:
    flags = evaluate_all(build_demo(1), as_of=AS_OF, language="ru")
    assert one(flags, "reported_reach_vs_survey", "enbekshikazakh", "2019-12").explanation == (
        "Енбекшиказахский район сообщает об охвате 100% жителей, однако опрос показал, что 23% (95% ДИ 19–27%) "
        f"никогда не слышали об ОСМС, а на 72{NBSP}000 охваченных поступило лишь 3{NBSP}вопроса."
    )
    log = one(flags, "reported_reach_vs_log", "enbekshikazakh", "2019-12").explanation
    assert f"охвачено 72{NBSP}000{NBSP}человек — 24% из 300{NBSP}000 жителей" in log
    assert "расхождение 6,1 п. п." in one(flags, "actualisation_vs_list", "kerbulak", "2019-12").explanation
    assert one(flags, "report_missing", "koksu", "2019-12").explanation == (
        f"Коксуский район не сдал отчёт за 12.2019 (срок 05.01.2020); сдали 18 из 19{NBSP}районов (95%)."
    )
    assert one(flags, "report_late", "talgar", "2019-11").explanation == (
        f"Талгарский район сдал отчёт за 11.2019 только 14.12.2019 — на 9{NBSP}дней позже срока (05.12.2019)."
    )
    sarkand = one(flags, "report_late", "sarkand", "2019-12").explanation
    assert sarkand.endswith(f"на 2{NBSP}дня позже срока (05.01.2020).")
    outlier = one(flags, "outlier_reach_over_time", "eskeldi", "2019-10").explanation
    assert outlier.startswith("Ескельдинский район: охват по журналу за 10.2019 — ")
    assert f"за 6{NBSP}месяцев" in outlier
    assert "н/д" in one(flags, "report_filled_in", "panfilov", "2019-09").explanation
    # Every flag has a sentence in each language, none of them English words in Russian.
    assert all(set(f.texts) == {"ru", "kk", "en"} for f in flags)
    assert not [f for f in flags if "reports" in f.texts["ru"] or "n/a" in f.texts["ru"]]
    kazakh = evaluate_all(build_demo(1), as_of=AS_OF, language="kk")
    assert one(kazakh, "report_missing", "koksu", "2019-12").explanation.startswith("Көксу ауданы 12.2019 есебін")
    assert [f.key for f in kazakh] == [f.key for f in flags]  # the order does not depend on the language


@pytest.mark.parametrize(
    ("n", "form"), [(1, 0), (21, 0), (101, 0), (2, 1), (4, 1), (22, 1), (0, 2), (5, 2), (11, 2), (12, 2), (14, 2)]
)
def test_russian_plural_forms(n: int, form: int) -> None:
    assert russian_form(n) == form


def test_numbers_follow_the_language() -> None:
    assert format_number(48000, "int", "ru") == f"48{NBSP}000"
    assert format_number(0.234, "pct1", "kk") == "23,4%"
    assert format_number(0.63, "num2", "ru") == "0,63"
    assert format_number(None, "pct", "ru") == "н/д"
    assert format_number(3, "count вопрос|вопроса|вопросов", "ru") == f"3{NBSP}вопроса"
    assert format_number(11, "count вопрос|вопроса|вопросов", "ru") == f"11{NBSP}вопросов"
    assert format_number(21, "count вопрос|вопроса|вопросов", "ru") == f"21{NBSP}вопрос"
    assert format_number(5, "count сұрақ", "kk") == f"5{NBSP}сұрақ"
    assert format_number(1, "count person|people", "en") == "1 person"
    assert format_number(2, "count person|people", "en") == "2 people"
    assert format_number(48000, "int") == "48,000"  # English stays as it was


def test_a_russian_count_needs_its_three_forms() -> None:
    with pytest.raises(ExpressionError, match="three forms"):
        parse_template("{n:count вопрос|вопросов}", {"n"}, language="ru")
    with pytest.raises(ExpressionError, match="unknown language"):
        parse_template("{n:int}", {"n"}, language="de")  # type: ignore[arg-type]


def test_language_codes_from_django_and_browsers() -> None:
    assert (language_of("ru"), language_of("kk"), language_of("en-us"), language_of(None)) == ("ru", "kk", "en", "ru")


def test_every_default_rule_has_its_three_sentences_and_names() -> None:
    for rule in DEFAULT_RULES:
        assert set(rule.messages) == {"ru", "kk", "en"}, rule.code
        assert rule.title("ru") != rule.title("en") and rule.title("kk") != rule.title("en")


def test_rules_written_in_toml_carry_russian_and_kazakh_sentences() -> None:
    text = """
[[rule]]
code = "reach_le_residents"
name = "Reach within residents"
name_ru = "Охват не больше числа жителей"
left = "reach"
operator = "<="
right = "residents"
message_ru = "{district}: охвачено {reach:count человек|человека|человек}, а жителей {residents:int}."
message_kk = "{district}: {reach:int} адам қамтылған, тұрғындар {residents:int}."
"""
    (rule,) = rules_from_toml(text)
    values = dict.fromkeys(VALUE_NAMES) | {"reach": 2102, "residents": 2000}
    outcome = check(rule, values)
    assert outcome.status == "violation"
    ru = explain(outcome, values, district="Талгарский район", period="10.2019", language="ru")
    assert ru == f"Талгарский район: охвачено 2{NBSP}102{NBSP}человека, а жителей 2{NBSP}000."
    # No English sentence was given: an English reader gets the Russian one, never an empty line.
    assert explain(outcome, values, district="Talgar", period="2019-10", language="en").startswith("Talgar: охвачено")
    assert rule.title("kk") == "Охват не больше числа жителей"  # no Kazakh name: the Russian one
    with pytest.raises(RuleError, match="message_ru: unknown name 'reahc'"):
        rule_from_dict({**DEFAULT_RULE_DATA[0], "message_ru": "{reahc:int}"})
    with pytest.raises(RuleError, match="missing or empty field"):
        rule_from_dict({k: v for k, v in DEFAULT_RULE_DATA[0].items() if not k.startswith("message")})


def test_the_defaults_written_as_toml_load_back_unchanged() -> None:
    loaded = rules_from_toml(rules_to_toml(DEFAULT_RULE_DATA))
    assert [(r.code, {k: t.text for k, t in r.messages.items()}) for r in loaded] == [
        (r.code, {k: t.text for k, t in r.messages.items()}) for r in DEFAULT_RULES
    ]
