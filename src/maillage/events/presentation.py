"""How a registration is told to its person, on the event's page and in «Mes inscriptions»:
its state in French (seats, rank on the waiting list, an offer's deadline in Paris time) and
what they may do with it, by the names the pages' addresses use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from maillage.core.formatting import french_moment
from maillage.core.text import count
from maillage.events import selectors, services, waitlist
from maillage.events.models import Registration, RegistrationStatus

S = RegistrationStatus
# The pages' name of each action events.services.person_actions offers.
ACTION_NAMES = {
    "cancel": "annuler",
    "leave": "quitter",
    "accept": "accepter",
    "decline_offer": "refuser",
}


@dataclass(frozen=True)
class RegistrationState:
    """A registration as its person reads it: `code` (its status, a CSS modifier), `label`
    («Inscription confirmée — 2 places · pour Lucas», «Sur la liste d'attente — 3e
    position»…; for whom when it is for a child profile), `done` (what is said
    right after their action led to it) and `actions` (ACTION_NAMES' values, those they may
    do now)."""

    code: str
    label: str
    done: str
    actions: frozenset[str]


def state_of(registration: Registration, now: datetime) -> RegistrationState:
    """`registration`'s state at `now` (its event loaded, and its child profile when it is for
    one); a waiting entry's rank costs one query."""
    seats = count(registration.seats, "place")
    status = registration.status
    reason = f" : {registration.status_reason}" if registration.status_reason else ""
    if status == S.REGISTERED:
        label = f"Inscription confirmée — {seats}"
        done = "Inscription confirmée : un courriel vous le confirme."
    elif status == S.AWAITING_APPROVAL:
        label = f"En attente de l'accord de l'organisateur — {seats}"
        done = (
            "Demande d'inscription enregistrée : l'organisateur doit la valider, vous "
            "recevrez sa réponse par courriel."
        )
    elif status == S.WAITING:
        rank = selectors.waiting_rank(registration) or 1
        label = f"Sur la liste d'attente — {waitlist.ordinal(rank)} position ({seats} demandée"
        label += "s)" if registration.seats > 1 else ")"
        done = (
            "C'est complet : vous êtes sur la liste d'attente "
            f"({waitlist.ordinal(rank)} position). Si des places se libèrent, elles vous "
            "seront proposées par courriel."
        )
    elif status == S.OFFERED and now >= services.offer_deadline(registration):
        # Lapsed, before the sweep (services.expire_offers) records it.
        status = S.LAPSED
        label = "Proposition expirée : les places ne vous sont plus réservées"
        done = label
    elif status == S.OFFERED:
        until = registration.offered_until
        deadline = f" : confirmez avant {french_moment(until)}" if until else ""
        label = f"{count(registration.seats, 'place proposée', 'places proposées')}{deadline}"
        done = label
    else:
        label = f"{RegistrationStatus(status).label}{reason}"
        done = label
    if registration.child is not None:
        label += f" · pour {registration.child.first_name}"
    actions = frozenset(ACTION_NAMES[a] for a in services.person_actions(registration, now))
    return RegistrationState(status, label, done, actions)
