"""The safe evaluator: arithmetic works, everything else is refused with a message that says why."""

import pytest

from birtizim.outreach.expressions import ExpressionError, compare, parse, parse_condition
from birtizim.outreach.messages import format_number, parse_template

NAMES = {"reach", "residents", "questions", "survey_unaware_share"}


def test_it_computes_arithmetic_over_names_and_numbers() -> None:
    expr = parse("(reach - 1000) / residents * 100 + -2", NAMES)
    assert expr.names == {"reach", "residents"}
    assert expr.evaluate({"reach": 3000, "residents": 10000}) == pytest.approx(18.0)


def test_it_allows_abs_min_max() -> None:
    assert parse("abs(reach - residents)", NAMES).evaluate({"reach": 3, "residents": 10}) == 7
    assert parse("max(reach, residents, 4)", NAMES).evaluate({"reach": 3, "residents": 1}) == 4
    assert parse("min(reach, residents)", NAMES).evaluate({"reach": 3, "residents": 1}) == 1


def test_a_missing_value_or_division_by_zero_gives_none() -> None:
    expr = parse("questions / reach", NAMES)
    assert expr.evaluate({"questions": 3, "reach": None}) is None
    assert expr.evaluate({"questions": 3, "reach": 0}) is None
    assert expr.evaluate({"questions": 3, "reach": 30}) == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("reach.__class__", r"attribute access \('\.'\) is not allowed in an expression at column 1"),
        ("residents.real", "attribute access"),
        ("__import__('os').system('ls')", "function calls are not allowed"),
        ("open('/etc/passwd')", r"function calls are not allowed \(only abs, min, max\)"),
        ("reach(1)", "function calls are not allowed"),
        ("abs(x=reach)", "plain arguments only"),
        ("abs(reach, residents)", "abs\\(\\) takes 1 argument"),
        ("reach[0]", "indexing"),
        ("'a' * 3", "only numbers may be written as constants"),
        ("True + reach", "only numbers may be written as constants"),
        ("reach ** 1000", r"operator '\*\*' is not allowed"),
        ("reach % 2", "operator '%' is not allowed"),
        ("lambda: 1", "lambda is not allowed"),
        ("[x for x in reach]", "comprehensions"),
        ("reach if reach else 1", "if/else"),
        ("reach < residents", "comparisons belong to the rule's operator"),
        ("_secret", "names starting with '_'"),
        ("abs", "is a function"),
        ("reach +", "cannot read"),
        ("", "cannot be empty"),
        ("reach + " * 100 + "1", "at most 400 characters"),
    ],
)
def test_it_refuses_unsafe_or_unreadable_input(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse(text, NAMES)


def test_it_refuses_a_name_that_is_not_defined_and_lists_the_known_ones() -> None:
    with pytest.raises(
        ExpressionError, match=r"unknown name 'reahc' at column 1 of 'reahc / residents'; known names: "
    ):
        parse("reahc / residents", NAMES)


def test_without_a_vocabulary_an_undefined_name_fails_at_evaluation() -> None:
    expr = parse("reach / population")
    with pytest.raises(ExpressionError, match="unknown name 'population'"):
        expr.evaluate({"reach": 1})


def test_conditions_join_comparisons_with_and() -> None:
    cond = parse_condition("reach >= 2000 and 0 < questions < 10", NAMES)
    assert cond.names == {"reach", "questions"}
    assert cond.evaluate({"reach": 2000, "questions": 5}) is True
    assert cond.evaluate({"reach": 1999, "questions": 5}) is False
    assert cond.evaluate({"reach": 2500, "questions": 10}) is False
    assert cond.evaluate({"reach": None, "questions": 5}) is None
    with pytest.raises(ExpressionError, match="comparisons joined by 'and'"):
        parse_condition("reach >= 1 or questions > 1", NAMES)
    with pytest.raises(ExpressionError, match="attribute access"):
        parse_condition("reach.x > 1", NAMES)


def test_equality_allows_for_floating_point_noise() -> None:
    assert compare(0.1 + 0.2, "==", 0.3)
    assert compare(0.1 + 0.2, "<=", 0.3)
    assert not compare(0.1 + 0.2, "<", 0.3)
    assert compare(0.31, ">", 0.3)


def test_templates_fill_numbers_in_their_formats() -> None:
    template = parse_template(
        "{district}: {reach:int} reached, {survey_unaware_share:pct} unaware, "
        "{questions / reach * 10000:num} per 10k, {{literal}}, {questions:count question}",
        NAMES,
    )
    text = template.fill({"reach": 48000, "survey_unaware_share": 0.23, "questions": 3}, district="Talgar")
    assert text == "Talgar: 48,000 reached, 23% unaware, 0.6 per 10k, {literal}, 3 questions"
    one = template.fill({"reach": 1, "survey_unaware_share": None, "questions": 1}, district="X")
    assert one.endswith("n/a unaware, 10,000.0 per 10k, {literal}, 1 question")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{reach.__class__}", "attribute access"),
        ("{reach:pctt}", "unknown number format 'pctt'"),
        ("{reahc}", "unknown name 'reahc'"),
        ("{district:int}", "is text and takes no number format"),
        ("reach } here", "unbalanced brace"),
        ("{reach", "unbalanced brace"),
    ],
)
def test_templates_are_checked_when_parsed(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match=message):
        parse_template(text, NAMES)


def test_number_formats() -> None:
    assert format_number(0.2337, "pct") == "23%"
    assert format_number(0.2337, "pct1") == "23.4%"
    assert format_number(0.1914, "pctn") == "19"
    assert format_number(48000.4, "int") == "48,000"
    assert format_number(1234.5) == "1,234.50"
    assert format_number(7.0) == "7"
    assert format_number(None, "pct") == "n/a"
