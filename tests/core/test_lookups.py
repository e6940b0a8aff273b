"""Ids beyond any integer column in an `__in` lookup match nothing, on both databases: a form
choosing several ids (a ModelMultipleChoiceField) refuses them as unknown choices."""

import pytest
from django import forms

from maillage.places.models import Place
from tests.factories import PlaceFactory

pytestmark = pytest.mark.django_db

HUGE = 99999999999999999999


def test_ids_no_column_holds_match_nothing():
    place = PlaceFactory()
    assert list(Place.objects.filter(pk__in=[HUGE, place.pk])) == [place]
    assert list(Place.objects.filter(pk__in=[HUGE, -HUGE])) == []
    assert not Place.objects.exclude(pk__in=[HUGE]).exclude(pk=place.pk).exists()


def test_a_multiple_choice_of_huge_ids_is_an_unknown_choice():
    place = PlaceFactory()

    class Choice(forms.Form):
        places = forms.ModelMultipleChoiceField(Place.objects.all())

    form = Choice({"places": [str(HUGE), str(place.pk)]})
    assert not form.is_valid()
    assert "places" in form.errors
    assert Choice({"places": [str(place.pk)]}).is_valid()
