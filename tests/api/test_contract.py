"""The OpenAPI document holds: Schemathesis generates requests for every operation from the
document and sends them over real HTTP to a live server, with a partner's key, with a person's
consented token, and anonymously; no answer is a 5xx and every answer matches the document
(status, content type, headers, body)."""

import secrets
from datetime import timedelta

import pytest
import schemathesis
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from oauth2_provider.models import AccessToken, set_token_value
from schemathesis import checks

from maillage.api import partners
from tests.api.consent_flow import partner_details
from tests.moments import DAY, at

pytestmark = pytest.mark.django_db(transaction=True)

# What the contract promises: no 5xx, and every answer as documented. Not «a schema-valid
# request is accepted»: dates are bounded by today's date, which a document cannot state.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
# Examples per operation and caller: enough to reach every parameter's edge, within CI's time.
EXAMPLES = 20


@pytest.fixture
def partner_world(staff_user, booker, room, desks):
    """A partner (read and book) with its key, and `booker`'s consent to it."""
    partner, key = partners.create_partner(staff_user, partner_details())
    token = AccessToken(
        user=booker,
        application=partner.application,
        scope="read book",
        expires=timezone.now() + timedelta(days=1),
    )
    raw = secrets.token_urlsafe(32)
    set_token_value(token, raw)
    token.save()
    return {
        "headers": {
            "partner key": {"X-Api-Key": key},
            "consent": {"Authorization": f"Bearer {raw}"},
            "anonymous": {},
        },
        "ids": [room.pk, desks.pk],
    }


# The document the platform serves at /api/v1/openapi.json (test_docs checks they are equal).
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))

# Values that name what exists and fall within today's windows: generated values alone
# would almost never reach a 200, whose body the document must describe too.
REALISTIC = {
    "id": None,  # one of the world's ids
    "space": None,
    "date": DAY.isoformat(),
    "semaine": DAY.isoformat(),
    "start": at(DAY, 9),
    "end": at(DAY, 11),
    "minutes": 60,
    "seats": 1,
}


def steer(case, ids: list[int]) -> None:
    """Replaces, in about half the cases (by the parity of a generated value), the values
    of REALISTIC's names in the path, query and body by realistic ones."""
    for values in (case.path_parameters, case.query, case.body):
        if not isinstance(values, dict):
            continue
        for name in values.keys() & REALISTIC.keys():
            if len(repr(values[name])) % 2:
                continue
            realistic = REALISTIC[name]
            if realistic is None:
                realistic = ids[len(repr(values[name])) % len(ids)]
            values[name] = realistic


@pytest.mark.parametrize("caller", ["partner key", "consent", "anonymous"])
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_keeps_the_contract(case, caller, live_server, partner_world, settings):
    settings.MAILLAGE_API_KEY_RATE = settings.MAILLAGE_API_ANONYMOUS_RATE = 10**6
    steer(case, partner_world["ids"])
    case.call_and_validate(
        base_url=live_server.url, headers=partner_world["headers"][caller], checks=CHECKS
    )
