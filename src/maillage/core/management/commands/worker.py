from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string

from maillage.core.arguments import NumberIn
from maillage.core.worker import ResilientWorker


class Command(BaseCommand):
    help = (
        "Exécute les tâches en file (courriels, rappels, expirations…) jusqu'à interruption, "
        "sans s'arrêter sur une erreur de base de données (voir core.worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queue-name",
            default="default",
            help="files à traiter, séparées par des virgules ; « * » pour toutes",
        )
        parser.add_argument(
            "--interval",
            type=NumberIn(0, 3600, above_low=True),
            default=1.0,
            help="attente (secondes) quand la file est vide",
        )
        parser.add_argument(
            "--batch", action="store_true", help="traiter les tâches en attente puis s'arrêter"
        )
        parser.add_argument(
            "--max-tasks",
            type=NumberIn(0, 10**9, above_low=True, whole=True),
            help="s'arrêter après ce nombre de tâches",
        )
        parser.add_argument(
            "--worker-id",
            default="",
            help="identifiant du processus, unique parmi les workers (tiré au hasard sinon)",
        )

    def handle(
        self,
        *args: Any,
        queue_name: str,
        interval: float,
        batch: bool,
        max_tasks: int | None,
        worker_id: str,
        **options: Any,
    ) -> None:
        worker = ResilientWorker(
            queue_names=queue_name.split(","),
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=True,
            max_tasks=max_tasks,
            worker_id=worker_id[:64] or get_random_string(32),
            excluded_queue_names=[],
        )
        worker.configure_signals()
        worker.run()
