"""The calendar server of these tests, with the setting letting the import reach it
(MAILLAGE_ICAL_ALLOW_PRIVATE: production refuses this machine's addresses)."""

import pytest

from tests.manager.ical.calendars import CalendarServer


@pytest.fixture
def calendar_server(settings):
    """The local calendar server, with private addresses allowed for the import."""
    settings.MAILLAGE_ICAL_ALLOW_PRIVATE = True
    server = CalendarServer()
    yield server
    server.close()
