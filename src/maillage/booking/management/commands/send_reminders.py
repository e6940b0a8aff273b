from typing import Any

from django.core.management.base import BaseCommand

from maillage.booking import services
from maillage.booking.notifications import deliver_pending, queue_reminders


class Command(BaseCommand):
    help = (
        "Rappels de la veille et expiration des demandes non validées (pour un planificateur, "
        "sans risque à relancer) ; envoie ensuite les courriels en attente."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = services.expire_pending()
        reminders = queue_reminders()
        sent = deliver_pending()
        self.stdout.write(
            f"{reminders} rappel(s), {expired} demande(s) expirée(s), {sent} courriel(s) envoyé(s)."
        )
