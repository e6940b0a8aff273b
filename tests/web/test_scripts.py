"""The platform's own scripts insert data as text, never as HTML.

Names shown on the maps come from managers, staff and imported files. Any API that parses a
string as HTML (innerHTML, insertAdjacentHTML, document.write, Leaflet's bindTooltip,
bindPopup, setContent with a string, divIcon's ``html``) would run markup hidden in a name.
Leaflet's overlays accept an element: the scripts build one with textContent.
"""

import re
from pathlib import Path

import pytest

import maillage

SCRIPTS = sorted(Path(maillage.__file__).parent.glob("*/static/**/*.js"))

# Sinks that always parse HTML.
HTML_SINKS = re.compile(
    r"\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\bhtml\s*:|"
    r"\.html\(|DOMParser|createContextualFragment"
)
# Leaflet overlays: HTML when given a string, safe when given an element.
LEAFLET_CONTENT = re.compile(
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*([^)]*)"
)
# What a Leaflet overlay may receive: a call to a function of the same script that builds
# an element (see element_builders).
BUILDER_CALL = re.compile(r"^(\w+)\(")
FUNCTION = re.compile(r"function\s+(\w+)\s*\([^)]*\)\s*\{(.*?)\n  \}", re.S)


def element_builders(source: str) -> set[str]:
    """Names of the script's functions that create an element and fill it with text only."""
    return {
        name
        for name, body in FUNCTION.findall(source)
        if "document.createElement" in body
        and "return" in body
        and not HTML_SINKS.search(body)
        and not LEAFLET_CONTENT.search(body)
    }


def overlay_faults(source: str) -> list[str]:
    """The overlay calls of a script whose content is not an element built with text."""
    builders = element_builders(source)
    faults = []
    for match in LEAFLET_CONTENT.finditer(source):
        argument = match.group(2).strip()
        call = BUILDER_CALL.match(argument)
        if not call or call.group(1) not in builders:
            faults.append(match.group(0))
    return faults


def test_the_scripts_are_found():
    names = {path.name for path in SCRIPTS}
    assert {"map.js", "observatory-map.js", "near-me.js"} <= names


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda path: path.name)
def test_no_script_parses_data_as_html(script):
    source = script.read_text()
    assert HTML_SINKS.findall(source) == []
    assert overlay_faults(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "box.innerHTML = name;",
        "list.insertAdjacentHTML('beforeend', row);",
        "layer.bindTooltip(describe(f.properties));",
        "layer.bindTooltip(p.name + ' (' + p.commune + ')');",
        "marker.bindPopup('<b>' + name + '</b>');",
        "L.divIcon({ html: name });",
        "function label(p) {\n    var b = document.createElement('b');\n"
        "    b.innerHTML = p.name; return b;\n  }\nlayer.bindPopup(label(p));",
    ],
)
def test_the_check_catches_a_new_html_insertion(source):
    assert HTML_SINKS.findall(source) or overlay_faults(source)


def test_the_check_accepts_an_element_built_with_text():
    source = (
        "  function label(p) {\n    var b = document.createElement('b');\n"
        "    b.textContent = p.name;\n    return b;\n  }\nlayer.bindTooltip(label(p));"
    )
    assert HTML_SINKS.findall(source) == []
    assert overlay_faults(source) == []
