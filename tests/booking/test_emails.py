"""Every email the booking module sends, parsed: iTIP/iMIP rules (RFC 5546, RFC 6047) for
the attached events, the wording, and names that hold line breaks."""

from datetime import timedelta
from email import message_from_bytes
from email.utils import parseaddr

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from maillage.booking import notifications, services
from maillage.booking.models import Booking, CalendarFeed
from maillage.core import outbox
from maillage.core.models import OutboundEmail
from maillage.core.templatetags.maillage import date_fr
from maillage.core.text import has_control_characters
from tests.booking import on_page
from tests.factories import ManagerFactory
from tests.moments import NOW, paris

pytestmark = pytest.mark.django_db

PHONE = "01 23 45 67 89"


@pytest.fixture
def sent():
    """Every message delivered, with its kind, in order."""
    messages = []

    def recording(email, now):
        message = notifications.message_of(email, now)
        messages.append((email.booking_email.kind, message))
        return message

    outbox.register(notifications.TOPIC, recording)
    yield messages
    outbox.register(notifications.TOPIC, notifications.message_of)


def deliver():
    """Deliver every queued email as the worker does (they are queued at the real time,
    hence due at NOW or now, whichever is later)."""
    queued = OutboundEmail.objects.filter(sent_at__isnull=True).count()
    assert outbox.deliver_due(now=max(NOW, timezone.now())) == queued  # none failed


def every_kind(booker, room, place, manager, sent):
    """Run the changes that send each kind of email; returns what was sent."""
    place.phone = PHONE
    place.save()
    day = paris(2026, 12, 2, 9)
    single = on_page.book(booker, room.pk, day, day + timedelta(hours=2), now=NOW)
    deliver()
    notifications.queue_reminders(now=day - timedelta(days=1))
    deliver()
    on_page.cancel(booker, single, now=NOW)
    deliver()
    series, dates, _ = on_page.book_series(
        booker,
        room.pk,
        paris(2026, 12, 8, 9),
        paris(2026, 12, 8, 11),
        3,
        now=NOW,
    )
    deliver()
    on_page.cancel(booker, dates[1], now=NOW)
    deliver()
    on_page.cancel_series(booker, series, now=NOW)
    deliver()
    place.requires_approval = True
    place.save()
    asked = on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    deliver()
    on_page.confirm(manager, asked, now=NOW)
    deliver()
    on_page.cancel(manager, asked, "Fermeture exceptionnelle", now=NOW)
    deliver()
    refused = on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    deliver()
    on_page.refuse(manager, refused, "Salle en travaux", now=NOW)
    deliver()
    _, pending_dates, _ = on_page.book_series(
        booker,
        room.pk,
        paris(2026, 12, 9, 9),
        paris(2026, 12, 9, 10),
        2,
        now=NOW,
    )
    deliver()
    on_page.confirm(manager, pending_dates[0], now=NOW)
    deliver()
    on_page.refuse(manager, pending_dates[1], "Complet", now=NOW)
    deliver()
    services.set_manager_emails(
        manager, place, new_requests=True, cancellations=True, daily_digest=True
    )
    assert notifications.queue_digests(now=paris(2026, 12, 9, 7)) == 1
    deliver()
    return sent


def calendar_part(message):
    """The text/calendar parts of the message as sent (bytes parsed back)."""
    parsed = message_from_bytes(message.message().as_bytes())
    return [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]


def events_of(part):
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    return calendar, [c for c in calendar.walk("VEVENT")]


def test_every_kind_is_sent_by_the_scenario(booker, room, bookable_place, place_manager, sent):
    every_kind(booker, room, bookable_place, place_manager, sent)
    # A new kind must be added to the scenario, and so gets every check below.
    assert {kind for kind, _ in sent} == set(notifications.KINDS)


def test_every_message_follows_imip(booker, room, bookable_place, place_manager, sent):
    every_kind(booker, room, bookable_place, place_manager, sent)
    organizer = f"mailto:{parseaddr(settings.DEFAULT_FROM_EMAIL)[1]}"
    sequences: dict[str, list[tuple[str, int]]] = {}
    for kind, message in sent:
        expected = notifications.KINDS[kind].method
        parts = calendar_part(message)
        if expected is None:
            assert parts == [], kind
            continue
        (part,) = parts
        calendar, events = events_of(part)
        method = str(calendar["METHOD"])
        assert method == expected == part.get_param("method"), kind
        assert part.get_content_charset() == "utf-8"
        (uid,) = {str(e["UID"]) for e in events}  # one UID per message
        sequence = {int(e["SEQUENCE"]) for e in events}
        assert len(sequence) == 1 and 0 <= min(sequence) < 100, (kind, sequence)
        for event in events:
            assert str(event["ORGANIZER"]) == organizer
            assert event["ORGANIZER"].params["CN"] == bookable_place.name
            assert str(event["ATTENDEE"]) == f"mailto:{booker.email}"
            if method == "REQUEST":
                assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
                assert str(event["STATUS"]) in ("CONFIRMED", "TENTATIVE")
            else:
                assert str(event["STATUS"]) == "CANCELLED"
        sequences.setdefault(uid, []).append((method, sequence.pop()))
    for uid, steps in sequences.items():
        assert steps[0][0] == "REQUEST", uid  # a CANCEL keeps a UID already sent
        numbers = [n for _, n in steps]
        assert numbers == sorted(numbers), (uid, steps)
        for (method, number), (_, before) in zip(steps[1:], steps, strict=False):
            if method == "CANCEL":
                assert number > before, (uid, steps)


def test_a_series_is_one_recurring_event(booker, room, bookable_place, place_manager, sent):
    series, dates, _ = on_page.book_series(
        booker,
        room.pk,
        paris(2026, 12, 8, 9),
        paris(2026, 12, 8, 11),
        3,
        now=NOW,
    )
    deliver()
    on_page.cancel(booker, dates[1], now=NOW)
    deliver()
    on_page.cancel_series(booker, series, now=NOW)
    deliver()
    mine = [m for kind, m in sent if kind != "manager_cancelled"]
    _, (made,) = events_of(calendar_part(mine[0])[0])
    assert made["DTSTART"].dt == dates[0].start
    rdates = [d.dt for rdate in [made["RDATE"]] for d in rdate.dts]
    assert rdates == [dates[1].start, dates[2].start]
    _, (one_date,) = events_of(calendar_part(mine[1])[0])
    assert one_date["RECURRENCE-ID"].dt == dates[1].start
    assert str(one_date["UID"]) == str(made["UID"])
    _, (whole,) = events_of(calendar_part(mine[2])[0])
    assert "RECURRENCE-ID" not in whole  # the whole event goes
    assert str(whole["UID"]) == str(made["UID"])
    assert int(made["SEQUENCE"]) < int(one_date["SEQUENCE"]) < int(whole["SEQUENCE"])


def test_a_series_with_a_past_date_kept_cancels_only_its_dates(booker, room, sent):
    series, dates, _ = on_page.book_series(
        booker,
        room.pk,
        paris(2026, 12, 8, 9),
        paris(2026, 12, 8, 11),
        3,
        now=NOW,
    )
    deliver()
    on_page.cancel_series(booker, series, now=dates[0].end)  # the first date is past
    deliver()
    _, events = events_of(calendar_part(sent[-1][1])[0])
    assert [e["RECURRENCE-ID"].dt for e in events] == [dates[1].start, dates[2].start]
    assert len({str(e["UID"]) for e in events}) == 1


def test_sequence_is_a_small_counter(booker, room):
    day = paris(2026, 12, 2, 9)
    booking = on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    assert booking.ical_sequence == 0
    on_page.cancel(booker, booking, now=NOW)
    booking.refresh_from_db()
    assert booking.ical_sequence == 1


def test_the_wording_fits_each_email(booker, room, bookable_place, place_manager, sent):
    every_kind(booker, room, bookable_place, place_manager, sent)
    my_bookings = settings.MAILLAGE_SITE_URL + reverse("booking:my_bookings")
    for kind, message in sent:
        body, parts = message.body, calendar_part(message)
        method = parts and str(events_of(parts[0])[0]["METHOD"])
        assert ("est joint" in body or "sont jointes" in body) is (method == "REQUEST"), kind
        assert ("joint retire" in body) is (method == "CANCEL"), kind
        if notifications.KINDS[kind].confirms:
            assert "annul" in body and my_bookings in body, kind
            assert "24 h avant" in body, kind  # the place's cancellation notice
        if "contactez le lieu" in body:
            assert PHONE in body, kind
        # Each email names the space with its place (a digest: the place, then each space).
        if kind == "manager_digest":
            assert f"\n{bookable_place.name}\n" in body and f"- {room.name}, " in body, kind
        else:
            assert f"\n{room.full_name}\n" in body, kind
        if kind in ("refused", "cancelled"):
            assert "contactez le lieu : " + PHONE in body, kind
        several = len(message.body.split("\n- le ")) > 2
        if several:
            assert "Votre réservation" not in body and "votre demande" not in body, kind
        assert "\n" not in message.subject and "\r" not in message.subject


def test_refusals_attach_no_event_to_add(booker, room, bookable_place, place_manager, sent):
    bookable_place.requires_approval = True
    bookable_place.save()
    day = paris(2026, 12, 2, 9)
    asked = on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    on_page.refuse(place_manager, asked, "Complet", now=NOW)
    deliver()
    refusal = next(m for kind, m in sent if kind == "refused")
    assert "L'événement est joint" not in refusal.body
    assert "Complet" in refusal.body


def test_confirmations_give_the_cancellation_deadline(booker, room, bookable_place, sent):
    bookable_place.cancellation_notice_hours = 48
    bookable_place.email = "contact@ruche.test"
    bookable_place.save()
    on_page.book(
        booker,
        room.pk,
        paris(2026, 12, 4, 9),
        paris(2026, 12, 4, 10),
        now=NOW,
    )
    deliver()
    (_, made), *_ = sent
    assert "jusqu'au 2 décembre 2026 à 09h00 (48 h avant le début)" in made.body
    assert "contactez le lieu : contact@ruche.test" in made.body


def test_managers_are_told_of_requests_and_cancellations(
    booker, room, bookable_place, place_manager, sent
):
    bookable_place.requires_approval = True
    bookable_place.save()
    day = paris(2026, 12, 2, 9)
    asked = on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    deliver()
    told = [m for kind, m in sent if kind == "manager_request"]
    assert [m.to for m in told] == [[place_manager.email]]
    manager_page = (
        settings.MAILLAGE_SITE_URL + reverse("manager:bookings") + f"?lieu={bookable_place.slug}"
    )
    assert manager_page in told[0].body
    deadline = timezone.localtime(asked.pending_until)
    assert f"avant le {date_fr(deadline)} à {deadline:%H}h{deadline:%M}" in told[0].body
    assert booker.email in told[0].body
    on_page.cancel(booker, asked, now=NOW)
    deliver()
    cancelled = [m for kind, m in sent if kind == "manager_cancelled"]
    assert [m.to for m in cancelled] == [[place_manager.email]]
    assert manager_page in cancelled[0].body


def test_a_cancellation_is_reported_to_every_manager_but_the_one_who_made_it(
    booker, room, bookable_place, place_manager, sent
):
    colleague = ManagerFactory(email_verified=False, places=[bookable_place])
    day = paris(2026, 12, 2, 9)
    booking = on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    on_page.cancel(place_manager, booking, "Fermeture", now=NOW)
    deliver()
    assert [(kind, m.to) for kind, m in sent] == [
        ("made", [booker.email]),
        ("cancelled", [booker.email]),
        ("manager_cancelled", [colleague.email]),
    ]
    told = sent[-1][1].body
    assert "a été annulée par le lieu ou le Département (Fermeture)" in told


# The database refuses CR and LF in names (places.Place.Meta); other controls and Unicode line
# separators only meet the validators, so a write that skips them could still store these.
ODD = "La Ruche\u2028Bcc: piege@exemple.test\x85\x0b"
SUMMARY = "Salle Seine — La Ruche Bcc: piege@exemple.test"


def test_line_breaks_in_names_break_no_email(booker, room, bookable_place, place_manager, sent):
    bookable_place.name = ODD
    bookable_place.save()
    room.name = "Salle\u2029\x0bSeine"
    room.save()
    every_kind(booker, room, bookable_place, place_manager, sent)
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()
    for kind, message in sent:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert message.message()["Bcc"] is None
        if kind == "manager_digest":  # one place, several spaces: each on its line
            assert "\nLa Ruche Bcc: piege@exemple.test\n" in message.body
            assert "\n- Salle Seine, " in message.body
        else:
            assert "La Ruche Bcc: piege@exemple.test — Salle Seine\n" in message.body
        for part in calendar_part(message):
            text = part.get_payload(decode=True).decode()
            lines = [line.removesuffix("\r") for line in text.split("\n")]
            assert not any(has_control_characters(line) for line in lines)
            _, events = events_of(part)
            for event in events:
                assert event["ORGANIZER"].params["CN"] == "La Ruche Bcc: piege@exemple.test"
                assert str(event["SUMMARY"]) == SUMMARY
    assert all(m.recipients() in ([booker.email], [place_manager.email]) for _, m in sent)


def test_calendar_feeds_survive_odd_names(client, booker, room, bookable_place, place_manager):
    bookable_place.name = ODD
    bookable_place.save()
    room.name = "Salle\u2029\x0bSeine"
    room.save()
    day = paris(2026, 12, 2, 9)
    on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    for user, path in (
        (booker, lambda token: reverse("booking:feed", args=[token])),
        (
            place_manager,
            lambda token: reverse("booking:place_feed", args=[token, bookable_place.slug]),
        ),
    ):
        feed = CalendarFeed.objects.create(user=user)
        response = client.get(path(feed.token))
        assert response.status_code == 200
        calendar = Calendar.from_ical(response.content)
        assert "\n" not in str(calendar["X-WR-CALNAME"])
        (event,) = calendar.walk("VEVENT")
        assert str(event["SUMMARY"]) == SUMMARY
        lines = response.content.decode().split("\r\n")
        assert not any(has_control_characters(line) for line in lines)
        assert int(event["SEQUENCE"]) == Booking.objects.get().ical_sequence


def test_no_email_is_lost_to_an_odd_name(booker, room, bookable_place):
    bookable_place.name = ODD
    bookable_place.save()
    day = paris(2026, 12, 2, 9)
    on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    assert outbox.deliver_due() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.endswith("La Ruche Bcc: piege@exemple.test")


MAIL_CALLS = {"EmailMessage", "EmailMultiAlternatives", "send_mail", "send_mass_mail"}


def test_every_email_subject_built_in_code_is_put_on_one_line():
    """A subject is a header: data in it (a name with a line break) would make the email
    fail. Every email built in the code gets its subject through single_line."""
    import ast
    from pathlib import Path

    import maillage

    checked = 0
    for path in Path(maillage.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name not in MAIL_CALLS:
                continue
            subject = next((k.value for k in node.keywords if k.arg == "subject"), None)
            subject = subject or (node.args[0] if node.args else None)
            assert isinstance(subject, ast.Call), (path, node.lineno)
            assert getattr(subject.func, "id", None) == "single_line", (path, node.lineno)
            checked += 1
    assert checked >= 2  # the booking and the account emails


def test_a_late_cancellation_refusal_gives_the_place_contact(booker, room, bookable_place):
    bookable_place.phone = PHONE
    bookable_place.email = "contact@ruche.test"
    bookable_place.save()
    day = paris(2026, 12, 2, 9)
    booking = on_page.book(booker, room.pk, day, day + timedelta(hours=1), now=NOW)
    with pytest.raises(services.BookingRefused) as refused:
        on_page.cancel(booker, booking, now=day - timedelta(hours=2))
    assert f"contactez le lieu ({PHONE}, contact@ruche.test)." in str(refused.value)


def test_a_reminder_past_the_deadline_says_to_contact_the_place(booker, room, bookable_place):
    bookable_place.cancellation_notice_hours = 48
    bookable_place.phone = PHONE
    bookable_place.save()
    day = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    day += timedelta(days=1)
    on_page.book(booker, room.pk, day, day + timedelta(hours=1), notify=False)
    notifications.queue_reminders()
    outbox.deliver_due()
    (reminder,) = mail.outbox
    assert "Le délai d'annulation en ligne (48 h avant le début) est passé" in reminder.body
    assert f"Pour l'annuler, contactez le lieu : {PHONE}." in reminder.body
    assert "Vous pouvez l'annuler" not in reminder.body


def test_a_series_partly_accepted_keeps_its_undecided_dates_tentative(
    booker, room, bookable_place, place_manager, sent
):
    bookable_place.requires_approval = True
    bookable_place.save()
    _, dates, _ = on_page.book_series(
        booker,
        room.pk,
        paris(2026, 12, 8, 9),
        paris(2026, 12, 8, 11),
        3,
        now=NOW,
    )
    deliver()
    on_page.confirm(place_manager, dates[1], now=NOW)
    deliver()
    (accepted,) = [m for kind, m in sent if kind == "approved"]
    _, (series, first, last) = events_of(calendar_part(accepted)[0])
    assert "RECURRENCE-ID" not in series and str(series["STATUS"]) == "CONFIRMED"
    # The dates the place has not decided yet stay tentative in the person's calendar.
    assert [e["RECURRENCE-ID"].dt for e in (first, last)] == [dates[0].start, dates[2].start]
    assert {str(e["STATUS"]) for e in (first, last)} == {"TENTATIVE"}
    assert len({str(e["UID"]) for e in (series, first, last)}) == 1
