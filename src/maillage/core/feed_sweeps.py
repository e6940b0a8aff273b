"""Sweeps over time: some feed items change with the clock alone (a place's opening date
arriving, a closure ending, an event's registration opening or closing), which no write and
so no trigger sees. A sweep restamps the items whose moment fell since it last ran, and
records how far it went in the same transaction (core.FeedSweep), so that no moment is
missed however late or often it runs."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from maillage.core.models import FeedSweep

# A sweep that never ran looks back this far.
FIRST_LOOK_BACK = timedelta(days=1)


def sweep(name: str, now: datetime, restamp: Callable[[datetime, datetime], int]) -> int:
    """Run `restamp(since, now)` (restamping the items whose moment is in (since, now]) for
    the sweep `name`, `since` being where it last stopped; how many items it restamped."""
    with transaction.atomic():
        mark, _ = FeedSweep.objects.select_for_update().get_or_create(
            name=name, defaults={"swept_until": now - FIRST_LOOK_BACK}
        )
        if mark.swept_until >= now:
            return 0
        restamped = restamp(mark.swept_until, now)
        mark.swept_until = now
        mark.save(update_fields=["swept_until"])
    return restamped
