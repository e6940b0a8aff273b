"""Apps depend downward only (README): core ← accounts ← territory ← places ←
observatory / booking ← api; web and demo on top. Imports inside functions count too."""

import ast
from pathlib import Path

import maillage

LAYERS = {
    "core": 0,
    "accounts": 1,
    "territory": 2,
    "places": 3,
    "observatory": 4,
    "booking": 4,
    "api": 5,
    "web": 6,
    "demo": 7,
    # Benchmarks: not an app, on top of all; the demo's `bench` command is their entry point.
    "bench": 8,
    "config": 9,
}
# Known exceptions, each with its reason; a new one needs the same scrutiny.
ALLOWED = {
    # The back-office ties places and bookings together (a closure over bookings).
    ("places/admin.py", "booking"),
    # Back-office access of a manager is decided by the places they manage.
    ("accounts/models.py", "places"),
    # `maillage bench` runs the benchmarks (maillage.bench), which no app imports otherwise.
    ("demo/management/commands/bench.py", "bench"),
}


def _upward_imports():
    root = Path(maillage.__file__).parent
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root)
        app = relative.parts[0]
        if app not in LAYERS or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                target = parts[1] if len(parts) > 1 and parts[0] == "maillage" else None
                if (
                    target in LAYERS
                    and target != app
                    and LAYERS[target] >= LAYERS[app]
                    and (relative.as_posix(), target) not in ALLOWED
                ):
                    yield f"{relative}:{node.lineno} imports maillage.{target}"


def test_apps_depend_downward_only():
    assert list(_upward_imports()) == []
