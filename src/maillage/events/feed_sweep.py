"""What of the events' feed items changes with the clock alone (core.feed_sweeps): their
registration opening or closing, their end (seats_state)."""

from datetime import datetime

from django.db.models import Q

from maillage.events.models import Event


def restamp_events_on_their_times(since: datetime, now: datetime) -> int:
    """Restamp the events whose registration opened or closed, or which ended, in
    (since, now]; how many."""
    moments = Q()
    for field in ("registration_opens_at", "registration_closes_at", "end"):
        moments |= Q(**{f"{field}__gt": since, f"{field}__lte": now})
    return Event.objects.filter(moments).update(feed_modified=0)  # the triggers stamp them
