"""What the booking pages share about reading the day a page shows from its URL."""

from datetime import date

from django.contrib import messages
from django.http import HttpRequest
from django.utils import timezone

from maillage.core.dates import DateRefused, parse_date, read_range


def navigation_day(request: HttpRequest, name: str, label: str, instead: str) -> date:
    """The day the URL's `name` parameter names, within the public read range
    (core.dates.read_range); today when absent. A malformed, impossible or out-of-range day
    shows today instead, with a French message naming the parameter, the allowed range and
    what is shown (`instead`)."""
    today = timezone.localdate()
    raw = request.GET.get(name)
    if not raw:
        return today
    try:
        return read_range(today).check(parse_date(raw, label), label)
    except DateRefused as refusal:
        messages.warning(request, f"{refusal} {instead}")
        return today
