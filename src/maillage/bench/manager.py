"""`maillage bench manager --json`: how long the managers' pages take on the demo network.

In its own bench database (made anew for each run), the demo is loaded (`maillage demo`: the
fictional network, its bookings and programmes), then a demo manager's pages are requested
in-process through Django's test client (the whole middleware stack and the templates, no
HTTP server), each `samples` times after one warm-up; the staff's review page of listing
requests too. Figures per page: `p50_ms` and `p95_ms` (nearest-rank percentiles, in
milliseconds), and the status it answered; plus `database`. Nothing is asserted: the
figures depend on the machine.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from maillage.accounts.models import User
from maillage.bench.booking import percentile, prepare_database
from maillage.demo.services import MANAGER_EMAILS, STAFF_EMAIL
from maillage.places.models import Place

Progress = Callable[[str], None]

PLAIN_STATIC_FILES = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _pages(place: Place) -> dict[str, str]:
    """The manager's pages measured, by name: their addresses for `place`."""
    space = place.spaces.order_by("pk").first()
    slug = place.slug
    pages = {
        "accueil": reverse("manager:home"),
        "réservations (liste)": reverse("manager:bookings"),
        "réservations (semaine)": reverse("manager:bookings") + f"?lieu={slug}&vue=semaine",
        "réservations (CSV)": reverse("manager:bookings_csv"),
        "courriels": reverse("manager:notifications"),
        "mes lieux": reverse("manager:places"),
        "lieu": reverse("manager:place", args=[slug]),
        "fiche": reverse("manager:profile", args=[slug]),
        "photos": reverse("manager:photos", args=[slug]),
        "règles": reverse("manager:booking_rules", args=[slug]),
        "horaires": reverse("manager:opening_hours", args=[slug]),
        "fermetures": reverse("manager:closures", args=[slug]),
        "gestionnaires": reverse("manager:place_managers", args=[slug]),
        "dispositifs": reverse("programmes:manager"),
    }
    if space is not None:
        pages["espace"] = reverse("manager:space", args=[slug, space.pk])
        pages["blocages"] = reverse("manager:space_blocks", args=[slug, space.pk])
        pages["agenda externe"] = reverse("manager:space_calendar", args=[space.pk])
    return pages


def _timed(client: Client, url: str, samples: int) -> dict:
    client.get(url)  # warm-up: templates and caches
    durations, status = [], 0
    for _ in range(samples):
        started = time.perf_counter()
        status = client.get(url).status_code
        durations.append(time.perf_counter() - started)
    return {
        "p50_ms": round(percentile(durations, 0.5) * 1000, 1),
        "p95_ms": round(percentile(durations, 0.95) * 1000, 1),
        "status": status,
    }


def run_manager_pages(samples: int, progress: Progress) -> dict:
    """The bench in the current (bench) database: the figures as a JSON-ready dict."""
    prepare_database(progress)
    progress("Chargement de la démonstration…")
    call_command("demo", stdout=sys.stderr)
    manager = User.objects.get(email=MANAGER_EMAILS[0])
    place = Place.objects.filter(managers=manager).order_by("pk").first()
    if place is None:
        raise RuntimeError("the demo's first manager manages no place")
    figures: dict[str, dict] = {}
    # The test client's host; static files by name (no collectstatic in the bench database).
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_FILES}}
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client = Client()
        client.force_login(manager)
        for name, url in _pages(place).items():
            progress(f"  {name}…")
            figures[name] = _timed(client, url, samples)
        client.force_login(User.objects.get(email=STAFF_EMAIL))
        figures["référencements (Département)"] = _timed(
            client, reverse("manager:listing_requests"), samples
        )
    return {"samples": samples, "pages": figures, "database": connection.vendor}
