"""A space's external calendar page (`/gestion/espaces/<id>/agenda-externe/`): the iCalendar
address where the place's other tool publishes its busy times, the last import's result (its
time, or why it failed), the busy times to come and the bookings they meet. Saving the
address, importing now and removing it call booking.external_calendars; the import also runs
every 30 minutes (booking.tasks)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.booking import external_calendars, tasks
from maillage.booking.models import ExternalBusy, ExternalCalendar
from maillage.core.text import count
from maillage.places import permissions
from maillage.places.models import Space

# Busy times to come, and bookings in conflict with them, listed on the page, at most.
SHOWN_BUSY = 20
SHOWN_CONFLICTS = 50


class CalendarAddressForm(forms.Form):
    """The address of the space's external calendar (checked by external_calendars)."""

    url = forms.CharField(
        label="Adresse de l'agenda (iCalendar, .ics)",
        max_length=external_calendars.URL_MAX_LENGTH,
        help_text=(
            "L'adresse de partage ou d'abonnement que votre outil de réservation ou votre "
            "agenda partagé publie, commençant par https://."
        ),
        widget=forms.URLInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
    )


def _managed_space(request: SignedInRequest, space_id: int) -> Space:
    space = get_object_or_404(Space.objects.select_related("place"), pk=space_id)
    permissions.require_editable(request.user, space.place)
    return space


def _page(request: SignedInRequest, space: Space, form: CalendarAddressForm, status: int = 200):
    calendar = ExternalCalendar.objects.filter(space=space).first()
    now = timezone.now()
    upcoming = ExternalBusy.objects.filter(space=space, end__gt=now)
    busy_count = upcoming.count()
    conflict_count = external_calendars.conflict_count(space, now) if busy_count else 0
    return render(
        request,
        "manager/ical/space_calendar.html",
        {
            "manager_section": "places",
            "space": space,
            "place": space.place,
            "calendar": calendar,
            "summary": import_summary(calendar),
            "form": form,
            "busy": list(upcoming.order_by("start")[:SHOWN_BUSY]) if busy_count else [],
            "busy_count": busy_count,
            "conflict_count": conflict_count,
            "conflicts": (
                external_calendars.conflicts(space, now, SHOWN_CONFLICTS) if conflict_count else []
            ),
        },
        status=status,
    )


def import_summary(calendar: ExternalCalendar | None) -> str:
    """How the calendar's last import went, in French, for its page («Agenda importé : 2
    occupations à venir, fermées à la réservation.», «L'import a échoué : …»); empty when
    none ran yet."""
    if calendar is None or calendar.last_attempt_at is None:
        return ""
    if calendar.last_error:
        return f"L'import a échoué : {calendar.last_error}"
    upcoming = ExternalBusy.objects.filter(calendar=calendar, end__gt=timezone.now()).count()
    if not upcoming:
        return "Agenda importé : aucune occupation à venir."
    closed = "fermée" + ("s" if upcoming > 1 else "")
    occupations = count(upcoming, "occupation à venir", "occupations à venir")
    return f"Agenda importé : {occupations}, {closed} à la réservation."


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space_calendar(request: SignedInRequest, space_id: int) -> HttpResponse:
    """GET: the page. POST: save the address (then queue its import); an invalid address
    answers 400 with the form's errors, nothing written."""
    space = _managed_space(request, space_id)
    if request.method != "POST":
        calendar = ExternalCalendar.objects.filter(space=space).first()
        initial = {"url": calendar.url if calendar else ""}
        return _page(request, space, CalendarAddressForm(initial=initial))
    form = CalendarAddressForm(request.POST)
    if form.is_valid():
        try:
            external_calendars.set_calendar(request.user, space, form.cleaned_data["url"])
        except ValidationError as error:  # keyed by field: «url»
            form.add_error(None, error)
    if not form.is_valid():
        return _page(request, space, form, status=400)
    tasks.queue_import(space.pk)
    messages.success(request, "Adresse de l'agenda enregistrée : l'import est en cours.")
    return redirect(reverse("manager:space_calendar", args=[space.pk]))


@require_POST
@login_required
def refresh_space_calendar(request: SignedInRequest, space_id: int) -> HttpResponse:
    """Ask for an import of the space's external calendar now (the task queue runs it; the
    page shows it in progress)."""
    space = _managed_space(request, space_id)
    if tasks.queue_import(space.pk):
        messages.success(request, "Import demandé : il est en cours.")
    else:
        messages.error(request, "Cet espace n'a pas d'agenda externe : donnez d'abord son adresse.")
    return redirect(reverse("manager:space_calendar", args=[space.pk]))


@require_POST
@login_required
def remove_space_calendar(request: SignedInRequest, space_id: int) -> HttpResponse:
    """Remove the space's external calendar and its busy times."""
    space = _managed_space(request, space_id)
    if external_calendars.remove_calendar(request.user, space):
        messages.success(
            request, "Agenda externe retiré : ses occupations ne ferment plus l'espace."
        )
    else:
        messages.info(request, "Cet espace n'avait pas d'agenda externe.")
    return redirect(reverse("manager:space_calendar", args=[space.pk]))
