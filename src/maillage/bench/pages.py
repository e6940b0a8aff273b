"""`maillage bench pages --json`: how long each page takes on the demo network, by audience.

In its own bench database (made anew for each run), the demo is loaded (`maillage demo`: the
fictional network, its bookings, programmes and candidate sites) and the staff save two
scenarios (three candidate sites, two others); then the pages of each audience are requested
in-process through Django's test client (the whole middleware stack and the templates, no
HTTP server), each `samples` times after one warm-up:

- `public`: anonymous visitors (home, directory, a place, the free-space search, the public
  observatory, open data, the footer pages);
- `resident`: a demo resident (a space with a window priced and recapped, their bookings,
  their account and personal data);
- `manager`: a demo manager's pages;
- `staff`: the Département's (listing requests, the staff hub, a scenario, the two compared,
  the printable report).

Figures per page: `p50_ms` and `p95_ms` (nearest-rank percentiles, in milliseconds) and the
status it answered; plus `samples` and `database`. Nothing is asserted: the figures depend
on the machine.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from maillage.accounts.models import User
from maillage.bench.booking import percentile, prepare_database
from maillage.booking.models import Booking
from maillage.demo.services import MANAGER_EMAILS, RESIDENT_EMAILS, STAFF_EMAIL
from maillage.observatory import services as observatory
from maillage.observatory.models import CandidateSite, Scenario
from maillage.places.models import Place, Space, today_in_paris
from maillage.territory.models import Commune

Progress = Callable[[str], None]

PLAIN_STATIC_FILES = "django.contrib.staticfiles.storage.StaticFilesStorage"


def _public_pages(place: Place, space: Space) -> dict[str, str]:
    """Anonymous visitors' pages, by name: their addresses on the demo."""
    code = settings.MAILLAGE_DEPARTEMENT
    with_places = place.commune.insee_code
    without = (
        Commune.objects.filter(departement_id=code, places__isnull=True)
        .order_by("insee_code")
        .values_list("insee_code", flat=True)
        .first()
    )
    day = (today_in_paris() + timedelta(days=7)).isoformat()
    window = f"date={day}&debut=09:00&fin=12:00"
    pages = {
        "accueil": reverse("web:home"),
        "annuaire": reverse("web:place_list"),
        "annuaire (code postal)": reverse("web:place_list") + f"?localite={place.postal_code}",
        "lieu": place.get_absolute_url(),
        "recherche (commune avec lieux)": reverse("booking:search")
        + f"?{window}&commune={with_places}",
        "espace (semaine)": reverse("booking:space", args=[space.pk]),
        "observatoire": reverse("observatory:public"),
        "données ouvertes": reverse("web:opendata"),
        "mentions légales": reverse("web:legal_notice"),
        "données personnelles": reverse("web:privacy"),
        "accessibilité": reverse("web:accessibility"),
        "contact": reverse("web:contact"),
        "plan du site": reverse("web:site_map"),
    }
    if without is not None:
        pages["recherche (commune sans lieu)"] = (
            reverse("booking:search") + f"?{window}&commune={without}"
        )
    return pages


def _resident_pages(space: Space) -> dict[str, str]:
    """A resident's pages, by name."""
    day = (today_in_paris() + timedelta(days=7)).isoformat()
    return {
        "espace (créneau chiffré)": reverse("booking:space", args=[space.pk])
        + f"?date={day}&debut=09:00&fin=12:00",
        "mes réservations": reverse("booking:my_bookings"),
        "mon compte": reverse("accounts:account"),
        "coordonnées": reverse("accounts:profile"),
        "courriels": reverse("accounts:preferences"),
        "mes données": reverse("web:my_data"),
        "supprimer mon compte": reverse("web:delete_account"),
    }


def _manager_pages(place: Place) -> dict[str, str]:
    """The manager's pages, by name: their addresses for `place`."""
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


def _staff_pages(scenario: Scenario, other: Scenario) -> dict[str, str]:
    """The Département staff's pages, by name (`other`: the scenario compared with)."""
    return {
        "référencements": reverse("manager:listing_requests"),
        "espace Département": reverse("web:staff_hub"),
        "scénarios": reverse("observatory:scenario_list"),
        "scénario": reverse("observatory:scenario_detail", args=[scenario.pk]),
        "deux scénarios comparés": reverse("observatory:scenario_compare")
        + f"?premier={scenario.pk}&second={other.pk}",
        "nouveau scénario": reverse("observatory:scenario_create"),
        "rapport imprimable": reverse("observatory:scenario_report", args=[scenario.pk]),
        "indicateurs (tableur)": reverse("observatory:indicators_spreadsheet"),
    }


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


def _measured(
    client: Client, user: User | None, pages: dict[str, str], samples: int, progress: Progress
) -> dict[str, dict]:
    client.logout()
    if user is not None:
        client.force_login(user)
    figures = {}
    for name, url in pages.items():
        progress(f"  {name}…")
        figures[name] = _timed(client, url, samples)
    return figures


def run_pages(samples: int, progress: Progress) -> dict:
    """The bench in the current (bench) database: the figures as a JSON-ready dict."""
    prepare_database(progress)
    progress("Chargement de la démonstration…")
    call_command("demo", stdout=sys.stderr)
    manager = User.objects.get(email=MANAGER_EMAILS[0])
    managed = Place.objects.filter(managers=manager).order_by("pk").first()
    booked = Booking.objects.filter(user__email=RESIDENT_EMAILS[0]).order_by("pk").first()
    if managed is None or booked is None:
        raise RuntimeError("the demo's first manager manages no place, or its resident booked none")
    staff = User.objects.get(email=STAFF_EMAIL)
    sites = list(CandidateSite.objects.order_by("pk").values_list("pk", flat=True)[:5])
    scenario = observatory.save_scenario(staff, name="Trois sites", candidate_ids=sites[:3])
    other = observatory.save_scenario(staff, name="Deux autres sites", candidate_ids=sites[3:])
    space = booked.space
    audiences = {
        "public": (None, _public_pages(space.place, space)),
        "resident": (booked.user, _resident_pages(space)),
        "manager": (manager, _manager_pages(managed)),
        "staff": (staff, _staff_pages(scenario, other)),
    }
    figures: dict[str, dict] = {}
    # The test client's host; static files by name (no collectstatic in the bench database).
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC_FILES}}
    with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
        client = Client()
        for audience, (user, pages) in audiences.items():
            progress(f"Pages « {audience} »…")
            figures[audience] = _measured(client, user, pages, samples, progress)
    return {"samples": samples, "pages": figures, "database": connection.vendor}
