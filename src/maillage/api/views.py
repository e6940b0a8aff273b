"""The booking API for partner apps: JSON, a bearer token per person, problem details.

Token-authenticated only (never the session cookie), hence exempt from CSRF tokens.
"""

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypedDict

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from maillage.accounts.models import User
from maillage.api import inputs
from maillage.api.models import ApiToken
from maillage.api.problems import problem
from maillage.booking import availability as core
from maillage.booking import funding, queries, services
from maillage.booking.models import MAX_BOOKING_PRICE_CENTS, Booking, Channel
from maillage.core.dates import booking_range, read_range
from maillage.eligibility.selectors import children_of
from maillage.places import permissions
from maillage.places.models import MAX_CAPACITY, Space

MAX_KEY_LENGTH = Booking._meta.get_field("idempotency_key").max_length
MAX_REASON_LENGTH = Booking._meta.get_field("status_reason").max_length
MAX_MINUTES = int(inputs.MAX_SPAN.total_seconds()) // 60
CONFLICTS = {
    core.ViolationCode.SLOT_TAKEN,
    core.ViolationCode.NOT_ENOUGH_SEATS,
    core.ViolationCode.ALREADY_BOOKED,
    core.ViolationCode.SPACE_BUSY,
    # A programme's balance was spent meanwhile: booking again is offered the list price.
    core.ViolationCode.FUNDING_CHANGED,
}
# A space that takes no booking today (whatever the reason) is as unknown as a missing one,
# as Space.objects.bookable says for the week view and the space's page.
NOT_BOOKABLE = {
    core.ViolationCode.UNKNOWN_SPACE,
    core.ViolationCode.NOT_BOOKABLE,
    core.ViolationCode.NOT_OPEN_YET,
}
# RFC 6750 §3: how to authenticate, on every 401.
CHALLENGE = 'Bearer realm="maillage"'
# A view function, as the decorators below take and return it.
View = Callable[..., HttpResponse]


class TokenRequest(HttpRequest):
    """A request token_required let through: `user` is the token's person."""

    user: User


def instant(moment: datetime) -> str:
    """Instants in Paris time with their offset, in every answer."""
    return timezone.localtime(moment).isoformat()


def allowed_methods(*methods: str) -> Callable[[View], View]:
    """Like require_http_methods, answering 405 as problem details. Every API view has it,
    and none reads the session cookie: all are exempt from CSRF tokens."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = problem(
                    405, f"Méthodes acceptées à cette adresse : {', '.join(methods)}."
                )
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorator


def _unauthorized(detail: str, error: str | None = None) -> HttpResponse:
    response = problem(401, detail)
    response["WWW-Authenticate"] = CHALLENGE + (f', error="{error}"' if error else "")
    return response


def token_required(view: View) -> View:
    """The person the `Authorization: Bearer <key>` header acts for (RFC 6750; the scheme
    name in any case), or 401 with WWW-Authenticate."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        scheme, _, key = request.headers.get("Authorization", "").partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            return _unauthorized("Fournissez un jeton : en-tête « Authorization: Bearer <jeton> ».")
        user = ApiToken.user_for_key(key)
        if user is None or not user.is_active:
            return _unauthorized("Jeton inconnu ou révoqué.", "invalid_token")
        request.user = user
        return view(request, *args, **kwargs)

    return wrapper


class FundingJson(TypedDict):
    """What a programme pays of a booking, under its public label (never a category)."""

    label: str
    cents: int


class BookingJson(TypedDict):
    """A booking as the API shows it (booking_json)."""

    id: int
    space: int
    start: str
    end: str
    seats: int
    status: str
    price_cents: int
    person_price_cents: int
    funded_by: list[FundingJson]
    pending_until: str | None


def booking_json(booking: Booking, shares: Sequence[funding.Share] | None = None) -> BookingJson:
    """A booking as the API shows it: {id, space (id), start, end (Paris time with offset),
    seats, status, price_cents (the list price, frozen at booking), person_price_cents (what
    the person pays), funded_by ([{label, cents}]: what programmes pay, by public label),
    pending_until (or null)}. `shares` are the booking's (funding.shares_of), read when not
    given."""
    if shares is None:
        shares = funding.shares_of([booking.pk]).get(booking.pk, ())
    return {
        "id": booking.pk,
        "space": booking.space_id,
        "start": instant(booking.start),
        "end": instant(booking.end),
        "seats": booking.seats,
        "status": booking.status,
        "price_cents": booking.price_cents,
        "person_price_cents": booking.person_price_cents,
        "funded_by": [{"label": share.public_label, "cents": share.cents} for share in shares],
        "pending_until": instant(booking.pending_until) if booking.pending_until else None,
    }


class Errors(dict[str, list[str]]):
    """French messages per field, gathered while reading a request."""

    def read(self, reader: Callable[..., Any], *args: object) -> Any:
        """reader(*args), or None with its message noted when it refuses the value (Any:
        callers use the values once `errors` is empty)."""
        try:
            return reader(*args)
        except inputs.Invalid as refusal:
            self.setdefault(refusal.field, []).append(str(refusal))
            return None


def _horizon_days(space_id: int | None) -> int | None:
    """The space's booking horizon in days (None: none set, or no such space)."""
    if space_id is None:
        return None
    return Space.objects.filter(pk=space_id).values_list("max_advance_days", flat=True).first()


@token_required
@allowed_methods("GET", "POST")
def reservations(request: TokenRequest) -> HttpResponse:
    """GET: the person's bookings. POST: book; the same Idempotency-Key and body replay the
    booking (200) instead of booking again (201)."""
    if request.method == "GET":
        mine = Booking.objects.own(request.user.pk).order_by("start")
        shares = funding.shares_of([b.pk for b in mine])
        return JsonResponse({"results": [booking_json(b, shares.get(b.pk, ())) for b in mine]})
    errors = Errors()
    body = errors.read(inputs.json_object, request.body)
    if body is None:
        return problem(400, "Le corps de la requête est invalide.", errors)
    space = errors.read(inputs.identifier, body.get("space"), "space")
    seats = errors.read(inputs.whole_number, body.get("seats", 1), "seats", 1, MAX_CAPACITY)
    key = request.headers.get("Idempotency-Key")
    if key is not None:
        key = errors.read(inputs.token_text, key, "Idempotency-Key", MAX_KEY_LENGTH)
    allowed = booking_range(timezone.localdate(), _horizon_days(space))
    start = errors.read(inputs.instant_in, body.get("start"), "start", allowed)
    end = errors.read(inputs.instant_in, body.get("end"), "end", allowed)
    if start and end and end - start > inputs.MAX_SPAN:
        errors["end"] = [f"« end » : une réservation dure au plus {inputs.MAX_SPAN.days} jours."]
    child = _child(errors, request.user, body.get("child"), inputs.identifier)
    shown = body.get("person_price_cents")
    if shown is not None:
        shown = errors.read(
            inputs.whole_number, shown, "person_price_cents", 0, MAX_BOOKING_PRICE_CENTS
        )
    if errors:
        return problem(400, "Certains champs sont invalides.", errors)
    try:
        booking, created = services.book_or_replay(
            request.user,
            space,
            start,
            end,
            seats,
            channel=Channel.API,
            idempotency_key=key,
            funded=services.Funded(child_id=child, expect_person_cents=shown),
        )
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
        response = problem(
            status, "La réservation est refusée.", refusal.message_dict, codes=refusal.codes
        )
        if core.ViolationCode.SPACE_BUSY in refusal.codes:
            response["Retry-After"] = str(services.SPACE_BUSY_RETRY_SECONDS)
        return response
    return JsonResponse(booking_json(booking), status=201 if created else 200)


def _child(
    errors: Errors, user: User, raw: object, reader: Callable[[Any, str], int]
) -> int | None:
    """The id of one of `user`'s child profiles named by `raw` (read by `reader`: a JSON or
    a query parameter's identifier; None: the person books for themself), or None with its
    message noted in `errors`."""
    if raw is None:
        return None
    child: int | None = errors.read(reader, raw, "child")
    if child is not None and not children_of(user).filter(pk=child).exists():
        errors["child"] = ["« child » : aucun de vos profils d'enfant n'a cet identifiant."]
        return None
    return child


@token_required
@allowed_methods("GET")
def space_price(request: TokenRequest, pk: int) -> HttpResponse:
    """The authenticated person's price of a space over [start, end) for `seats` (for their
    child profile `child` when given): the list price, what the person pays, what each
    programme pays under its public label, and why a programme they hold does not apply
    (`notices`, French). Book with `person_price_cents` set to what was shown: a price that
    changed meanwhile is refused (409, funding_changed)."""
    errors = Errors()
    allowed = booking_range(timezone.localdate(), _horizon_days(pk))
    start = errors.read(inputs.instant_in, request.GET.get("start"), "start", allowed)
    end = errors.read(inputs.instant_in, request.GET.get("end"), "end", allowed)
    seats = errors.read(
        inputs.whole_number_param, request.GET.get("seats", "1"), "seats", 1, MAX_CAPACITY
    )
    if start and end and not start < end <= start + inputs.MAX_SPAN:
        errors["end"] = [
            f"« end » : après « start », et au plus {inputs.MAX_SPAN.days} jours plus tard."
        ]
    child = _child(errors, request.user, request.GET.get("child"), inputs.identifier_param)
    if errors:
        return problem(400, "Certains paramètres sont invalides.", errors)
    try:
        [quote] = services.quote_series(request.user, pk, [(start, end)], seats, child_id=child)
    except services.BookingRefused as refusal:
        if NOT_BOOKABLE & set(refusal.codes):
            return problem(404, "Cet espace n'existe pas ou n'est pas réservable.")
        return problem(
            400, "Cette demande ne respecte pas les règles de l'espace.", refusal.message_dict
        )
    return JsonResponse(
        {
            "space": pk,
            "start": instant(start),
            "end": instant(end),
            "seats": seats,
            "child": child,
            "list_cents": quote.list_cents,
            "person_cents": quote.person_cents,
            "funded_by": [{"label": s.public_label, "cents": s.cents} for s in quote.shares],
            "notices": list(quote.notices),
        }
    )


def _visible_booking(user: User | AnonymousUser, pk: int) -> Booking | None:
    """The booking if this person made it or manages its place; None otherwise, so that
    someone else's booking is as unknown as a missing one."""
    booking = Booking.objects.select_related("space__place").filter(pk=pk).first()
    if booking is None:
        return None
    if booking.belongs_to(user.pk) or permissions.can_edit_place(user, booking.space.place):
        return booking
    return None


@token_required
@allowed_methods("POST")
def cancellation(request: TokenRequest, pk: int) -> HttpResponse:
    """Cancel a booking, with an optional `reason` (text)."""
    booking = _visible_booking(request.user, pk)
    if booking is None:
        return problem(404, "Cette réservation n'existe pas.")
    errors = Errors()
    body = errors.read(inputs.json_object, request.body)
    if body is None:
        return problem(400, "Le corps de la requête est invalide.", errors)
    reason = body.get("reason")
    reason = (
        ""
        if reason is None
        else errors.read(inputs.plain_text, reason, "reason", MAX_REASON_LENGTH)
    )
    if errors:
        return problem(400, "Certains champs sont invalides.", errors)
    try:
        booking = services.cancel(request.user, booking, reason, channel=Channel.API)
    except PermissionDenied as error:
        return problem(403, str(error))
    except services.BookingRefused as refusal:
        return problem(400, "L'annulation est refusée.", refusal.message_dict)
    return JsonResponse(booking_json(booking))


@allowed_methods("GET")
def space_week(request: HttpRequest, pk: int) -> HttpResponse:
    """A space's free, booked and closed intervals over a Paris week (public)."""
    today = timezone.localdate()
    space = Space.objects.bookable(today).select_related("place").filter(pk=pk).first()
    if space is None:
        return problem(404, "Cet espace n'existe pas ou n'est pas réservable.")
    errors = Errors()
    day = today
    if "semaine" in request.GET:
        day = errors.read(inputs.day_in, request.GET["semaine"], "semaine", read_range(today))
    if errors:
        return problem(400, "Certains paramètres sont invalides.", errors)
    week = queries.space_week(space, queries.week_start(day))

    def spans(intervals: Iterable[tuple[datetime, datetime]]) -> list[dict[str, str]]:
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


@allowed_methods("GET")
def space_slots(request: HttpRequest, pk: int) -> HttpResponse:
    """The slots of a space that can be booked on a day for a duration (public)."""
    errors = Errors()
    day = errors.read(
        inputs.day_in, request.GET.get("date"), "date", read_range(timezone.localdate())
    )
    minutes = errors.read(
        inputs.whole_number_param, request.GET.get("minutes"), "minutes", 1, MAX_MINUTES
    )
    seats = errors.read(
        inputs.whole_number_param, request.GET.get("seats", "1"), "seats", 1, MAX_CAPACITY
    )
    if errors:
        return problem(400, "Certains paramètres sont invalides.", errors)
    try:
        slots = services.free_slots(pk, day, timedelta(minutes=minutes), seats)
    except services.BookingRefused as refusal:
        if NOT_BOOKABLE & set(refusal.codes):
            return problem(404, "Cet espace n'existe pas ou n'est pas réservable.")
        named: dict[str, list[str]] = {}
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


@csrf_exempt
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    return problem(404, "Cette adresse de l'API n'existe pas.")
