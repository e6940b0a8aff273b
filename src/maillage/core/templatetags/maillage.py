from django import template
from django.forms import BaseForm

from maillage.core import formatting, text

register = template.Library()


# French text (core.text, core.formatting): the same functions write the PDF report's cells,
# the emails and the messages.
date_fr = register.filter("date_fr", formatting.french_date)
register.filter("moment_fr", formatting.french_moment)
register.filter("euros", text.euros)
register.filter("percent", text.percent)
register.filter("minutes", text.minutes)
register.filter("decimal", text.decimal)
register.filter("integer", text.integer)
register.filter("km", text.kilometre_label)


@register.filter
def any_required(form: BaseForm) -> bool:
    """Whether a form shows a required field (the note on asterisks is then worth reading)."""
    return any(field.field.required for field in form.visible_fields())


@register.filter
def with_de(name: str) -> str:
    """«de Bureau 2», «d'Espace partagé»: French elision before a vowel or a mute h."""
    return text.with_de(str(name))
