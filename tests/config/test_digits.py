"""Digits read from outside are ASCII digits: str.isdigit() (and isdecimal, isnumeric) says
True of «²» or of other scripts' digits, and int("²") raises (a 500). Checks go through
maillage.core.text.ascii_digits, the one place that calls isdigit."""

import ast
from pathlib import Path

import maillage

ROOT = Path(maillage.__file__).parent
HELPER = ROOT / "core" / "text.py"
UNICODE_DIGIT_TESTS = {"isdigit", "isdecimal", "isnumeric"}


def test_digit_checks_go_through_core_text_ascii_digits():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == HELPER:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in UNICODE_DIGIT_TESTS
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.func.attr}()")
    assert not found, "Use maillage.core.text.ascii_digits: " + ", ".join(found)


def test_ascii_digits_reads_only_what_int_reads():
    from maillage.core.text import ascii_digits

    assert ascii_digits("0123")
    for value in ("", "²", "1²", "٣", "-1", " 1", "1 "):
        assert not ascii_digits(value), value
