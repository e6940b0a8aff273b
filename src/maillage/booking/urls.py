from django.urls import path, register_converter

from maillage.booking.views import mine, public


class FeedToken:
    """A calendar feed's token as models.new_feed_token writes it (URL-safe base64, at most
    the column's 64 characters): anything else is unknown before the database is asked (a
    NUL byte made PostgreSQL fail where SQLite answered 404)."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedToken, "feed_token")

app_name = "booking"

urlpatterns = [
    path("reserver/", public.search, name="search"),
    path("reserver/espace/<int:pk>/", public.space, name="space"),
    path("reserver/espace/<int:pk>/reserver/", public.book, name="book"),
    path("reservations/", mine.my_bookings, name="my_bookings"),
    path("reservations/<int:pk>/annuler/", mine.cancel, name="cancel"),
    path("reservations/<int:pk>/agenda.ics", mine.booking_ics, name="booking_ics"),
    path("reservations/series/<int:pk>/annuler/", mine.cancel_series, name="cancel_series"),
    path("reservations/agenda/", mine.renew_feed, name="renew_feed"),
    path("calendrier/<feed_token:token>.ics", mine.feed, name="feed"),
    path("calendrier/<feed_token:token>/lieux/<slug:slug>.ics", mine.place_feed, name="place_feed"),
]
