"""Each default rule on hand-built values (fires / does not fire), the operators, and rules as data."""

import textwrap
from pathlib import Path

import pytest

from birtizim.outreach import rules as rules_module
from birtizim.outreach.data_elements import VALUE_NAMES
from birtizim.outreach.rules import (
    DEFAULT_RULE_DATA,
    DEFAULT_RULES,
    Rule,
    RuleError,
    check,
    explain,
    load_rules,
    rule_from_dict,
    rules_from_dicts,
    rules_from_toml,
)


def values(**given: float | None) -> dict[str, float | None]:
    out: dict[str, float | None] = dict.fromkeys(VALUE_NAMES)
    out.update(given)
    return out


def rule(code: str) -> Rule:
    return next(r for r in DEFAULT_RULES if r.code == code)


def test_reach_within_residents() -> None:
    r = rule("reach_le_residents")
    assert check(r, values(reach=48000, residents=200000)).status == "pass"
    assert check(r, values(reach=200000, residents=200000)).status == "pass"
    over = check(r, values(reach=210000, residents=200000))
    assert (over.status, over.left, over.right) == ("violation", 210000, 200000)
    text = explain(over, values(reach=210000, residents=200000), district="Talgar", period="2019-10")
    assert text == "Talgar logged 210,000 people reached in 2019-10, more than its 200,000 residents."
    assert check(r, values(reach=5)).status == "skipped"  # no single list figures: nothing to compare


MEETING = {
    "reported_reach_share": 1.0,
    "survey_unaware_share": 0.23,
    "survey_unaware_low": 0.1914,
    "survey_unaware_high": 0.2737,
    "questions_to_date": 3,
    "reach_to_date": 48000,
}


def test_reported_coverage_against_survey_awareness_flags_the_meeting_case() -> None:
    r = rule("reported_reach_vs_survey")
    outcome = check(r, values(**MEETING))
    assert outcome.status == "violation"
    assert outcome.left == pytest.approx(0.23)  # 100% reported, 77% aware
    assert explain(outcome, values(**MEETING), district="Talgar", period="2019-12") == (
        "Talgar reports 100% of residents reached, yet the survey found 23% (95% CI 19–27%) had never heard "
        "of OSMS and only 3 questions were received for 48,000 reached."
    )


def test_reported_coverage_within_awareness_passes_and_without_a_survey_is_skipped() -> None:
    r = rule("reported_reach_vs_survey")
    assert check(r, values(**{**MEETING, "reported_reach_share": 0.9})).status == "pass"  # 13 points: noise
    assert check(r, values(**{**MEETING, "reported_reach_share": 0.4})).status == "pass"
    assert check(r, values(**{**MEETING, "survey_unaware_share": None})).status == "skipped"


def test_reported_coverage_against_the_log() -> None:
    r = rule("reported_reach_vs_log")
    assert check(r, values(reported_reach_share=0.3, reach_to_date=20000, residents=100000)).status == "pass"
    flagged = check(r, values(reported_reach_share=1.0, reach_to_date=48000, residents=200000))
    assert flagged.status == "violation"
    assert flagged.left == pytest.approx(0.76)


def test_reach_high_while_questions_near_zero() -> None:
    r = rule("questions_per_reach")
    quiet = values(reach=16000, questions=1)
    outcome = check(r, quiet)
    assert outcome.status == "violation"
    assert outcome.left == pytest.approx(0.625)
    assert "received only 1 question (0.6 per 10,000 reached; at least 2 expected)" in explain(
        outcome, quiet, district="Talgar", period="2019-11"
    )
    assert check(r, values(reach=16000, questions=40)).status == "pass"
    # Below 2,000 reached in a month a handful of questions proves nothing either way.
    assert check(r, values(reach=1500, questions=0)).status == "skipped"


def test_self_reported_actualisation_against_the_single_list() -> None:
    r = rule("actualisation_vs_list")
    base = {"list_actualisation": 0.91, "determined": 182000, "residents": 200000}
    assert check(r, values(reported_actualisation=0.95, **base)).status == "pass"
    assert check(r, values(reported_actualisation=0.86, **base)).status == "pass"  # 5 points exactly
    high = values(reported_actualisation=0.99, **base)
    outcome = check(r, high)
    assert outcome.status == "violation"
    assert outcome.left == pytest.approx(8.0)
    assert explain(outcome, high, district="Kerbulak", period="2019-12") == (
        "Kerbulak reports actualisation of 99.0% for 2019-12, but the single list shows 91.0% "
        "(182,000 of 200,000 residents determined), 8.0 points apart."
    )
    assert check(r, values(reported_actualisation=0.80, **base)).status == "violation"  # too low counts too


def test_compulsory_pair() -> None:
    r = rule("report_filled_in")
    assert check(r, values(reported_reach_share=0.3, reported_actualisation=0.9)).status == "pass"
    assert check(r, values()).status == "pass"  # no report at all is completeness' business
    assert check(r, values(reported_reach_share=0.3)).status == "violation"
    assert check(r, values(reported_actualisation=0.9)).status == "violation"


def test_exclusive_pair() -> None:
    r = rule_from_dict(
        {
            "code": "one_source",
            "name": "Either reported or surveyed",
            "left": "reported_reach_share",
            "operator": "exclusive_pair",
            "right": "survey_unaware_share",
            "message": "{district} has both.",
        }
    )
    assert check(r, values(reported_reach_share=0.3)).status == "pass"
    assert check(r, values()).status == "pass"
    assert check(r, values(reported_reach_share=0.3, survey_unaware_share=0.1)).status == "violation"


@pytest.mark.parametrize(
    ("operator", "fires_when_left_is"),
    [("==", 4), ("!=", 5), ("<", 5), ("<=", 6), (">", 5), (">=", 4)],
)
def test_each_comparison_operator(operator: str, fires_when_left_is: float) -> None:
    r = rule_from_dict({"code": "c", "name": "c", "left": "reach", "operator": operator, "right": "5", "message": "x"})
    # fires_when_left_is breaks "reach OP 5"; 5 itself decides the boundary.
    assert check(r, values(reach=fires_when_left_is)).status == "violation"
    holds = {"==": 5, "!=": 4, "<": 4, "<=": 5, ">": 6, ">=": 5}[operator]
    assert check(r, values(reach=holds)).status == "pass"


def test_missing_value_strategies() -> None:
    base = {"code": "m", "name": "m", "left": "reach + questions", "operator": "<=", "right": "10", "message": "x"}
    any_missing = rule_from_dict(base)
    all_missing = rule_from_dict({**base, "missing": "skip_if_all_missing"})
    never = rule_from_dict({**base, "missing": "never_skip"})
    partial = values(reach=20, questions=None)
    assert check(any_missing, partial).status == "skipped"
    assert check(all_missing, partial).status == "violation"  # questions counts as 0: 20 > 10
    assert check(all_missing, values()).status == "skipped"
    assert check(never, values()).status == "pass"  # 0 + 0 <= 10


def test_the_documented_toml_example_loads_like_the_defaults(tmp_path: Path) -> None:
    # The example in the module's docstring, so what the documentation shows is what loads.
    assert rules_module.__doc__ is not None
    text = textwrap.dedent(rules_module.__doc__.split("::", 1)[1].split("Fields:", 1)[0])
    assert "[[rule]]" in text
    path = tmp_path / "rules.toml"
    path.write_text(text, encoding="utf-8")
    (loaded,) = load_rules(path)
    default = rule("reach_le_residents")
    assert (loaded.code, loaded.left.text, loaded.operator, loaded.right.text, loaded.importance) == (
        default.code,
        default.left.text,
        default.operator,
        default.right.text,
        default.importance,
    )
    assert loaded.message.text == default.message.text
    assert len(rules_from_dicts(DEFAULT_RULE_DATA)) == len(DEFAULT_RULES) == 6


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"operator": "=<"}, "operator '=<' is not one of"),
        ({"importance": "urgent"}, "importance 'urgent' is not one of"),
        ({"left": "reahc"}, "rule 'r': unknown name 'reahc'"),
        ({"left": "reach.__class__"}, "attribute access"),
        ({"right": "__import__('os')"}, "function calls are not allowed"),
        ({"message": "{reach:percent}"}, "unknown number format"),
        ({"colour": "red"}, "unknown field"),
        ({"missing": "sometimes"}, "missing 'sometimes' is not one of"),
        ({"when": "reach"}, "comparisons joined by 'and'"),
        ({"name": ""}, "missing or empty field"),
    ],
)
def test_a_bad_rule_is_refused_with_its_code_and_reason(change: dict[str, str], message: str) -> None:
    item = {"code": "r", "name": "r", "left": "reach", "operator": "<=", "right": "residents", "message": "x"}
    with pytest.raises(RuleError, match=message):
        rule_from_dict({**item, **change})


def test_toml_errors_are_clear() -> None:
    with pytest.raises(RuleError, match="cannot read the rules"):
        rules_from_toml("[[rule]\ncode=")
    with pytest.raises(RuleError, match="repeated: a"):
        item = {"code": "a", "name": "a", "left": "reach", "operator": "<=", "right": "1", "message": "x"}
        rules_from_dicts([item, item])
    with pytest.raises(RuleError, match=r"\[\[rule\]\] tables only"):
        rules_from_toml("[rules]\nx = 1\n")
