from django.urls import path

from maillage.manager.places import views as places

app_name = "manager"

urlpatterns: list = [
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
]
