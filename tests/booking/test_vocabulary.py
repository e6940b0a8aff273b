"""One vocabulary per concept: the pure cores' enums are the only definitions of booking
statuses, place statuses, space kinds and refusal codes; the database's choices are built from
them, and no code outside names a refusal by a bare string."""

import ast
from enum import StrEnum
from pathlib import Path

import pytest

import maillage
from maillage.booking import availability, lifecycle
from maillage.booking.models import BookingStatus
from maillage.places import kinds
from maillage.places import lifecycle as place_lifecycle
from maillage.places.models import PlaceStatus, SpaceKind

SOURCE = Path(maillage.__file__).parent
PURE_ENUMS = [
    lifecycle.Status,
    lifecycle.Actor,
    place_lifecycle.Status,
    kinds.SpaceKind,
    availability.ViolationCode,
]
CHOICES_OF = [
    (BookingStatus, lifecycle.Status, lifecycle.STATUS_LABELS),
    (PlaceStatus, place_lifecycle.Status, place_lifecycle.STATUS_LABELS),
    (SpaceKind, kinds.SpaceKind, kinds.KIND_LABELS),
]
# Calls whose first argument is a refusal code.
REFUSAL_CALLS = {"_refusal", "Violation"}


def _modules():
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


@pytest.mark.parametrize(("choices", "pure", "labels"), CHOICES_OF)
def test_database_choices_are_the_pure_enums(choices, pure, labels):
    assert [(c.value, c.label) for c in choices] == [(p.value, labels[p]) for p in pure]


def test_no_choices_restate_a_pure_enum_s_values():
    """A TextChoices class written with string literals equal to two or more values of one
    pure enum is a second definition of that vocabulary: build it from the enum (as
    PlaceStatus is). One shared word (a model run and a booking are both «cancelled») is not."""
    restated = []
    for path, tree in _modules():
        for cls in ast.walk(tree):
            if not isinstance(cls, ast.ClassDef):
                continue
            if not any(_name(base) == "TextChoices" for base in cls.bases):
                continue
            literals = set()
            for statement in cls.body:
                if not isinstance(statement, ast.Assign):
                    continue
                value = statement.value
                first = value.elts[0] if isinstance(value, ast.Tuple) else value
                if isinstance(first, ast.Constant):
                    literals.add(first.value)
            for enum in PURE_ENUMS:
                shared = literals & {member.value for member in enum}
                if len(shared) >= 2:
                    restated.append(f"{path.relative_to(SOURCE)}: {cls.name} {sorted(shared)}")
    assert restated == []


def test_pure_enums_are_defined_once():
    """No two StrEnum classes of the source share a name and values."""
    definitions: dict[frozenset, list[str]] = {}
    for path, tree in _modules():
        for cls in ast.walk(tree):
            if isinstance(cls, ast.ClassDef) and any(_name(b) == "StrEnum" for b in cls.bases):
                values = frozenset(
                    s.value.value
                    for s in cls.body
                    if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)
                )
                definitions.setdefault(values, []).append(f"{path.relative_to(SOURCE)}:{cls.name}")
    assert [names for names in definitions.values() if len(names) > 1] == []
    assert all(issubclass(enum, StrEnum) for enum in PURE_ENUMS)


def test_refusal_codes_are_violation_codes():
    """Every refusal is built with a ViolationCode member, and read by one: a bare string
    («not_bookable») could drift from the code the services return."""
    bare = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and _name(node.func) in REFUSAL_CALLS
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                bare.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
            if (
                isinstance(node, ast.Compare)
                and isinstance(node.left, ast.Constant)
                and any(_name(c) == "codes" for c in node.comparators)
            ):
                bare.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert bare == []
