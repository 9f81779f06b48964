"""A small, safe evaluator for the arithmetic of validation rules.

Rules are data that administrators edit, so their expressions must never reach ``eval()``. Text is
parsed with Python's own parser (``ast.parse``, which builds a tree and runs nothing) and the tree
is then checked against a short allow-list: numbers, names, ``+ - * /``, unary minus, parentheses,
and the three pure functions ``abs``, ``min`` and ``max``. Everything else (attribute access,
indexing, other calls, strings, ``**``, lambdas, comprehensions) is refused with a message that
names the construct and where it starts. Evaluation walks the checked tree itself.

A name that the rule's vocabulary does not define is an error when the expression is parsed (if
the vocabulary is given) or when it is evaluated; a name that is defined but has no value for a
district and period (no survey yet, no report) makes the result ``None``: "cannot be computed",
which rules treat like DHIS2's missing values. Division by zero and non-finite results are
``None`` too, because "questions per reach" of a district with no reach is not a number.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

MAX_LENGTH = 400  # rules are one line; a cap also keeps the parser's recursion shallow

FUNCTIONS: dict[str, tuple[Callable[..., float], int, int | None]] = {
    # name -> (function, fewest arguments, most arguments or None for any number)
    "abs": (abs, 1, 1),
    "min": (min, 2, None),
    "max": (max, 2, None),
}

_BINARY: dict[type[ast.operator], str] = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_UNARY: dict[type[ast.unaryop], str] = {ast.USub: "-", ast.UAdd: "+"}
_COMPARE: dict[type[ast.cmpop], str] = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
_REFUSED: dict[type[ast.AST], str] = {
    ast.Attribute: "attribute access ('.')",
    ast.Subscript: "indexing ('[...]')",
    ast.Lambda: "lambda",
    ast.IfExp: "if/else",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.List: "lists",
    ast.Tuple: "tuples",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.JoinedStr: "strings",
    ast.NamedExpr: "assignment (':=')",
    ast.Starred: "'*' unpacking",
}
EQUALITY_TOLERANCE = 1e-9  # shares are floats: 0.1 + 0.2 must equal 0.3


class ExpressionError(ValueError):
    """An expression is not allowed or cannot be read; the message says what and where."""


class _Undefined(Exception):
    """Raised inside evaluation when the result is not a number (missing value, division by zero)."""


def _where(text: str, node: ast.AST) -> str:
    col = getattr(node, "col_offset", None)
    return f" at column {col + 1} of {text!r}" if col is not None else f" in {text!r}"


def _parse_tree(text: str) -> ast.expr:
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("an expression cannot be empty")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"an expression may have at most {MAX_LENGTH} characters, this one has {len(text)}")
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read {text!r}: {exc.msg} at column {exc.offset or 0}") from None


def _check(node: ast.expr, text: str, known: Collection[str] | None, names: set[str]) -> None:
    """Refuse every node outside the allow-list; collect the names used."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise ExpressionError(f"only numbers may be written as constants, not {node.value!r}{_where(text, node)}")
    elif isinstance(node, ast.Name):
        if node.id.startswith("_"):
            raise ExpressionError(f"names starting with '_' are not allowed: {node.id!r}{_where(text, node)}")
        if node.id in FUNCTIONS:
            raise ExpressionError(f"{node.id!r} is a function; call it as {node.id}(...){_where(text, node)}")
        if known is not None and node.id not in known:
            raise ExpressionError(
                f"unknown name {node.id!r}{_where(text, node)}; known names: {', '.join(sorted(known))}"
            )
        names.add(node.id)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            symbol = {ast.Pow: "**", ast.Mod: "%", ast.FloorDiv: "//"}.get(type(node.op), type(node.op).__name__)
            raise ExpressionError(f"operator {symbol!r} is not allowed (only + - * /){_where(text, node)}")
        _check(node.left, text, known, names)
        _check(node.right, text, known, names)
    elif isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY:
            raise ExpressionError(f"operator {type(node.op).__name__} is not allowed{_where(text, node)}")
        _check(node.operand, text, known, names)
    elif isinstance(node, ast.Call):
        allowed = ", ".join(FUNCTIONS)
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            raise ExpressionError(f"function calls are not allowed (only {allowed}){_where(text, node)}")
        _, fewest, most = FUNCTIONS[node.func.id]
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(f"{node.func.id}() takes plain arguments only{_where(text, node)}")
        if len(node.args) < fewest or (most is not None and len(node.args) > most):
            wanted = str(fewest) if most == fewest else f"at least {fewest}"
            raise ExpressionError(f"{node.func.id}() takes {wanted} argument(s){_where(text, node)}")
        for arg in node.args:
            _check(arg, text, known, names)
    elif isinstance(node, ast.Compare):
        raise ExpressionError(f"comparisons belong to the rule's operator, not its sides{_where(text, node)}")
    else:
        what = next((label for kind, label in _REFUSED.items() if isinstance(node, kind)), type(node).__name__)
        raise ExpressionError(f"{what} is not allowed in an expression{_where(text, node)}")


def _eval(node: ast.expr, values: Mapping[str, float | None]) -> float:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # _check admits numbers only
        return float(node.value)
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise ExpressionError(f"unknown name {node.id!r}: no such value is defined")
        value = values[node.id]
        if value is None or not math.isfinite(value):
            raise _Undefined
        return float(value)
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, values), _eval(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise _Undefined
        return left / right
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return float(FUNCTIONS[node.func.id][0](*(_eval(a, values) for a in node.args)))
    raise ExpressionError(f"unchecked node {type(node).__name__}")  # unreachable after _check


@dataclass(frozen=True)
class Expression:
    """Checked arithmetic over named values; build with ``parse``."""

    text: str
    names: frozenset[str]
    _tree: ast.expr = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, float | None]) -> float | None:
        """The value, or None when a value it needs is missing or the arithmetic is undefined."""
        try:
            result = _eval(self._tree, values)
        except _Undefined:
            return None
        return result if math.isfinite(result) else None


def parse(text: str, names: Collection[str] | None = None) -> Expression:
    """Check ``text`` and return it ready to evaluate; ``names`` (if given) is the vocabulary."""
    tree = _parse_tree(text)
    used: set[str] = set()
    _check(tree, text, names, used)
    return Expression(text.strip(), frozenset(used), tree)


def compare(left: float, operator: str, right: float) -> bool:
    """Apply a comparison operator given as text; equality allows for floating-point noise."""
    equal = math.isclose(left, right, rel_tol=EQUALITY_TOLERANCE, abs_tol=EQUALITY_TOLERANCE)
    if operator == "==":
        return equal
    if operator == "!=":
        return not equal
    if operator == "<":
        return left < right and not equal
    if operator == "<=":
        return left <= right or equal
    if operator == ">":
        return left > right and not equal
    if operator == ">=":
        return left >= right or equal
    raise ExpressionError(f"unknown comparison {operator!r}; use one of {', '.join(_COMPARE.values())}")


@dataclass(frozen=True)
class Condition:
    """Comparisons joined by ``and`` (``reach >= 2000 and residents > 0``); build with ``parse_condition``.

    A rule's ``when`` uses it: a rule about "reach high while questions ≈ 0" should say what high is.
    """

    text: str
    names: frozenset[str]
    clauses: tuple[tuple[Expression, str, Expression], ...] = field(repr=False)

    def evaluate(self, values: Mapping[str, float | None]) -> bool | None:
        """True or False; None when a side cannot be computed."""
        for left, operator, right in self.clauses:
            a, b = left.evaluate(values), right.evaluate(values)
            if a is None or b is None:
                return None
            if not compare(a, operator, b):
                return False
        return True


def parse_condition(text: str, names: Collection[str] | None = None) -> Condition:
    tree = _parse_tree(text)
    parts = tree.values if isinstance(tree, ast.BoolOp) and isinstance(tree.op, ast.And) else [tree]
    clauses: list[tuple[Expression, str, Expression]] = []
    for part in parts:
        if not isinstance(part, ast.Compare):
            raise ExpressionError(f"a condition is comparisons joined by 'and'{_where(text, part)}")
        operands = [part.left, *part.comparators]
        for i, op in enumerate(part.ops):
            if type(op) not in _COMPARE:
                raise ExpressionError(f"comparison {type(op).__name__} is not allowed{_where(text, part)}")
            sides = []
            for side in (operands[i], operands[i + 1]):
                used: set[str] = set()
                _check(side, text, names, used)
                sides.append(Expression(ast.unparse(side), frozenset(used), side))
            clauses.append((sides[0], _COMPARE[type(op)], sides[1]))
    used_all = frozenset().union(*(a.names | b.names for a, _, b in clauses))
    return Condition(text.strip(), used_all, tuple(clauses))
