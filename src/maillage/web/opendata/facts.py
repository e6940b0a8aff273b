"""What the published files are made of, as plain values (pure: no Django): the public
facts of a place and of each of its spaces, read from the database by opendata.files."""

from dataclasses import dataclass
from datetime import date

from maillage.places.schedule import DateRange, OpeningRange


@dataclass(frozen=True)
class PlaceFacts:
    """A published place: its public fields (as its page shows them), its services (slugs
    and names, by name), its spaces' kinds and prices (cents, those set), its week and its
    closures not over yet (Paris days), and what the platform knows of it besides.

    `updated`: the Paris day of its last change; `page_url`: its public page, absolute;
    `books_online`: it takes bookings of a space here today; `free_under_condition`: a
    programme it joined can leave the person nothing to pay (a free rate, a pass's credit);
    `broadband_technology`: "fibre", "other" or "unknown"; speeds in Mbit/s, None unknown."""

    pk: int
    name: str
    siret: str
    address: str
    postal_code: str
    commune: str
    insee_code: str
    latitude: float
    longitude: float
    phone: str
    email: str
    website: str
    description: str
    updated: date
    page_url: str
    services: tuple[str, ...] = ()
    service_names: tuple[str, ...] = ()
    space_kinds: tuple[str, ...] = ()
    prices_cents: tuple[int, ...] = ()
    hours: tuple[OpeningRange, ...] = ()
    closures: tuple[DateRange, ...] = ()
    books_online: bool = False
    free_under_condition: bool = False
    broadband_technology: str = "unknown"
    broadband_down_mbps: int | None = None
    broadband_up_mbps: int | None = None
    has_thd: bool = False
    step_free_access: bool = False
    accessible_toilets: bool = False
    hearing_loop: bool = False
    accessible_parking: bool = False


@dataclass(frozen=True)
class SpaceFacts:
    """A space of a published place: `kind` a places.kinds.SpaceKind value, `capacity` its
    seats or people, prices in cents (None: not offered for that duration), `equipment`
    its equipment's names, `social_rates` the public labels of the programmes that apply
    to it (its place joined them, they cover its kind), `booking_url` its booking page,
    absolute ("" when it cannot be booked today)."""

    pk: int
    place: PlaceFacts
    name: str
    kind: str
    capacity: int
    is_bookable: bool
    booking_url: str = ""
    price_hour_cents: int | None = None
    price_half_day_cents: int | None = None
    price_day_cents: int | None = None
    equipment: tuple[str, ...] = ()
    social_rates: tuple[str, ...] = ()
