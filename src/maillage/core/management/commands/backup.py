from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from maillage.core import backups


class Command(BaseCommand):
    help = (
        "Sauvegarde la base (PostgreSQL : pg_dump au format custom ; SQLite : API de sauvegarde "
        "en ligne) et les fichiers déposés dans un dossier neuf, avec un manifeste."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "dossier",
            help="dossier parent : la sauvegarde va dans maillage-AAAAMMJJ-HHMMSS (UTC) dessous",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["dossier"]) / timezone.now().strftime("maillage-%Y%m%d-%H%M%S")
        try:
            backups.back_up(
                connection.settings_dict,
                settings.DATA_DIR,
                backups.uploaded_folders(settings),
                folder,
                say=self.say,
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error

    def say(self, line: str) -> None:
        self.stdout.write(line)
