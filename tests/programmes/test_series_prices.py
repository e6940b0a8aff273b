"""A weekly series' prices: each date quoted once the earlier ones are booked (a credit, caps
and the envelope run down date after date), the preview's total what the person is charged,
the prices shown checked at booking (all or none), and a series booked for a child."""

import pytest
from django.urls import reverse

from maillage.booking import funding
from maillage.booking import services as booking
from maillage.booking.models import Booking, BookingSeries
from maillage.eligibility.models import ChildProfile
from maillage.programmes.models import BookingShare, Envelope, LedgerEntry, Wallet
from tests.booking import on_page
from tests.moments import NOW, paris
from tests.pages import text
from tests.programmes.builders import a_pass, programme, verified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_at_now")]

# Tuesdays 9:00–11:00 at 4 € an hour: 8 € a date.
SERIES = {"date": "2027-01-12", "debut": "09:00", "fin": "11:00", "postes": "1", "semaines": "3"}
FIRST = (paris(2027, 1, 12, 9), paris(2027, 1, 12, 11))
DATES = [(paris(2027, 1, d, 9), paris(2027, 1, d, 11)) for d in (12, 19, 26)]


def rsa_pass(place, cents=1000, **fields):
    """A 10 € pass (a credit per school year) for RSA beneficiaries, by default."""
    return a_pass(
        place, cents, **{"categories": ("rsa",), "public_label": "Pass tiers-lieux", **fields}
    )


def preview(client, desks, **extra):
    return client.post(reverse("booking:book", args=[desks.pk]), {**SERIES, **extra})


def confirm(client, desks, shown, **extra):
    data = {**SERIES, "confirmer_serie": "1", "apercu": shown.context["plan_token"], **extra}
    return client.post(reverse("booking:book", args=[desks.pk]), data)


def test_the_preview_total_is_what_the_series_is_charged(client, desks, booker):
    rsa_pass(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    shown = preview(client, desks)
    page = text(shown)
    assert "Pass tiers-lieux : 14 € au lieu de 24 € pour la série" in page
    assert "Mardi 12 janvier 2027 : libre — 0 € au lieu de 8 €" in page
    assert "Mardi 19 janvier 2027 : libre — 6 € au lieu de 8 €" in page
    assert "Mardi 26 janvier 2027 : libre — 8 €<" in page
    assert "Le crédit « Pass tiers-lieux » est épuisé" in page
    assert shown.context["plan_total"].person_cents == 1400
    assert confirm(client, desks, shown).status_code == 302
    booked = Booking.objects.filter(user=booker).order_by("start")
    assert [b.person_price_cents for b in booked] == [0, 600, 800]
    assert sum(b.person_price_cents for b in booked) == shown.context["plan_total"].person_cents
    assert Wallet.objects.get().left_cents == 0


def test_a_parent_books_a_series_for_their_childs_pass(client, desks, booker):
    rsa_pass(desks.place, cents=2000, categories=("collegien",))
    child = ChildProfile.objects.create(
        parent=booker, first_name="Léa", birth_year=2013, school="Collège Jean Jaurès"
    )
    verified(booker, "collegien", child=child)
    client.force_login(booker)
    shown = preview(client, desks, pour=child.pk)
    assert "Pass tiers-lieux : 4 € au lieu de 24 € pour la série" in text(shown)
    # The prices shown are the child's: confirming for oneself is previewed again.
    again = confirm(client, desks, shown)
    assert "La série a changé depuis l'aperçu" in text(again)
    assert not Booking.objects.exists()
    assert confirm(client, desks, shown, pour=child.pk).status_code == 302
    booked = Booking.objects.filter(user=booker).order_by("start")
    assert [b.person_price_cents for b in booked] == [0, 0, 400]
    assert {s.child_key for s in BookingShare.objects.all()} == {child.pk}
    assert Wallet.objects.get().child_key == child.pk


def test_a_balance_changed_since_the_preview_refuses_the_whole_series(client, desks, booker):
    made = rsa_pass(desks.place)
    verified(booker, "rsa")
    client.force_login(booker)
    shown = preview(client, desks)
    ledger = LedgerEntry.objects.count()
    Envelope.objects.filter(programme=made).update(left_cents=800)  # spent meanwhile
    refused = confirm(client, desks, shown)
    page = text(refused)
    assert refused.status_code == 400
    assert "Le prix de la série a changé depuis l'aperçu" in page
    assert "le budget de « Pass tiers-lieux » est épuisé" in page
    assert "Nouveau total : 16 € pour 3 dates (au lieu de 14 €)" in page
    assert "au nouveau prix (16 €)" in page
    assert not Booking.objects.exists()
    assert not BookingSeries.objects.exists()
    assert LedgerEntry.objects.count() == ledger
    # The new preview, confirmed, books at the new total.
    assert confirm(client, desks, refused).status_code == 302
    booked = Booking.objects.filter(user=booker).order_by("start")
    assert [b.person_price_cents for b in booked] == [0, 800, 800]


def test_the_series_quote_is_what_booking_charges_whatever_runs_out(desks, booker):
    """Dates quoted one after another equal the prices booking them charges: a days cap per
    month, an amount cap and an envelope running down within the series."""
    verified(booker, "rsa")
    programme(desks.place, cap_days_per_month=2, priority=3, name="Jours")
    programme(
        desks.place,
        person_basis_points=5000,
        cap_cents=500,
        cap_period="month",
        priority=2,
        name="Montant",
        cumulative=True,
    )
    rsa_pass(desks.place, cents=300, priority=1, cumulative=True, budget_cents=500)
    dates = [(paris(2027, 1, d, 9), paris(2027, 1, d, 11)) for d in (5, 12, 19, 26)]
    quotes = booking.quote_series(booker, desks.pk, dates, now=NOW)
    # 25 % then 50 % of the rest, the pass the rest; the days cap, then the amount cap, reached.
    assert [q.person_cents for q in quotes] == [0, 0, 400, 800]
    _, booked, _ = on_page.book_series(booker, desks.pk, *dates[0], 4, now=NOW)
    assert [b.person_price_cents for b in booked] == [q.person_cents for q in quotes]
    shares = [
        sorted((s.programme_id, int(s.cents)) for s in BookingShare.objects.filter(booking=b))
        for b in booked
    ]
    assert shares == [sorted((s.programme_id, s.cents) for s in q.shares) for q in quotes]


def test_a_date_without_a_shown_price_refuses_the_series(desks, booker):
    rsa_pass(desks.place)
    verified(booker, "rsa")
    funded = booking.FundedSeries(expect_person_cents={DATES[0][0]: 0})
    with pytest.raises(booking.BookingRefused) as refused:
        on_page.book_series(booker, desks.pk, *FIRST, 3, now=NOW, funded=funded)
    assert refused.value.codes == ["funding_changed"]
    assert "Nouveau total : 14 € pour 3 dates (au lieu de 0 €)" in str(refused.value)
    assert not Booking.objects.exists()
    quotes = quote_all(booker, desks)
    shown = {start: q.person_cents for (start, _), q in zip(DATES, quotes, strict=True)}
    funded = booking.FundedSeries(expect_person_cents=shown)
    _, booked, _ = on_page.book_series(booker, desks.pk, *FIRST, 3, now=NOW, funded=funded)
    assert [b.person_price_cents for b in booked] == [0, 600, 800]


def quote_all(booker, desks) -> list[funding.Quote]:
    return booking.quote_series(booker, desks.pk, DATES, now=NOW)


def test_a_new_period_of_the_credit_starts_afresh_within_the_series(desks, booker):
    rsa_pass(desks.place, credit_period="month")
    verified(booker, "rsa")
    dates = [(paris(2027, 1, d, 9), paris(2027, 1, d, 11)) for d in (19, 26)]
    dates.append((paris(2027, 2, 2, 9), paris(2027, 2, 2, 11)))
    quotes = booking.quote_series(booker, desks.pk, dates, now=NOW)
    assert [q.person_cents for q in quotes] == [0, 600, 0]
    _, booked, _ = on_page.book_series(booker, desks.pk, *dates[0], 3, now=NOW)
    assert [b.person_price_cents for b in booked] == [0, 600, 0]
