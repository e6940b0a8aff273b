"""Row locks lock only their own rows. PostgreSQL's `SELECT … FOR UPDATE` locks a row of
every table in the query: `Booking.objects.select_for_update().select_related("space")` locks
the space too, and every other booking of that space then waits for it. SQLite ignores row
locks, so no test run there can see it: this test reads the source.

A `select_for_update(...)` call passes without `of=` only when the checker sees the whole
query and it reads one table: a chain from `<Model>.objects` through QuerySet methods that do
not join, naming no field across a relation (`space__place`, in a keyword, a `values()` or
`order_by()` argument, a nested `Q()`, `F()` or aggregate). Anything it cannot see (a queryset
from a variable or a custom method, a related manager) must say `of=("self",)` too.
"""

import ast
from pathlib import Path

import pytest
from django.db import models

import maillage

CHAINED = {
    "all",
    "filter",
    "exclude",
    "get",
    "first",
    "last",
    "order_by",
    "only",
    "defer",
    "values",
    "values_list",
    "select_for_update",
    "using",
    "distinct",
    "count",
    "exists",
    "iterator",
    "update",
    "delete",
    "in_bulk",
    "latest",
    "earliest",
    "none",
    "get_or_create",
    "update_or_create",
    "aggregate",
    "annotate",
    "alias",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}
# What may follow a field's name in a lookup without crossing a relation (`sent_at__isnull`).
LOOKUPS = {
    name
    for field in (
        models.Field,
        models.CharField,
        models.IntegerField,
        models.DateField,
        models.DateTimeField,
        models.TimeField,
        models.JSONField,
    )
    for name in field.get_lookups()
}


def _crosses_relation(path: str) -> bool:
    parts = path.lstrip("-").split("__")
    return len(parts) > 1 and parts[1] not in LOOKUPS


def _joins(call: ast.Call) -> bool:
    """Whether this call, or a call nested in its arguments (Q, F, Count…), names a field
    across a relation."""
    for node in ast.walk(call):
        if not isinstance(node, ast.Call):
            continue
        names = [k.arg for k in node.keywords if k.arg]
        names += [a.value for a in node.args if isinstance(a, ast.Constant)]
        if any(isinstance(n, str) and _crosses_relation(n) for n in names):
            return True
    return False


def _chain(node: ast.expr) -> tuple[list[ast.Call], ast.expr]:
    """The method calls of a chain `root.a(...).b(...)[...]`, outermost first, and its root."""
    calls = []
    while True:
        if isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            calls.append(node)
            node = node.func.value
        else:
            return calls, node


def _sees_one_table(calls: list[ast.Call], root: ast.expr) -> bool:
    one_model = (
        isinstance(root, ast.Attribute)
        and root.attr in MANAGERS
        and isinstance(root.value, ast.Name)
    )
    return (
        one_model
        and all(call.func.attr in CHAINED for call in calls)
        and not any(_joins(call) for call in calls)
    )


def unscoped_row_locks(source: str) -> list[int]:
    """Lines of the `select_for_update` calls without `of=` whose query may join."""
    tree = ast.parse(source)
    inner = {
        id(node.func.value if isinstance(node, ast.Call) else node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        or (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute))
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in inner or not isinstance(node, ast.Call | ast.Subscript):
            continue  # only whole chains, from their outermost call
        calls, root = _chain(node)
        locks = [c for c in calls if c.func.attr == "select_for_update"]
        if any(not any(k.arg == "of" for k in c.keywords) for c in locks) and not (
            _sees_one_table(calls, root)
        ):
            found.extend(c.lineno for c in locks)
    return sorted(found)


@pytest.mark.parametrize(
    "source",
    [
        'Booking.objects.select_for_update().select_related("space__place").get(pk=1)',
        'Booking.objects.select_related("space").select_for_update().get(pk=1)',
        'list(Email.objects.select_for_update(skip_locked=True).prefetch_related("b")[:10])',
        "Booking.objects.filter(space__place=place).select_for_update().first()",
        'Booking.objects.select_for_update().filter(Q(space__place__slug="x")).first()',
        'Booking.objects.select_for_update().values("space__place__name")',
        'Booking.objects.select_for_update().order_by("-space__name").first()',
        'Booking.objects.select_for_update().annotate(n=Count("space__bookings")).first()',
        "Booking.objects.holding().select_for_update().first()",
        "place.managers.select_for_update().first()",
        "queryset.select_for_update().get(pk=1)",
    ],
)
def test_the_checker_finds_a_row_lock_that_may_lock_other_tables(source):
    assert unscoped_row_locks(f"def f():\n    x = {source}\n") == [2]


@pytest.mark.parametrize(
    "source",
    [
        'Booking.objects.select_for_update(of=("self",)).select_related("space").get(pk=1)',
        'queryset.select_for_update(of=("self",)).get(pk=1)',
        "User.objects.select_for_update().get(pk=user.pk)",
        "list(E.objects.filter(sent_at__isnull=True, n__lt=3).select_for_update()[:5])",
        "Booking.objects.filter(start__date__gte=day).select_for_update().first()",
        'Booking.objects.select_related("space").get(pk=1)',
    ],
)
def test_the_checker_lets_a_row_lock_of_one_table_through(source):
    assert unscoped_row_locks(f"x = {source}\n") == []


def test_every_row_lock_locks_only_its_own_rows():
    root = Path(maillage.__file__).parent
    found = [
        f"{path.relative_to(root)}:{line}"
        for path in sorted(root.rglob("*.py"))
        for line in unscoped_row_locks(path.read_text())
    ]
    assert not found, "select_for_update(of=('self',)) wanted at: " + ", ".join(found)
