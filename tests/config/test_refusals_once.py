"""The refusals of the managers' pages (places.permissions) and of the Département's
(accounts.roles) are written once, and imported wherever they are raised: a page, a service
or an API cannot drift to another wording."""

import ast

from maillage.accounts import roles
from maillage.places import permissions
from tests.config.test_layers import ROOT

ONCE = {
    permissions.NOT_YOUR_PLACE: "places/permissions.py",
    permissions.MANAGERS_ONLY: "places/permissions.py",
    roles.STAFF_ONLY: "accounts/roles.py",
}


def test_the_refusals_are_written_once():
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        for node in ast.walk(ast.parse(path.read_text())):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and ONCE.get(value, relative) != relative:
                found.append(f"{relative}:{node.lineno} «{node.value}»")
    assert not found, "Import the constant of places.permissions or accounts.roles: " + (
        ", ".join(found)
    )
