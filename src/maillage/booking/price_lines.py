"""How a booking's price split (booking.funding.Quote) reads beside the list price on the
pages: «Tarif solidaire : 2 € au lieu de 8 €», under the programmes' public labels (never the
category that made the person eligible), and why a programme the person holds did not apply."""

from dataclasses import dataclass

from maillage.booking.funding import Quote
from maillage.core.text import euros


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


def price_line(quote: Quote) -> PriceLine:
    """The quote as the pages show it."""
    reduced = None
    if quote.is_reduced:
        labels = " + ".join(dict.fromkeys(share.public_label for share in quote.shares))
        reduced = f"{labels} : {euros(quote.person_cents)} au lieu de {euros(quote.list_cents)}"
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
    labels = " + ".join(dict.fromkeys(share.public_label for q in quotes for share in q.shares))
    reduced = (
        f"{labels} : {euros(person_cents)} au lieu de {euros(list_cents)} pour la série"
        if person_cents != list_cents
        else None
    )
    notices = tuple(dict.fromkeys(n for q in quotes for n in price_line(q).notices))
    return PriceLine(list_cents, person_cents, reduced, notices)
