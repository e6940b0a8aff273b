"""A partner app shows the person's price (the social-rate split and why a programme does not
apply) and books at it, for the person or their child: /api/v1/espaces/<id>/prix and the
reservations' `person_price_cents` and `child`."""

import pytest
from django.urls import reverse

from maillage.booking.models import Booking
from maillage.eligibility.models import ChildProfile
from maillage.places.models import Place
from maillage.programmes.models import BookingShare, Envelope
from tests.factories import VerifiedUserFactory
from tests.moments import DAY, at
from tests.programmes.builders import a_pass, programme, verified

pytestmark = pytest.mark.django_db

# 9:00–11:00 at a desk: 8 € (4 € an hour).
SLOT = {"start": at(DAY, 9), "end": at(DAY, 11)}


def price(api, desks, **params):
    return api.get(reverse("api:space_price", args=[desks.pk]), {**SLOT, **params})


def test_the_person_s_price_is_the_split_and_booking_at_it_holds(api, desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    shown = price(api, desks)
    assert shown.status_code == 200, shown.content
    assert shown.json() | {"start": None, "end": None} == {
        "space": desks.pk,
        "start": None,
        "end": None,
        "seats": 1,
        "child": None,
        "list_cents": 800,
        "person_cents": 200,
        "funded_by": [{"label": "Tarif solidaire", "cents": 600}],
        "notices": [],
    }
    # The envelope runs out between the price shown and the booking: 409, nothing written.
    Envelope.objects.filter(programme=made).update(left_cents=0)
    body = {"space": desks.pk, **SLOT, "person_price_cents": 200}
    refused = api.post_json(reverse("api:reservations"), body)
    assert refused.status_code == 409 and refused.json()["codes"] == ["funding_changed"]
    assert "budget" in refused.json()["detail"] + str(refused.json()["errors"])
    assert not Booking.objects.exists()
    anew = price(api, desks).json()
    assert anew["person_cents"] == 800
    assert anew["notices"] == ["le budget de « Tarif solidaire » est épuisé"]
    booked = api.post_json(reverse("api:reservations"), {**body, "person_price_cents": 800})
    assert booked.status_code == 201 and booked.json()["person_price_cents"] == 800


def test_a_parent_books_for_their_child_whose_pass_pays(api, desks, booker):
    lucas = ChildProfile.objects.create(
        parent=booker, first_name="Lucas", birth_year=2013, school="Collège"
    )
    a_pass(desks.place, 1000)
    verified(booker, "collegien", child=lucas)
    assert price(api, desks).json()["person_cents"] == 800  # the parent holds no pass
    for_lucas = price(api, desks, child=lucas.pk)
    assert for_lucas.status_code == 200, for_lucas.content
    assert for_lucas.json()["person_cents"] == 0
    body = {"space": desks.pk, **SLOT, "child": lucas.pk, "person_price_cents": 0}
    booked = api.post_json(reverse("api:reservations"), body)
    assert booked.status_code == 201, booked.content
    assert booked.json()["funded_by"] == [{"label": "Pass+ tiers-lieux", "cents": 800}]
    assert BookingShare.objects.get().child_key == lucas.pk


@pytest.mark.parametrize("child", ["lucas", -1, "someone else's"])
def test_a_child_that_is_not_the_person_s_is_named(api, desks, booker, child):
    other = ChildProfile.objects.create(
        parent=VerifiedUserFactory(), first_name="Zoé", birth_year=2013, school="Collège"
    )
    value = other.pk if child == "someone else's" else child
    answer = price(api, desks, child=value)
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["field"] == "child"
    booked = api.post_json(reverse("api:reservations"), {"space": desks.pk, **SLOT, "child": value})
    assert booked.status_code == 400 and not Booking.objects.exists()


def test_the_price_needs_a_token_and_a_bookable_space(client, api, desks):
    assert client.get(reverse("api:space_price", args=[desks.pk]), SLOT).status_code == 401
    assert api.get(reverse("api:space_price", args=[desks.pk + 1000]), SLOT).status_code == 404
    # A place still in preparation tells nothing of its prices.
    Place.objects.filter(pk=desks.place_id).update(status="preparing", opening_date=None)
    assert api.get(reverse("api:space_price", args=[desks.pk]), SLOT).status_code == 404
    reversed_window = {"start": SLOT["end"], "end": SLOT["start"]}
    answer = api.get(reverse("api:space_price", args=[desks.pk]), reversed_window)
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "end"
