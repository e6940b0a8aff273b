from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from maillage.accounts.models import User
from maillage.accounts.services import normalize_email
from maillage.api.models import ApiToken


class Command(BaseCommand):
    help = "Crée un jeton d'API pour une personne (affiché une seule fois)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="Application partenaire")

    def handle(self, *args: Any, email: str, name: str, **options: Any) -> None:
        user = User.objects.filter(email=normalize_email(email)).first()
        if user is None:
            raise CommandError(f"Aucun compte pour « {email} ».")
        try:
            _, key = ApiToken.issue(user, name)
        except ValidationError as error:
            raise CommandError(
                " ".join(
                    f"--{field} : {' '.join(texts)}" for field, texts in error.message_dict.items()
                )
            ) from error
        self.stdout.write(key)
