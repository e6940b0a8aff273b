"""Use cases of a space's external calendar: the iCalendar address where the place's other
tool (another booking tool, a shared calendar) publishes its busy times, imported so that the
platform never offers a slot taken there.

- `set_calendar` / `remove_calendar`: a manager of the space's place (or Département staff)
  gives, changes or removes the address; who and when is kept on the calendar.
- `refresh`: fetch the file (booking.ical_fetch: http(s) only, public addresses unless
  MAILLAGE_ICAL_ALLOW_PRIVATE, MAILLAGE_ICAL_MAX_BYTES and MAILLAGE_ICAL_TIMEOUT_SECONDS),
  read its busy times (booking.ical_busy) from now to the space's booking horizon (its
  max_advance, else MAILLAGE_ICAL_HORIZON_DAYS) plus HORIZON_MARGIN, at most
  MAILLAGE_ICAL_MAX_BUSY of them, and replace the space's ExternalBusy rows with them in one
  transaction. A failure is recorded (`last_error`, French) and keeps the busy times of the
  last good import: a slot stays closed rather than offered. Any unforeseen error is logged
  and recorded the same way (FILE_UNREADABLE), so neither the worker nor the page fails.
  The fetch runs outside any transaction (no row is held while a server answers).
- booking.tasks.refresh_external_calendars (scheduled) queues each calendar's refresh.

The busy times join availability in booking.sql.taken_around (booking, slots, week view) and
booking.queries.search_spaces: they take the whole space (a room with its buffers). They
come from another system, so a booking made here in the moment before an import cannot be
prevented by any constraint here: `conflicts` lists the bookings that meet imported busy
times, for the manager to settle (found in the database, `conflict_count` counts them).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from maillage.booking import ical_busy, ical_fetch, sql
from maillage.booking.models import Booking, ExternalBusy, ExternalCalendar
from maillage.core.safe_http import FetchError
from maillage.places import permissions
from maillage.places.permissions import NOT_YOUR_PLACE

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from maillage.accounts.models import User
    from maillage.places.models import Space

# Busy times are read this far beyond the horizon: the longest booking starting at the
# horizon, and the time until the next scheduled refresh.
HORIZON_MARGIN = timedelta(days=2)
URL_MAX_LENGTH = 1000
FILE_UNREADABLE = "Le fichier n'a pas pu être lu."

logger = logging.getLogger(__name__)


def _require_manager(actor: User | AnonymousUser, space: Space) -> None:
    if not permissions.can_edit_place(actor, space.place):
        raise PermissionDenied(NOT_YOUR_PLACE)


def clean_url(url: str) -> str:
    """The address, trimmed; ValidationError (field «url», French) unless it may be
    fetched: http or https, a host, no credentials, at most URL_MAX_LENGTH characters."""
    url = url.strip()
    if not url:
        raise ValidationError({"url": "Indiquez l'adresse de l'agenda."})
    if len(url) > URL_MAX_LENGTH:
        raise ValidationError(
            {"url": f"L'adresse ne doit pas dépasser {URL_MAX_LENGTH} caractères."}
        )
    if problem := ical_fetch.url_error(url):
        raise ValidationError({"url": problem})
    return url


@transaction.atomic
def set_calendar(actor: User | AnonymousUser, space: Space, url: str) -> ExternalCalendar:
    """`actor` (a manager of the space's place, or staff) gives the space's external calendar
    address. A new address forgets the busy times and status of the old one (refresh reads
    it). Raises PermissionDenied, or ValidationError for the address (clean_url)."""
    _require_manager(actor, space)
    url = clean_url(url)
    now = timezone.now()
    calendar = ExternalCalendar.objects.select_for_update().filter(space=space).first()
    if calendar is None:
        calendar = ExternalCalendar(space=space)
    elif calendar.url == url:
        return calendar
    else:
        calendar.busy.all().delete()
    calendar.url = url
    calendar.set_by = actor if actor.is_authenticated else None
    calendar.set_at = now
    calendar.last_attempt_at = calendar.last_success_at = None
    calendar.last_error = ""
    calendar.events_read = calendar.events_skipped = 0
    calendar.full_clean()
    calendar.save()
    return calendar


@transaction.atomic
def remove_calendar(actor: User | AnonymousUser, space: Space) -> bool:
    """`actor` removes the space's external calendar and its busy times: True when there
    was one. Raises PermissionDenied."""
    _require_manager(actor, space)
    return ExternalCalendar.objects.filter(space=space).delete()[0] > 0


def limits() -> ical_fetch.Limits:
    """The fetch limits the settings give."""
    return ical_fetch.Limits(
        max_bytes=settings.MAILLAGE_ICAL_MAX_BYTES,
        timeout_seconds=settings.MAILLAGE_ICAL_TIMEOUT_SECONDS,
        allow_private=settings.MAILLAGE_ICAL_ALLOW_PRIVATE,
    )


def window(space_id: int, now: datetime) -> tuple[datetime, datetime]:
    """The instants [now, end) whose busy times an import keeps: the space's booking
    horizon (else MAILLAGE_ICAL_HORIZON_DAYS) and HORIZON_MARGIN."""
    terms = sql.space_terms(space_id)
    horizon = terms.rules.max_advance if terms is not None else None
    if horizon is None:
        horizon = timedelta(days=settings.MAILLAGE_ICAL_HORIZON_DAYS)
    return now, now + horizon + HORIZON_MARGIN


def refresh(space_id: int, now: datetime | None = None) -> ExternalCalendar | None:
    """Import the space's external calendar now (the system acts): its busy times replaced
    on success, the failure's reason recorded otherwise (the old busy times kept). The
    calendar as stored after it, or None when the space has none (any more)."""
    now = now or timezone.now()
    calendar = ExternalCalendar.objects.filter(space_id=space_id).first()
    if calendar is None:
        return None
    start, end = window(space_id, now)
    try:
        found = ical_busy.busy_times(
            ical_fetch.fetch(calendar.url, limits()),
            start,
            end,
            max_busy=settings.MAILLAGE_ICAL_MAX_BUSY,
        )
    except FetchError as error:
        return _record_failure(calendar, now, error.message)
    except (ical_busy.NotICalendar, ical_busy.TooComplex) as error:
        return _record_failure(calendar, now, str(error))
    except Exception:  # one hostile file must fail neither the worker nor the page
        logger.exception("Import of the external calendar of space %s failed", space_id)
        return _record_failure(calendar, now, FILE_UNREADABLE)
    with transaction.atomic():
        stored = ExternalCalendar.objects.select_for_update().filter(pk=calendar.pk).first()
        if stored is None or stored.url != calendar.url:
            return stored  # removed or changed meanwhile: what was read is not its file
        ExternalBusy.objects.filter(calendar=stored).delete()
        ExternalBusy.objects.bulk_create(
            ExternalBusy(calendar=stored, space_id=space_id, start=s, end=e)
            for s, e in found.intervals
        )
        stored.last_attempt_at = stored.last_success_at = now
        stored.last_error = ""
        stored.events_read, stored.events_skipped = found.events, found.skipped
        stored.save()
    return stored


def _record_failure(calendar: ExternalCalendar, now: datetime, message: str) -> ExternalCalendar:
    ExternalCalendar.objects.filter(pk=calendar.pk, url=calendar.url).update(
        last_attempt_at=now, last_error=message[:300]
    )
    calendar.refresh_from_db()
    return calendar


@dataclass(frozen=True)
class Conflict:
    """A booking of the space meeting a busy time imported from its external calendar."""

    booking: Booking
    busy_start: datetime
    busy_end: datetime


def _conflicting(space: Space, now: datetime) -> QuerySet[Booking]:
    """The space's holding bookings not yet ended that meet one of its imported busy times
    (the bookings themselves, buffers aside), each with the earliest such busy time
    (`busy_start`, `busy_end`): one query, the busy times read through their index."""
    meeting = ExternalBusy.objects.filter(
        space=space, start__lt=OuterRef("end"), end__gt=OuterRef("start")
    ).order_by("start", "end")
    return (
        Booking.objects.holding()
        .filter(space=space, end__gt=now)
        .annotate(
            busy_start=Subquery(meeting.values("start")[:1]),
            busy_end=Subquery(meeting.values("end")[:1]),
        )
        .filter(busy_start__isnull=False)
    )


def conflicts(
    space: Space, now: datetime | None = None, limit: int | None = None
) -> list[Conflict]:
    """The space's holding bookings not yet ended that meet its imported busy times (the
    bookings themselves, buffers aside), earliest first, at most `limit` of them: what the
    manager has to settle."""
    found = (
        _conflicting(space, now or timezone.now()).select_related("user").order_by("start", "pk")
    )
    if limit is not None:
        found = found[:limit]
    return [Conflict(b, b.busy_start, b.busy_end) for b in found]  # type: ignore[attr-defined]


def conflict_count(space: Space, now: datetime | None = None) -> int:
    """How many bookings `conflicts` lists without a limit."""
    return _conflicting(space, now or timezone.now()).count()
