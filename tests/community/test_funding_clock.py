"""A funding opportunity's deadline typed on the daylight-saving nights, read by the
project's one rule (booking.forms.paris_instant): a skipped time refused on its field, a
time shown twice chosen by staff, never taken silently."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.community.models import FundingOpportunity
from tests.community.test_funding import form

pytestmark = pytest.mark.django_db

NEW = reverse("community:staff_opportunity_new")


def last_sunday(month: int) -> date:
    """The last Sunday of `month` next year (a daylight-saving night in Paris)."""
    day = date(timezone.localdate().year + 1, month, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def test_a_skipped_time_is_refused_naming_the_valid_times(client, staff_user):
    client.force_login(staff_user)
    spring = last_sunday(3)
    answer = client.post(NEW, form(deadline_date=str(spring), deadline_time="02:30"))
    assert answer.status_code == 400
    [error] = answer.context["form"].errors["deadline_time"]
    assert error.startswith("Cette heure n'existe pas le ")
    assert error.endswith(
        "(passage à l'heure d'été) : choisissez avant 02h00 ou à partir de 03h00."
    )
    assert not FundingOpportunity.objects.exists()


def test_a_time_shown_twice_is_asked_then_kept_as_chosen(client, staff_user):
    client.force_login(staff_user)
    autumn = last_sunday(10)
    data = form(deadline_date=str(autumn), deadline_time="02:30")
    asked = client.post(NEW, data)
    assert asked.status_code == 400
    assert asked.context["form"].errors["deadline_time_occurrence"] == [
        "Précisez s'il s'agit de 02h30 heure d'été ou heure d'hiver."
    ]
    assert not FundingOpportunity.objects.exists()

    assert client.post(NEW, {**data, "deadline_time_occurrence": "1"}).status_code == 302
    opportunity = FundingOpportunity.objects.get()
    summer = datetime.combine(autumn, datetime.min.time(), tzinfo=UTC) + timedelta(minutes=30)
    assert opportunity.deadline == summer  # 02h30 summer time: 00h30 UTC

    page = reverse("community:staff_opportunity", args=[opportunity.pk])
    shown = client.get(page).context["form"]
    assert shown["deadline_time_occurrence"].value() == 1
    assert client.post(page, {**data, "deadline_time_occurrence": "2"}).status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.deadline == summer + timedelta(hours=1)  # winter time
