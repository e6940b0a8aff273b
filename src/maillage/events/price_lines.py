"""How an event registration's price reads on the pages and in emails: its frozen price,
reduced under the programmes' public labels («Tarif solidaire : 3 € au lieu de 12 €»,
never the category that made the person eligible), and, for its person, whether
what a registration that ended took of their rights was given back.

Before registering, or to accept seats offered, a page shows the person's quote instead:
booking.price_lines.price_line(selectors.quote_for(person, event, seats)). What programmes
pay is read through events.funding.shares_of (the programmes register it)."""

from __future__ import annotations

from collections.abc import Sequence

from maillage.booking.price_lines import reduced_text, rights_text
from maillage.core.text import euros
from maillage.events import funding
from maillage.events.models import HOLDING_STATUSES, Registration


def registered_prices(registrations: Sequence[Registration], *, for_person: bool) -> dict[int, str]:
    """How each registration's frozen price reads, by registration id: «Gratuit», «24 €» or
    «Tarif solidaire : 6 € au lieu de 24 €» (the seats' list price, the event's price ×
    seats). A waiting entry's price, and that of seats offered not yet accepted, is not
    frozen yet: its list price. For the person (`for_person`), a registration that no
    longer holds its seats, or whose person was marked absent, and that programmes paid for
    also says whether what it took of their rights was given back («· rien n'est décompté
    de vos droits»). One query, whatever the number of registrations."""
    shares = funding.shares_of([r.pk for r in registrations], given_back=True)
    texts = {}
    for registration in registrations:
        held = shares.get(registration.pk, ())
        if registration.price_cents == 0:
            text = "Gratuit"
        elif registration.person_price_cents == registration.price_cents:
            text = euros(registration.price_cents)
        else:
            text = reduced_text(held, registration.person_price_cents, registration.price_cents)
        # An absence, as a cancellation, may be given back.
        stopped = registration.status not in HOLDING_STATUSES
        if for_person and held and (stopped or registration.attended is False):
            text += rights_text(held)
        texts[registration.pk] = text
    return texts
