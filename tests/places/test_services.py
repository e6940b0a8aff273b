from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from maillage.places import services
from maillage.places.models import Closure, OpeningHours, Place, Space, today_in_paris
from maillage.places.schedule import OpeningRange

pytestmark = pytest.mark.django_db


def test_staff_creates_a_place(staff_user, commune):
    place = services.create_place(
        staff_user,
        name="La Ruche",
        slug="la-ruche",
        address="3 rue Gallieni",
        postal_code="92100",
        commune=commune,
        latitude=commune.centroid_lat,
        longitude=commune.centroid_lon,
    )
    assert place.status == "project"


@pytest.mark.parametrize("actor", ["manager", "resident"])
def test_only_staff_creates_places(request, actor, commune):
    user = request.getfixturevalue(actor)
    count = Place.objects.count()
    with pytest.raises(PermissionDenied):
        services.create_place(user, name="X", slug="x", commune=commune)
    assert Place.objects.count() == count


def test_manager_edits_own_place_only(manager, place, other_place):
    services.update_place(manager, place, description="Nouveau texte")
    place.refresh_from_db()
    assert place.description == "Nouveau texte"
    with pytest.raises(PermissionDenied, match="Vous ne gérez pas ce lieu"):
        services.update_place(manager, other_place, description="Piratage")
    other_place.refresh_from_db()
    assert other_place.description == ""


def test_manager_cannot_change_status(manager, place):
    with pytest.raises(PermissionDenied, match="statut"):
        services.update_place(manager, place, status="closed")
    place.refresh_from_db()
    assert place.status == "open"


def test_staff_changes_status_along_the_lifecycle(staff_user, place):
    services.update_place(staff_user, place, status="closed")
    with pytest.raises(ValidationError) as error:
        services.update_place(staff_user, place, status="project")
    assert "ne peut pas passer" in error.value.message_dict["status"][0]
    place.refresh_from_db()
    assert place.status == "closed"


@pytest.mark.parametrize(
    ("operation", "kwargs"),
    [
        ("add_space", {"name": "Salle", "kind": "meeting_room", "capacity": 6}),
        ("replace_opening_hours", {"ranges": []}),
        ("set_managers", {"managers": []}),
        ("add_closure", {"start_date": None, "end_date": None, "reason": "x"}),
    ],
)
def test_every_edit_path_checks_the_place(manager, other_place, resident, operation, kwargs):
    for user in (manager, resident):
        with pytest.raises(PermissionDenied):
            getattr(services, operation)(user, other_place, **kwargs)


def test_manager_adds_space_to_own_place(manager, place):
    space = services.add_space(manager, place, name="Open space", kind="desk", capacity=12)
    assert space.place == place


def test_bad_space_is_refused_with_the_field_named(manager, place):
    with pytest.raises(ValidationError) as error:
        services.add_space(manager, place, name="Salle", kind="meeting_room", capacity=0)
    assert "capacity" in error.value.message_dict
    assert not Space.objects.exists()


def test_overlapping_hours_are_refused_and_nothing_changes(manager, place):
    services.replace_opening_hours(manager, place, [OpeningRange(0, time(9), time(18))])
    with pytest.raises(ValidationError) as error:
        services.replace_opening_hours(
            manager,
            place,
            [OpeningRange(1, time(9), time(13)), OpeningRange(1, time(12), time(18))],
        )
    assert "se chevauchent" in error.value.message_dict["opening_hours"][0]
    assert [str(h) for h in OpeningHours.objects.filter(place=place)] == ["Lundi 09:00–18:00"]


def test_overlapping_closures_are_refused(manager, place):
    start = today_in_paris() + timedelta(days=10)
    services.add_closure(
        manager, place, start_date=start, end_date=start + timedelta(days=3), reason="Travaux"
    )
    with pytest.raises(ValidationError) as error:
        services.add_closure(
            manager,
            place,
            start_date=start + timedelta(days=3),
            end_date=start + timedelta(days=5),
            reason="Inventaire",
        )
    assert "chevauche" in error.value.message_dict["end_date"][0]
    assert Closure.objects.filter(place=place).count() == 1


def test_inactive_staff_has_no_rights(staff_user, place):
    staff_user.is_active = False
    staff_user.save()
    with pytest.raises(PermissionDenied):
        services.update_place(staff_user, place, description="x")


def test_a_space_moves_only_between_places_one_manages(manager, place, other_place):
    theirs = Space.objects.create(
        place=other_place, name="Bureau", kind="private_office", capacity=2
    )
    theirs.place = place
    with pytest.raises(PermissionDenied):
        services.save_space(manager, theirs)
    assert Space.objects.get(pk=theirs.pk).place == other_place
    ours = services.add_space(manager, place, name="Salle", kind="meeting_room", capacity=6)
    with pytest.raises(PermissionDenied):
        services.delete_space(manager, theirs)
    services.delete_space(manager, ours)
    assert list(Space.objects.all()) == [theirs]


def test_only_staff_deletes_a_place(manager, staff_user, place):
    with pytest.raises(PermissionDenied):
        services.delete_place(manager, place)
    services.delete_place(staff_user, place)
    assert not Place.objects.filter(pk=place.pk).exists()


def test_closures_of_another_place_are_out_of_reach(manager, staff_user, place, other_place):
    start = today_in_paris() + timedelta(days=10)
    theirs = services.add_closure(
        staff_user, other_place, start_date=start, end_date=start, reason="Travaux"
    )
    theirs.place = place
    theirs.reason = "Piratage"
    for edit in ({"saved": [theirs]}, {"deleted": [theirs]}):
        with pytest.raises(PermissionDenied):
            services.save_closures(manager, place, **edit)
    assert Closure.objects.get().reason == "Travaux"
