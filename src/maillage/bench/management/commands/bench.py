"""`maillage bench coverage|availability|booking|budget|pages|api|deployed`: the entry point of
`maillage.bench`.

The benchmarks import the apps they measure (booking, api, the observatory's engine, demo's
network patterns), so their command lives in their own app, above all the others: no app
imports the bench package, and the bench imports nothing above it.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from maillage.bench import cli


class Command(BaseCommand):
    help = "Bancs d'essai : mesures imprimées en JSON (progression sur la sortie d'erreur)."

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, bench: str, **options):
        figures = cli.run(bench, options, self.say)
        indent = None if options["json"] else 2
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=indent))
        if figures.get("passed") is False:  # bench deployed: a guarantee did not hold
            self.stdout.flush()
            raise CommandError(
                "Garanties non tenues : " + ", ".join(figures.get("failed", [])), returncode=1
            )

    def say(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()
