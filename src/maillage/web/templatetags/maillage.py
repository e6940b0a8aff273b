from django import template

register = template.Library()


@register.filter
def euros(cents: int | None) -> str:
    """Integer cents as French currency text: 1250 → «12,50 €», 2000 → «20 €»."""
    if cents is None:
        return "—"
    whole, rest = divmod(cents, 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{grouped} €" if rest == 0 else f"{grouped},{rest:02d} €"
