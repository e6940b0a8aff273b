"""Migration code that runs (RunPython) does not import project code that may change later.

A data migration runs on databases migrated years after it was written: if it calls today's
`maillage.…` function, a later edit of that function changes what an old migration does (or
breaks it). What it needs is copied into the migration, frozen, and models come from
`apps.get_model`. Django's own serialisation of fields (`import maillage.core.money` for a
`CentsField`, validators named in `validators=[…]`) stays: those are references the state
needs, not code the migration runs; they are allowed only outside functions.
"""

import ast
from pathlib import Path

import maillage

ROOT = Path(maillage.__file__).parent
MIGRATIONS = sorted(ROOT.glob("*/migrations/0*.py"))


def _is_project(module: str | None) -> bool:
    return module is not None and (module == "maillage" or module.startswith("maillage."))


def _frozen_faults(tree: ast.Module) -> list[str]:
    """What a migration module does with project code that it must not: `from maillage…
    import` (Django never writes it), any project import or name inside a function, and a
    RunPython whose code is not a function of the module."""
    faults = []
    functions = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _is_project(node.module):
            faults.append(f"{node.lineno}: from {node.module} import …")
    for function in (node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)):
        for node in ast.walk(function):
            if isinstance(node, ast.Import) and any(_is_project(a.name) for a in node.names):
                faults.append(f"{node.lineno}: import inside {function.name}()")
            elif isinstance(node, ast.Name) and node.id == "maillage":
                faults.append(f"{node.lineno}: maillage.… called from {function.name}()")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "RunPython"
        ):
            for code in [*node.args[:2], *(k.value for k in node.keywords if k.arg != "hints")]:
                named = isinstance(code, ast.Name) and code.id in functions
                noop = isinstance(code, ast.Attribute) and code.attr == "noop"
                if not (named or noop or isinstance(code, ast.Constant)):
                    faults.append(f"{node.lineno}: RunPython runs {ast.unparse(code)}")
    return faults


def test_data_migrations_run_frozen_code():
    assert MIGRATIONS
    faults = [
        f"{path.relative_to(ROOT)}:{fault}"
        for path in MIGRATIONS
        for fault in _frozen_faults(ast.parse(path.read_text()))
    ]
    assert faults == []


def test_the_check_catches_a_live_import():
    live = ast.parse(
        "from maillage.core.text import fold\n"
        "import maillage.places.photos\n"
        "def fill(apps, schema_editor):\n"
        "    import maillage.core.text\n"
        "    maillage.places.photos.open_photo(None)\n"
        "operations = [migrations.RunPython(maillage.places.photos.check)]\n"
    )
    assert len(_frozen_faults(live)) == 4
    serialised = ast.parse(
        "import maillage.core.money\n"
        "def fill(apps, schema_editor):\n"
        "    apps.get_model('places', 'Place')\n"
        "operations = [\n"
        "    migrations.AddField('place', 'x', maillage.core.money.CentsField()),\n"
        "    migrations.RunPython(fill, migrations.RunPython.noop),\n"
        "]\n"
    )
    assert _frozen_faults(serialised) == []
