"""A browser test that branches on whether an element shows must read it once the page is
styled: `is_visible()` right after a navigation sees the unstyled page (a menu button shown at
every width, say), and the test fails now and then. Such reads live in helpers that wait for
the load event first (tests/browser/menu.py); the tests themselves use `expect`, which waits."""

import ast
from pathlib import Path

import pytest

HERE = Path(__file__).parent
# The helpers that read visibility once the page is styled.
STYLED_READERS = {"menu.py"}
IMMEDIATE_READS = {"is_visible", "is_hidden"}


def immediate_reads(source: str) -> list[int]:
    """The line numbers of calls to Playwright's immediate visibility reads in `source`."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in IMMEDIATE_READS
    ]


@pytest.mark.parametrize(
    "path",
    [p for p in sorted(HERE.glob("*.py")) if p.name not in STYLED_READERS],
    ids=lambda p: p.name,
)
def test_no_browser_test_reads_visibility_before_the_page_is_styled(path):
    assert immediate_reads(path.read_text()) == [], (
        f"{path.name} : utilisez expect(...) ou un assistant qui attend l'événement load"
    )


def test_the_check_sees_an_immediate_read():
    assert immediate_reads("if page.locator('x').is_visible():\n    pass\n") == [1]
    assert immediate_reads("expect(page.locator('x')).to_be_visible()\n") == []
