"""The person's price on the pages: the search's results, the space page and its booking form
(«Tarif solidaire : 3 € au lieu de 12 €»), a series' total, the notice when a programme did
not apply, and a booking refused because the price changed offered at the new price."""

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.booking import funding
from maillage.booking.models import Booking
from maillage.booking.price_lines import price_line, total_line
from maillage.booking.views.public import PRICE_SALT
from maillage.eligibility.models import ChildProfile
from maillage.programmes import quotes, services
from maillage.programmes.models import Envelope, Membership
from tests.booking import on_page
from tests.factories import BookablePlaceFactory, DeskFactory, RoomFactory, VerifiedUserFactory
from tests.moments import NOW, paris
from tests.pages import text
from tests.programmes.builders import a_pass, employer_quota, programme, staff, verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

SEARCH = {"date": "2027-01-12", "debut": "09:00", "fin": "12:00", "personnes": "1"}
WINDOW = {"date": "2027-01-12", "debut": "09:00", "fin": "12:00", "postes": "1", "semaines": "1"}


def empty(made) -> None:
    Envelope.objects.filter(programme=made).update(left_cents=0)


def test_price_line_reads_the_share_and_the_list_price():
    share = funding.Share(1, "Tarif solidaire", 600, "rate:percent:2500", 1)
    quote = funding.Quote(list_cents=800, person_cents=200, shares=(share,))
    line = price_line(quote)
    assert line.reduced == "Tarif solidaire : 2 € au lieu de 8 €"
    assert line.notices == ()
    spent = funding.Quote(800, 800, notices=("le budget de « Tarif solidaire » est épuisé",))
    assert price_line(spent).notices == (
        "Le budget de « Tarif solidaire » est épuisé : le prix public s'applique.",
    )
    total = total_line([quote, quote, spent])
    assert total is not None
    assert total.reduced == "Tarif solidaire : 12 € au lieu de 24 € pour la série"
    assert total_line([]) is None


def test_search_shows_the_social_rate_to_its_holder_only(client, desks, booker, other_booker):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    page = text(client.get(reverse("booking:search"), SEARCH))
    assert "Tarif solidaire : 3 € au lieu de 12 €" in page
    assert "rsa" not in page.lower()  # never the category
    client.force_login(other_booker)
    page = text(client.get(reverse("booking:search"), SEARCH))
    assert "Tarif solidaire" not in page
    assert "12 € pour ce créneau" in page
    client.logout()
    assert "Tarif solidaire" not in text(client.get(reverse("booking:search"), SEARCH))


def test_search_says_which_programme_did_not_apply(client, desks, booker):
    empty(programme(desks.place))
    verified(booker, "rsa")
    client.force_login(booker)
    page = text(client.get(reverse("booking:search"), SEARCH))
    assert "Le budget de « Tarif solidaire » est épuisé : le prix public s'applique." in page
    assert "12 € pour ce créneau" in page


def test_space_page_shows_the_price_of_the_window_asked(client, desks, booker):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    url = reverse("booking:space", args=[desks.pk])
    response = client.get(url, SEARCH)
    assert "Tarif solidaire : 3 € au lieu de 12 €" in text(response)
    assert response.context["price_token"]
    # Someone not signed in sees the list price of the window.
    client.logout()
    assert "Prix pour ce créneau : 12 €" in text(client.get(url, SEARCH))


def book_as_shown(client, desks, **extra):
    """Open the space page for WINDOW, then post its form with the price token it shows."""
    url = reverse("booking:space", args=[desks.pk])
    token = client.get(url, SEARCH).context["price_token"]
    return client.post(
        reverse("booking:book", args=[desks.pk]), {**WINDOW, "tarif": token, **extra}
    )


def test_booking_at_the_price_shown(client, desks, booker):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    response = book_as_shown(client, desks)
    assert response.status_code == 302
    booking = Booking.objects.get(user=booker)
    assert (booking.price_cents, booking.person_price_cents) == (1200, 300)


def test_a_reduced_price_never_shown_is_shown_before_booking(client, desks, booker):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    response = client.post(reverse("booking:book", args=[desks.pk]), WINDOW)
    assert response.status_code == 200
    assert "Vérifiez le récapitulatif" in text(response)
    assert "Tarif solidaire : 3 € au lieu de 12 €" in text(response)
    assert not Booking.objects.exists()
    # A token signed for another window is not this booking's price either.
    other = signing.dumps({"key": {"space": desks.pk}, "person_cents": 0}, salt=PRICE_SALT)
    client.post(reverse("booking:book", args=[desks.pk]), {**WINDOW, "tarif": other})
    assert not Booking.objects.exists()


def test_a_list_price_is_recapped_too_before_booking(client, desks, booker):
    client.force_login(booker)
    response = client.post(reverse("booking:book", args=[desks.pk]), WINDOW)
    assert response.status_code == 200 and not Booking.objects.exists()
    assert "Prix pour ce créneau : 12 €" in text(response)
    response = client.post(
        reverse("booking:book", args=[desks.pk]),
        {**WINDOW, "tarif": response.context["price_token"]},
    )
    assert response.status_code == 302
    assert Booking.objects.get(user=booker).person_price_cents == 1200


def test_a_price_changed_since_shown_is_refused_and_offered_anew(client, desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    url = reverse("booking:space", args=[desks.pk])
    token = client.get(url, SEARCH).context["price_token"]
    empty(made)  # the envelope is spent between the page and the booking
    response = client.post(reverse("booking:book", args=[desks.pk]), {**WINDOW, "tarif": token})
    page = text(response)
    assert response.status_code == 400
    assert "Le tarif réduit ne s'applique plus" in page
    assert "Le budget de « Tarif solidaire » est épuisé : le prix public s'applique." in page
    assert "Réserver au nouveau prix (12 €)" in page
    # The answer opens at the refusal, beside the button (a phone shows the week's grid
    # above the form): the error summary takes the focus.
    assert 'id="erreurs" autofocus' in response.content.decode()
    assert not Booking.objects.exists()
    # Accepting the new price books at it.
    response = client.post(
        reverse("booking:book", args=[desks.pk]),
        {**WINDOW, "tarif": response.context["price_token"]},
    )
    assert response.status_code == 302
    assert Booking.objects.get(user=booker).person_price_cents == 1200


def test_a_series_preview_shows_its_total(client, desks, booker):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    response = client.post(reverse("booking:book", args=[desks.pk]), {**WINDOW, "semaines": 3})
    assert response.status_code == 200
    page = text(response)
    assert "Total de la série" not in page  # reduced: the line names the programme
    assert "Tarif solidaire : 9 € au lieu de 36 € pour la série" in page


def test_a_parent_books_for_a_child_whose_pass_pays(client, desks, booker):
    a_pass(desks.place, 8000)
    child = ChildProfile.objects.create(
        parent=booker, first_name="Léa", birth_year=2013, school="Collège Jean Jaurès"
    )
    verified(booker, "collegien", child=child)
    client.force_login(booker)
    url = reverse("booking:space", args=[desks.pk])
    assert "Pour qui" in text(client.get(url, SEARCH))
    response = client.post(reverse("booking:book", args=[desks.pk]), {**WINDOW, "pour": child.pk})
    assert "Pass+ tiers-lieux : 0 € au lieu de 12 €" in text(response)
    token = response.context["price_token"]
    response = client.post(
        reverse("booking:book", args=[desks.pk]), {**WINDOW, "pour": child.pk, "tarif": token}
    )
    assert response.status_code == 302
    assert Booking.objects.get(user=booker).person_price_cents == 0
    # Another person's child is not a choice.
    stranger = ChildProfile.objects.create(
        parent=VerifiedUserFactory(), first_name="Tom", birth_year=2012, school="Collège"
    )
    response = client.post(
        reverse("booking:book", args=[desks.pk]), {**WINDOW, "pour": stranger.pk}
    )
    assert response.status_code == 400
    assert "Pour qui" in text(response)


def quote_request(person, space, *, child=None, list_cents=1200, seats=1):
    return funding.QuoteRequest(
        person=person,
        space_id=space.pk,
        place_id=space.place_id,
        space_kind=space.kind,
        start=paris(2027, 1, 12, 9),
        end=paris(2027, 1, 12, 12),
        seats=seats,
        list_cents=list_cents,
        now=NOW,
        beneficiary_child_id=child,
    )


def test_quote_many_answers_what_quote_answers(territory, desks, room, booker):
    other_place = BookablePlaceFactory(commune=territory.get(insee_code="92050"))
    far_desks, far_room = DeskFactory(place=other_place), RoomFactory(place=other_place)
    agent = VerifiedUserFactory(email="agent@hauts-de-seine.test")
    rate = programme([desks.place, other_place], space_kinds=["desk"])
    quota = employer_quota([desks.place, other_place], [agent], priority=10)
    Membership.objects.filter(email=agent.email).get().places.set([other_place])
    empty(programme(other_place, name="Vide", priority=5))
    child = ChildProfile.objects.create(
        parent=booker, first_name="Léa", birth_year=2013, school="Collège"
    )
    a_pass([desks.place], 500, bursary_cents=1000, name="Pass")
    verified(booker, "rsa")
    verified(agent, "rsa")
    verified(booker, "collegien", child=child, bursary=True)
    assert rate.pk and quota.pk
    requests = [
        quote_request(person, space, child=kid, list_cents=cents)
        for person, kid in ((booker, None), (booker, child.pk), (agent, None))
        for space in (desks, room, far_desks, far_room)
        for cents in (0, 1200)
    ]
    assert quotes.quote_many(requests) == [services.quote(r) for r in requests]
    assert quotes.quote_many([]) == []


def test_the_search_quotes_its_page_in_a_bounded_number_of_queries(
    client, territory, booker, django_assert_max_num_queries
):
    verified(booker, "rsa")
    codes = iter(["92004", "92025", "92050", "92062", "92078", "92040"])
    made = programme([])

    def add(count: int) -> None:
        for _ in range(count):
            place = BookablePlaceFactory(commune=territory.get(insee_code=next(codes)))
            DeskFactory(place=place)
            services.join(staff(), made, place)

    add(2)
    client.force_login(booker)
    client.get(reverse("booking:search"), SEARCH)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("booking:search"), SEARCH)
    assert text(response).count("Tarif solidaire : 3 € au lieu de 12 €") == 2
    add(4)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("booking:search"), SEARCH)
    assert text(response).count("Tarif solidaire : 3 € au lieu de 12 €") == 6


def test_a_series_of_a_person_without_programme_shows_the_plain_total(client, desks, booker):
    client.force_login(booker)
    response = client.post(reverse("booking:book", args=[desks.pk]), {**WINDOW, "semaines": 2})
    assert "Total de la série : 24 €" in text(response)


def test_my_bookings_show_the_price_paid(client, desks, booker):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    book_as_shown(client, desks)
    page = text(client.get(reverse("booking:my_bookings")))
    assert "Tarif solidaire : 3 € au lieu de 12 €" in page
    assert "décompté" not in page
    booking = Booking.objects.get(user=booker)
    confirm = text(client.get(reverse("booking:cancel", args=[booking.pk])))
    assert "L'annulation vous rend ce qu'elle avait décompté de vos droits" in confirm
    assert "« Tarif solidaire » ne décompte plus ces réservations de vos plafonds." in confirm
    client.post(reverse("booking:cancel", args=[booking.pk]))
    page = text(client.get(reverse("booking:my_bookings")))
    assert "Tarif solidaire : 3 € au lieu de 12 € · rien n'est décompté de vos droits" in page


def test_a_no_show_the_programme_still_pays_is_told(client, desks, booker, manager):
    desks.place.managers.add(manager)
    programme(desks.place, late_rule="place_paid")
    verified(booker, "rsa")
    client.force_login(booker)
    book_as_shown(client, desks)
    booking = Booking.objects.get(user=booker)
    on_page.mark_no_show(manager, booking, now=booking.start + timedelta(minutes=5))
    page = text(client.get(reverse("booking:my_bookings")))
    assert "3 € au lieu de 12 € · décompté de vos droits (annulation tardive ou absence)" in page


def test_a_childs_pass_names_the_child_to_the_parent_only(client, desks, booker, manager, mailed):
    desks.place.managers.add(manager)
    desks.place.requires_approval = True  # the managers are asked by email
    desks.place.save()
    child = ChildProfile.objects.create(
        parent=booker, first_name="Lucas", birth_year=2013, school="Collège"
    )
    a_pass(desks.place, 1000, public_label="Pass+")
    verified(booker, "collegien", child=child)
    window = (paris(2027, 1, 12, 9), paris(2027, 1, 12, 12))
    funded = on_page.services.Funded(child_id=child.pk)
    mailed(lambda: on_page.book(booker, desks.pk, *window, now=NOW, funded=funded))
    client.force_login(booker)
    page = text(client.get(reverse("booking:my_bookings")))
    assert "Pass+ : 2 € au lieu de 12 € pour Lucas" in page
    to_booker = [m for m in mail.outbox if booker.email in m.to]
    to_managers = [m for m in mail.outbox if booker.email not in m.to]
    assert len(to_booker) == len(to_managers) == 1
    assert "Pass+ : 2 € au lieu de 12 € pour Lucas" in to_booker[0].body
    assert "Pass+ : 2 € au lieu de 12 €" in to_managers[0].body
    assert "Lucas" not in to_managers[0].body
    booked = Booking.objects.get(user=booker)
    confirm = text(client.get(reverse("booking:cancel", args=[booked.pk])))
    assert "10 € reviennent au crédit « Pass+ » de Lucas." in confirm


def test_the_confirmation_email_gives_the_price_paid(client, desks, booker, mailed):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    mailed(lambda: book_as_shown(client, desks))
    [email] = [m for m in mail.outbox if booker.email in m.to]
    assert "Tarif solidaire : 3 € au lieu de 12 €" in email.body
    assert "rsa" not in email.body.lower()


def test_a_price_shown_to_someone_else_is_not_this_persons(client, desks, booker, other_booker):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(other_booker)  # pays the list price: shown 12 €
    token = client.get(reverse("booking:space", args=[desks.pk]), SEARCH).context["price_token"]
    client.force_login(booker)
    response = client.post(reverse("booking:book", args=[desks.pk]), {**WINDOW, "tarif": token})
    assert "Vérifiez le récapitulatif" in text(response)
    assert "Tarif solidaire : 3 € au lieu de 12 €" in text(response)
    assert not Booking.objects.exists()


def test_the_managers_calendar_shows_who_pays_what(client, desks, booker, place_manager):
    programme(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    book_as_shown(client, desks)
    client.force_login(place_manager)
    url = reverse("manager:bookings")
    page = text(client.get(url, {"vue": "jour", "du": "2027-01-12"}))
    assert "3 € payés par la personne · Tarif solidaire : 9 € (prix public 12 €)" in page
    assert "rsa" not in page.lower()


def test_shares_given_back_are_not_shown(desks, booker):
    programme(desks.place)
    verified(booker, "rsa")
    booking = on_page.book(booker, desks.pk, paris(2027, 1, 12, 9), paris(2027, 1, 12, 12), now=NOW)
    assert [s.cents for s in funding.shares_of([booking.pk])[booking.pk]] == [900]
    on_page.cancel(booker, booking)
    assert funding.shares_of([booking.pk]) == {}
    assert funding.shares_of([]) == {}
