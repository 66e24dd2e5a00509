"""Tests about the tests: catch assertions that cannot fail."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def bare_tuple_statements(source: str, filename: str = "<test>") -> list[int]:
    """Line numbers of expression statements that are a bare tuple, e.g. ``check(x), "msg"``.

    Such a statement builds a tuple and throws it away: it checks nothing. It is the
    usual typo for ``assert check(x), "msg"``, which ruff does not flag.
    """
    tree = ast.parse(source, filename=filename)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Tuple)
    ]


def vacuous_asserts(source: str, filename: str = "<test>") -> list[int]:
    """Line numbers of asserts that always pass: ``assert True``, ``assert (x, "msg")``."""
    tree = ast.parse(source, filename=filename)
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert)
        and (
            (isinstance(node.test, ast.Tuple) and node.test.elts)
            or (isinstance(node.test, ast.Constant) and bool(node.test.value))
        )
    ]


def test_detector_finds_the_no_op_and_spares_real_asserts():
    source = (
        "def test_x():\n"
        "    x = 1\n"
        "    x == 1, 'x must be one'\n"  # no-op
        "    assert x == 1, 'x must be one'\n"
        "    (x, x)\n"  # no-op
        "    y = x, x\n"
        "    print((x, x))\n"
    )
    assert bare_tuple_statements(source) == [3, 5]
    assert vacuous_asserts("assert True\nassert 1 == 1\nassert (1 == 2, 'm')\n") == [1, 3]


def test_no_bare_tuple_statements_in_tests():
    files = sorted(TESTS.rglob("*.py"))
    assert len(files) > 10
    offenders = [
        f"{f.relative_to(TESTS.parent)}:{line}"
        for f in files
        for line in bare_tuple_statements(f.read_text(encoding="utf-8"), str(f))
    ]
    assert offenders == [], "statements that build a tuple and check nothing: " + ", ".join(
        offenders
    )


def test_no_assert_that_always_passes():
    offenders = [
        f"{f.relative_to(TESTS.parent)}:{line}"
        for f in sorted(TESTS.rglob("*.py"))
        for line in vacuous_asserts(f.read_text(encoding="utf-8"), str(f))
    ]
    assert offenders == [], "asserts that can never fail: " + ", ".join(offenders)
