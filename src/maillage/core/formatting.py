"""Dates and instants as French text, for pages, emails, PDF reports and messages alike.

Numbers are in core.text (`french_number`, `euros`…), calendar dates in core.dates
(`long_date`); this module adds what needs Django's time zone: an aware instant is written in
Paris time (settings.TIME_ZONE).
"""

from datetime import date, datetime

from django.utils import timezone

from maillage.core.dates import long_date


def french_date(value: date | datetime | None) -> str:
    """«1er juin 2026», «25 décembre 2026»; an aware instant is first put in Paris time
    (23:30 UTC on 31 May is «1er juin»); «» for None."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return long_date(value)


def french_moment(value: datetime) -> str:
    """An aware instant as «le 24 décembre 2026 à 09h00», in Paris time."""
    local = timezone.localtime(value)
    return f"le {long_date(local)} à {local:%H}h{local:%M}"
