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


CLOCKS = {"monotonic", "perf_counter", "time", "monotonic_ns", "perf_counter_ns", "time_ns"}
# The one helper that waits for something with a time limit (a failure bound, not a claim).
WAITING = TESTS / "waiting.py"


def _reads_a_clock(node: ast.AST, timed: set[str]) -> bool:
    return any(
        (isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CLOCKS)
        or (isinstance(n, ast.Name) and n.id in timed)
        for n in ast.walk(node)
    )


def quick_claims(source: str) -> list[int]:
    """Line numbers of asserts in `source` that bound an elapsed time from above (`took < 1`,
    `time.monotonic() < deadline`): under a loaded CI machine such a claim fails now and then.
    A lower bound (it waited at least the lock timeout) holds however slow the machine is."""
    tree = ast.parse(source)
    timed: set[str] = set()
    for _ in range(2):  # names computed from names computed from a clock
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and _reads_a_clock(node.value, timed):
                timed |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Assert, ast.While)):
            continue
        for compare in (n for n in ast.walk(node.test) if isinstance(n, ast.Compare)):
            sides = [compare.left, *compare.comparators]
            for left, op, right in zip(sides, compare.ops, sides[1:], strict=False):
                if (isinstance(op, (ast.Lt, ast.LtE)) and _reads_a_clock(left, timed)) or (
                    isinstance(op, (ast.Gt, ast.GtE)) and _reads_a_clock(right, timed)
                ):
                    found.append(node.lineno)
    return sorted(set(found))


def test_no_test_claims_that_something_was_quick():
    """Speed is measured by the benchmark commands, never asserted in a test; a test that waits
    for something uses tests/waiting.wait_until, whose time limit only bounds a failure."""
    found = [
        f"{path.relative_to(TESTS)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != WAITING
        for line in quick_claims(path.read_text())
    ]
    assert found == []


def test_the_quick_claim_check_sees_each_form():
    assert quick_claims("began = time.monotonic()\nf()\nassert time.monotonic() - began < 1\n")
    assert quick_claims(
        "t = time.perf_counter()\nf()\ntook = time.perf_counter() - t\nassert took <= 2\n"
    )
    assert quick_claims("d = time.monotonic() + 5\nwhile f() and time.monotonic() < d:\n    pass\n")
    assert quick_claims("b = time.monotonic()\nf()\nassert 1 > time.monotonic() - b\n")
    # A lower bound holds on any machine.
    assert not quick_claims("b = time.monotonic()\nf()\nw = time.monotonic() - b\nassert 3 <= w\n")
