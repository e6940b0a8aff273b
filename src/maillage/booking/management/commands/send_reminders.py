from django.core.management.base import BaseCommand

from maillage.booking import services
from maillage.booking.notifications import send_reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels de la veille et fait expirer les demandes non validées (planificateur)."
    )

    def handle(self, *args, **options):
        expired = services.expire_pending()
        sent = send_reminders()
        self.stdout.write(f"{sent} rappel(s) envoyé(s), {expired} demande(s) expirée(s).")
