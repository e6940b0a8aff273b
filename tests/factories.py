"""factory_boy factories of the test suite: users, places, spaces, bookings and series.

Each builds a valid object the way the platform does (model validation for places and spaces,
`create_user` for accounts, `booking.services` for bookings, so that blocked spans, prices and
statuses follow the real rules). Communes come from the territory loaded once per session
(tests/fixtures/database.py): ask for the `territory` or `commune` fixture, or pass one.

    UserFactory()                        a resident, address not verified (cannot book)
    VerifiedUserFactory()                a resident who can book
    StaffFactory()                       Département staff
    ManagerFactory(places=[place])       a verified manager of the given places
    PlaceFactory(commune=commune)        an open place at the commune's centre
    BookablePlaceFactory(commune=...)    the same, open 8:00–20:00 every day
    SpaceFactory(place=place)            a meeting room (RoomFactory) or DeskFactory: open space
    BookingFactory(space=s, user=u, start=…, end=…, now=…)   through booking.services.book
    BookingSeriesFactory(space=s, user=u, start=…, end=…, weeks=4, now=…)   book_series
    EventFactory(place=place)            a published workshop a week ahead, 10 seats, open now
    RegistrationFactory(event=e, user=u, seats=1, now=…)   through events.services.register

`make_place(commune, **fields)` and `candidate_at(commune, reference, name)` are shortcuts kept
for the many tests written with them.
"""

from datetime import time, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from maillage.accounts.models import User
from maillage.booking import services
from maillage.booking.models import Booking, BookingSeries, Channel
from maillage.events import services as event_services
from maillage.events.models import Event, EventStatus, Registration
from maillage.observatory.models import CandidateSite
from maillage.places.models import OpeningHours, Place, Space
from maillage.territory.models import Commune

BOULOGNE = "92012"


class UserFactory(DjangoModelFactory):
    """A resident whose address is not verified yet; password «motdepasse-<n>-x»."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    password = factory.Sequence(lambda n: f"motdepasse-{n}-x")
    email_verified = False

    @classmethod
    def _create(cls, model_class, *args, email, password, **fields):
        return model_class.objects.create_user(email, password, **fields)


class VerifiedUserFactory(UserFactory):
    """A resident who can book (verified address)."""

    email_verified = True


class StaffFactory(VerifiedUserFactory):
    """Département staff: every right on places, statuses and accounts."""

    email = factory.Sequence(lambda n: f"agent{n}@cd92.test")
    is_departement_staff = True


class ManagerFactory(VerifiedUserFactory):
    """A manager of `places` (a list; none by default)."""

    email = factory.Sequence(lambda n: f"gestion{n}@lieu.test")

    @factory.post_generation
    def places(user, create, places, **kwargs):
        for place in places or ():
            place.managers.add(user)


class PlaceFactory(DjangoModelFactory):
    """An open place at its commune's centre (Boulogne-Billancourt by default), validated by
    `full_clean` as the back-office does. Slug «lieu-<INSEE code>» unless given."""

    class Meta:
        model = Place
        skip_postgeneration_save = True

    commune = factory.LazyFunction(lambda: Commune.objects.get(insee_code=BOULOGNE))
    name = factory.LazyAttribute(lambda o: f"Lieu de {o.commune.name}")
    slug = factory.LazyAttribute(lambda o: f"lieu-{o.commune.insee_code}")
    address = "1 place de la Mairie"
    postal_code = factory.LazyAttribute(lambda o: o.commune.postal_codes.split()[0])
    latitude = factory.LazyAttribute(lambda o: o.commune.centroid_lat)
    longitude = factory.LazyAttribute(lambda o: o.commune.centroid_lon)
    status = "open"
    opening_date = "2020-01-01"

    @classmethod
    def _create(cls, model_class, *args, **fields):
        place = model_class(*args, **fields)
        place.full_clean()
        place.save()
        return place

    @factory.post_generation
    def managers(place, create, managers, **kwargs):
        for user in managers or ():
            place.managers.add(user)


class BookablePlaceFactory(PlaceFactory):
    """An open place open from 8:00 to 20:00 every day of the week."""

    @factory.post_generation
    def hours(place, create, hours, **kwargs):
        opens, closes = hours or (time(8), time(20))
        OpeningHours.objects.bulk_create(
            OpeningHours(place=place, weekday=day, opens=opens, closes=closes) for day in range(7)
        )


class SpaceFactory(DjangoModelFactory):
    """A meeting room for 8, 25 € an hour, 80 € the half day, 150 € the day, no horizon."""

    class Meta:
        model = Space
        skip_postgeneration_save = True

    place = factory.SubFactory(BookablePlaceFactory)
    name = factory.Sequence(lambda n: f"Salle {n}")
    kind = "meeting_room"
    capacity = 8
    price_hour_cents = 2500
    price_half_day_cents = 8000
    price_day_cents = 15000
    max_duration_minutes = 480
    max_advance_days = None

    @classmethod
    def _create(cls, model_class, *args, **fields):
        space = model_class(*args, **fields)
        space.full_clean()
        space.save()
        return space


RoomFactory = SpaceFactory


class DeskFactory(SpaceFactory):
    """An open space of 5 desks, 4 € an hour, 20 € the day."""

    name = factory.Sequence(lambda n: f"Open space {n}")
    kind = "desk"
    capacity = 5
    price_hour_cents = 400
    price_half_day_cents = None
    price_day_cents = 2000
    max_duration_minutes = None


class BookingFactory(factory.Factory):
    """A booking made through `booking.services.book` (its rules apply: BookingRefused when
    the slot is not free). `start`/`end` aware datetimes, `now` the instant of booking."""

    class Meta:
        model = Booking

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory(VerifiedUserFactory)
    seats = 1
    now = None
    channel = Channel.PAGE

    @classmethod
    def _create(cls, model_class, *, space, user, start, end, seats, now, channel, **options):
        return services.book(user, space.pk, start, end, seats, now=now, channel=channel, **options)

    _build = _create


class BookingSeriesFactory(factory.Factory):
    """A weekly series made through `booking.services.book_series`: the BookingSeries (its
    bookings in `series.bookings.all()`). Raises if no occurrence was free."""

    class Meta:
        model = BookingSeries

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory(VerifiedUserFactory)
    weeks = 4
    seats = 1
    now = None
    channel = Channel.PAGE

    @classmethod
    def _create(cls, model_class, *, space, user, start, end, weeks, seats, now, channel):
        series, _bookings, _left_out = services.book_series(
            user, space.pk, start, end, weeks, seats, now=now, channel=channel
        )
        assert series is not None, "aucune date libre pour la série"
        return series

    _build = _create


class EventFactory(DjangoModelFactory):
    """A published workshop organised by its place, a week from now (10:00–12:00 Paris
    time), for 10 seats (one per registration), free, registration open since yesterday
    until the day before, with a waiting list; validated by `full_clean`. Pass `place`
    (a new place in Boulogne-Billancourt by default) and any field."""

    class Meta:
        model = Event

    place = factory.SubFactory(PlaceFactory)
    title = factory.Sequence(lambda n: f"Atelier {n}")
    description = "Un atelier pour les coworkers."
    start = factory.LazyFunction(
        lambda: (timezone.localtime() + timedelta(days=7)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
    )
    end = factory.LazyAttribute(lambda o: o.start + timedelta(hours=2))
    capacity = 10
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    registration_closes_at = factory.LazyAttribute(lambda o: o.start - timedelta(days=1))
    status = EventStatus.PUBLISHED
    created_by = factory.SubFactory(StaffFactory)

    @classmethod
    def _create(cls, model_class, *args, **fields):
        event = model_class(*args, **fields)
        event.full_clean()
        event.save()
        return event


class RegistrationFactory(factory.Factory):
    """A registration made through `events.services.register` (its rules apply:
    RegistrationRefused when they forbid it); `now` the instant of registering."""

    class Meta:
        model = Registration

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(VerifiedUserFactory)
    seats = 1
    now = None

    @classmethod
    def _create(cls, model_class, *, event, user, seats, now):
        return event_services.register(user, event, seats, now=now)

    _build = _create


def make_place(commune: Commune, **fields) -> Place:
    """Shortcut: `PlaceFactory(commune=commune, **fields)`."""
    return PlaceFactory(commune=commune, **fields)


def candidate_at(commune: Commune, reference: str, name: str, **fields) -> CandidateSite:
    """A candidate site (observatory) at the centre of a commune."""
    values = {"owner": "departement", "kind": "college", "surface_m2": 400, **fields}
    return CandidateSite.objects.create(
        reference=reference,
        name=name,
        commune=commune,
        latitude=commune.centroid_lat,
        longitude=commune.centroid_lon,
        **values,
    )
