"""Every API operation driven with hostile values: no 5xx, every error is problem details in
French, and a request answered 4xx writes no row.

The operations are read from the URLconf: a new endpoint without a strategy here fails.
"""

import json
import re
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.api.models import ApiToken
from maillage.booking.models import Channel
from maillage.booking.services import book
from tests.moments import DAY, at, paris

pytestmark = pytest.mark.django_db

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
FRENCH_WORDS = {
    "le", "la", "les", "de", "des", "du", "un", "une", "est", "ce", "cet", "cette", "au",
    "aux", "en", "à", "pas", "ou", "et", "dans", "sont", "doit", "attendu", "attendue",
    "attendues", "réessayez",
}  # fmt: skip


def api_patterns() -> dict[str, URLPattern]:
    """Every URL pattern of the API, by name, from the URLconf."""
    [api] = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    ]
    return {p.name: p for p in api.url_patterns}


# --- Hostile values ----------------------------------------------------------------------------

text = st.text(max_size=40)
long_text = st.builds(lambda c, n: c * n, st.characters(), st.sampled_from([300, 301, 10_000]))
control_text = st.builds(
    lambda a, c, b: a + c + b, text, st.sampled_from(["\x00", "\n", "\r", "\x1b", "\x7f"]), text
)
hostile_text = st.one_of(text, long_text, control_text)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.sampled_from([0, -1, 2**31, 2**63 - 1, 2**63, 10**20]),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, hostile_text)
hostile = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)


def instants() -> st.SearchStrategy:
    """Instants near and far, well or badly written."""
    near = st.builds(
        lambda days, hour, minute: at(DAY + timedelta(days=days), hour, minute),
        st.integers(-400, 800),
        st.integers(0, 23),
        st.sampled_from([0, 30, 59]),
    )
    written = st.sampled_from(
        [
            "9999-12-31T23:59:59+14:00",
            "9999-12-31T23:00:00-12:00",
            "0001-01-01T00:00:00+14:00",
            f"{DAY}T09:00:00+24:00",
            f"{DAY}T09:00:00+99:99",
            f"{DAY}T24:00:00+01:00",
            f"{DAY}T09:00:60+01:00",
            f"{DAY}T09:00:00",
            f"{DAY}T09:00:00.1234567+01:00",
            f"{DAY}",
        ]
    )
    return st.one_of(near, written, hostile)


def days() -> st.SearchStrategy:
    near = st.builds(
        lambda d: (date.today() + timedelta(days=d)).isoformat(), st.integers(-800, 1600)
    )
    written = st.sampled_from(["9999-12-31", "0001-01-01", "2026-02-30", "2026-1-1", "20261201"])
    return st.one_of(near, written, hostile_text)


def digits() -> st.SearchStrategy:
    return st.one_of(
        st.integers(-(10**30), 10**30).map(str),
        st.sampled_from(["0", "30", "60", "90", "44640", "44641", "1e3", "1.5", " 60", "٦٠"]),
        hostile_text,
    )


def bodies(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """A JSON body: an object with these fields (each maybe absent, maybe hostile), anything
    else JSON, or bytes that are not JSON at all."""
    objects = st.fixed_dictionaries(
        {}, optional={name: st.one_of(values, hostile) for name, values in fields.items()}
    ).map(lambda body: json.dumps(body).encode())
    broken = st.one_of(
        st.binary(max_size=40),
        st.sampled_from(
            [
                b"",
                b"[" * 100_000 + b"]" * 100_000,
                b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
                b"\xff\xfe{}",
                json.dumps({"space": 1}).encode("utf-16"),
                b'{"space": NaN}',
                b'{"seats": ' + b"9" * 5000 + b"}",
            ]
        ),
    )
    return st.one_of(objects, hostile.map(lambda v: json.dumps(v).encode()), broken)


def queries(fields: dict[str, st.SearchStrategy]) -> st.SearchStrategy:
    """A query string: these parameters (each maybe absent, maybe hostile), or raw bytes."""
    safe = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
    params = st.fixed_dictionaries(
        {}, optional={name: st.one_of(values, safe) for name, values in fields.items()}
    ).map(lambda query: "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items()))
    raw = st.sampled_from(["date=%ff%00&minutes=%C0", "semaine=%00", "a=" + "b" * 10_000, "%"])
    return st.one_of(params, raw)


# --- One strategy per endpoint ----------------------------------------------------------------


def requests(world: dict) -> dict[str, st.SearchStrategy]:
    """For each API URL name: (method, path, query string, body, headers)."""
    ids = st.one_of(
        st.sampled_from(world["ids"]), st.integers(0, 10**18 - 1), st.sampled_from([0, 1])
    )
    keys = st.text(alphabet=st.characters(max_codepoint=255), max_size=120)
    headers = st.fixed_dictionaries(
        {},
        optional={
            "Authorization": st.one_of(
                st.sampled_from(world["authorizations"]),
                keys,
                keys.map(lambda k: "Bearer " + k),
            ),
            "Idempotency-Key": st.one_of(st.sampled_from(["k-1", "k-2"]), keys),
        },
    )
    spaces = st.one_of(st.sampled_from(world["spaces"]), numbers)
    booking_fields = {
        "space": spaces,
        "start": instants(),
        "end": instants(),
        "seats": st.one_of(st.integers(0, 10), numbers),
        "child": st.one_of(st.integers(0, 10), numbers),
        "person_price_cents": st.one_of(st.integers(-1, 10_000), numbers),
    }

    inseecodes = st.one_of(
        st.sampled_from(["92012", "92050", "99999", "2A004", "0", "x" * 300]),
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)
        .filter(lambda c: "/" not in c)
        .map(lambda c: quote(c, safe="")),
    )

    def endpoint(name, allowed, query, body):
        converters = api_patterns()[name].pattern.converters

        def path(pk):
            if "insee" in converters:
                return reverse(f"api:{name}", kwargs={"insee": "00000"}).replace("00000", pk)
            return reverse(f"api:{name}", kwargs={"pk": pk} if pk is not None else {})

        pks = ids if "pk" in converters else inseecodes if "insee" in converters else st.none()
        return st.tuples(
            st.one_of(st.sampled_from(allowed), st.sampled_from(METHODS)),
            pks.map(path),
            query,
            body,
            headers,
        )

    nowhere = st.one_of(
        st.text(max_size=40).map(quote),
        st.builds(
            "{}/{}/{}".format,
            st.sampled_from(["reservations", "espaces"]),
            st.one_of(
                st.integers().map(str),
                st.sampled_from(["9" * 19, "9" * 40, "-1", "1e9", "0x10", "١"]),
                hostile_text.map(quote),
            ),
            st.sampled_from(["annulation", "semaine", "creneaux", "prix", ""]),
        ),
    ).map(lambda rest: "/api/v1/" + rest)
    return {
        "reservations": endpoint(
            "reservations", ["GET", "POST"], st.just(""), bodies(booking_fields)
        ),
        "cancellation": endpoint(
            "cancellation", ["POST"], st.just(""), bodies({"reason": hostile_text})
        ),
        "space_week": endpoint("space_week", ["GET"], queries({"semaine": days()}), st.just(b"")),
        "space_slots": endpoint(
            "space_slots",
            ["GET"],
            queries({"date": days(), "minutes": digits(), "seats": digits()}),
            st.just(b""),
        ),
        "space_price": endpoint(
            "space_price",
            ["GET"],
            queries(
                {
                    "start": instants().filter(lambda v: isinstance(v, str)),
                    "end": instants().filter(lambda v: isinstance(v, str)),
                    "seats": digits(),
                    "child": digits(),
                }
            ),
            st.just(b""),
        ),
        "places": endpoint(
            "places",
            ["GET"],
            queries(
                {
                    "commune": st.sampled_from(["92012", "92050", "99999"]),
                    "ept": text,
                    "status": st.sampled_from(["open", "closed", "preparing", "project", "x"]),
                    "service": st.sampled_from(["fablab", "cafe", "inconnu"]),
                    "broadband": st.sampled_from(["true", "false", "1", "0", "oui"]),
                    "accessibility": st.sampled_from(["step_free_access", "hearing_loop", "x"]),
                    "bbox": st.one_of(
                        st.sampled_from(["2.2,48.8,2.3,48.9", "2.3,48.8,2.2,48.9", "1,2,3"]),
                        st.lists(digits(), min_size=4, max_size=4).map(",".join),
                    ),
                    "lat": digits(),
                    "lon": digits(),
                    "radius": digits(),
                    "page": digits(),
                    "page_size": digits(),
                }
            ),
            st.just(b""),
        ),
        "place": endpoint("place", ["GET"], st.just(""), st.just(b"")),
        "place_spaces": endpoint(
            "place_spaces",
            ["GET"],
            queries({"page": digits(), "page_size": digits()}),
            st.just(b""),
        ),
        "search": endpoint(
            "search",
            ["GET"],
            queries(
                {
                    "date": days(),
                    "start": st.sampled_from(["09:00", "11:00", "25:00", "9h", "02:30"]),
                    "end": st.sampled_from(["11:00", "09:00", "24:00", "00:00"]),
                    "people": digits(),
                    "commune": st.sampled_from(["92012", "99999"]),
                    "kind": st.sampled_from(["desk", "meeting_room", "x"]),
                    "lat": digits(),
                    "lon": digits(),
                    "start_occurrence": digits(),
                    "page": digits(),
                }
            ),
            st.just(b""),
        ),
        "communes": endpoint(
            "communes", ["GET"], queries({"threshold": digits(), "page": digits()}), st.just(b"")
        ),
        "commune": endpoint("commune", ["GET"], queries({"threshold": digits()}), st.just(b"")),
        "events": endpoint(
            "events",
            ["GET"],
            queries(
                {
                    "commune": st.sampled_from(["92012", "99999"]),
                    "place": digits(),
                    "audience": st.sampled_from(["everyone", "x"]),
                    "from": days(),
                    "to": days(),
                    "page": digits(),
                }
            ),
            st.just(b""),
        ),
        "event": endpoint("event", ["GET"], st.just(""), st.just(b"")),
        **{
            name: endpoint(
                name,
                ["GET"],
                queries({"afterTimestamp": digits(), "afterId": digits()}),
                st.just(b""),
            )
            for name in ("feed_places", "feed_spaces", "feed_slots", "feed_events")
        },
        "openapi": endpoint("openapi", ["GET"], queries({"format": text}), st.just(b"")),
        "docs": endpoint("docs", ["GET"], queries({"script": text, "lang": text}), st.just(b"")),
        "not_found": st.tuples(st.sampled_from(METHODS), nowhere, st.just(""), bodies({}), headers),
    }


# --- The test -----------------------------------------------------------------------------------


@pytest.fixture
def world(booker, other_booker, room, desks):
    """Two people with tokens, a room and desks, bookings of each person."""
    _, key = ApiToken.issue(booker, "Appli test")
    _, other_key = ApiToken.issue(other_booker, "Autre appli")
    slot = (paris(DAY.year, DAY.month, DAY.day, 9), paris(DAY.year, DAY.month, DAY.day, 11))
    mine, theirs = (
        book(booker, room.pk, *slot, channel=Channel.PAGE),
        book(other_booker, desks.pk, *slot, channel=Channel.PAGE),
    )
    return {
        "ids": [mine.pk, theirs.pk, room.pk, desks.pk],
        "spaces": [room.pk, desks.pk],
        "authorizations": [f"Bearer {key}", f"bearer {key}", f"BEARER {other_key}", ""],
    }


# Rate counters count every request, refused ones included, by design.
COUNTS_EVERY_REQUEST = {"api.RateWindow"}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models()
        if model._meta.label not in COUNTS_EVERY_REQUEST
    }


def assert_is_french(detail: object) -> None:
    assert isinstance(detail, str) and detail
    words = set(re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", detail.lower()))
    assert words & FRENCH_WORDS, detail


def test_every_endpoint_has_a_strategy(world):
    assert set(api_patterns()) == set(requests(world))


@pytest.mark.parametrize("name", sorted(api_patterns()))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_requests_are_refused_cleanly(world, name, data):
    method, path, query, body, headers = data.draw(requests(world)[name], label="request")
    before = row_counts()
    response = Client().generic(
        method,
        path + (f"?{query}" if query else ""),
        body,
        content_type="application/json",
        headers=headers,
    )
    status = response.status_code
    assert status < 500, response.content[:500]
    if status >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert row_counts() == before, "a refused request wrote rows"
    if status >= 400 and method != "HEAD":  # a HEAD answer has no body
        problem = json.loads(response.content)
        assert problem["status"] == status
        assert_is_french(problem["detail"])
        for error in problem.get("errors", []):
            assert_is_french(error["detail"])
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer ")
    if status == 405:
        assert response["Allow"]
