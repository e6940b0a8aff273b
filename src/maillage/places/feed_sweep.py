"""What of the places' and spaces' feed items changes with the date alone (core.feed_sweeps):
a place whose opening date arrives takes bookings (and so may its spaces); a closure that
ended leaves the place's list of closures."""

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from maillage.places.models import Place, Space


def restamp_places_on_their_dates(since: datetime, now: datetime) -> int:
    """Restamp the places (and their spaces) whose opening date, or the day after one of
    their closures, is a Paris day in (since's day, now's day]; how many places."""
    first, last = timezone.localdate(since), timezone.localdate(now)
    if first == last:
        return 0
    dated = Place.objects.filter(
        Q(opening_date__gt=first, opening_date__lte=last)
        | Q(closures__end_date__gte=first - timedelta(days=1), closures__end_date__lt=last)
    )
    ids = set(dated.values_list("pk", flat=True))
    Place.objects.filter(pk__in=ids).update(feed_modified=0)  # the triggers stamp them
    Space.objects.filter(place_id__in=ids).update(feed_modified=0)
    return len(ids)
