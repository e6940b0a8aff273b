"""`maillage ledger check [--json]`: every running balance recomputed from the ledger."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from maillage.programmes import ledger


class Command(BaseCommand):
    help = (
        "Grand livre des dispositifs : « check » recalcule chaque solde (enveloppes, crédits, "
        "plafonds, quotas, parts) depuis le grand livre et signale toute différence (code 1)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["check"])
        parser.add_argument("--json", action="store_true", dest="as_json", help="Résultat en JSON.")

    def handle(self, *args: Any, action: str, as_json: bool = False, **options: Any) -> None:
        found = ledger.differences()
        if as_json:
            self.stdout.write(_as_json(found))
        elif found:
            for difference in found:
                self.stdout.write(
                    f"{difference.what} : {difference.stored} enregistré, "
                    f"{difference.from_ledger} d'après le grand livre"
                )
        else:
            self.stdout.write("Grand livre : tous les soldes concordent.")
        if found:
            raise CommandError(f"{len(found)} solde(s) ne concordent pas avec le grand livre.")


def _as_json(found: list[ledger.Difference]) -> str:
    return json.dumps(
        {
            "matches": not found,
            "differences": [
                {"what": d.what, "stored": d.stored, "from_ledger": d.from_ledger} for d in found
            ],
        },
        ensure_ascii=False,
    )
