"""The directory of managers and project holders: each writes their own profile, shown only
while they choose so, filtered by commune and theme; members write to each other through
the platform, without seeing each other's address, a few messages a day."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.community import services
from maillage.community.models import MemberMessage, MemberProfile
from maillage.core.models import OutboundEmail
from tests.factories import ManagerFactory, PlaceFactory, UserFactory
from tests.pages import text

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("community:directory")
MY_PROFILE = reverse("community:my_profile")
WITHDRAW = reverse("community:withdraw_profile")


def profile_of(user, **changes) -> MemberProfile:
    fields = {
        "display_name": f"{user.first_name} du réseau",
        "offers": "",
        "seeks": "",
        "listed": True,
        **changes,
    }
    return services.save_profile(user, **fields)


def member_url(profile) -> str:
    return reverse("community:member", args=[profile.pk])


def names(answer) -> list[str]:
    return [profile.display_name for profile in answer.context["page"]]


def test_a_manager_writes_their_profile(client, lea, tags):
    client.force_login(lea)
    page = text(client.get(MY_PROFILE))
    assert "Lieu de Boulogne-Billancourt" in page  # their places, from Place.managers
    assert 'value="Léa"' in page  # the name of the account, offered
    answer = client.post(
        MY_PROFILE,
        {
            "display_name": "Léa, Lieu de Boulogne",
            "offers": "Une salle de 20 places le soir.",
            "offer_tags": [tags["salle-de-reunion"].pk, tags["materiel"].pk],
            "seeks": "Un mentor pour le modèle économique.",
            "seek_tags": [tags["mentorat"].pk],
            "listed": "on",
            "accepts_messages": "on",
        },
        follow=True,
    )
    assert "Votre fiche est enregistrée et visible dans l'annuaire." in text(answer)
    profile = MemberProfile.objects.get(user=lea)
    assert profile.listed and profile.accepts_messages
    assert {t.slug for t in profile.offer_tags.all()} == {"salle-de-reunion", "materiel"}
    assert {t.slug for t in profile.seek_tags.all()} == {"mentorat"}


def test_a_profile_is_hidden_until_listed_and_at_once_when_withdrawn(client, lea, karim):
    profile = profile_of(lea, listed=False)
    client.force_login(karim)
    assert names(client.get(DIRECTORY)) == []
    assert client.get(member_url(profile)).status_code == 404
    profile_of(lea, listed=True)
    assert names(client.get(DIRECTORY)) == ["Léa du réseau"]
    client.force_login(lea)
    answer = client.post(WITHDRAW, follow=True)
    assert "Votre fiche est retirée de l'annuaire." in text(answer)
    client.force_login(karim)
    assert names(client.get(DIRECTORY)) == []
    assert client.get(member_url(profile)).status_code == 404


def test_a_person_who_no_longer_manages_a_place_leaves_the_directory(client, lea, karim, place):
    profile_of(lea)
    place.managers.remove(lea)
    client.force_login(karim)
    assert names(client.get(DIRECTORY)) == []
    lea.refresh_from_db()
    client.force_login(lea)
    assert client.get(DIRECTORY).status_code == 403


def test_a_project_holder_shows_their_project(client, sofia, karim):
    profile = profile_of(sofia)
    client.force_login(karim)
    page = text(client.get(member_url(profile)))
    assert "La Fabrique de Sèvres — Sèvres" in page and "En projet" in page


def test_a_profile_s_themes_lead_to_the_members_sharing_them(client, lea, karim, tags):
    profile = profile_of(lea, offer_tags=[tags["mentorat"]], seek_tags=[tags["financement"]])
    client.force_login(karim)
    page = text(client.get(member_url(profile)))
    assert f'<a href="{DIRECTORY}?offre=mentorat">{tags["mentorat"].name}</a>' in page
    assert f'<a href="{DIRECTORY}?recherche=financement">{tags["financement"].name}</a>' in page


def test_filters_by_commune_and_theme(client, lea, karim, sofia, tags, commune):
    profile_of(lea, offer_tags=[tags["salle-de-reunion"]], seek_tags=[tags["financement"]])
    profile_of(karim, offer_tags=[tags["mentorat"]])
    profile_of(sofia, seek_tags=[tags["salle-de-reunion"], tags["financement"]])
    client.force_login(karim)
    assert names(client.get(DIRECTORY)) == ["Karim du réseau", "Léa du réseau", "Sofia du réseau"]
    assert names(client.get(DIRECTORY, {"commune": "92012"})) == ["Léa du réseau"]
    assert names(client.get(DIRECTORY, {"offre": "salle-de-reunion"})) == ["Léa du réseau"]
    assert names(client.get(DIRECTORY, {"recherche": "financement"})) == [
        "Léa du réseau",
        "Sofia du réseau",
    ]
    assert names(client.get(DIRECTORY, {"recherche": "financement", "commune": "92072"})) == [
        "Sofia du réseau"
    ]
    page = text(client.get(DIRECTORY))
    # The communes offered are those of listed members' places.
    assert '<option value="92012">Boulogne-Billancourt</option>' in page
    assert '<option value="92072">Sèvres</option>' in page
    assert '<option value="92004">' not in page


@pytest.mark.parametrize(
    "query", [{"commune": "99999"}, {"offre": "inconnu"}, {"recherche": "' OR 1=1 --"}]
)
def test_a_bad_filter_shows_nothing_and_says_why(client, lea, query):
    profile_of(lea)
    client.force_login(lea)
    answer = client.get(DIRECTORY, query)
    assert answer.status_code == 400 and names(answer) == []
    assert "Filtres à corriger" in text(answer)
    assert "Sélectionnez un choix valide" in text(answer)


def test_who_reads_the_directory(client, lea, staff_user, resident):
    profile = profile_of(lea)
    for path in (DIRECTORY, member_url(profile), MY_PROFILE):
        assert client.get(path)["Location"].startswith(reverse("accounts:login"))
    client.force_login(resident)
    for path in (DIRECTORY, member_url(profile), MY_PROFILE):
        answer = client.get(path)
        assert answer.status_code == 403
    assert "réservé aux gestionnaires de tiers-lieux" in text(client.get(DIRECTORY))
    client.force_login(staff_user)
    assert names(client.get(DIRECTORY)) == ["Léa du réseau"]
    # Staff have no profile of their own (they have the referent).
    assert client.get(MY_PROFILE).status_code == 403
    with pytest.raises(PermissionDenied):
        services.save_profile(staff_user, display_name="Agent", listed=True)


def test_a_member_changes_only_their_own_profile(client, lea, karim):
    theirs = profile_of(karim)
    client.force_login(lea)
    # The page has no profile in its address: whatever is sent, it is Léa's.
    client.post(
        MY_PROFILE, {"display_name": "Pirate", "user": karim.pk, "pk": theirs.pk, "listed": "on"}
    )
    theirs.refresh_from_db()
    assert theirs.display_name == "Karim du réseau"
    assert MemberProfile.objects.get(user=lea).display_name == "Pirate"
    client.post(WITHDRAW, {"user": karim.pk})
    theirs.refresh_from_db()
    assert theirs.listed


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("display_name", "", "Ce champ est obligatoire."),
        ("display_name", "Léa\r\nBcc: x@y.z", "Le nom affiché ne peut pas contenir"),
        ("display_name", "www.promo.example", "Le nom affiché ne peut pas contenir de lien"),
        ("offers", "x" * 1001, "au plus 1000 caractères"),
        ("seeks", "a\x07b", "Ce que vous recherchez ne peut pas contenir"),
        ("offer_tags", "99999", "Sélectionnez un choix valide"),
    ],
)
def test_a_bad_profile_is_refused_naming_the_field(client, lea, field, value, message):
    client.force_login(lea)
    answer = client.post(MY_PROFILE, {"display_name": "Léa", "listed": "on", field: value})
    assert answer.status_code == 400
    errors = answer.context["form"].errors[field]
    assert any(message in error.replace("\u202f", "") for error in errors), errors
    assert not MemberProfile.objects.exists()


def test_writing_to_a_member_hides_their_address(client, lea, karim, mailed):
    profile = profile_of(karim)
    client.force_login(lea)
    page = text(client.get(member_url(profile)))
    assert "karim@lieu.test" not in page and "Écrire à Karim du réseau" in page
    answer = mailed(
        lambda: client.post(member_url(profile), {"body": "Bonjour, échangeons sur le FSE+ ?"})
    )
    assert answer.status_code == 302
    message = MemberMessage.objects.get()
    assert (message.sender, message.recipient) == (lea, karim)
    [email] = mail.outbox
    assert email.to == ["karim@lieu.test"] and email.reply_to == ["lea@lieu.test"]
    assert "Léa vous écrit par l'annuaire" in email.subject  # her account's name: no profile
    assert "échangeons sur le FSE+" in email.body


def test_a_member_who_takes_no_messages_has_no_form(client, lea, karim):
    profile = profile_of(karim, accepts_messages=False)
    client.force_login(lea)
    assert "ne reçoit pas de messages" in text(client.get(member_url(profile)))
    assert client.post(member_url(profile), {"body": "x"}).status_code == 404
    with pytest.raises(ValidationError):
        services.write_to_member(lea, profile.pk, body="x")
    assert not MemberMessage.objects.exists()


def test_nobody_writes_to_themselves(client, lea):
    profile = profile_of(lea)
    client.force_login(lea)
    assert "C'est votre fiche." in text(client.get(member_url(profile)))
    with pytest.raises(ValidationError):
        services.write_to_member(lea, profile.pk, body="x")


def test_messages_between_members_are_limited_per_day(client, lea, karim):
    profile = profile_of(karim)
    now = timezone.now()
    for _ in range(services.MEMBER_MESSAGES_PER_DAY):
        services.write_to_member(lea, profile.pk, body="x", now=now)
    client.force_login(lea)
    answer = client.post(member_url(profile), {"body": "de trop"})
    assert answer.status_code == 400
    assert "Vous avez déjà envoyé 10 messages ces dernières 24 heures" in text(answer)
    assert MemberMessage.objects.count() == services.MEMBER_MESSAGES_PER_DAY
    services.write_to_member(lea, profile.pk, body="x", now=now + timedelta(hours=25))


def test_only_members_with_a_verified_address_write(lea, karim, booker):
    profile = profile_of(karim)
    with pytest.raises(PermissionDenied):
        services.write_to_member(booker, profile.pk, body="x")  # verified, not a member
    unverified_manager = UserFactory()
    lea.managed_places.first().managers.add(unverified_manager)
    with pytest.raises(ValidationError) as refused:
        services.write_to_member(unverified_manager, profile.pk, body="x")
    assert "Vérifiez d'abord votre adresse" in refused.value.messages[0]
    assert not MemberMessage.objects.exists() and not OutboundEmail.objects.exists()


def test_a_bad_message_is_refused(client, lea, karim):
    profile = profile_of(karim)
    client.force_login(lea)
    for body, message in (("  ", "Ce champ est obligatoire."), ("x" * 5001, "au plus")):
        answer = client.post(member_url(profile), {"body": body})
        assert answer.status_code == 400
        assert any(message in error for error in answer.context["form"].errors["body"])
    assert not MemberMessage.objects.exists()


def test_the_directory_reads_in_a_fixed_number_of_queries(client, lea, tags, territory):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DIRECTORY).status_code == 200
        return len(captured)

    profile_of(lea, offer_tags=[tags["mentorat"]])
    client.force_login(lea)
    few = queries()
    for code in ("92002", "92004", "92007", "92009"):
        place = PlaceFactory(commune=territory.get(insee_code=code))
        person = ManagerFactory(places=[place], first_name=f"Membre {code}")
        profile_of(person, offer_tags=[tags["materiel"]], seek_tags=[tags["financement"]])
    assert queries() == few


def test_the_directory_goes_by_pages_keeping_its_filters(client, lea, place, tags):
    for n in range(13):
        person = ManagerFactory(places=[place], first_name=f"Membre {n:02d}")
        profile_of(person, offer_tags=[tags["materiel"]])
    client.force_login(lea)
    first = client.get(DIRECTORY, {"offre": "materiel"})
    assert len(first.context["page"]) == 12
    assert '<a href="?offre=materiel&page=2" rel="next">Page suivante</a>' in text(first)
    second = client.get(DIRECTORY, {"offre": "materiel", "page": "2"})
    assert names(second) == ["Membre 12 du réseau"]
    assert '<a href="?offre=materiel&page=1" rel="prev">Page précédente</a>' in text(second)
