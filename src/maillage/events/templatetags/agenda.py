from django import template

from maillage.events import agenda
from maillage.events.calendar import organiser_name

register = template.Library()

# An event's date and times in Paris time, and who organises it: the same words on every page.
register.filter("when", agenda.when)
register.filter("organiser", organiser_name)
