"""Hostile text in an address's parameters gets a 4xx, the same on SQLite and PostgreSQL:
PostgreSQL refuses a NUL byte in any text it is asked about, SQLite looks it up."""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

HOSTILE_TEXT = ["a\x00b", "\x00", "a" * 5000, "é\u202e"]
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns=None, prefix=""):
    """(route, its converters by parameter) of every page and API address written as a
    route (regular expressions aside)."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and hasattr(pattern.pattern, "converters"):
            yield prefix + str(pattern.pattern), pattern.pattern.converters


TEXT_ROUTES = sorted(
    (route, name)
    for route, converters in _routes()
    for name, converter in converters.items()
    if not isinstance(converter, IntConverter)
)


def _path(route: str, text_parameter: str, value: str) -> str:
    def fill(match):
        name = match["name"]
        if name == text_parameter:
            return quote(value, safe="")
        return {"int": "1", "slug": "x"}.get(match["converter"], "x")

    return "/" + PARAMETER.sub(fill, route)


def test_the_walk_finds_the_text_parameters():
    assert ("inscription/verifier/<str:token>/", "token") in TEXT_ROUTES
    assert ("mot-de-passe/nouveau/<uidb64>/<token>/", "uidb64") in TEXT_ROUTES
    assert ("calendrier/<feed_token:token>.ics", "token") in TEXT_ROUTES


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "name"), TEXT_ROUTES)
@pytest.mark.parametrize("value", HOSTILE_TEXT, ids=ascii)
def test_hostile_text_in_a_path_is_refused_cleanly(client, resident, route, name, value):
    client.force_login(resident)
    path = _path(route, name, value)
    for method in (client.get, client.post):
        assert method(path).status_code < 500, (method.__name__, path[:80])


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/calendrier/a%00b.ics", "/calendrier/a%00b/lieux/x.ics"])
def test_a_feed_token_with_a_nul_byte_is_unknown(client, path):
    """It made PostgreSQL fail (500) where SQLite answered 404."""
    assert client.get(path).status_code == 404
