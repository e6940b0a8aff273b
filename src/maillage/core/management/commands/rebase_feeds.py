from typing import Any

from django.core.management.base import BaseCommand

from maillage.core import feed_clock


class Command(BaseCommand):
    help = (
        "Après une restauration de PostgreSQL dans une autre grappe : recale l'horloge des flux "
        "de changements au-dessus de tous les numéros enregistrés (sans effet sur SQLite)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        highest, offset = feed_clock.rebase()
        self.stdout.write(
            f"Horloge des flux : plus haut numéro enregistré {highest}, décalage {offset}."
        )
