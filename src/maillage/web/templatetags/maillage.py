from datetime import datetime

from django import template
from django.utils import timezone

from maillage.core import text
from maillage.core.dates import long_date

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """Integer cents as French currency text: 1250 → «12,50 €», 2000 → «20 €»."""
    if cents is None:
        return "—"
    whole, rest = divmod(cents, 100)
    grouped = text.french_number(whole)
    return f"{grouped} €" if rest == 0 else f"{grouped},{rest:02d} €"


@register.filter
def percent(share: float | None, digits: int = 1) -> str:
    """A share of 1 as a French percentage: 0.4031 → «40,3 %»."""
    if share is None:
        return "—"
    return f"{text.french_number(share * 100, digits)}\u00a0%"


@register.filter
def minutes(value: float | None) -> str:
    if value is None or value != value or value == float("inf"):
        return "—"
    return f"{text.french_number(value, 1)}\u00a0min"


@register.filter
def decimal(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else text.french_number(value, digits)


@register.filter
def integer(value: float | None) -> str:
    return "—" if value is None else text.french_number(value, 0)


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
