from django import template

from maillage.observatory.analysis import AreaFigures

register = template.Library()


@register.filter
def share_at(area: AreaFigures, threshold: int) -> float:
    """The share (0–1) of the area's population within `threshold` minutes of a place."""
    return area.share_within[threshold]
