from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from maillage.core import schedule
from maillage.core.arguments import NumberIn
from maillage.core.worker import Backoff, keep_running


class Command(BaseCommand):
    help = (
        "Met en file les tâches périodiques à leurs heures, jusqu'à interruption "
        "(sans risque si deux tournent à la fois : chaque créneau n'est mis en file qu'une fois)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=NumberIn(0, 60, above_low=True),
            default=5.0,
            help="intervalle (secondes) entre deux examens du calendrier",
        )
        parser.add_argument("--once", action="store_true", help="un seul examen, puis s'arrêter")

    def handle(self, *args: Any, interval: float, once: bool, **options: Any) -> None:
        if once:
            self._tick()
            return
        for item in schedule.periodic_tasks():
            seconds, offset = item.period.total_seconds(), item.offset.total_seconds()
            self.stdout.write(f"{item.name} : toutes les {seconds:.0f} s (décalage {offset:.0f} s)")
        keep_running(self._tick, interval=interval, backoff=Backoff())

    def _tick(self) -> None:
        for name in schedule.tick():
            self.stdout.write(f"Mise en file : {name}")
