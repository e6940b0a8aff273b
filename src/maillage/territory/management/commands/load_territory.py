from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core.text import french_number
from maillage.territory.reference import UnknownDepartement
from maillage.territory.services import load_territory


class Command(BaseCommand):
    help = "Charge (ou met à jour) les communes d'un département d'Île-de-France."

    def add_arguments(self, parser):
        parser.add_argument(
            "--departement",
            default=settings.MAILLAGE_DEPARTEMENT,
            help="Code du département (par défaut le département actif, %(default)s).",
        )

    def handle(self, *args, departement: str, **options):
        try:
            result = load_territory(departement, progress=self.stdout.write)
        except UnknownDepartement as error:
            raise CommandError(str(error)) from error
        population = french_number(result.population)
        self.stdout.write(
            self.style.SUCCESS(
                f"Département {result.departement} : {result.communes} communes, "
                f"{population} habitants."
            )
        )
        if result.skipped_polygons:
            self.stdout.write(
                f"{len(result.skipped_polygons)} contours de communes fusionnées depuis 2018 "
                f"ignorés : {', '.join(result.skipped_polygons)}."
            )
