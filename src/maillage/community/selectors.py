"""Reads of the community: its members, who receives which emails, the directory."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from maillage.accounts.models import User
from maillage.community.models import FundingOpportunity, MemberEmails, MemberProfile, Tag
from maillage.places.models import Place, PlaceStatus
from maillage.territory.models import Commune

# A place in these statuses is a project: its managers are its project holders.
PROJECT_STAGES = (PlaceStatus.PROJECT, PlaceStatus.PREPARING)

_MANAGERS = Place.managers.through


def _managing(statuses: tuple[str, ...] | None = None) -> Exists:
    """The condition «manages a place» (in one of `statuses`, when given) on a User query."""
    links = _MANAGERS.objects.filter(user_id=OuterRef("pk"))
    if statuses is not None:
        links = links.filter(place__status__in=statuses)
    return Exists(links)


def members() -> QuerySet[User]:
    """The members who receive the community's emails: active managers of a place, project
    holders included, whose address is verified (emails carrying staff's words go to
    proven addresses only). Staff receive none: they write them."""
    return User.objects.filter(_managing(), is_active=True, email_verified_at__isnull=False)


def _switched_off(switch: str) -> Exists:
    return Exists(MemberEmails.objects.filter(user_id=OuterRef("pk"), **{switch: False}))


def announcement_recipients() -> QuerySet[User]:
    """The members an announcement is emailed to: all but those who switched them off."""
    return members().exclude(_switched_off("announcements")).order_by("pk")


def reminder_recipients(opportunity: FundingOpportunity) -> QuerySet[User]:
    """The members reminded of `opportunity`'s deadline (but those who switched reminders
    off) to whom it is addressed: the managers of an open or closed place when it is for
    managers, or for companies (the places they host relay it); the project holders when it
    is for project holders."""
    stages = []
    if opportunity.for_managers or opportunity.for_companies:
        stages += [PlaceStatus.OPEN, PlaceStatus.CLOSED]
    if opportunity.for_project_holders:
        stages += list(PROJECT_STAGES)
    return (
        members()
        .filter(_managing(tuple(stages)))
        .exclude(_switched_off("funding_reminders"))
        .order_by("pk")
    )


def is_project_holder_only(user: User) -> bool:
    """Whether every place `user` manages is a project (PROJECT_STAGES)."""
    places = user.managed_places.all()
    return places.exists() and not places.exclude(status__in=PROJECT_STAGES).exists()


def directory(
    *, commune: Commune | None = None, offer: Tag | None = None, seek: Tag | None = None
) -> QuerySet[MemberProfile]:
    """The profiles the directory shows, by name: listed, of active members (a person who no
    longer manages any place drops out at once), in `commune` (one of their places is
    there), offering `offer`, seeking `seek`; their tags and places (with communes)
    prefetched."""
    profiles = MemberProfile.objects.filter(
        Exists(_MANAGERS.objects.filter(user_id=OuterRef("user_id"))),
        listed=True,
        user__is_active=True,
    )
    if commune is not None:
        profiles = profiles.filter(
            Exists(_MANAGERS.objects.filter(user_id=OuterRef("user_id"), place__commune=commune))
        )
    if offer is not None:
        profiles = profiles.filter(Exists(offer.offered_by.filter(pk=OuterRef("pk"))))
    if seek is not None:
        profiles = profiles.filter(Exists(seek.sought_by.filter(pk=OuterRef("pk"))))
    return profiles.select_related("user").prefetch_related(
        "offer_tags",
        "seek_tags",
        Prefetch(
            "user__managed_places",
            queryset=Place.objects.select_related("commune").order_by("name"),
        ),
    )


def listed_profile(pk: int) -> MemberProfile | None:
    """The directory's profile `pk` (as directory() shows it), or None."""
    return directory().filter(pk=pk).first()


def directory_communes() -> QuerySet[Commune]:
    """The communes where a listed member manages a place (the directory's filter)."""
    listed = MemberProfile.objects.filter(listed=True, user__is_active=True)
    return Commune.objects.filter(
        Exists(
            _MANAGERS.objects.filter(
                place__commune=OuterRef("pk"), user_id__in=listed.values("user_id")
            )
        )
    ).order_by("name")


def open_or_recent(now, closed_shown: int) -> tuple[list, list]:
    """(open opportunities, soonest deadline first; the `closed_shown` last closed)."""
    opportunities = FundingOpportunity.objects.all()
    return (
        list(opportunities.open_at(now)),
        list(opportunities.closed_at(now)[:closed_shown]),
    )


def sender_name(user: User) -> str:
    """How a member is named to the people they write to: their directory name, or their
    account's name, or «Un membre du réseau»."""
    profile = MemberProfile.objects.filter(user=user).values_list("display_name", flat=True)
    return profile.first() or user.get_full_name() or "Un membre du réseau"


def managed_place_names(user: User) -> list[str]:
    """The places `user` manages, as «La Ruche (Boulogne-Billancourt, ouvert)»."""
    places = user.managed_places.select_related("commune").order_by("name")
    return [f"{p.name} ({p.commune.name}, {p.get_status_display().lower()})" for p in places]
