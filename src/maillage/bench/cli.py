"""The arguments of `maillage bench …` and their dispatch to the benchmarks.

`add_arguments(parser)` declares the sub-commands (coverage, availability, booking, budget,
pages, api, deployed);
`run(bench, options, say)` runs one and returns its figures as a JSON-ready dict. Invalid
sizes raise CommandError with a French message; `say` receives progress lines (stderr).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import CommandError

from maillage.bench import api, booking, budget, coverage, dataset, deployed, pages
from maillage.core.arguments import NumberIn

# `bench deployed` writes test data into the configured database: only where the platform's
# address is the machine itself (a test installation, ops/deploy/check-deployment.sh).
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}

COUNT = NumberIn(1, 100_000_000, whole=True)

Say = Callable[[str], None]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sub-commands and their options (numbers checked by NumberIn, in French)."""
    benches = parser.add_subparsers(dest="bench", required=True)
    coverage_parser = benches.add_parser(
        "coverage", help="MCLP et p-médian : moteur de Maillage contre PySAL spopt."
    )
    coverage_parser.add_argument("--scale", choices=["92", "idf"], default="92")
    coverage_parser.add_argument("--json", action="store_true", help="JSON sur une ligne")

    availability = benches.add_parser(
        "availability",
        help="Recherche départementale et semaine d'un espace sur un jeu de réservations "
        "synthétique, dans une base d'essai séparée (réutilisé d'un passage à l'autre).",
    )
    availability.add_argument(
        "--quick", action="store_true", help="petit jeu (20 lieux, 100 espaces, 20 000)"
    )
    availability.add_argument("--places", type=COUNT, help="lieux (défaut 500)")
    availability.add_argument("--spaces", type=COUNT, help="espaces (défaut 3 000)")
    availability.add_argument("--bookings", type=COUNT, help="réservations (défaut 1 000 000)")
    availability.add_argument("--seed", type=NumberIn(0, 2**32 - 1, whole=True), default=92)
    availability.add_argument("--search-samples", type=COUNT, default=200)
    availability.add_argument("--week-samples", type=COUNT, default=500)
    availability.add_argument("--json", action="store_true", help="JSON sur une ligne")
    availability.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    booking_parser = benches.add_parser(
        "booking",
        help="Réservations concurrentes par l'API (gunicorn) contre des INSERT SQL bruts, "
        "dans une base d'essai séparée.",
    )
    booking_parser.add_argument("--clients", type=COUNT, default=32)
    booking_parser.add_argument(
        "--seconds", type=NumberIn(0, 24 * 3600, above_low=True), default=20
    )
    booking_parser.add_argument(
        "--spaces", type=COUNT, default=4, help="espaces réservés (défaut 4)"
    )
    cores = os.cpu_count() or 2
    booking_parser.add_argument(
        "--workers", type=COUNT, default=cores + 1, help="processus gunicorn"
    )
    booking_parser.add_argument("--threads", type=COUNT, default=8, help="fils par processus")
    booking_parser.add_argument("--json", action="store_true", help="JSON sur une ligne")
    booking_parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    budget_parser = benches.add_parser(
        "budget",
        help="Réservations concurrentes contre une enveloppe et le crédit d'une personne "
        "(l'API, gunicorn), puis dépassements et grand livre, dans une base d'essai séparée.",
    )
    budget_parser.add_argument("--clients", type=COUNT, default=16)
    budget_parser.add_argument(
        "--workers", type=COUNT, default=cores + 1, help="processus gunicorn"
    )
    budget_parser.add_argument("--threads", type=COUNT, default=8, help="fils par processus")
    budget_parser.add_argument("--json", action="store_true", help="JSON sur une ligne")
    budget_parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    pages_parser = benches.add_parser(
        "pages",
        help="Temps de réponse des pages (public, résident, gestionnaire, Département) sur la "
        "démonstration, dans une base d'essai séparée.",
    )
    pages_parser.add_argument(
        "--samples", type=NumberIn(1, 1000, whole=True), default=20, help="requêtes par page"
    )
    pages_parser.add_argument("--json", action="store_true", help="JSON sur une ligne")
    pages_parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    api_parser = benches.add_parser(
        "api",
        help="Lecture par l'API (liste des lieux, recherche d'espaces libres, semaine d'un "
        "espace) sur un serveur gunicorn et le jeu du banc availability, avec et sans limites "
        "de débit, dans une base d'essai séparée.",
    )
    api_parser.add_argument(
        "--quick", action="store_true", help="petit jeu (20 lieux, 100 espaces, 20 000)"
    )
    api_parser.add_argument("--clients", type=COUNT, default=8)
    api_parser.add_argument(
        "--seconds", type=NumberIn(0, 600, above_low=True), default=10, help="par mesure"
    )
    api_parser.add_argument("--workers", type=COUNT, default=cores + 1, help="processus gunicorn")
    api_parser.add_argument("--threads", type=COUNT, default=8, help="fils par processus")
    api_parser.add_argument("--json", action="store_true", help="JSON sur une ligne")
    api_parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    deployed_parser = benches.add_parser(
        "deployed",
        help="Plusieurs serveurs d'application derrière un proxy : courses aux réservations, "
        "au budget et à la liste d'attente, sessions et limites partagées, courriels envoyés "
        "une fois, débit avec un et deux serveurs ; dans la base configurée (celle du "
        "déploiement), par HTTP(S).",
    )
    deployed_parser.add_argument(
        "--proxy", required=True, help="adresse du proxy vers tous les serveurs"
    )
    deployed_parser.add_argument(
        "--proxy-one", required=True, help="adresse du proxy vers le premier serveur seul"
    )
    deployed_parser.add_argument(
        "--app", action="append", required=True, help="adresse d'un serveur (deux au moins)"
    )
    deployed_parser.add_argument("--cacert", help="certificat de l'autorité (https)")
    deployed_parser.add_argument(
        "--seconds", type=NumberIn(0, 600, above_low=True), default=20, help="par mesure de débit"
    )
    deployed_parser.add_argument("--clients", type=COUNT, default=8, help="fils de la mesure")
    deployed_parser.add_argument("--racers", type=COUNT, default=12, help="clients des courses")
    deployed_parser.add_argument("--json", action="store_true", help="JSON sur une ligne")


def run(bench: str, options: dict, say: Say) -> dict:
    """Run the benchmark named `bench` with the parsed `options`; its figures."""
    runners: dict[str, Callable[..., dict]] = {
        "coverage": _coverage,
        "availability": _availability,
        "booking": _booking,
        "budget": _budget,
        "pages": _pages,
        "api": _api,
        "deployed": _deployed,
    }
    return runners[bench](say=say, **options)


def _coverage(*, scale: str, say: Say, **_) -> dict:
    if scale == "idf":
        return coverage.bench_mclp("idf", compare=False, progress=say)
    figures = coverage.bench_mclp("92", progress=say)
    say("p-médian…")
    figures["p_median"] = coverage.bench_p_median(progress=say)
    return figures


def _availability(*, inner: bool, quick: bool, say: Say, **options) -> dict:
    base = dataset.QUICK if quick else dataset.FULL
    sizes = {
        name: options[name] if options[name] is not None else getattr(base, name)
        for name in ("places", "spaces", "bookings")
    }
    try:
        spec = dataset.DatasetSpec(**sizes, seed=options["seed"])
    except ValueError as error:
        raise CommandError(str(error)) from error
    if inner:
        return booking.run_availability(
            spec,
            say,
            search_samples=options["search_samples"],
            week_samples=options["week_samples"],
        )
    purpose = booking.QUICK if spec == dataset.QUICK else booking.AVAILABILITY
    arguments = ["availability", "--seed", str(spec.seed)]
    arguments += [f"--{name}={value}" for name, value in sizes.items()]
    arguments += ["--search-samples", str(options["search_samples"])]
    arguments += ["--week-samples", str(options["week_samples"])]
    return _in_bench_database(purpose, arguments, say)


def _booking(*, inner: bool, clients, seconds, spaces, workers, threads, say: Say, **_) -> dict:
    if not (1 <= clients <= 256 and 0 < seconds <= 600 and 1 <= spaces <= 50):
        raise CommandError("1 à 256 clients, 0 à 600 secondes, 1 à 50 espaces.")
    if inner:
        return booking.run_booking(clients, seconds, spaces, say, workers=workers, threads=threads)
    arguments = ["booking", f"--clients={clients}", f"--seconds={seconds}"]
    arguments += [f"--spaces={spaces}", f"--workers={workers}", f"--threads={threads}"]
    return _in_bench_database(booking.BOOKING, arguments, say)


def _budget(*, inner: bool, clients, workers, threads, say: Say, **_) -> dict:
    if not 1 <= clients <= 256:
        raise CommandError("1 à 256 clients.")
    if inner:
        return budget.run_budget(clients, say, workers=workers, threads=threads)
    arguments = ["budget", f"--clients={clients}", f"--workers={workers}", f"--threads={threads}"]
    return _in_bench_database(booking.BUDGET, arguments, say)


def _pages(*, inner: bool, samples: int, say: Say, **_) -> dict:
    if inner:
        return pages.run_pages(samples, say)
    return _in_bench_database(booking.PAGES, ["pages", f"--samples={samples}"], say)


def _api(*, inner: bool, quick: bool, clients, seconds, workers, threads, say: Say, **_) -> dict:
    if not 1 <= clients <= 64:
        raise CommandError("1 à 64 clients.")
    spec = dataset.QUICK if quick else dataset.FULL
    if inner:
        return api.run_api(
            spec, say, clients=clients, seconds=seconds, workers=workers, threads=threads
        )
    arguments = ["api", f"--clients={clients}", f"--seconds={seconds}"]
    arguments += [f"--workers={workers}", f"--threads={threads}"] + (["--quick"] if quick else [])
    return _in_bench_database(booking.QUICK if quick else booking.AVAILABILITY, arguments, say)


def _deployed(*, proxy, proxy_one, app, cacert, seconds, clients, racers, say: Say, **_) -> dict:
    site = urlsplit(settings.MAILLAGE_SITE_URL).hostname
    if site not in LOOPBACK_HOSTS:
        raise CommandError(
            f"MAILLAGE_SITE_URL désigne {site} : ce banc écrit un lieu, des comptes et un atelier "
            "publié dans la base ; il ne se lance que sur une installation d'essai (localhost)."
        )
    if len(app) < 2:
        raise CommandError("Deux serveurs d'application au moins (--app deux fois).")
    if not (1 <= clients <= 64 and 2 <= racers <= 64):
        raise CommandError("1 à 64 clients, 2 à 64 coureurs.")
    for url in [proxy, proxy_one, *app]:
        if not url.startswith(("http://", "https://")):
            raise CommandError(f"Adresse http:// ou https:// attendue : {url}")
    return deployed.run_deployed(
        proxy=proxy.rstrip("/"),
        proxy_one=proxy_one.rstrip("/"),
        apps=[url.rstrip("/") for url in app],
        cacert=cacert,
        seconds=seconds,
        clients=clients,
        racers=racers,
        progress=say,
    )


def _in_bench_database(purpose: str, arguments: list[str], say: Say) -> dict:
    try:
        return booking.run_in_bench_database(purpose, arguments, say)
    except RuntimeError as error:
        raise CommandError(str(error)) from error
