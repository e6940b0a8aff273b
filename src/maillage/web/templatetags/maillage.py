from datetime import datetime

from django import template
from django.utils import timezone

from maillage.core import text
from maillage.core.dates import long_date

register = template.Library()


# Numbers as French text (core.text): the templates' filters and the PDF report's cells.
register.filter("euros", text.euros)
register.filter("percent", text.percent)
register.filter("minutes", text.minutes)
register.filter("decimal", text.decimal)
register.filter("integer", text.integer)


@register.filter
def share_at(area, threshold: int) -> float:
    return area.share_within[threshold]


@register.filter
def date_fr(value) -> str:
    """«1er juin 2026», «25 décembre 2026»."""
    if not value:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return long_date(value)


@register.filter
def with_de(name: str) -> str:
    """«de Bureau 2», «d'Espace partagé»: French elision before a vowel or a mute h."""
    return text.with_de(str(name))
