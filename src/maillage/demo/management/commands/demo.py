from django.core.management.base import BaseCommand, CommandError

from maillage.demo.services import TerritoryMissing, load_demo


class Command(BaseCommand):
    help = "Charge le réseau de démonstration (exemple fictif) ; sans effet s'il est déjà chargé."

    def handle(self, *args, **options):
        self.stdout.write("Chargement du réseau de démonstration (exemple fictif)…")
        try:
            result = load_demo(progress=self.stdout.write)
        except TerritoryMissing as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"{result.created_places} lieux créés, {result.existing_places} déjà présents."
            )
        )
        self.stdout.write(
            "Comptes de démonstration (mots de passe renouvelés à chaque lancement) :"
        )
        for login in result.logins:
            self.stdout.write(f"  {login.role:<22} {login.email:<34} {login.password}")
        self.stdout.write(
            "Connexion : /connexion/ ; gestionnaires : /gestion/ ; "
            "administration (agents du Département) : /admin/."
        )
