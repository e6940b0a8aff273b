"""The managers' workspace and the places' rights say what their public functions and
classes do (DESIGN.md: docstrings giving shapes and units)."""

import ast

from tests.config.test_layers import ROOT

DOCUMENTED = [*sorted((ROOT / "manager").rglob("*.py")), ROOT / "places" / "permissions.py"]
# Known gaps, each to close: the bookings page is being reworked on another branch.
KNOWN: set[tuple[str, str]] = {("manager/bookings.py", "bookings")}


def test_public_functions_and_classes_have_docstrings():
    missing = set()
    for path in DOCUMENTED:
        for node in ast.parse(path.read_text()).body:
            public = isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name[0] != "_"
            if public and not ast.get_docstring(node):
                missing.add((str(path.relative_to(ROOT)), node.name))
    assert missing - KNOWN == set(), sorted(missing - KNOWN)
    assert missing >= KNOWN, f"Documented now, drop from KNOWN: {KNOWN - missing}"
