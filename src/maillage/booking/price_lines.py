"""How a booking's price split (booking.funding.Quote) reads beside the list price on the
pages and in emails: «Tarif solidaire : 2 € au lieu de 8 €», under the programmes' public
labels (never the category that made the person eligible), and why a programme the person
holds did not apply."""

from collections.abc import Sequence
from dataclasses import dataclass

from maillage.booking import funding
from maillage.booking.funding import Quote
from maillage.booking.models import HOLDING_STATUSES, Booking, BookingStatus
from maillage.core.text import euros
from maillage.eligibility.models import ChildProfile


@dataclass(frozen=True)
class PriceLine:
    """The person's price (`person_cents`) beside the list price (`list_cents`), in cents.
    `reduced`: «Tarif solidaire : 2 € au lieu de 8 €», None when the person pays the list
    price; `notices`: each programme they hold that did not apply, and that the list price
    does («Le budget de « Tarif solidaire » est épuisé : le prix public s'applique.»)."""

    list_cents: int
    person_cents: int
    reduced: str | None
    notices: tuple[str, ...]


def reduced_text(shares: Sequence[funding.Share], person_cents: int, list_cents: int) -> str:
    """«Tarif solidaire : 2,00 € au lieu de 8,00 €»: the programmes' public labels (each
    once, « + » between; none: the amounts alone) and what the person pays of the list
    price (cents)."""
    labels = " + ".join(dict.fromkeys(share.public_label for share in shares))
    text = f"{euros(person_cents)} au lieu de {euros(list_cents)}"
    return f"{labels} : {text}" if labels else text


def rights_text(shares: Sequence[funding.Share]) -> str:
    """What became of the person's rights once a booking or registration paid by `shares`
    (given back or not, flagged) stopped: « · rien n'est décompté de vos droits» when every
    share was given back, else « · décompté de vos droits (annulation tardive ou
    absence)»."""
    if all(share.given_back for share in shares):
        return " · rien n'est décompté de vos droits"
    return " · décompté de vos droits (annulation tardive ou absence)"


def price_line(quote: Quote) -> PriceLine:
    """The quote as the pages show it."""
    reduced = None
    if quote.is_reduced:
        reduced = reduced_text(quote.shares, quote.person_cents, quote.list_cents)
    applies = "le prix public s'applique" if not quote.is_reduced else "il ne s'applique pas"
    notices = tuple(f"{notice[:1].upper()}{notice[1:]} : {applies}." for notice in quote.notices)
    return PriceLine(quote.list_cents, quote.person_cents, reduced, notices)


def total_line(quotes: list[Quote]) -> PriceLine | None:
    """The total of a series' dates, read as one price (None for no date): reduced when one
    of them is, each notice once."""
    if not quotes:
        return None
    list_cents = sum(q.list_cents for q in quotes)
    person_cents = sum(q.person_cents for q in quotes)
    shares = [share for q in quotes for share in q.shares]
    reduced = (
        f"{reduced_text(shares, person_cents, list_cents)} pour la série"
        if person_cents != list_cents
        else None
    )
    notices = tuple(dict.fromkeys(n for q in quotes for n in price_line(q).notices))
    return PriceLine(list_cents, person_cents, reduced, notices)


def booked_prices(bookings: Sequence[Booking], *, for_person: bool) -> dict[int, str]:
    """How each booking's frozen price reads in lists and emails, by booking id: «8,00 €»,
    or «Tarif solidaire : 2,00 € au lieu de 8,00 €». For the person who booked
    (`for_person`), also whom a child's pass paid for («pour Lucas») and, for a booking that
    no longer holds its slot, whether what it took of their rights was given back. Two
    queries, whatever the number of bookings."""
    shares = funding.shares_of([b.pk for b in bookings], given_back=True)
    children: dict[int, str] = {}
    if for_person:
        ids = {s.child_id for held in shares.values() for s in held if s.child_id}
        children = dict(ChildProfile.objects.filter(pk__in=ids).values_list("pk", "first_name"))
    texts = {}
    for booking in bookings:
        held = shares.get(booking.pk, ())
        if booking.person_price_cents == booking.price_cents:
            texts[booking.pk] = euros(booking.price_cents)
            continue
        text = reduced_text(held, booking.person_price_cents, booking.price_cents)
        if for_person:
            child = next((children[s.child_id] for s in held if s.child_id in children), None)
            if child:
                text += f" pour {child}"
            # A no-show keeps its slot but, as a cancellation, may be given back.
            stopped = booking.status not in HOLDING_STATUSES
            if held and (stopped or booking.status == BookingStatus.NO_SHOW):
                text += rights_text(held)
        texts[booking.pk] = text
    return texts


def given_back_lines(shares: Sequence[funding.Share]) -> list[str]:
    """What cancelling bookings within the place's notice gives back to the person, one
    French sentence per programme (their `shares`, not given back yet): a credit's euros,
    and to whom (a child, by first name); a quota's days; a rate's caps."""
    by_programme: dict[int, list[funding.Share]] = {}
    for share in shares:
        by_programme.setdefault(share.programme_id, []).append(share)
    children = dict(
        ChildProfile.objects.filter(pk__in={s.child_id for s in shares if s.child_id}).values_list(
            "pk", "first_name"
        )
    )
    lines = []
    for held in by_programme.values():
        label = held[0].public_label
        kind = held[0].rule.split(":", 1)[0]
        child = next((children[s.child_id] for s in held if s.child_id in children), None)
        if kind == "credit":
            whose = f"au crédit « {label} » de {child}" if child else f"à votre crédit « {label} »"
            lines.append(f"{euros(sum(s.cents for s in held))} reviennent {whose}.")
        elif kind == "quota":
            lines.append(
                f"Les jours ne sont plus décomptés du quota « {label} » (sauf un jour que "
                "garde une autre de vos réservations)."
            )
        else:
            lines.append(f"« {label} » ne décompte plus ces réservations de vos plafonds.")
    return lines
