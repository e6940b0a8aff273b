import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Bancs d'essai : mesures imprimées en JSON (progression sur la sortie d'erreur)."

    def add_arguments(self, parser):
        benches = parser.add_subparsers(dest="bench", required=True)
        coverage = benches.add_parser(
            "coverage", help="MCLP et p-médian : moteur de Maillage contre PySAL spopt."
        )
        coverage.add_argument("--scale", choices=["92", "idf"], default="92")
        coverage.add_argument("--json", action="store_true", help="JSON sur une ligne")

    def handle(self, *args, bench: str, **options):
        figures = getattr(self, f"bench_{bench}")(**options)
        indent = None if options["json"] else 2
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=indent))

    def bench_coverage(self, *, scale: str, **_) -> dict:
        from maillage.observatory.engine import bench

        say = self.stderr.write
        if scale == "idf":
            return bench.bench_mclp("idf", compare=False, progress=say)
        figures = bench.bench_mclp("92", progress=say)
        say("p-médian…")
        figures["p_median"] = bench.bench_p_median(progress=say)
        return figures
