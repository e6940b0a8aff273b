"""Staff's actions on a statement's page: recording its payment, contesting a line; who may
(staff only), what bad input gets (400, its field named, nothing written), what the place's
managers then read."""

import pytest
from django.urls import reverse

from maillage.programmes.models import BookingShare
from maillage.reimbursements.models import Dispute, StatementPayment
from tests.pages import text
from tests.programmes.builders import staff

pytestmark = pytest.mark.django_db


def test_staff_record_the_payment_and_the_manager_reads_it(client, statement, place_manager):
    client.force_login(staff())
    url = reverse("reimbursements:record_payment", args=[statement.pk])
    response = client.post(url, {"paid_on": "2027-01-15", "reference": "Mandat 118"})
    assert response.status_code == 302
    assert StatementPayment.objects.get().reference == "Mandat 118"
    client.force_login(place_manager)
    page = text(client.get(reverse("reimbursements:statement", args=[statement.pk])))
    assert "Payé le 15 janvier 2027" in page
    assert "Enregistrer le paiement" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"paid_on": "2027-01-25", "reference": "M-1"}, "une fois fait"),
        ({"paid_on": "2026-12-31", "reference": "M-1"}, "pas pu être payé avant"),
        ({"paid_on": "demain", "reference": "M-1"}, "Payé le"),
        ({"paid_on": "2027-01-15", "reference": ""}, "Indiquez la référence"),
        ({"paid_on": "2027-01-15", "reference": "x" * 61}, "au plus 60 caractères"),
    ],
)
def test_a_wrong_payment_is_refused_on_the_page(client, statement, data, message):
    client.force_login(staff())
    response = client.post(reverse("reimbursements:record_payment", args=[statement.pk]), data)
    assert response.status_code == 400
    assert message in text(response)
    assert not StatementPayment.objects.exists()


def test_staff_contest_a_line_and_it_shows_contested(client, statement):
    client.force_login(staff())
    url = reverse("reimbursements:contest_line", args=[statement.pk, 1])
    assert "Une contestation est définitive" in text(client.get(url))
    assert client.post(url, {"reason": ""}).status_code == 400
    assert not Dispute.objects.exists()
    response = client.post(url, {"reason": "Présence pointée par erreur."})
    assert response.status_code == 302
    assert BookingShare.objects.get().contested_at is not None
    page = text(client.get(reverse("reimbursements:statement", args=[statement.pk])))
    assert "contestée le 20 janvier 2027" in page and "Présence pointée par erreur." in page
    assert "déjà contestée" in text(client.get(url))


def test_only_staff_record_payments_and_contest_lines(client, statement, place_manager, resident):
    posts = [
        (
            reverse("reimbursements:record_payment", args=[statement.pk]),
            {"paid_on": "2027-01-15", "reference": "M-1"},
        ),
        (reverse("reimbursements:contest_line", args=[statement.pk, 1]), {"reason": "Non."}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 302  # to the login page
    for person in (place_manager, resident):
        client.force_login(person)
        for url, data in posts:
            assert client.post(url, data).status_code == 403
        assert client.get(posts[1][0]).status_code == 403
    assert not StatementPayment.objects.exists() and not Dispute.objects.exists()


def test_an_unknown_line_is_404(client, statement):
    client.force_login(staff())
    url = reverse("reimbursements:contest_line", args=[statement.pk, 2])
    assert client.get(url).status_code == 404


def test_the_place_reads_why_a_line_was_contested(client, statement, place_manager):
    client.force_login(staff())
    url = reverse("reimbursements:contest_line", args=[statement.pk, 1])
    client.post(url, {"reason": "Présence pointée par erreur."})
    client.force_login(place_manager)
    page = text(client.get(reverse("reimbursements:statement", args=[statement.pk])))
    assert "contestée le 20 janvier 2027" in page and "Présence pointée par erreur." in page
    assert "Contester" not in page
