"""Rules of the test suite itself: shared fixtures come from the tests/fixtures plugins."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def _imported_modules(path: Path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            yield node.lineno, "." * node.level + (node.module or "")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def test_no_test_module_imports_a_conftest():
    """A conftest is a plugin pytest loads for its own directory; importing one elsewhere
    registers its fixtures twice or hides where they come from (tests/fixtures instead)."""
    found = [
        f"{path.relative_to(TESTS)}:{line} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, module in _imported_modules(path)
        if "conftest" in module.split(".")
    ]
    assert found == []
