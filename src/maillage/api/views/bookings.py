"""The authenticated person's bookings and prices: their own token, or a partner's with their
consent (`read` to list and price, `book` to book and cancel)."""

from collections.abc import Callable, Sequence
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from maillage.accounts.models import User
from maillage.api import inputs
from maillage.api.authentication import caller_of
from maillage.api.conditional import ETagMixin
from maillage.api.permissions import PersonBooks, PersonReads
from maillage.api.problems import ApiProblem
from maillage.api.serializers.bookings import (
    MAX_KEY_LENGTH,
    MAX_REASON_LENGTH,
    BookingIn,
    BookingOut,
    CancellationIn,
    PriceOut,
)
from maillage.api.views.common import ApiView, Errors, horizon_days, instant, person_of
from maillage.booking import availability as core
from maillage.booking import funding, services
from maillage.booking.models import MAX_BOOKING_PRICE_CENTS, Booking, Channel
from maillage.core.dates import booking_range
from maillage.eligibility.selectors import children_of
from maillage.places import permissions
from maillage.places.models import MAX_CAPACITY

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
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=(
        f"1 à {MAX_KEY_LENGTH} caractères ASCII imprimables, une clé par réservation voulue. "
        "La première requête réserve (201) ; toute requête identique avec la même clé dans "
        "les 24 heures renvoie la même réservation (200) sans réserver deux fois ; la même "
        "clé avec un autre corps est refusée (422)."
    ),
)


class FundingJson(TypedDict):
    """What a programme pays of a booking, under its public label (never a category)."""

    label: str
    cents: int


class BookingJson(TypedDict):
    """A booking as the API shows it (booking_json; the BookingOut schema)."""

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


def _refusal(refusal: services.BookingRefused, detail: str) -> ApiProblem:
    status = 409 if CONFLICTS & set(refusal.codes) else 400
    headers = {}
    if core.ViolationCode.SPACE_BUSY in refusal.codes:
        headers["Retry-After"] = str(services.SPACE_BUSY_RETRY_SECONDS)
    return ApiProblem(status, detail, refusal.message_dict, headers, codes=refusal.codes)


class Reservations(ETagMixin, GenericAPIView[Booking]):
    """GET: the person's bookings, by start then id. POST: book; see Idempotency-Key."""

    def get_permissions(self) -> list[Any]:
        return [PersonReads()] if self.request.method == "GET" else [PersonBooks()]

    @extend_schema(
        operation_id="reservations_list",
        summary="Mes réservations",
        responses={200: BookingOut(many=True)},
        tags=["Réservations"],
    )
    def get(self, request: Request) -> Response:
        mine = Booking.objects.own(person_of(request).pk).order_by("start", "id")
        page = self.paginate_queryset(mine) or []
        shares = funding.shares_of([b.pk for b in page])
        return self.get_paginated_response([booking_json(b, shares.get(b.pk, ())) for b in page])

    @extend_schema(
        operation_id="reservations_create",
        summary="Réserver",
        request=BookingIn,
        parameters=[IDEMPOTENCY],
        responses={
            201: BookingOut,
            200: OpenApiResponse(BookingOut, description="Rejeu d'une même demande (même clé)."),
        },
        tags=["Réservations"],
    )
    def post(self, request: Request) -> Response:
        errors = Errors()
        body: dict[str, Any] = request.data  # type: ignore[assignment]  # an object (JsonParser)
        space = errors.read(inputs.identifier, body.get("space"), "space")
        seats = errors.read(inputs.whole_number, body.get("seats", 1), "seats", 1, MAX_CAPACITY)
        key = request.headers.get("Idempotency-Key")
        if key is not None:
            key = errors.read(inputs.token_text, key, "Idempotency-Key", MAX_KEY_LENGTH)
        allowed = booking_range(timezone.localdate(), horizon_days(space))
        start = errors.read(inputs.instant_in, body.get("start"), "start", allowed)
        end = errors.read(inputs.instant_in, body.get("end"), "end", allowed)
        if start and end and end - start > inputs.MAX_SPAN:
            errors["end"] = [
                f"« end » : une réservation dure au plus {inputs.MAX_SPAN.days} jours."
            ]
        child = _child(errors, person_of(request), body.get("child"), inputs.identifier)
        shown = body.get("person_price_cents")
        if shown is not None:
            shown = errors.read(
                inputs.whole_number, shown, "person_price_cents", 0, MAX_BOOKING_PRICE_CENTS
            )
        errors.raise_if_any("Certains champs sont invalides.")
        try:
            booking, created = services.book_or_replay(
                person_of(request),
                space,
                start,
                end,
                seats,
                channel=Channel.API,
                idempotency_key=key,
                funded=services.Funded(child_id=child, expect_person_cents=shown),
            )
        except PermissionDenied as error:
            raise ApiProblem(403, str(error)) from None
        except services.IdempotencyKeyReused:
            raise ApiProblem(
                422,
                "Cet Idempotency-Key a déjà servi pour une autre demande : "
                "utilisez une nouvelle clé pour une nouvelle réservation.",
            ) from None
        except services.BookingRefused as refusal:
            raise _refusal(refusal, "La réservation est refusée.") from None
        return Response(booking_json(booking), status=201 if created else 200)


def _visible_booking(request: Request, pk: int) -> Booking | None:
    """The booking if the person made it or, through their own token only, manages its
    place; None otherwise, so that someone else's booking is as unknown as a missing one. A
    partner's consent covers the person's own bookings, never their rights as a manager."""
    user = person_of(request)
    booking = Booking.objects.select_related("space__place").filter(pk=pk).first()
    if booking is None:
        return None
    if booking.belongs_to(user.pk):
        return booking
    caller = caller_of(request)
    acts_as_manager = caller is not None and caller.partner is None
    if acts_as_manager and permissions.can_edit_place(user, booking.space.place):
        return booking
    return None


class Cancellation(ApiView):
    """Cancel a booking, with an optional `reason` (one line)."""

    permission_classes = [PersonBooks]

    @extend_schema(
        operation_id="reservations_cancel",
        summary="Annuler une réservation",
        request=CancellationIn,
        responses={200: BookingOut},
        tags=["Réservations"],
    )
    def post(self, request: Request, pk: int) -> Response:
        booking = _visible_booking(request, pk)
        if booking is None:
            raise ApiProblem(404, "Cette réservation n'existe pas.")
        errors = Errors()
        body: dict[str, Any] = request.data  # type: ignore[assignment]  # an object (JsonParser)
        reason = body.get("reason")
        reason = (
            ""
            if reason is None
            else errors.read(inputs.plain_text, reason, "reason", MAX_REASON_LENGTH)
        )
        errors.raise_if_any("Certains champs sont invalides.")
        try:
            booking = services.cancel(person_of(request), booking, reason, channel=Channel.API)
        except PermissionDenied as error:
            raise ApiProblem(403, str(error)) from None
        except services.BookingRefused as refusal:
            raise ApiProblem(400, "L'annulation est refusée.", refusal.message_dict) from None
        return Response(booking_json(booking))


class SpacePrice(ApiView):
    """The person's price of a space over [start, end) for `seats` (for their child profile
    `child` when given): the list price, what the person pays, what each programme pays under
    its public label, and why a programme they hold does not apply (`notices`, French). Book
    with `person_price_cents` set to what was shown: a price that changed meanwhile is refused
    (409, funding_changed)."""

    permission_classes = [PersonReads]

    @extend_schema(
        operation_id="spaces_price",
        summary="Mon prix pour un espace (tarif social)",
        parameters=[
            OpenApiParameter("start", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("end", OpenApiTypes.DATETIME, required=True),
            OpenApiParameter("seats", OpenApiTypes.INT, default=1),
            OpenApiParameter("child", OpenApiTypes.INT),
        ],
        responses={200: PriceOut},
        tags=["Espaces"],
    )
    def get(self, request: Request, pk: int) -> Response:
        errors = Errors()
        allowed = booking_range(timezone.localdate(), horizon_days(pk))
        start = errors.read(inputs.instant_in, request.GET.get("start"), "start", allowed)
        end = errors.read(inputs.instant_in, request.GET.get("end"), "end", allowed)
        seats = errors.read(
            inputs.whole_number_param, request.GET.get("seats", "1"), "seats", 1, MAX_CAPACITY
        )
        if start and end and not start < end <= start + inputs.MAX_SPAN:
            errors["end"] = [
                f"« end » : après « start », et au plus {inputs.MAX_SPAN.days} jours plus tard."
            ]
        child = _child(
            errors, person_of(request), request.GET.get("child"), inputs.identifier_param
        )
        errors.raise_if_any("Certains paramètres sont invalides.")
        try:
            [quote] = services.quote_series(
                person_of(request), pk, [(start, end)], seats, child_id=child
            )
        except services.BookingRefused as refusal:
            if NOT_BOOKABLE & set(refusal.codes):
                raise ApiProblem(404, "Cet espace n'existe pas ou n'est pas réservable.") from None
            raise ApiProblem(
                400, "Cette demande ne respecte pas les règles de l'espace.", refusal.message_dict
            ) from None
        return Response(
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
