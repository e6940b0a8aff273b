"""«Mes données»: everything held about the signed-in person, nothing about anyone else,
no secret; every link to the account is exported or excluded with a reason."""

import html
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import AccountAction, AccountLog
from maillage.api.consent import create_token
from maillage.web import personal_data
from tests.booking import on_page
from tests.moments import NOW, paris

PAGE = reverse("web:my_data")
JSON = reverse("web:my_data_file", args=["json"])
ZIP = reverse("web:my_data_file", args=["zip"])


def test_every_link_to_the_account_is_exported_or_excluded_with_a_reason():
    links = {personal_data.link_name(field) for field in personal_data.user_links()}
    exported, excluded = personal_data.EXPORTED.keys(), personal_data.NOT_EXPORTED.keys()
    assert links - exported - excluded == set(), "export the new link or say why not"
    assert (exported | excluded) - links == set(), "a link listed is gone"
    assert not exported & excluded
    assert all(reason.strip() for reason in personal_data.NOT_EXPORTED.values())


@pytest.fixture
def two_people_booked(booker, other_booker, room):
    mine = on_page.book(booker, room.pk, paris(2026, 12, 2, 9), paris(2026, 12, 2, 10), now=NOW)
    theirs = on_page.book(
        other_booker, room.pk, paris(2026, 12, 3, 9), paris(2026, 12, 3, 10), now=NOW
    )
    return mine, theirs


@pytest.mark.django_db
def test_the_json_holds_my_data_only_and_no_secret(client, booker, two_people_booked):
    mine, theirs = two_people_booked
    booker.phone = "06 12 34 56 78"
    booker.save(update_fields=["phone"])
    token, secret = create_token(booker, "Mon tableur")
    client.force_login(booker)
    page = html.unescape(client.get(PAGE).content.decode())
    assert "Mes réservations" in page and "Jetons d'API" in page
    response = client.post(JSON)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    document = json.loads(text)
    by_key = {section["cle"]: section["lignes"] for section in document["sections"]}
    [account] = by_key["accounts.User"]
    assert account["email"] == booker.email and account["phone"] == "06 12 34 56 78"
    assert [row["id"] for row in by_key["booking.Booking.user"]] == [mine.pk]
    assert [row["name"] for row in by_key["api.ApiToken.user"]] == ["Mon tableur"]
    assert secret not in text and token.key_digest not in text
    assert booker.password not in text and "yanis" not in text
    assert set(by_key) == {"accounts.User", *personal_data.EXPORTED}
    [logged] = AccountLog.objects.filter(action=AccountAction.EXPORT)
    assert (logged.user, logged.actor, logged.detail) == (booker, booker, "json")


@pytest.mark.django_db
def test_the_csv_zip_has_one_file_per_kind(client, booker, two_people_booked):
    mine, _ = two_people_booked
    client.force_login(booker)
    response = client.post(ZIP)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {f"{key}.csv" for key in ["accounts.User", *personal_data.EXPORTED]}
    bookings = archive.read("booking.Booking.user.csv").decode().splitlines()
    assert bookings[0].startswith("id,space,user,")
    assert [line.split(",")[0] for line in bookings[1:]] == [str(mine.pk)]


@pytest.mark.django_db
def test_downloads_need_a_login_a_post_a_csrf_token_and_a_known_format(client, booker):
    assert client.post(JSON)["Location"].startswith(reverse("accounts:login"))
    client.force_login(booker)
    assert client.get(JSON).status_code == 405
    assert client.post(reverse("web:my_data_file", args=["xml"])).status_code == 404
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(booker)
    assert strict.post(JSON).status_code == 403
    assert not AccountLog.objects.exists()
