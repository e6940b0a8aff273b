"""`maillage statements verify|issue`: check every issued statement, or issue the months
over and not issued yet (what the daily task does)."""

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from maillage.reimbursements import services


class Command(BaseCommand):
    help = (
        "Relevés de remboursement : « verify » recalcule l'empreinte SHA-256 de chaque relevé "
        "émis, ses lignes, son total et la numérotation sans trou (code 1 au moindre écart) ; "
        "« issue » émet dans l'ordre les mois terminés pas encore émis."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify", "issue"])
        parser.add_argument("--json", action="store_true", dest="as_json", help="Résultat en JSON.")

    def handle(self, *args: Any, action: str, as_json: bool = False, **options: Any) -> None:
        if action == "issue":
            months = services.issue_closed_months()
            if as_json:
                self.stdout.write(json.dumps({"issued": [m.isoformat() for m in months]}))
            elif months:
                for month in months:
                    self.stdout.write(f"Relevés {services.of_month(month)} émis.")
            else:
                self.stdout.write("Aucun mois terminé à émettre.")
            return
        checked, findings = services.verify()
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "checked": checked,
                        "valid": not findings,
                        "findings": [{"where": f.where, "what": f.what} for f in findings],
                    },
                    ensure_ascii=False,
                )
            )
        else:
            for finding in findings:
                self.stdout.write(f"{finding.where} : {finding.what}")
            if not findings:
                self.stdout.write(
                    f"{checked} relevé(s) vérifié(s) : empreintes, lignes, totaux et "
                    "numérotation concordent."
                )
        if findings:
            raise CommandError(f"{len(findings)} écart(s) sur les relevés émis.")
