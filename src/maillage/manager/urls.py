from django.urls import path, register_converter

from maillage.manager import blocks, bookings, home, ical, notifications, offices, walk_ins
from maillage.manager import reimbursements as statements
from maillage.manager.embeds import public as embeds_public
from maillage.manager.embeds import views as embeds
from maillage.manager.events import registrations as event_registrations
from maillage.manager.events import views as events
from maillage.manager.onboarding import views as onboarding
from maillage.manager.places import views as places


class EmbedId:
    """An embed's public identifier as models.new_public_id writes it (URL-safe base64, at
    most the column's 32 characters): anything else is unknown before the database is
    asked."""

    regex = "[A-Za-z0-9_-]{1,32}"

    def to_python(self, value: str) -> str:
        """The identifier, as matched."""
        return value

    def to_url(self, value: str) -> str:
        """The identifier, as stored."""
        return value


register_converter(EmbedId, "embed_id")

app_name = "manager"

urlpatterns: list = [
    # --- blocks ---
    path(
        "gestion/lieux/<slug:slug>/espaces/<int:pk>/blocages/",
        blocks.space_blocks,
        name="space_blocks",
    ),
    path(
        "gestion/lieux/<slug:slug>/espaces/<int:pk>/blocages/<int:block_id>/lever/",
        blocks.lift_block,
        name="lift_block",
    ),
    # --- embeds ---
    path("gestion/integrations/", embeds.embeds, name="embeds"),
    path("gestion/integrations/nouvelle/", embeds.add_embed, name="add_embed"),
    path("gestion/integrations/<int:pk>/", embeds.embed, name="embed"),
    path("gestion/integrations/<int:pk>/apercu/", embeds.preview, name="embed_preview"),
    path("gestion/integrations/<int:pk>/supprimer/", embeds.delete_embed, name="delete_embed"),
    path("integration/<embed_id:public_id>/", embeds_public.embed_page, name="embed_public"),
    # --- events ---
    path("gestion/ateliers/", events.event_list, name="events"),
    path("gestion/ateliers/nouveau/", events.add_event, name="add_event"),
    path("gestion/ateliers/<int:pk>/", event_registrations.event, name="event"),
    path("gestion/ateliers/<int:pk>/modifier/", events.edit_event, name="edit_event"),
    path("gestion/ateliers/<int:pk>/publier/", events.publish_event, name="publish_event"),
    path(
        "gestion/ateliers/<int:pk>/annuler/", event_registrations.cancel_event, name="cancel_event"
    ),
    path("gestion/ateliers/<int:pk>/places/", event_registrations.capacity, name="event_capacity"),
    path("gestion/ateliers/<int:pk>/message/", event_registrations.message, name="event_message"),
    path(
        "gestion/ateliers/<int:pk>/inscriptions.csv",
        event_registrations.registrations_csv,
        name="event_csv",
    ),
    path(
        "gestion/ateliers/<int:pk>/inscriptions/<int:rid>/<slug:action>/",
        event_registrations.registration_action,
        name="event_registration_action",
    ),
    # --- ical ---
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/",
        ical.space_calendar,
        name="space_calendar",
    ),
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/importer/",
        ical.refresh_space_calendar,
        name="refresh_space_calendar",
    ),
    path(
        "gestion/espaces/<int:space_id>/agenda-externe/retirer/",
        ical.remove_space_calendar,
        name="remove_space_calendar",
    ),
    # --- onboarding ---
    path("referencer/", onboarding.listing_request, name="listing_request"),
    path("departement/referencements/", onboarding.listing_requests, name="listing_requests"),
    path(
        "departement/referencements/<int:request_id>/",
        onboarding.listing_request_review,
        name="listing_request_review",
    ),
    path(
        "gestion/lieux/<slug:slug>/gestionnaires/",
        onboarding.place_managers,
        name="place_managers",
    ),
    path(
        "gestion/lieux/<slug:slug>/gestionnaires/<int:user_id>/retirer/",
        onboarding.withdraw_manager,
        name="withdraw_manager",
    ),
    path("gestion/invitation/<str:token>/", onboarding.invitation, name="invitation"),
    # --- places ---
    path("gestion/lieux/", places.place_list, name="places"),
    path("gestion/lieux/<slug:slug>/", places.place, name="place"),
    path("gestion/lieux/<slug:slug>/fiche/", places.profile, name="profile"),
    path("gestion/lieux/<slug:slug>/photos/", places.photos, name="photos"),
    path(
        "gestion/lieux/<slug:slug>/photos/<int:pk>/supprimer/",
        places.delete_photo,
        name="delete_photo",
    ),
    path("gestion/lieux/<slug:slug>/regles/", places.booking_rules, name="booking_rules"),
    path("gestion/lieux/<slug:slug>/horaires/", places.opening_hours, name="opening_hours"),
    path("gestion/lieux/<slug:slug>/fermetures/", places.closures, name="closures"),
    path(
        "gestion/lieux/<slug:slug>/fermetures/<int:pk>/supprimer/",
        places.delete_closure,
        name="delete_closure",
    ),
    path("gestion/lieux/<slug:slug>/espaces/nouveau/", places.space, name="add_space"),
    path("gestion/lieux/<slug:slug>/espaces/<int:pk>/", places.space, name="space"),
    # --- end places ---
    # --- bookings and home ---
    path("gestion/", home.home, name="home"),
    path("gestion/reservations/", bookings.bookings, name="bookings"),
    path("gestion/reservations/export.csv", bookings.bookings_csv, name="bookings_csv"),
    path("gestion/reservations/sur-place/", walk_ins.walk_in, name="walk_in"),
    path(
        "gestion/reservations/<int:pk>/<str:action>/",
        bookings.booking_action,
        name="booking_action",
    ),
    path("gestion/notifications/", notifications.preferences, name="notifications"),
    path("gestion/notifications/<slug:slug>/", notifications.save, name="notifications_save"),
    # --- reimbursements ---
    path("gestion/remboursements/", statements.statements, name="statements"),
    # --- offices ---
    path("gestion/bureaux/", offices.offices, name="offices"),
    path("gestion/lieux/<slug:slug>/bureaux/nouveau/", offices.add_offer, name="add_office_offer"),
    path("gestion/bureaux/offres/<int:pk>/", offices.offer, name="office_offer"),
    path("gestion/bureaux/demandes/", offices.office_requests, name="office_requests"),
    path("gestion/bureaux/demandes/<int:pk>/", offices.office_request, name="office_request"),
]
