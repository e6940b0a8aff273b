from tests.booking.conftest import bookable_place, booker, desks, other_booker, room  # noqa: F401
