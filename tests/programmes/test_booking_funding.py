"""Booking with programmes: the split frozen on the booking, balances consumed in the
booking's transaction, given back when it stops holding its slot, per programme rule."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.booking import closures
from maillage.booking import services as booking
from maillage.booking.models import Booking, BookingStatus, Channel
from maillage.programmes import ledger, services
from maillage.programmes.models import (
    BookingShare,
    CapCounter,
    CountedDay,
    Envelope,
    LedgerEntry,
    Wallet,
)
from tests.factories import DeskFactory, VerifiedUserFactory
from tests.moments import NOW, paris
from tests.programmes.builders import a_pass, employer_quota, programme, staff, verified

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
# Tuesday 2 December 2026, 9:00–11:00: 8 € at a desk (4 €/h).
SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))


def book(person, space, slot=SLOT, **options):
    return booking.book(person, space.pk, *slot, now=NOW, channel=Channel.PAGE, **options)


def left(made) -> int:
    return Envelope.objects.get(programme=made).left_cents


def test_an_eligible_person_pays_the_social_rate_and_the_envelope_pays_the_rest(desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    done = book(booker, desks)
    assert (done.price_cents, done.person_price_cents) == (800, 200)
    share = BookingShare.objects.get(booking=done)
    assert (share.cents, share.rule, share.version, share.public_label) == (
        600,
        "rate:percent:2500",
        1,
        "Tarif solidaire",
    )
    assert left(made) == 100_000 - 600
    moves = LedgerEntry.objects.filter(booking=done)
    assert [(m.account, m.amount, m.reason, m.channel) for m in moves] == [
        ("envelope", -600, "booking", "page")
    ]
    assert moves[0].actor == booker


def test_without_a_status_the_person_pays_the_list_price(desks, booker):
    made = programme(desks.place)
    done = book(booker, desks)
    assert done.person_price_cents == done.price_cents == 800
    assert left(made) == 100_000
    assert not LedgerEntry.objects.filter(booking=done).exists()


def test_a_place_that_has_not_joined_gets_nothing(booker, bookable_place):
    programme([])
    verified(booker, "rsa")
    done = book(booker, DeskFactory(place=bookable_place))
    assert done.person_price_cents == 800


def test_a_programme_outside_its_dates_or_space_kinds_does_not_apply(desks, room, booker):
    from datetime import date

    programme(desks.place, valid_until=date(2026, 11, 30))
    programme(desks.place, space_kinds=["meeting_room"], name="Salles seulement")
    verified(booker, "rsa")
    assert book(booker, desks).person_price_cents == 800


def test_an_envelope_too_small_for_the_share_is_declined_and_the_person_told(desks, booker):
    made = programme(desks.place, budget_cents=500)
    verified(booker, "rsa")
    space_quote = services.quote(request_for(booker, desks))
    assert space_quote.person_cents == 800
    assert space_quote.notices == ("le budget de « Tarif solidaire » est épuisé",)
    assert book(booker, desks).person_price_cents == 800
    assert left(made) == 500


def request_for(person, space, slot=SLOT, child=None):
    from maillage.booking import funding

    return funding.QuoteRequest(
        person=person,
        space_id=space.pk,
        place_id=space.place_id,
        space_kind=space.kind,
        start=slot[0],
        end=slot[1],
        seats=1,
        list_cents=800,
        now=NOW,
        beneficiary_child_id=child,
    )


def test_cancelling_gives_everything_back(desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    done = book(booker, desks)
    booking.cancel(booker, done, now=NOW, channel=Channel.PAGE)
    assert left(made) == 100_000
    assert BookingShare.objects.get(booking=done).released_at is not None
    assert [m.amount for m in LedgerEntry.objects.filter(booking=done)] == [-600, 600]


@pytest.mark.parametrize(("rule", "given_back"), [("place_paid", 0), ("given_back", 600)])
def test_a_no_show_follows_the_programmes_rule(desks, booker, manager, rule, given_back):
    desks.place.managers.add(manager)
    made = programme(desks.place, late_rule=rule)
    verified(booker, "rsa")
    done = book(booker, desks)
    booking.mark_no_show(manager, done, now=SLOT[0] + timedelta(minutes=5), channel=Channel.PAGE)
    assert left(made) == 100_000 - 600 + given_back


@pytest.mark.parametrize(("rule", "given_back"), [("place_paid", 0), ("given_back", 600)])
def test_a_cancellation_past_the_notice_follows_the_late_rule(
    desks, booker, manager, rule, given_back
):
    """Past the place's notice only the place may cancel (the person asks it): late, as a
    no-show is; within the notice everything is given back."""
    desks.place.managers.add(manager)
    made = programme(desks.place, late_rule=rule)
    verified(booker, "rsa")
    early, late = book(booker, desks), book(booker, desks, (SLOT[0] + DAY, SLOT[1] + DAY))
    notice = timedelta(hours=desks.place.cancellation_notice_hours)
    booking.cancel(manager, early, "Salle fermée", now=SLOT[0] - notice, channel=Channel.PAGE)
    assert left(made) == 100_000 - 600
    just_past = SLOT[0] + DAY - notice + timedelta(minutes=1)
    booking.cancel(manager, late, "Prévenu tard", now=just_past, channel=Channel.PAGE)
    assert left(made) == 100_000 - 600 + given_back


def test_a_closure_over_a_funded_booking_gives_everything_back_whatever_the_notice(
    desks, booker, manager
):
    """The place closes: the person is not late, even within the notice."""
    desks.place.managers.add(manager)
    made = programme(desks.place, late_rule="place_paid")
    verified(booker, "rsa")
    done = book(booker, desks)
    notice = timedelta(hours=desks.place.cancellation_notice_hours)
    day = SLOT[0].date()
    closures.close_place(
        manager,
        desks.place,
        start_date=day,
        end_date=day,
        reason="Dégât des eaux",
        seen=[done.pk],
        channel=Channel.PAGE,
        now=SLOT[0] - notice + timedelta(minutes=1),
    )
    assert Booking.objects.get(pk=done.pk).status == BookingStatus.CANCELLED
    assert left(made) == 100_000
    assert ledger.differences() == []


def test_a_refused_or_expired_request_gives_everything_back(desks, booker, manager):
    desks.place.managers.add(manager)
    desks.place.requires_approval = True
    desks.place.save()
    made = programme(desks.place)
    verified(booker, "rsa")
    first = book(booker, desks)
    assert first.status == BookingStatus.PENDING and left(made) == 100_000 - 600
    booking.refuse(manager, first, "Complet", now=NOW, channel=Channel.PAGE)
    assert left(made) == 100_000
    second = book(booker, desks)
    booking.expire_pending(now=second.pending_until, channel=Channel.COMMAND)
    assert left(made) == 100_000
    assert BookingShare.objects.filter(released_at__isnull=True).count() == 0


def test_a_request_expired_by_a_booking_gives_back_once_that_booking_is_made(
    desks, booker, django_capture_on_commit_callbacks
):
    desks.place.requires_approval = True
    desks.place.save()
    desks.capacity = 1
    desks.save()
    made = programme(desks.place)
    verified(booker, "rsa")
    slot = (SLOT[0] + 10 * DAY, SLOT[1] + 10 * DAY)
    request = book(booker, desks, slot)
    other = VerifiedUserFactory(email="autre@exemple.test")
    later = request.pending_until + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        booking.book(other, desks.pk, *slot, now=later, channel=Channel.PAGE)
    request.refresh_from_db()
    assert request.status == BookingStatus.EXPIRED
    assert left(made) == 100_000 - 600  # held until the booking's transaction commits
    for callback in callbacks:
        callback()
    assert request.status == BookingStatus.EXPIRED
    assert left(made) == 100_000
    assert BookingShare.objects.get(booking=request).released_at is not None
    # The sweep finds nothing more to give back.
    booking.expire_pending(now=later, channel=Channel.COMMAND)
    assert left(made) == 100_000


def test_the_sweep_gives_back_what_a_lost_callback_left_held(
    desks, booker, django_capture_on_commit_callbacks
):
    desks.place.requires_approval = True
    desks.place.save()
    desks.capacity = 1
    desks.save()
    made = programme(desks.place)
    verified(booker, "rsa")
    slot = (SLOT[0] + 10 * DAY, SLOT[1] + 10 * DAY)
    request = book(booker, desks, slot)
    later = request.pending_until + timedelta(minutes=1)
    other = VerifiedUserFactory(email="autre@exemple.test")
    with django_capture_on_commit_callbacks(execute=False):  # the process stops: never run
        booking.book(other, desks.pk, *slot, now=later, channel=Channel.PAGE)
    assert left(made) == 100_000 - 600
    assert booking.expire_pending(now=later, channel=Channel.COMMAND) == 0
    assert left(made) == 100_000
    assert ledger.differences() == []


def test_a_credit_pays_until_it_runs_out(desks, booker):
    made = a_pass(
        desks.place, 1000, bursary_cents=1500, categories=("rsa",), public_label="Pass tiers-lieux"
    )
    verified(booker, "rsa")
    first = book(booker, desks)
    assert first.person_price_cents == 0
    later = (SLOT[0] + timedelta(days=1), SLOT[1] + timedelta(days=1))
    second = book(booker, desks, later)
    assert second.person_price_cents == 600  # 2 € left of the 10 € credit
    wallet = Wallet.objects.get(programme=made)
    assert (wallet.granted_cents, wallet.left_cents) == (1000, 0)
    third = (SLOT[0] + timedelta(days=2), SLOT[1] + timedelta(days=2))
    assert services.quote(request_for(booker, desks, third)).notices == (
        "le crédit « Pass tiers-lieux » est épuisé",
    )
    booking.cancel(booker, second, now=NOW, channel=Channel.PAGE)
    assert Wallet.objects.get(programme=made).left_cents == 200


def test_a_bursary_holder_gets_the_higher_credit(desks, booker):
    made = a_pass(desks.place, 1000, bursary_cents=1500, categories=("rsa",))
    verified(booker, "rsa", bursary=True)
    book(booker, desks)
    assert Wallet.objects.get(programme=made).granted_cents == 1500


def test_a_bursary_verified_after_the_wallet_opened_raises_its_credit(desks, booker):
    made = a_pass(desks.place, 1000, bursary_cents=1500, categories=("rsa",))
    first = verified(booker, "rsa")
    book(booker, desks)  # 8 € of the 10 € credit
    first.bursary_holder = True
    first.save()
    later = (SLOT[0] + DAY, SLOT[1] + DAY)
    # The 5 € more are quoted before the wallet moves, then granted at booking.
    assert services.quote(request_for(booker, desks, later)).person_cents == 100
    assert book(booker, desks, later).person_price_cents == 100
    wallet = Wallet.objects.get(programme=made)
    assert (wallet.granted_cents, wallet.left_cents) == (1500, 0)
    grants = LedgerEntry.objects.filter(account="wallet", reason="grant").order_by("pk")
    assert [g.amount for g in grants] == [1000, 500]
    assert ledger.differences() == []
    # A grant is never lowered: the bursary ending keeps what was granted.
    first.bursary_holder = False
    first.save()
    booking.cancel(
        booker, Booking.objects.filter(user=booker).latest("start"), now=NOW, channel=Channel.PAGE
    )
    wallet.refresh_from_db()
    assert (wallet.granted_cents, wallet.left_cents) == (1500, 700)


def test_a_quota_counts_a_day_once_and_refuses_a_day_too_many(bookable_place):
    desks = DeskFactory(place=bookable_place, capacity=10)
    agent = VerifiedUserFactory(email="agent@hauts-de-seine.fr")
    made = employer_quota(bookable_place, [agent])
    morning, afternoon = SLOT, (paris(2026, 12, 2, 14), paris(2026, 12, 2, 16))
    assert book(agent, desks, morning).person_price_cents == 0
    assert book(agent, desks, afternoon).person_price_cents == 0
    assert CountedDay.objects.get(programme=made).bookings == 2
    wednesday = (morning[0] + timedelta(days=1), morning[1] + timedelta(days=1))
    assert book(agent, desks, wednesday).person_price_cents == 0
    thursday = (morning[0] + timedelta(days=2), morning[1] + timedelta(days=2))
    assert services.quote(request_for(agent, desks, thursday)).notices == (
        "le quota de jours « Tarif solidaire » est atteint",
    )
    counter = CapCounter.objects.get(programme=made, kind="quota_days")
    assert (counter.used, counter.limit) == (2, 2)
    # Freeing one of Tuesday's bookings keeps the day; freeing both frees it.
    tuesday = Booking.objects.filter(user=agent, start__date=morning[0].date()).order_by("start")
    booking.cancel(agent, tuesday[0], now=NOW, channel=Channel.PAGE)
    assert CapCounter.objects.get(pk=counter.pk).used == 2
    booking.cancel(agent, tuesday[1], now=NOW, channel=Channel.PAGE)
    assert CapCounter.objects.get(pk=counter.pk).used == 1
    assert book(agent, desks, thursday).person_price_cents == 0


def test_members_by_email_domain_and_only_them(desks):
    employer = employer_quota(desks.place, [])
    employer.employer.email_domain = "hauts-de-seine.fr"
    employer.employer.save()
    agent = VerifiedUserFactory(email="agent2@hauts-de-seine.fr")
    other = VerifiedUserFactory(email="quelquun@exemple.test")
    assert book(agent, desks).person_price_cents == 0
    assert book(other, desks).person_price_cents == 800


def test_a_days_cap_and_an_amount_cap(desks, booker):
    made = programme(desks.place, cap_days_per_month=1, cap_cents=500, cap_period="month")
    verified(booker, "rsa")
    first = book(booker, desks)
    assert first.person_price_cents == 300  # 6 € paid, capped at 5 €
    later = (SLOT[0] + timedelta(days=1), SLOT[1] + timedelta(days=1))
    assert services.quote(request_for(booker, desks, later)).notices == (
        "le plafond de jours de « Tarif solidaire » est atteint",
    )
    counters = {c.kind: (c.used, c.limit) for c in CapCounter.objects.filter(programme=made)}
    assert counters == {"days": (1, 1), "cents": (500, 500)}


def test_a_cap_of_zero_suspends_the_programme(desks, booker):
    programme(desks.place, cap_minutes_per_year=0)
    verified(booker, "rsa")
    assert book(booker, desks).person_price_cents == 800


def test_a_price_that_changed_since_it_was_shown_is_refused_with_the_list_price(desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    with pytest.raises(booking.BookingRefused) as refused:
        book(booker, desks, funded=booking.Funded(expect_person_cents=100))
    assert refused.value.codes == ["funding_changed"]
    assert "Prix public : 8 €" in refused.value.messages[0]
    assert not Booking.objects.exists() and left(made) == 100_000


def test_a_balance_spent_between_quote_and_commit_refuses_the_booking(desks, booker, monkeypatch):
    """The quote saw the envelope as it was; the database refuses the overspend at commit."""
    made = programme(desks.place, budget_cents=1000)
    verified(booker, "rsa")
    original = services.offer_of

    def stale(*args):
        Envelope.objects.filter(programme=made).update(left_cents=100)
        offer = original(*args)
        return offer.__class__(**{**offer.__dict__, "envelope_left_cents": 1000})

    monkeypatch.setattr(services, "offer_of", stale)
    with pytest.raises(booking.BookingRefused) as refused:
        book(booker, desks)
    assert refused.value.codes == ["funding_changed"]
    assert "le budget du dispositif vient d'être épuisé" in refused.value.messages[0]
    assert not Booking.objects.exists()
    assert not BookingShare.objects.exists()


def test_staff_change_an_envelope_through_the_ledger(desks, booker):
    made = programme(desks.place, budget_cents=1000)
    services.change_envelope(staff(), made, -400, channel=Channel.BACK_OFFICE)
    envelope = Envelope.objects.get(programme=made)
    assert (envelope.budget_cents, envelope.left_cents) == (600, 600)
    assert [m.amount for m in LedgerEntry.objects.filter(account="envelope")] == [1000, -400]
    with pytest.raises(ValidationError) as error:
        services.change_envelope(staff(), made, -700, channel=Channel.BACK_OFFICE)
    assert "ce qui reste de l'enveloppe (6 €)" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.change_envelope(booker, made, 100, channel=Channel.BACK_OFFICE)
    assert LedgerEntry.objects.count() == 2


def test_staff_are_warned_once_when_the_envelope_crosses_their_threshold(
    desks, booker, mailed, mailoutbox
):
    made = programme(desks.place, budget_cents=1500)
    Envelope.objects.filter(programme=made).update(
        warn_below_cents=1000, warn_email="budget@exemple.test"
    )
    verified(booker, "rsa")
    later = (SLOT[0] + timedelta(days=1), SLOT[1] + timedelta(days=1))
    mailed(lambda: book(booker, desks, notify=False))  # 15 € - 6 € = 9 €: under 10 €
    mailed(lambda: book(booker, desks, later, notify=False))  # 3 €: no second warning
    messages = mailoutbox
    assert [m.to for m in messages] == [["budget@exemple.test"]]
    assert "il reste 9 € sur 15 €" in messages[0].body
    # Funded again over the threshold, the warning is armed again.
    services.change_envelope(staff(), made, 500, channel=Channel.BACK_OFFICE)
    assert Envelope.objects.get(programme=made).warned_at is not None  # 8 €: still under
    services.change_envelope(staff(), made, 1000, channel=Channel.BACK_OFFICE)
    assert Envelope.objects.get(programme=made).warned_at is None


def test_an_envelope_without_an_address_warns_whoever_staff_add_later(
    desks, booker, mailed, mailoutbox
):
    made = programme(desks.place, budget_cents=1500)
    envelopes = Envelope.objects.filter(programme=made)
    envelopes.update(warn_below_cents=1000)
    verified(booker, "rsa")
    mailed(lambda: book(booker, desks, notify=False))  # 9 € left: under 10 €, nobody to tell
    assert envelopes.get().warned_at is None
    envelopes.update(warn_email="budget@exemple.test")
    later = (SLOT[0] + timedelta(days=1), SLOT[1] + timedelta(days=1))
    mailed(lambda: book(booker, desks, later, notify=False))  # 3 € left
    assert [m.to for m in mailoutbox] == [["budget@exemple.test"]]
    assert envelopes.get().warned_at is not None


def test_a_mistaken_no_show_corrected_takes_the_share_again(desks, booker, manager):
    desks.place.managers.add(manager)
    made = programme(desks.place, late_rule="given_back")
    verified(booker, "rsa")
    done = book(booker, desks)
    after = SLOT[0] + timedelta(minutes=5)
    booking.mark_no_show(manager, done, now=after, channel=Channel.PAGE)
    assert left(made) == 100_000
    booking.check_in(manager, done, now=after, channel=Channel.PAGE)
    assert left(made) == 100_000 - 600
    assert BookingShare.objects.get(booking=done).released_at is None
    # Marked absent again, then the envelope spent meanwhile: the correction is refused.
    booking.mark_no_show(manager, done, now=after, channel=Channel.PAGE)
    services.change_envelope(staff(), made, -100_000, channel=Channel.BACK_OFFICE)
    with pytest.raises(booking.BookingRefused) as refused:
        booking.check_in(manager, done, now=after, channel=Channel.PAGE)
    assert refused.value.codes == ["funding_changed"]
    assert Booking.objects.get(pk=done.pk).status == BookingStatus.NO_SHOW


def test_an_invitation_typed_in_capitals_is_kept_and_found_in_lower_case(desks):
    from maillage.programmes.models import Membership

    made = employer_quota(desks.place, [])
    invited = Membership(employer=made.employer, email="Agent.Public@Hauts-de-Seine.FR")
    invited.full_clean()
    invited.save()
    agent = VerifiedUserFactory(email="agent.public@hauts-de-seine.fr")
    assert book(agent, desks).person_price_cents == 0
