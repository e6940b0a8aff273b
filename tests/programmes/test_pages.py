"""The back-office of programmes (staff only) and the managers' page to join or leave."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from maillage.programmes import services
from maillage.programmes.models import (
    Employer,
    Envelope,
    LedgerEntry,
    Membership,
    Programme,
    ProgrammePlace,
)
from tests.pages import text
from tests.programmes.builders import VALID, category, programme

pytestmark = pytest.mark.django_db

ADD = reverse("admin:programmes_programme_add")


def form(**fields) -> dict:
    return {
        "name": "Tarif RSA",
        "public_label": "Tarif solidaire",
        "funder": "Département des Hauts-de-Seine",
        "kind": "percent",
        "person_basis_points": "2000",
        "valid_from": VALID[0].isoformat(),
        "valid_until": VALID[1].isoformat(),
        "priority": "10",
        "payment_delay_days": "30",
        "late_rule": "place_paid",
        "categories": [str(category("rsa").pk)],
        "add_cents": "1 000",
        "envelope-TOTAL_FORMS": "0",
        "envelope-INITIAL_FORMS": "0",
        "places-TOTAL_FORMS": "0",
        "places-INITIAL_FORMS": "0",
        **fields,
    }


def test_staff_set_up_a_programme_and_fund_its_envelope(client, staff_user):
    client.force_login(staff_user)
    response = client.post(ADD, form())
    assert response.status_code == 302, response.context["adminform"].form.errors
    made = Programme.objects.get()
    envelope = Envelope.objects.get(programme=made)
    assert (envelope.budget_cents, envelope.left_cents) == (100_000, 100_000)
    entry = LedgerEntry.objects.get()
    assert (entry.amount, entry.reason, entry.channel, entry.actor) == (
        100_000,
        "staff",
        "back_office",
        staff_user,
    )


def test_staff_add_a_place_that_agreed(client, staff_user, place):
    client.force_login(staff_user)
    response = client.post(
        ADD,
        form(**{"places-TOTAL_FORMS": "1", "places-0-place": str(place.pk)}),
    )
    assert response.status_code == 302
    joined = ProgrammePlace.objects.get()
    assert (joined.place, joined.joined_by, joined.left_at) == (place, staff_user, None)


def test_a_rule_change_raises_the_version_and_a_label_change_does_not(client, staff_user):
    client.force_login(staff_user)
    client.post(ADD, form())
    made = Programme.objects.get()
    change = reverse("admin:programmes_programme_change", args=[made.pk])
    edit = form(add_cents="", **{"envelope-TOTAL_FORMS": "1", "envelope-INITIAL_FORMS": "1"})
    envelope = Envelope.objects.get(programme=made)
    edit.update(
        {
            "envelope-0-id": str(envelope.pk),
            "envelope-0-programme": str(made.pk),
            "envelope-0-warn_below_cents": "0",
        }
    )
    assert client.post(change, {**edit, "public_label": "Tarif réduit"}).status_code == 302
    assert Programme.objects.get().version == 1
    assert client.post(change, {**edit, "person_basis_points": "3000"}).status_code == 302
    assert Programme.objects.get().version == 2
    # A wrong amount in the envelope's threshold (an inline form) is named, nothing written.
    for wrong, rule in (("1,234", "deux décimales"), ("abc", "en chiffres"), ("1e5", "chiffres")):
        answer = client.post(
            change, {**edit, "envelope-0-warn_below_cents": wrong, "public_label": "Autre"}
        )
        assert answer.status_code == 200 and rule in text(answer)
        assert Programme.objects.get().public_label == "Tarif solidaire"


def test_staff_write_the_terms_the_managers_read(client, staff_user, place, manager):
    client.force_login(staff_user)
    terms = "Remboursement chaque trimestre,\r\nsur facture au Département."
    assert client.post(ADD, form(terms=terms)).status_code == 302
    assert Programme.objects.get().terms == terms
    client.force_login(manager)
    assert "Remboursement chaque trimestre,<br>sur facture" in client.get(PAGE).content.decode()
    client.force_login(staff_user)
    response = client.post(ADD, form(name="Autre", terms="Cloche\x07"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["terms"]
    assert "Les conditions ne peuvent pas contenir de caractère de contrôle" in errors[0]


@pytest.mark.parametrize(
    "changed",
    [
        {"categories": []},
        {"space_kinds": ["desk"]},
        {"valid_from": "2026-06-01"},
        {"valid_until": "2026-12-31"},
        {"priority": "11"},
        {"covers_events": "on"},
    ],
)
def test_who_where_when_and_the_order_are_the_rule_too(client, staff_user, changed):
    client.force_login(staff_user)
    client.post(ADD, form())
    made = Programme.objects.get()
    change = reverse("admin:programmes_programme_change", args=[made.pk])
    edit = form(add_cents="", **{"envelope-TOTAL_FORMS": "1", "envelope-INITIAL_FORMS": "1"})
    edit.update(
        {
            "envelope-0-id": str(Envelope.objects.get(programme=made).pk),
            "envelope-0-programme": str(made.pk),
            "envelope-0-warn_below_cents": "0",
        }
    )
    response = client.post(change, {**edit, **changed})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Programme.objects.get().version == 2


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"person_basis_points": "12000"},
            "person_basis_points",
            "La part payée par la personne doit être entre 0 et 10\u202f000.",
        ),
        (
            {"take_back_cents": "5", "add_cents": ""},
            "take_back_cents",
            "On ne peut retirer plus que ce qui reste de l'enveloppe (0 €).",
        ),
        ({"add_cents": "-5"}, "add_cents", "Le montant doit être positif ou nul."),
        ({"add_cents": "0,005"}, "add_cents", "deux décimales au plus"),
        (
            {"add_cents": "99999999999999"},
            "add_cents",
            "Le budget d'une enveloppe ne dépasse pas 10\u202f000\u202f000 €",
        ),
    ],
)
def test_bad_input_in_the_back_office_names_the_field(client, staff_user, fields, field, message):
    client.force_login(staff_user)
    response = client.post(ADD, form(**fields))
    assert response.status_code == 200
    assert message in response.context["adminform"].form.errors[field][0]
    assert not Programme.objects.exists() and not LedgerEntry.objects.exists()


def test_managers_do_not_reach_the_programmes_back_office(client, manager):
    client.force_login(manager)
    for url in (ADD, reverse("admin:programmes_ledgerentry_changelist")):
        response = client.get(url)
        assert response.status_code == 302  # the back-office is Département staff's only
        assert response["Location"].startswith(reverse("admin:login"))


PAGE = reverse("programmes:manager")


def test_a_manager_joins_and_leaves_a_programme_for_their_place(client, place, manager):
    made = programme([], categories=("handicap",))
    client.force_login(manager)
    page = client.get(PAGE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "La personne paie 25 % du prix" in text and "Tarif solidaire" in text
    assert "andicap" not in text  # never the category
    join = reverse("programmes:join", args=[place.slug, made.pk])
    client.post(join, {})
    assert not ProgrammePlace.objects.exists()
    client.post(join, {"accepte": "oui"})
    row = ProgrammePlace.objects.get()
    assert (row.place, row.joined_by, row.left_at) == (place, manager, None)
    client.post(reverse("programmes:leave", args=[place.slug, made.pk]))
    assert ProgrammePlace.objects.get().left_at is not None


def test_a_place_cannot_join_a_programme_that_has_ended(client, place, manager):
    made = programme([], valid_from=date(2025, 1, 1), valid_until=date(2025, 12, 31))
    client.force_login(manager)
    response = client.post(
        reverse("programmes:join", args=[place.slug, made.pk]), {"accepte": "oui"}, follow=True
    )
    assert response.status_code == 200
    assert "Ce dispositif a pris fin le 31 décembre 2025" in response.content.decode()
    assert not ProgrammePlace.objects.exists()
    with pytest.raises(ValidationError) as refused:
        services.join(manager, made, place)
    assert refused.value.message_dict == {
        "programme": [
            "Ce dispositif a pris fin le 31 décembre 2025 : un lieu ne peut plus y adhérer."
        ]
    }


def test_a_manager_cannot_join_for_someone_elses_place(client, place, other_place, manager):
    made = programme([])
    client.force_login(manager)
    response = client.post(
        reverse("programmes:join", args=[other_place.slug, made.pk]), {"accepte": "oui"}
    )
    assert response.status_code == 403
    response = client.post(reverse("programmes:leave", args=[other_place.slug, made.pk]))
    assert response.status_code == 403
    assert not ProgrammePlace.objects.exists()


def test_the_page_is_for_managers_only(client, booker):
    client.force_login(booker)
    assert client.get(PAGE).status_code == 403
    client.logout()
    assert client.get(PAGE).status_code == 302


def test_joining_needs_the_csrf_token(place, manager):
    from django.test import Client

    made = programme([])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager)
    response = strict.post(
        reverse("programmes:join", args=[place.slug, made.pk]), {"accepte": "oui"}
    )
    assert response.status_code == 403
    assert not ProgrammePlace.objects.exists()


@pytest.mark.parametrize("domain", ["@evil.com", "exemple..test", "a b.fr", "-x.fr"])
def test_an_employer_s_domain_is_a_domain_name(client, staff_user, domain):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:programmes_employer_add"),
        {
            "name": "Entreprise",
            "email_domain": domain,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["email_domain"]
    assert "un nom de domaine" in errors[0]
    assert not Employer.objects.exists()


def test_a_member_invited_twice_whatever_the_case_is_refused(client, staff_user):
    employer = Employer.objects.create(name="Département des Hauts-de-Seine")
    Membership.objects.create(employer=employer, email="julien@exemple.test")
    client.force_login(staff_user)
    change = reverse("admin:programmes_employer_change", args=[employer.pk])
    existing = Membership.objects.get()
    response = client.post(
        change,
        {
            "name": employer.name,
            "email_domain": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": str(existing.pk),
            "memberships-0-employer": str(employer.pk),
            "memberships-0-email": "julien@exemple.test",
            "memberships-1-employer": str(employer.pk),
            "memberships-1-email": "JULIEN@Exemple.test",
        },
    )
    assert response.status_code == 200
    assert "double" in text(response)
    assert Membership.objects.count() == 1


def test_the_envelope_shows_euros_not_cents(client, staff_user, place):
    made = programme(place, budget_cents=500_000)
    client.force_login(staff_user)
    page = client.get(reverse("admin:programmes_programme_change", args=[made.pk]))
    assert "5\u202f000 €" in page.content.decode()


def test_staff_are_warned_of_a_weekly_quota_above_the_civil_services(client, staff_user):
    employer = Employer.objects.create(name="Département des Hauts-de-Seine")
    client.force_login(staff_user)
    quota = form(
        kind="quota",
        person_basis_points="",
        categories=[],
        employer=str(employer.pk),
        quota_period="week",
    )
    answer = client.post(ADD, {**quota, "quota_days": "4"}, follow=True)
    assert "la fonction publique limite le télétravail à 3 jours par semaine" in text(answer)
    answer = client.post(ADD, {**quota, "name": "Autre", "quota_days": "3"}, follow=True)
    assert Programme.objects.count() == 2  # a warning, not a refusal
    assert "limite le télétravail" not in text(answer)
