"""The managers' pages over their places (/gestion/lieux/…): the list of their places, and
for each its profile, booking rules, weekly hours, closures and spaces. Thin: forms read the
request, places.services and booking.closures write; object-level rights first (a manager
of another place is told «Vous ne gérez pas ce lieu.», 403)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from maillage.accounts.decorators import SignedInRequest, login_required
from maillage.booking.closures import close_place
from maillage.booking.models import Channel
from maillage.booking.queries import holding_during
from maillage.core.dates import long_date
from maillage.core.forms import attach
from maillage.core.text import ascii_digits
from maillage.manager.access import managed_place
from maillage.manager.places.forms import (
    BookingRulesForm,
    ClosureForm,
    OpeningHoursForm,
    PhotoForm,
    PlaceProfileForm,
    SpaceForm,
    describe_errors,
)
from maillage.places import permissions, services
from maillage.places.models import Closure, Place, PlacePhoto, Space, today_in_paris

SECTION = {"manager_section": "places"}


def _page(
    request: SignedInRequest,
    template: str,
    context: dict[str, object],
    form: BaseForm,
) -> HttpResponse:
    """Render a page with its form: 400 when the form holds errors (nothing was written)."""
    describe_errors(form)
    return render(
        request,
        f"manager/places/{template}",
        {**SECTION, **context, "form": form},
        status=400 if form.errors else 200,
    )


def _edit(
    request: SignedInRequest,
    place: Place,
    form: BaseForm,
    save: Callable[[], object],
    *,
    template: str,
    done: str,
    context: dict[str, object] | None = None,
) -> HttpResponse:
    """The one flow of an edit page: on a valid POST, `save` (a service call); its
    ValidationError goes next to the fields; success redirects to the place's page with
    the `done` message."""
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, done)
            return redirect("manager:place", slug=place.slug)
    return _page(request, template, {"place": place, **(context or {})}, form)


@require_safe
@login_required
def place_list(request: SignedInRequest) -> HttpResponse:
    """The places the user may edit, by name, with their count of spaces; 403 for
    someone who manages none."""
    places = permissions.editable_places(request.user).select_related("commune")
    places = places.annotate(space_count=Count("spaces")).order_by("name")
    if not places and not permissions.is_manager(request.user):
        raise PermissionDenied(permissions.MANAGERS_ONLY)
    return render(request, "manager/places/list.html", {**SECTION, "places": places})


@require_safe
@login_required
def place(request: SignedInRequest, slug: str) -> HttpResponse:
    """A place's page: its spaces, weekly hours and coming closures, with links to edit
    each."""
    place = managed_place(request, slug)
    return render(
        request,
        "manager/places/place.html",
        {
            **SECTION,
            "place": place,
            "spaces": place.spaces.all(),
            "hours": place.opening_hours.all(),
            "closures": place.closures.filter(end_date__gte=today_in_paris()),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def profile(request: SignedInRequest, slug: str) -> HttpResponse:
    """The place's public profile (description, address and map point, contact, services,
    accessibility); 400 with the errors on a refused form, nothing written."""
    place = managed_place(request, slug)
    form = PlaceProfileForm(request.POST or None, instance=place)
    return _edit(
        request,
        place,
        form,
        lambda: services.save_place(
            request.user, form.instance, services=form.cleaned_data["services"]
        ),
        template="profile.html",
        done="Fiche du lieu enregistrée.",
        context={"places_geojson_url": reverse("web:places_geojson") + f"?slug={place.slug}"},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def photos(request: SignedInRequest, slug: str) -> HttpResponse:
    """A place's photos, and a new one (JPEG, PNG or WebP, with its description)."""
    place = managed_place(request, slug)
    form = PhotoForm(request.POST or None, request.FILES or None, instance=PlacePhoto(place=place))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_photo(request.user, form.instance)
        except ValidationError as error:
            attach(form, error)
        else:
            messages.success(request, "Photo ajoutée.")
            return redirect("manager:photos", slug=place.slug)
    return _page(request, "photos.html", {"place": place, "photos": place.photos.all()}, form)


def _confirm_delete(
    request: SignedInRequest, place: Place, what: str, consequence: str, back: str
) -> HttpResponse:
    """The page asking to confirm deleting `what` (French, e.g. «la photo « Salle »»),
    saying what follows (`consequence`); `back` names the page to return to."""
    context = {
        "place": place,
        "what": what,
        "consequence": consequence,
        "back": reverse(back, args=[place.slug]),
        "manager_section": "places",
    }
    return render(request, "manager/places/confirm_delete.html", context)


def _confirmed(request: HttpRequest) -> bool:
    """Whether the confirmation page was sent (a POST without it only shows the page)."""
    return request.method == "POST" and request.POST.get("confirmer") == "oui"


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_photo(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST with the confirmation: deletes the photo."""
    place = managed_place(request, slug)
    photo = get_object_or_404(PlacePhoto, pk=pk, place=place)
    if not _confirmed(request):
        return _confirm_delete(
            request,
            place,
            f"la photo « {photo.alt_text} »",
            "Elle disparaît de la fiche publique du lieu.",
            "manager:photos",
        )
    services.delete_photo(request.user, photo)
    messages.success(request, f"Photo « {photo.alt_text} » supprimée.")
    return redirect("manager:photos", slug=place.slug)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def booking_rules(request: SignedInRequest, slug: str) -> HttpResponse:
    """The place's booking rules (approval and its delay in hours, cancellation notice in
    hours, payment terms); 400 with the errors on a refused form."""
    place = managed_place(request, slug)
    form = BookingRulesForm(request.POST or None, instance=place)
    return _edit(
        request,
        place,
        form,
        lambda: services.save_place(request.user, form.instance),
        template="rules.html",
        done="Règles de réservation enregistrées.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def opening_hours(request: SignedInRequest, slug: str) -> HttpResponse:
    """The place's week of opening hours (Paris time, ranges to midnight or around the
    clock), replaced as a whole; 400 with the errors on a refused form."""
    place = managed_place(request, slug)
    form = OpeningHoursForm(request.POST or None, place=place)
    return _edit(
        request,
        place,
        form,
        lambda: services.replace_opening_hours(request.user, place, form.ranges),
        template="hours.html",
        done="Horaires d'ouverture enregistrés.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def space(request: SignedInRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """A new space of the place (no `pk`) or one of its spaces: name, kind, capacity,
    prices in cents, equipment; 404 for a space of another place."""
    place = managed_place(request, slug)
    instance = Space(place=place)
    if pk is not None:
        instance = get_object_or_404(Space, pk=pk)
        if instance.place_id != place.pk:
            raise Http404("Cet espace n'est pas dans ce lieu.")
    form = SpaceForm(request.POST or None, instance=instance)
    return _edit(
        request,
        place,
        form,
        lambda: services.save_space(
            request.user, form.instance, equipment=form.cleaned_data["equipment"]
        ),
        template="space.html",
        done="Espace enregistré.",
        context={"space": instance},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def closures(request: SignedInRequest, slug: str) -> HttpResponse:
    """A place's coming closures, and a new one: a closure over bookings shows them first
    and asks to confirm (they are then cancelled, the people told, with the reason)."""
    place = managed_place(request, slug)
    form = ClosureForm(request.POST or None)
    context: dict[str, object] = {
        "place": place,
        "closures": place.closures.filter(end_date__gte=today_in_paris()),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        first, last = data["start_date"], data["end_date"]
        confirmed = "confirmer" in request.POST
        if not confirmed:
            _preview_errors(place, form)
        hit = [] if form.errors else holding_during(place.pk, first, last)
        if not form.errors and (confirmed or not hit):
            try:
                _, changed = close_place(
                    request.user,
                    place,
                    start_date=first,
                    end_date=last,
                    reason=data["reason"],
                    seen=_seen(request),
                    channel=Channel.PAGE,
                )
            except ValidationError as error:
                attach(form, error)
                hit = holding_during(place.pk, first, last)
            else:
                done = "Fermeture enregistrée."
                if changed:
                    done += f" {changed} réservation{'s' if changed > 1 else ''} annulée"
                    done += f"{'s' if changed > 1 else ''} ; les personnes sont prévenues."
                messages.success(request, done)
                return redirect("manager:closures", slug=place.slug)
        if hit:
            context["hit"] = hit
            if not form.errors:
                return _page(request, "closures.html", context, form)
    return _page(request, "closures.html", context, form)


def _preview_errors(place: Place, form: ClosureForm) -> None:
    """The closure's own rules (fields, length, overlaps), before bookings are looked at."""
    data = form.cleaned_data
    closure = Closure(
        place=place, start_date=data["start_date"], end_date=data["end_date"], reason=data["reason"]
    )
    try:
        closure.full_clean()
    except ValidationError as error:
        attach(form, error)
        return
    kept = [stored.as_range() for stored in place.closures.all()]
    errors = services.closure_errors(place, kept, [closure.as_range()], guards=False)
    if errors:
        form.add_error("end_date", errors)


def _seen(request: HttpRequest) -> list[int]:
    """The bookings the confirm step showed (their ids, as the page sent them back)."""
    return [int(value) for value in request.POST.getlist("vues") if ascii_digits(value)]


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete_closure(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the confirmation page; POST with the confirmation: deletes the closure."""
    place = managed_place(request, slug)
    closure = get_object_or_404(Closure, pk=pk, place=place)
    days = f"du {long_date(closure.start_date)} au {long_date(closure.end_date)}"
    if not _confirmed(request):
        return _confirm_delete(
            request,
            place,
            f"la fermeture {days}",
            "Le lieu redevient réservable ces jours-là, aux horaires habituels.",
            "manager:closures",
        )
    services.save_closures(request.user, place, deleted=[closure])
    messages.success(request, f"Fermeture {days} supprimée.")
    return redirect("manager:closures", slug=place.slug)
