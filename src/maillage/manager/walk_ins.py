"""The walk-in booking page (/gestion/reservations/sur-place/): a manager books one of their
spaces for a person without an account, known by a name and a contact only, through
booking.services.book_walk_in. A space of another manager's place is refused (403, «Vous ne
gérez pas ce lieu.»); a refusal is shown next to its field (400, nothing written)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.booking import services
from maillage.booking.forms import WallClockForm, refusal_field
from maillage.booking.models import WALK_IN_CONTACT_MAX, WALK_IN_NAME_MAX, Booking, Channel
from maillage.core.dates import long_date
from maillage.manager.bookings import NOT_YOURS, managed_places
from maillage.manager.places.forms import describe_errors
from maillage.places.models import MAX_CAPACITY, Place, Space


class WalkInForm(WallClockForm):
    """A walk-in booking: the space (`espace`, an id, read among every space so that another
    manager's is refused by the view, not called unknown), the Paris date and times, the
    seats, and the person's name and contact (read by services.walk_in_person)."""

    espace = forms.IntegerField(
        label="Espace", min_value=1, max_value=2**31 - 1, widget=forms.Select
    )
    postes = forms.IntegerField(
        label="Nombre de postes",
        min_value=1,
        max_value=MAX_CAPACITY,
        initial=1,
        help_text="Pour un espace de bureaux partagés ; une salle se réserve en entier.",
    )
    nom = forms.CharField(
        label="Nom de la personne",
        max_length=WALK_IN_NAME_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    contact = forms.CharField(
        label="Adresse électronique ou téléphone",
        max_length=WALK_IN_CONTACT_MAX,
        help_text="Pour joindre la personne au besoin : rien d'autre n'est gardé d'elle.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    field_order = ["espace", "date", "debut", "debut_occurrence", "fin", "fin_occurrence"]

    def __init__(self, data: Any, places: list[Place], **kwargs: Any) -> None:
        """`places`: those the user manages, their spaces prefetched."""
        super().__init__(data, **kwargs)
        self.spaces = {space.pk: space for place in places for space in place.spaces.all()}
        self.fields["espace"].widget.choices = [("", "Choisissez un espace")] + [
            (place.name, [(space.pk, space.name) for space in place.spaces.all()])
            for place in places
        ]

    def clean_espace(self) -> Space:
        pk = self.cleaned_data["espace"]
        space = self.spaces.get(pk) or Space.objects.select_related("place").filter(pk=pk).first()
        if space is None:
            raise forms.ValidationError("Cet espace n'existe pas : choisissez-en un dans la liste.")
        return space

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "nom" in cleaned and "contact" in cleaned:
            try:
                person = services.walk_in_person(cleaned["nom"], cleaned["contact"])
            except services.BookingRefused as refusal:
                show_refusal(self, refusal)
            else:
                cleaned["nom"], cleaned["contact"] = person.name, person.contact
        return cleaned


def show_refusal(form: forms.BaseForm, refusal: services.BookingRefused) -> None:
    """Each broken rule next to the form's field it concerns (else at the top)."""
    for violation in refusal.violations:
        target = refusal_field(violation)
        form.add_error(target if target in form.fields else None, violation.message)


def _booked(booking: Booking) -> str:
    """Where the manager sees the booking made: its day in the bookings page, at its row."""
    day = timezone.localdate(booking.start)
    query = f"vue=jour&du={day.isoformat()}&lieu={booking.space.place.slug}"
    return f"{reverse('manager:bookings')}?{query}#reservation-{booking.pk}"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def walk_in(request: SignedInRequest) -> HttpResponse:
    """GET: the form (today's date). POST: book for the walk-in, then their day in the
    bookings page with a message; the form again with the errors (400, nothing written);
    403 for a space of a place the user does not manage."""
    places = managed_places(request.user)
    prefetch_related_objects(places, "spaces")
    if request.method != "POST":
        form = WalkInForm(None, places, initial={"date": timezone.localdate()})
        return _form_page(request, form)
    form = WalkInForm(request.POST, places)
    valid = form.is_valid()
    space: Space | None = form.cleaned_data.get("espace")
    if space is not None and space.place not in places:
        raise PermissionDenied(NOT_YOURS)
    if valid and space is not None:
        start, end = form.window
        data = form.cleaned_data
        try:
            booking = services.book_walk_in(
                request.user,
                space.pk,
                start,
                end,
                data["postes"],
                name=data["nom"],
                contact=data["contact"],
                channel=Channel.PAGE,
            )
        except services.BookingRefused as refusal:
            show_refusal(form, refusal)
        else:
            local_start, local_end = timezone.localtime(start), timezone.localtime(end)
            messages.success(
                request,
                f"Réservation enregistrée pour {booking.walk_in_name} : {space.full_name}, le "
                f"{long_date(local_start.date())} de {local_start:%Hh%M} à {local_end:%Hh%M}.",
            )
            return redirect(_booked(booking))
    return _form_page(request, form)


def _form_page(request: SignedInRequest, form: WalkInForm) -> HttpResponse:
    """The page with its form: 400 when the form holds errors (nothing was written)."""
    describe_errors(form)
    return render(
        request,
        "manager/bookings/walk_in.html",
        {"manager_section": "bookings", "form": form},
        status=400 if form.errors else 200,
    )
