"""The offices' use cases: who may write offers, a request's rules (each refusal names its
field and writes nothing), its confirmation, the places' answers, the retention rule."""

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from maillage.core import outbox
from maillage.core.models import OutboundEmail
from maillage.offices import confirmation, emails, services, tasks
from maillage.offices.models import (
    OfficeOffer,
    OfficeOfferLog,
    OfficeRequest,
    OfficeRequestPlace,
    RequestStatus,
)
from maillage.places.models import Place
from maillage.territory.models import Commune
from tests.factories import ManagerFactory, OfficeOfferFactory, PlaceFactory, VerifiedUserFactory
from tests.fixtures.offices import request_fields

pytestmark = pytest.mark.django_db


def new_offer(place: Place, **changes) -> OfficeOffer:
    fields = {
        "place": place,
        "title": "Bureau neuf",
        "kind": "private_office",
        "surface_m2": 12,
        "workstations": 2,
        "monthly_price_cents": 45_000,
        "available_from": timezone.localdate(),
        "status": "published",
        **changes,
    }
    return OfficeOffer(**fields)


def test_a_manager_creates_and_edits_their_places_offers_who_did_it_kept(manager, place):
    offer = services.save_offer(manager, new_offer(place))
    assert (offer.created_by, offer.updated_by) == (manager, manager)
    colleague = ManagerFactory(places=[place])
    offer.monthly_price_cents = 50_000
    services.save_offer(colleague, offer)
    offer.refresh_from_db()
    assert (offer.monthly_price_cents, offer.created_by, offer.updated_by) == (
        50_000,
        manager,
        colleague,
    )


def history(offer: OfficeOffer) -> list[tuple]:
    return [
        (line.from_status, line.to_status, line.actor, line.what)
        for line in OfficeOfferLog.objects.filter(offer=offer).order_by("pk")
    ]


def test_an_offers_history_keeps_who_created_published_withdrew_and_edited_it(
    manager, place, staff_user
):
    offer = services.save_offer(manager, new_offer(place, status="draft"))
    colleague = ManagerFactory(places=[place])
    offer.status = "published"
    services.save_offer(colleague, offer)
    offer.status = "withdrawn"
    services.save_offer(staff_user, offer)
    offer.monthly_price_cents = 40_000
    services.save_offer(manager, offer)
    offer.status = "draft"
    services.save_offer(manager, offer)
    assert history(offer) == [
        (None, "draft", manager, "créée (brouillon)"),
        ("draft", "published", colleague, "publiée"),
        ("published", "withdrawn", staff_user, "retirée"),
        ("withdrawn", "withdrawn", manager, "modifiée"),
        ("withdrawn", "draft", manager, "remise en brouillon"),
    ]
    line = OfficeOfferLog.objects.filter(offer=offer).latest("pk")
    assert line.at == OfficeOffer.objects.get(pk=offer.pk).updated_at


def test_a_refused_change_adds_nothing_to_the_history(manager, place, other_place, resident):
    offer = services.save_offer(manager, new_offer(place))
    offer.status = "withdrawn"
    with pytest.raises(PermissionDenied):
        services.save_offer(resident, offer)
    offer.title = ""
    with pytest.raises(ValidationError):
        services.save_offer(manager, offer)
    with pytest.raises(PermissionDenied):
        services.save_offer(manager, new_offer(other_place))
    assert history(offer) == [(None, "published", manager, "créée (publiée)")]
    assert OfficeOfferLog.objects.count() == 1


def test_nobody_else_writes_a_places_offers(manager, place, other_place, resident):
    with pytest.raises(PermissionDenied, match="Vous ne gérez pas ce lieu."):
        services.save_offer(manager, new_offer(other_place))
    offer = OfficeOfferFactory(place=other_place)
    offer.monthly_price_cents = 1
    for actor in (manager, resident, AnonymousUser()):
        with pytest.raises(PermissionDenied):
            services.save_offer(actor, offer)
    assert OfficeOffer.objects.get(pk=offer.pk).monthly_price_cents == 50_000
    mine = OfficeOfferFactory(place=place)
    mine.place = other_place
    with pytest.raises(ValidationError, match="reste attachée à son lieu"):
        services.save_offer(manager, mine)
    assert OfficeOffer.objects.get(pk=mine.pk).place == place


def test_staff_write_any_offer_and_a_closed_place_publishes_none(staff_user, place):
    services.save_offer(staff_user, new_offer(place))
    Place.objects.filter(pk=place.pk).update(status="closed")
    place.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.save_offer(staff_user, new_offer(place, title="Autre"))
    assert error.value.message_dict == {
        "status": ["Ce lieu est fermé : ses offres ne sont pas publiées."]
    }
    services.save_offer(staff_user, new_offer(place, title="Brouillon", status="draft"))
    assert OfficeOffer.objects.published().count() == 0


def test_a_request_reaches_each_place_once_its_sender_confirms(
    place, other_place, offer, other_offer, mailed
):
    manager = ManagerFactory(email="gestion@ruche.test", places=[place])
    second = OfficeOfferFactory(place=place, title="Second bureau")
    asnieres = Commune.objects.get(insee_code="92004")
    sent = mailed(
        lambda: services.submit_request(
            AnonymousUser(),
            OfficeRequest(**request_fields(email=" Claire@Lumen.test ")),
            [offer, second, other_offer],
            [asnieres],
        )
    )
    assert sent.email == "claire@lumen.test" and sent.confirmed_at is None
    rows = {row.place: row for row in sent.places.all()}
    assert set(rows) == {place, other_place}
    assert set(rows[place].offers.all()) == {offer, second}
    assert set(sent.communes.values_list("insee_code", flat=True)) == {"92012", "92050", "92004"}
    assert not OfficeRequestPlace.objects.received().exists()
    # The link goes to the unproven address, with nothing the sender typed.
    [message] = mail.outbox
    assert message.to == ["claire@lumen.test"]
    assert "Atelier Lumen" not in message.body and "gare" not in message.body
    link = next(line for line in message.body.splitlines() if "/bureaux/demande/confirmer/" in line)
    token = link.rsplit("/confirmer/", 1)[1].rstrip("/")
    assert confirmation.request_of(token) == sent
    mail.outbox.clear()
    confirmed = mailed(lambda: services.confirm_by_token(token))
    assert confirmed.confirmed_at is not None
    assert OfficeRequestPlace.objects.received().count() == 2
    [told] = mail.outbox  # the managers of the places (Nanterre's has none)
    assert told.to == [manager.email] and "Atelier Lumen" in told.body
    assert f"/gestion/bureaux/demandes/{rows[place].pk}/" in told.body
    with pytest.raises(confirmation.AlreadyConfirmed):
        services.confirm_by_token(token)
    assert OutboundEmail.objects.filter(topic=emails.NEW_REQUEST).count() == 1


def test_a_confirmation_link_refuses_to_be_forged_or_late(offer, send_request):
    sent = send_request([offer], confirmed=False)
    token = confirmation.token(sent)
    for forged in ("jeton", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x"):
        with pytest.raises(confirmation.LinkRefused, match="n'est pas valide"):
            confirmation.request_of(forged)
    late = (timezone.now() + timedelta(days=4)).timestamp()
    with (
        mock.patch("django.core.signing.time.time", return_value=late),
        pytest.raises(confirmation.LinkRefused, match="a expiré"),
    ):
        services.confirm_by_token(token)
    assert OfficeRequest.objects.get(pk=sent.pk).confirmed_at is None
    OfficeRequest.objects.filter(pk=sent.pk).delete()
    with pytest.raises(confirmation.LinkRefused, match="n'existe plus"):
        confirmation.request_of(token)


def test_a_signed_in_sender_with_that_address_verified_needs_no_link(offer, place, mailed):
    ManagerFactory(places=[place])
    person = VerifiedUserFactory(email="claire@lumen.test")
    sent = mailed(
        lambda: services.submit_request(person, OfficeRequest(**request_fields()), [offer], [])
    )
    assert sent.confirmed_at is not None
    assert [message.subject for message in mail.outbox] == [
        f"Nouvelle demande de bureaux — {place.name}"
    ]
    other = VerifiedUserFactory(email="autre@lumen.test")
    sent = services.submit_request(other, OfficeRequest(**request_fields()), [offer], [])
    assert sent.confirmed_at is None


def refusal(offers, communes=(), **changes) -> dict[str, list[str]]:
    """The errors of a refused request; nothing was written."""
    before = (OfficeRequest.objects.count(), OfficeRequestPlace.objects.count())
    emails_before = OutboundEmail.objects.count()
    with pytest.raises(ValidationError) as error:
        services.submit_request(
            AnonymousUser(), OfficeRequest(**request_fields(**changes)), offers, list(communes)
        )
    assert (OfficeRequest.objects.count(), OfficeRequestPlace.objects.count()) == before
    assert OutboundEmail.objects.count() == emails_before
    return error.value.message_dict


def test_a_request_names_at_least_one_offer_of_at_most_five_places(territory, offer):
    assert refusal([]) == {
        "offers": [
            "Choisissez au moins une offre : votre demande est envoyée aux lieux qui les proposent."
        ]
    }
    six = [
        OfficeOfferFactory(place=PlaceFactory(commune=commune))
        for commune in territory.exclude(insee_code="92012").order_by("insee_code")[:6]
    ]
    assert refusal(six) == {
        "offers": ["Choisissez des offres d'au plus 5 lieux (vous en avez choisi 6)."]
    }
    eleven = [OfficeOfferFactory(place=offer.place) for _ in range(11)]
    assert refusal(eleven) == {"offers": ["Choisissez au plus 10 offres (vous en avez choisi 11)."]}
    offer.status = "withdrawn"
    offer.save()
    assert refusal([offer]) == {
        "offers": ["Une offre choisie n'est plus publiée : choisissez parmi les offres proposées."]
    }


def test_a_request_names_at_most_five_communes(territory, offer):
    assert refusal([offer], territory.order_by("insee_code")[:6]) == {
        "communes": ["Choisissez au plus 5 communes (vous en avez choisi 6)."]
    }


def test_a_request_starts_from_today_to_two_years_ahead(offer):
    today = timezone.localdate()
    assert refusal([offer], start_date=today - timedelta(days=1)) == {
        "start_date": [
            "La date d'entrée souhaitée est passée : choisissez aujourd'hui ou une date à venir."
        ]
    }
    assert (
        "trop lointaine"
        in refusal([offer], start_date=today.replace(year=today.year + 3))["start_date"][0]
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "pas-une-adresse"}, "email", "Saisissez une adresse de courriel valide."),
        ({"siren": "732829321"}, "siren", "Ce SIREN n'est pas valide"),
        ({"workstations": 0}, "workstations", "Le nombre de postes de travail doit être entre"),
        ({"budget_cents": 100_000_01}, "budget_cents", "Le budget mensuel doit être entre"),
        ({"phone": "12"}, "phone", "Numéro de téléphone invalide"),
        ({"contact_name": "www.exemple.fr"}, "contact_name", "Le nom du contact ne peut pas"),
        ({"company_name": ""}, "company_name", "Ce champ ne peut pas être vide."),
    ],
)
def test_a_request_with_a_bad_field_is_refused_naming_it(offer, changes, field, message):
    errors = refusal([offer], **changes)
    assert any(message in found for found in errors[field]), errors


def test_an_address_holds_at_most_three_requests_awaiting_confirmation(offer, send_request):
    for _ in range(3):
        send_request([offer], confirmed=False)
    assert refusal([offer]) == {
        "email": [
            "3 demandes envoyées depuis cette adresse attendent déjà sa confirmation : ouvrez "
            "le lien reçu par courriel, puis réessayez."
        ]
    }
    send_request([offer], email="autre@lumen.test", confirmed=False)


def test_a_place_answers_once_and_the_sender_is_told(place, offer, send_request, mailed):
    manager = ManagerFactory(places=[place])
    colleague = ManagerFactory(places=[place])
    Place.objects.filter(pk=place.pk).update(email="contact@lieu.test")
    row = send_request([offer]).places.get()
    outbox.deliver_due()
    mail.outbox.clear()
    with pytest.raises(ValidationError) as error:
        services.answer(manager, row, "   ")
    assert error.value.message_dict == {
        "reply": ["Écrivez votre réponse : elle est envoyée par courriel au demandeur."]
    }
    mailed(lambda: services.answer(manager, row, "Passez le visiter mardi."))
    row.refresh_from_db()
    assert (row.status, row.decided_by, row.reply) == (
        RequestStatus.ANSWERED,
        manager,
        "Passez le visiter mardi.",
    )
    [message] = mail.outbox
    assert message.to == ["claire@lumen.test"] and message.reply_to == ["contact@lieu.test"]
    assert "Passez le visiter mardi." in message.body
    with pytest.raises(ValidationError, match="a déjà reçu la réponse du lieu"):
        services.decline(colleague, row, "Complet")
    row.refresh_from_db()
    assert row.status == RequestStatus.ANSWERED and len(mail.outbox) == 1


def test_another_place_cannot_answer(place, other_place, offer, send_request):
    stranger = ManagerFactory(places=[other_place])
    row = send_request([offer]).places.get()
    for call in (services.answer, services.decline):
        with pytest.raises(PermissionDenied):
            call(stranger, row, "Non")
    row.refresh_from_db()
    assert row.status == RequestStatus.NEW


def test_a_declined_request_tells_the_sender_and_replies_to_the_manager(
    place, offer, send_request, mailed
):
    manager = ManagerFactory(email="lea@lieu.test", places=[place])
    row = send_request([offer]).places.get()
    outbox.deliver_due()
    mail.outbox.clear()
    mailed(lambda: services.decline(manager, row))
    row.refresh_from_db()
    assert row.status == RequestStatus.DECLINED and row.reply == ""
    [message] = mail.outbox
    assert "ne peut pas donner suite" in message.body and message.reply_to == ["lea@lieu.test"]


def test_an_unconfirmed_request_cannot_be_answered(place, offer, send_request):
    manager = ManagerFactory(places=[place])
    row = send_request([offer], confirmed=False).places.get()
    with pytest.raises(ValidationError, match="attend la confirmation"):
        services.answer(manager, row, "Bonjour")


@override_settings(MAILLAGE_OFFICE_REQUEST_RETENTION_DAYS=365)
def test_the_purge_deletes_unconfirmed_requests_and_erases_old_ones(place, offer, send_request):
    manager = ManagerFactory(places=[place])
    now = timezone.now()
    stale = send_request([offer], confirmed=False)
    fresh = send_request([offer], email="b@lumen.test", confirmed=False)
    old = send_request([offer], email="c@lumen.test", siren="732829320", phone="0123456789")
    services.answer(manager, old.places.get(), "Bienvenue")
    recent = send_request([offer], email="d@lumen.test")
    OfficeRequest.objects.filter(pk=stale.pk).update(created_at=now - timedelta(days=4))
    OfficeRequest.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=366))
    OfficeRequest.objects.filter(pk=recent.pk).update(created_at=now - timedelta(days=364))
    outbox.deliver_due()
    kept = set(
        OutboundEmail.objects.filter(address__in=["b@lumen.test", "d@lumen.test"]).values_list(
            "pk", flat=True
        )
    )
    assert len(kept) == 2
    assert OutboundEmail.objects.filter(address="c@lumen.test").count() == 2  # link, answer
    assert services.purge(now) == {"deleted": 1, "anonymised": 1}
    # The emails to the senders go with their data; the others' stay.
    senders = ["claire@lumen.test", "c@lumen.test", "b@lumen.test", "d@lumen.test"]
    assert (
        set(OutboundEmail.objects.filter(address__in=senders).values_list("pk", flat=True)) == kept
    )
    assert not OfficeRequest.objects.filter(pk=stale.pk).exists()
    assert OfficeRequest.objects.filter(pk=fresh.pk, confirmed_at__isnull=True).exists()
    erased = OfficeRequest.objects.get(pk=old.pk)
    assert erased.anonymised_at == now
    assert (erased.company_name, erased.siren, erased.contact_name) == ("", "", "")
    assert (erased.email, erased.phone, erased.message) == ("", "", "")
    assert (erased.workstations, erased.budget_cents, erased.communes.count()) == (3, 90_000, 1)
    row = erased.places.get()
    assert (row.status, row.reply) == (RequestStatus.ANSWERED, "")
    assert OfficeRequest.objects.get(pk=recent.pk).anonymised_at is None
    assert services.purge(now) == {"deleted": 0, "anonymised": 0}
    with pytest.raises(ValidationError, match="coordonnées de son expéditeur sont effacées"):
        services.decline(manager, row)


def test_the_emails_of_a_request_are_built_when_sent(place, offer, send_request):
    """A queued email reads the database as it is at delivery (core.outbox)."""
    manager = ManagerFactory(places=[place])
    row = send_request([offer]).places.get()
    email = OutboundEmail.objects.get(topic=emails.NEW_REQUEST, address=manager.email)
    Place.objects.filter(pk=place.pk).update(name="La Ruche renommée")
    outbox.deliver_due()
    [message] = [m for m in mail.outbox if m.to == [manager.email]]
    assert "La Ruche renommée" in message.subject
    assert email.context == {"row": row.pk}


def test_the_daily_task_purges(offer, send_request):
    stale = send_request([offer], confirmed=False)
    OfficeRequest.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(days=4))
    assert tasks.purge_requests.call() == {"deleted": 1, "anonymised": 0}
