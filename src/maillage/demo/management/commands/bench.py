"""`maillage bench coverage|availability|booking`: the entry point of `maillage.bench`.

It lives in `demo`, the top layer, because the benchmarks import every app below (booking,
api, the observatory's engine, demo's network patterns): a command in `core` importing
`maillage.bench` would be an upward import. A dedicated top-level app for one command was
weighed and rejected: demo is already the development-tools layer (demo data), installed in
every settings, and may import everything.
"""

import json

from django.core.management.base import BaseCommand

from maillage.bench import cli


class Command(BaseCommand):
    help = "Bancs d'essai : mesures imprimées en JSON (progression sur la sortie d'erreur)."

    def add_arguments(self, parser):
        cli.add_arguments(parser)

    def handle(self, *args, bench: str, **options):
        figures = cli.run(bench, options, self.say)
        indent = None if options["json"] else 2
        self.stdout.write(json.dumps(figures, ensure_ascii=False, indent=indent))

    def say(self, message: str) -> None:
        self.stderr.write(message)
        self.stderr.flush()
