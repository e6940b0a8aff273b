"""The events tests' own fixtures."""

import pytest

from maillage.events.notifications import EVENT_PAGE


@pytest.fixture(autouse=True)
def _event_page_registered():
    """Emails link to the event's public page, which the public site registers; until it
    does (the page is built on another branch), a stand-in path."""
    if EVENT_PAGE._path is None:
        EVENT_PAGE.register(lambda pk: f"/ateliers/{pk}/")
