"""Reads of offices for the pages: the demand per commune over a period, the offers a
place's page shows."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch

from maillage.booking.availability import local_days
from maillage.offices import demand
from maillage.offices.models import (
    OfficeOffer,
    OfficeOfferQuerySet,
    OfficeRequest,
    OfficeRequestPlace,
    RequestStatus,
)
from maillage.places.models import Place
from maillage.territory.models import Commune


def request_facts(first: date, last: date) -> list[demand.RequestFacts]:
    """The requests confirmed from `first` to `last` (Paris days, both included), as the
    demand figures read them (anonymised ones included: their figures are kept)."""
    span = local_days(first, last)
    answered = OfficeRequestPlace.objects.filter(
        request=OuterRef("pk"), status=RequestStatus.ANSWERED
    )
    requests = (
        OfficeRequest.objects.filter(confirmed_at__gte=span.start, confirmed_at__lt=span.end)
        .annotate(was_answered=Exists(answered))
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("insee_code")))
    )
    return [
        demand.RequestFacts(
            communes=frozenset(commune.insee_code for commune in request.communes.all()),
            workstations=request.workstations,
            budget_cents=request.budget_cents,
            answered=request.was_answered,
        )
        for request in requests
    ]


def offer_facts(departement: str) -> list[demand.OfferFacts]:
    """The offers published now in `departement` (INSEE code), by their place's commune."""
    return [
        demand.OfferFacts(commune=code, workstations=workstations)
        for code, workstations in OfficeOffer.objects.shown(departement).values_list(
            "place__commune__insee_code", "workstations"
        )
    ]


def demand_by_commune(
    departement: str, first: date, last: date
) -> tuple[list[demand.CommuneDemand], demand.Totals]:
    """Each commune of `departement`'s demand from `first` to `last` (Paris days) against
    the offers published now (demand.by_commune), and the département's totals."""
    communes = {
        code: name
        for code, name in Commune.objects.of_departement(departement)
        .order_by("sort_name")
        .values_list("insee_code", "name")
    }
    requests = request_facts(first, last)
    offers = offer_facts(departement)
    return demand.by_commune(communes, requests, offers), demand.totals(requests, offers)


def offers_of(place: Place) -> OfficeOfferQuerySet:
    """The published offers of `place`, the soonest available first."""
    return OfficeOffer.objects.published().filter(place=place).order_by("available_from", "pk")
