"""The booking API for partner apps: JSON, a bearer token per person, problem details.

Token-authenticated only (never the session cookie), hence exempt from CSRF tokens.
"""

import json
from datetime import date, datetime, timedelta
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.views.decorators.csrf import csrf_exempt

from maillage.api.models import ApiToken
from maillage.api.problems import problem
from maillage.booking import availability as core
from maillage.booking import queries, services
from maillage.booking.models import Booking
from maillage.places.models import PlaceStatus, Space

MAX_KEY_LENGTH = 100
CONFLICTS = {core.ViolationCode.SLOT_TAKEN, core.ViolationCode.NOT_ENOUGH_SEATS}


def instant(moment: datetime) -> str:
    """Instants in Paris time with their offset, in every answer."""
    return timezone.localtime(moment).isoformat()


def allowed_methods(*methods: str):
    """Like require_http_methods, answering 405 as problem details."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                response = problem(405, f"Méthodes acceptées : {', '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def token_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return problem(401, "Fournissez un jeton : en-tête « Authorization: Bearer <jeton> ».")
        user = ApiToken.user_for_key(header.removeprefix("Bearer ").strip())
        if user is None or not user.is_active:
            return problem(401, "Jeton inconnu ou révoqué.")
        request.user = user
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def booking_json(booking: Booking) -> dict:
    return {
        "id": booking.pk,
        "space": booking.space_id,
        "start": instant(booking.start),
        "end": instant(booking.end),
        "seats": booking.seats,
        "status": booking.status,
        "price_cents": booking.price_cents,
        "pending_until": instant(booking.pending_until) if booking.pending_until else None,
    }


def _instant(body: dict, name: str, errors: dict) -> datetime | None:
    raw = body.get(name)
    value = parse_datetime(raw) if isinstance(raw, str) else None
    if value is None or timezone.is_naive(value):
        errors.setdefault(name, []).append(
            f"« {name} » : date et heure ISO 8601 avec fuseau attendues "
            "(par exemple 2026-12-02T09:00:00+01:00)."
        )
        return None
    return value


def _json_body(request) -> dict | None:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


@token_required
@allowed_methods("GET", "POST")
def reservations(request):
    """GET: the person's bookings. POST: book; the same Idempotency-Key replays the answer."""
    if request.method == "GET":
        mine = Booking.objects.filter(user=request.user).order_by("start")
        return JsonResponse({"results": [booking_json(b) for b in mine]})
    received = timezone.now()
    body = _json_body(request)
    if body is None:
        return problem(400, "Le corps de la requête doit être un objet JSON.")
    errors: dict[str, list[str]] = {}
    start, end = _instant(body, "start", errors), _instant(body, "end", errors)
    seats = body.get("seats", 1)
    if not isinstance(seats, int) or isinstance(seats, bool) or seats < 1:
        errors.setdefault("seats", []).append("« seats » : nombre entier d'au moins 1 attendu.")
    space = body.get("space")
    if not isinstance(space, int) or isinstance(space, bool):
        errors.setdefault("space", []).append("« space » : identifiant (entier) attendu.")
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 0 < len(key) <= MAX_KEY_LENGTH:
        errors.setdefault("Idempotency-Key", []).append(
            f"L'en-tête Idempotency-Key compte de 1 à {MAX_KEY_LENGTH} caractères."
        )
    if errors:
        return problem(400, "Certains champs sont invalides.", errors)
    try:
        booking = services.book(request.user, space, start, end, seats, idempotency_key=key)
    except PermissionDenied as error:
        return problem(403, str(error))
    except services.IdempotencyKeyReused:
        return problem(
            422,
            "Cet Idempotency-Key a déjà servi pour une autre demande : "
            "utilisez une nouvelle clé pour une nouvelle réservation.",
        )
    except services.BookingRefused as refusal:
        status = 409 if CONFLICTS & set(refusal.codes) else 400
        return problem(
            status, "La réservation est refusée.", refusal.message_dict, codes=refusal.codes
        )
    replayed = booking.created_at < received
    return JsonResponse(booking_json(booking), status=200 if replayed else 201)


@token_required
@allowed_methods("POST")
def cancellation(request, pk):
    booking = Booking.objects.select_related("space__place").filter(pk=pk).first()
    if booking is None:
        return problem(404, "Cette réservation n'existe pas.")
    body = _json_body(request) or {}
    try:
        booking = services.cancel(request.user, booking, str(body.get("reason", "")))
    except PermissionDenied as error:
        return problem(403, str(error))
    except services.BookingRefused as refusal:
        return problem(400, "L'annulation est refusée.", refusal.message_dict)
    return JsonResponse(booking_json(booking))


@allowed_methods("GET")
def space_week(request, pk):
    """A space's free, booked and closed intervals over a Paris week (public)."""
    space = (
        Space.objects.select_related("place").filter(pk=pk, place__status=PlaceStatus.OPEN).first()
    )
    if space is None:
        return problem(404, "Cet espace n'existe pas ou n'est pas ouvert.")
    day = _date(request.GET.get("semaine")) if "semaine" in request.GET else timezone.localdate()
    if day is None:
        return problem(
            400,
            "Certains paramètres sont invalides.",
            {"semaine": ["« semaine » : date AAAA-MM-JJ attendue (par exemple 2026-12-02)."]},
        )
    week = queries.space_week(space, queries.week_start(day))

    def spans(intervals):
        return [{"start": instant(s), "end": instant(e)} for s, e in intervals]

    return JsonResponse(
        {
            "space": space.pk,
            "start": instant(week.start),
            "end": instant(week.end),
            "free": spans(week.free),
            "booked": spans(week.booked),
            "closed": spans(week.closed),
            "free_seats": [
                {"start": instant(s.start), "end": instant(s.end), "seats": s.free_seats}
                for s in week.free_seats
            ],
        }
    )


SLOT_FIELDS = {"end": "minutes", "seats": "seats", "space": "space"}


def _date(raw: str | None) -> date | None:
    try:
        return parse_date(raw or "")
    except ValueError:  # well formed, impossible: 2026-13-45
        return None


def _whole_number(raw: str | None, default: int | None = None) -> int | None:
    """A query parameter as a whole number (six digits at most), or None."""
    if raw is None:
        return default
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else None


@allowed_methods("GET")
def space_slots(request, pk):
    """The slots of a space that can be booked on a day for a duration (public)."""
    errors: dict[str, list[str]] = {}
    day = _date(request.GET.get("date"))
    if day is None:
        errors["date"] = ["« date » : date AAAA-MM-JJ attendue (par exemple 2026-12-02)."]
    minutes = _whole_number(request.GET.get("minutes"))
    if not minutes:
        errors["minutes"] = ["« minutes » : durée en minutes attendue (entier, par exemple 90)."]
    seats = _whole_number(request.GET.get("seats"), default=1)
    if not seats:
        errors["seats"] = ["« seats » : nombre entier d'au moins 1 attendu."]
    if errors:
        return problem(400, "Certains paramètres sont invalides.", errors)
    try:
        slots = services.free_slots(pk, day, timedelta(minutes=minutes), seats)
    except services.BookingRefused as refusal:
        if "unknown_space" in refusal.codes or "not_bookable" in refusal.codes:
            return problem(404, "Cet espace n'existe pas ou n'est pas réservable.")
        named = {}
        for violation in refusal.violations:
            named.setdefault(SLOT_FIELDS[violation.field], []).append(violation.message)
        return problem(400, "Cette demande ne respecte pas les règles de l'espace.", named)
    return JsonResponse(
        {
            "space": pk,
            "date": day.isoformat(),
            "minutes": minutes,
            "seats": seats,
            "slots": [{"start": instant(s), "end": instant(e)} for s, e in slots],
        }
    )


def not_found(request, path):
    return problem(404, "Cette adresse de l'API n'existe pas.")
