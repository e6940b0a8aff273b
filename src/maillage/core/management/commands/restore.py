from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from maillage.core import backups, feed_clock


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde (maillage backup) dans la base configurée, qui doit être vide, "
        "et ses fichiers déposés ; vérifie chaque table contre le manifeste."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dossier", help="le dossier maillage-… d'une sauvegarde")

    def handle(self, *args: Any, **options: Any) -> None:
        connection.close()  # the restore writes through its own connection
        try:
            backups.restore(
                Path(options["dossier"]),
                connection.settings_dict,
                settings.DATA_DIR,
                backups.uploaded_folders(settings),
                say=self.say,
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        # Another PostgreSQL cluster starts transaction ids lower: the feeds' numbers must
        # keep growing (core.feed_clock).
        highest, offset = feed_clock.rebase()
        self.say(f"Horloge des flux : plus haut numéro {highest}, décalage {offset}.")

    def say(self, line: str) -> None:
        self.stdout.write(line)
