"""Apps depend downward only (DESIGN.md): core ← accounts ← territory ← places ← booking,
observatory ← api, web ← demo. Imports inside functions count too, and no two apps import each
other, whatever their layers.

Every `import` of the package is read from the source (ast), at any depth of the module: a
function's import is as much a dependency as the module's first line.
"""

import ast
import re
from collections import defaultdict
from pathlib import Path

import maillage

ROOT = Path(maillage.__file__).parent

LAYERS = {
    "core": 0,
    "accounts": 1,
    "territory": 2,
    "eligibility": 2,
    "places": 3,
    "observatory": 4,
    "booking": 4,
    # Workshops and events, the managers' community, offices and long-term offers: over places
    # and booking; programmes fund event seats through events.funding.
    "events": 5,
    "community": 5,
    "offices": 5,
    "programmes": 6,
    "api": 7,
    # Statements and the budget dashboard: over programmes' shares and ledger.
    "reimbursements": 7,
    # The managers' workspace: pages over places, booking, events, programmes and statements.
    "manager": 8,
    "web": 9,
    "demo": 10,
    # Readiness and metrics: read the state of every app (bookings, tasks, emails).
    "monitoring": 11,
    # Benchmarks: on top of all, their `bench` command their entry point.
    "bench": 11,
    "config": 12,
}
# Known exceptions (file, imported app), each with its reason; a new one needs the same
# scrutiny. There is none today.
ALLOWED: set[tuple[str, str]] = set()


def _imported_modules(tree: ast.AST, module: str):
    """(line, absolute module name) of every import in a parsed module, relative ones
    resolved against `module` (its dotted name)."""
    package = module.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level]
                names = [".".join([*base, *([node.module] if node.module else [])])]
            else:
                names = [node.module or ""]
            # `from maillage import places` names the app in the alias.
            if names == ["maillage"]:
                names = [f"maillage.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            yield node.lineno, name


def _app_imports():
    """(file relative to the package, its app, line, imported app) for every import of one
    app by another, migrations aside (they name the models of the apps they depend on)."""
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        app = relative.parts[0]
        if app not in LAYERS or "migrations" in relative.parts:
            continue
        module = ".".join(("maillage", *relative.with_suffix("").parts))
        if path.name == "__init__.py":
            module = module.removesuffix(".__init__")
        for line, name in _imported_modules(ast.parse(path.read_text()), module):
            parts = name.split(".")
            if len(parts) > 1 and parts[0] == "maillage" and parts[1] != app:
                yield relative.as_posix(), app, line, parts[1]


def test_apps_depend_downward_only():
    upward = [
        f"{relative}:{line} imports maillage.{target}"
        for relative, app, line, target in _app_imports()
        if target in LAYERS and LAYERS[target] >= LAYERS[app] and (relative, target) not in ALLOWED
    ]
    assert upward == []


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one app (Tarjan's algorithm), each
    sorted: every app of one of them reaches every other through imports."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def test_no_two_apps_import_each_other():
    """Whatever the layers say: an import cycle between apps, even through functions' own
    imports or through a third app, fails. ALLOWED exceptions are left out."""
    edges: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], str] = {}
    for relative, app, line, target in _app_imports():
        if (relative, target) in ALLOWED:
            continue
        edges[app].add(target)
        where.setdefault((app, target), f"{relative}:{line}")
    cycles = _cycles(edges)
    assert cycles == [], [
        where[(a, b)] for cycle in cycles for a in cycle for b in cycle if (a, b) in where
    ]


def test_the_cycle_finder_finds_cycles():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_places_knows_nothing_of_bookings():
    """The back-office saves through places.services; what bookings make of a closure is
    booking's rule, registered into places (places.services.closure_guards)."""
    assert [
        f"{relative}:{line}"
        for relative, app, line, target in _app_imports()
        if app == "places" and target == "booking"
    ] == []


def test_templates_load_tag_libraries_of_their_app_or_below():
    """A template's `{% load %}` is an import the ast cannot see: the library must belong to
    the template's app or to one below it."""
    libraries = {
        path.stem: path.relative_to(ROOT).parts[0]
        for path in ROOT.glob("*/templatetags/*.py")
        if path.name != "__init__.py"
    }
    assert libraries, "no template tag library found: the test reads nothing"
    upward = []
    for path in sorted(ROOT.glob("*/templates/**/*.*")):
        app = path.relative_to(ROOT).parts[0]
        for names in re.findall(r"{%\s*load\s+([^%]+?)\s*%}", path.read_text()):
            for name in names.split():
                owner = libraries.get(name)
                if owner in LAYERS and app in LAYERS and LAYERS[owner] > LAYERS[app]:
                    upward.append(f"{path.relative_to(ROOT)} loads {name} from {owner}")
    assert upward == []
