"""No app names a URL of a higher app (DESIGN.md: apps depend downward only): neither in its
code (`reverse("<namespace>:…")`, `redirect`, `reverse_lazy`, `resolve_url`) nor in its
templates (`{% url '<namespace>:…' %}`). A lower app links to a higher app's page through a
maillage.core.links.PageLink the higher app registers.

Each app's namespace is its urls.py's `app_name`; the layers are tests/config/test_layers.py's.
"""

import ast
import re

from tests.config.test_layers import LAYERS, ROOT

URL_FUNCTIONS = {"reverse", "reverse_lazy", "redirect", "resolve_url"}
TEMPLATE_URL = re.compile(r"""\{%\s*url\s+["']([\w-]+):""")
# Known exceptions (file, namespace named), each with its reason; a new one needs the same
# scrutiny.
ALLOWED: set[tuple[str, str]] = {
    # The public listing request thanks on the site's home page; the profile's map reads the
    # public site's GeoJSON of places.
    ("manager/onboarding/views.py", "web"),
    ("manager/places/views.py", "web"),
    # The account page lists the person's other pages (rights, rates and passes).
    ("accounts/templates/accounts/account.html", "eligibility"),
    ("accounts/templates/accounts/account.html", "programmes"),
}


def namespaces() -> dict[str, str]:
    """Each URL namespace → the app that owns it (its urls.py's app_name)."""
    owners = {}
    for urls in ROOT.glob("*/*urls.py"):
        for node in ast.walk(ast.parse(urls.read_text())):
            if (
                isinstance(node, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == "app_name" for t in node.targets)
                and isinstance(node.value, ast.Constant)
            ):
                owners[node.value.value] = urls.parent.name
    return owners


def named_in_code(source: str):
    """(line, namespace) of every URL name a module passes to a URL function."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        first = node.args[0]
        text = first.value if isinstance(first, ast.Constant) else None
        if name in URL_FUNCTIONS and isinstance(text, str) and ":" in text:
            yield node.lineno, text.split(":", 1)[0]


def named_in_template(source: str):
    for number, line in enumerate(source.splitlines(), 1):
        for match in TEMPLATE_URL.finditer(line):
            yield number, match.group(1)


def test_the_namespaces_are_known():
    owners = namespaces()
    assert {"manager", "web", "booking", "accounts"} <= set(owners)
    assert set(owners.values()) <= set(LAYERS)


def test_no_app_names_a_url_of_a_higher_app():
    owners = namespaces()
    found, excused = [], set()
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in {".py", ".html", ".txt"} or "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT)
        app = relative.parts[0]
        if app not in LAYERS:
            continue
        source = path.read_text()
        named = named_in_code(source) if path.suffix == ".py" else named_in_template(source)
        for line, namespace in named:
            owner = owners.get(namespace)
            if owner is None or LAYERS[owner] <= LAYERS[app]:
                continue
            if (str(relative), namespace) in ALLOWED:
                excused.add((str(relative), namespace))
            else:
                found.append(f"{relative}:{line} names «{namespace}:» ({owner} above {app})")
    assert not found, "\n".join(found)
    assert excused == ALLOWED, f"No longer needed: {ALLOWED - excused}"


def test_the_scan_sees_both_forms():
    code = 'x = reverse("manager:invitation", args=[1])\nredirect("web:home")'
    assert [ns for _, ns in named_in_code(code)] == ["manager", "web"]
    template = "<a href=\"{% url 'manager:bookings' %}\">"
    assert [ns for _, ns in named_in_template(template)] == ["manager"]
