"""The demo's workshops and events (fictional): one full, with people on its waiting list,
one awaiting the organiser's approval, a priced one for collégiens and a free meeting, in
demo places, made through the organisers' and the registrations' services.

Idempotent and safe after any back-office change: the events are made only when the
fictional places hold none (an event is never deleted once people registered: its log keeps
it), so an event cancelled, renamed or edited since stays as it is. Times are Paris
wall-clock times; prices are integer cents.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from maillage.accounts.models import User
from maillage.booking.availability import wall_clock_instant
from maillage.events import organising, services
from maillage.events.models import Audience, Event, Organiser
from maillage.places.models import Place


@dataclass(frozen=True)
class EventSpec:
    """A demo event: `days` ahead, from `hour` for `hours`, `capacity` seats at `price_cents`
    each; `full`: its capacity taken by the first registrants, the others on the list."""

    title: str
    description: str
    audience: Audience
    organiser: Organiser
    days: int
    hour: int
    hours: int
    capacity: int
    price_cents: int = 0
    needs_approval: bool = False
    full: bool = False


EVENTS = (
    EventSpec(
        "Exporter ses services : les premiers pas",
        "Un atelier de deux heures avec la chambre de commerce pour les indépendants et les "
        "petites entreprises qui visent leurs premiers clients à l'étranger : marchés, "
        "aides à l'export, contrats.",
        Audience.ENTREPRENEURS,
        Organiser.DEPARTEMENT,
        days=6,
        hour=14,
        hours=2,
        capacity=3,
        full=True,
    ),
    EventSpec(
        "Créer son entreprise : les étapes",
        "Statut, financement, premiers clients : un parcours en petit groupe, suivi d'un "
        "échange avec des entrepreneurs du lieu. L'organisateur confirme chaque inscription.",
        Audience.JOB_SEEKERS,
        Organiser.PLACE,
        days=9,
        hour=10,
        hours=3,
        capacity=10,
        price_cents=15_00,
        needs_approval=True,
    ),
    EventSpec(
        "Initiation à l'impression 3D",
        "Dessiner un objet simple et l'imprimer, pour les collégiens (matériel fourni).",
        Audience.COLLEGIENS,
        Organiser.PLACE,
        days=12,
        hour=14,
        hours=2,
        capacity=8,
        price_cents=8_00,
    ),
    EventSpec(
        "Café des télétravailleurs",
        "Un moment pour se rencontrer entre personnes qui travaillent au lieu.",
        Audience.TELEWORKERS,
        Organiser.PLACE,
        days=3,
        hour=9,
        hours=1,
        capacity=20,
    ),
)


def _make(staff: User, place: Place, spec: EventSpec, today: date) -> Event:
    day = today + timedelta(days=spec.days)
    start = wall_clock_instant(datetime.combine(day, time(spec.hour)))
    creator = staff if spec.organiser == Organiser.DEPARTEMENT else place.managers.first()
    event = Event(
        place=place,
        organiser=spec.organiser,
        title=spec.title,
        description=spec.description,
        audience=spec.audience,
        start=start,
        end=start + timedelta(hours=spec.hours),
        capacity=spec.capacity,
        max_seats_per_registration=min(2, spec.capacity),
        price_cents=spec.price_cents,
        registration_opens_at=wall_clock_instant(datetime.combine(today, time(0))),
        registration_closes_at=start - timedelta(hours=2),
        needs_approval=spec.needs_approval,
    )
    organising.save_event(creator or staff, event)
    return organising.publish(creator or staff, event)


def load_events(staff: User, places: list[Place], people: list[User], today: date) -> int:
    """The demo events, when the fictional places hold none, each in one of `places` (the
    demo managers' open places), with registrations of `people`: the full event's capacity
    taken by the first of them and the rest on its waiting list. Returns how many were
    made."""
    if not places or Event.objects.filter(place__is_fictional=True).exists():
        return 0
    made = 0
    for number, spec in enumerate(EVENTS):
        event = _make(staff, places[number % len(places)], spec, today)
        made += 1
        for person in people if spec.full else people[:1]:
            services.register(person, event, 1)
    return made
