import argparse
import json
import os

from django.core.management.base import BaseCommand, CommandError

from maillage.core.arguments import NumberIn

COUNT = NumberIn(1, 100_000_000, whole=True)


class Command(BaseCommand):
    help = "Bancs d'essai : mesures imprimées en JSON (progression sur la sortie d'erreur)."

    def add_arguments(self, parser):
        benches = parser.add_subparsers(dest="bench", required=True)
        coverage = benches.add_parser(
            "coverage", help="MCLP et p-médian : moteur de Maillage contre PySAL spopt."
        )
        coverage.add_argument("--scale", choices=["92", "idf"], default="92")
        coverage.add_argument("--json", action="store_true", help="JSON sur une ligne")

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

        booking = benches.add_parser(
            "booking",
            help="Réservations concurrentes par l'API (gunicorn) contre des INSERT SQL bruts, "
            "dans une base d'essai séparée.",
        )
        booking.add_argument("--clients", type=COUNT, default=32)
        booking.add_argument("--seconds", type=NumberIn(0, 24 * 3600, above_low=True), default=20)
        booking.add_argument("--spaces", type=COUNT, default=4, help="espaces réservés (défaut 4)")
        cores = os.cpu_count() or 2
        booking.add_argument("--workers", type=COUNT, default=cores + 1, help="processus gunicorn")
        booking.add_argument("--threads", type=COUNT, default=8, help="fils par processus")
        booking.add_argument("--json", action="store_true", help="JSON sur une ligne")
        booking.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, bench: str, **options):
        figures = getattr(self, f"bench_{bench}")(**options)
        indent = None if options["json"] else 2
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=indent))

    def say(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()

    def bench_coverage(self, *, scale: str, **_) -> dict:
        from maillage.observatory.engine import bench

        say = self.stderr.write
        if scale == "idf":
            return bench.bench_mclp("idf", compare=False, progress=say)
        figures = bench.bench_mclp("92", progress=say)
        say("p-médian…")
        figures["p_median"] = bench.bench_p_median(progress=say)
        return figures

    def bench_availability(self, *, inner: bool, quick: bool, **options) -> dict:
        from maillage.booking import bench, bench_data

        base = bench_data.QUICK if quick else bench_data.FULL
        sizes = {
            name: options[name] if options[name] is not None else getattr(base, name)
            for name in ("places", "spaces", "bookings")
        }
        try:
            spec = bench_data.DatasetSpec(**sizes, seed=options["seed"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        if inner:
            return bench.run_availability(
                spec,
                self.say,
                search_samples=options["search_samples"],
                week_samples=options["week_samples"],
            )
        purpose = bench.QUICK if spec == bench_data.QUICK else bench.AVAILABILITY
        arguments = ["availability", "--seed", str(spec.seed)]
        arguments += [f"--{name}={value}" for name, value in sizes.items()]
        arguments += ["--search-samples", str(options["search_samples"])]
        arguments += ["--week-samples", str(options["week_samples"])]
        return self._in_bench_database(purpose, arguments)

    def bench_booking(self, *, inner: bool, clients, seconds, spaces, workers, threads, **_):
        from maillage.booking import bench

        if not (1 <= clients <= 256 and 0 < seconds <= 600 and 1 <= spaces <= 50):
            raise CommandError("1 à 256 clients, 0 à 600 secondes, 1 à 50 espaces.")
        if inner:
            return bench.run_booking(
                clients, seconds, spaces, self.say, workers=workers, threads=threads
            )
        arguments = ["booking", f"--clients={clients}", f"--seconds={seconds}"]
        arguments += [f"--spaces={spaces}", f"--workers={workers}", f"--threads={threads}"]
        return self._in_bench_database(bench.BOOKING, arguments)

    def _in_bench_database(self, purpose: str, arguments: list[str]) -> dict:
        from maillage.booking import bench

        try:
            return bench.run_in_bench_database(purpose, arguments, self.say)
        except RuntimeError as error:
            raise CommandError(str(error)) from error
