"""The organisers' CSV of an event's registrations and waiting list."""

import csv
import io

from django.utils import timezone

from maillage.core.spreadsheet import cell
from maillage.events import exports, services
from maillage.events.models import Registration
from tests.factories import VerifiedUserFactory


def read(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_registrations_then_the_waiting_list_in_order(event, people):
    people[0].first_name, people[0].last_name = "Camille", "Martin"
    people[0].save()
    services.register(people[2], event, 2)
    services.register(people[0], event, 1)
    waiting = [services.register(p, event, n) for p, n in ((people[3], 2), (people[1], 1))]
    services.leave_waiting_list(people[4], services.register(people[4], event, 1))
    rows = read(exports.registrations_csv(event))
    assert rows[0] == exports.CSV_HEADER
    assert [row[1] for row in rows[1:]] == [
        people[2].email,
        people[0].email,
        waiting[0].user.email,
        waiting[1].user.email,
        people[4].email,
    ]
    assert rows[2][:4] == ["Camille Martin", people[0].email, "Inscription confirmée", "1"]
    assert [row[4] for row in rows[1:]] == ["", "", "1", "2", ""]
    assert [row[2] for row in rows[3:]] == [
        "Sur la liste d'attente",
        "Sur la liste d'attente",
        "Annulée",
    ]
    assert rows[1][8:10] == ["24,00", "24,00"]


def test_cells_that_look_like_formulas_are_neutralised(event):
    person = VerifiedUserFactory(first_name="=SUM(A1)", last_name="")
    registration = services.register(person, event, 1)
    Registration.objects.filter(pk=registration.pk).update(status_reason="@SUM(A1)")
    [row] = read(exports.registrations_csv(event))[1:]
    assert row[0] == "'=SUM(A1)"
    assert row[10] == "'@SUM(A1)"
    assert [cell(v) for v in ("+1", "-1", "\tx", "\rx", "ok")] == [
        "'+1",
        "'-1",
        "'\tx",
        "'\rx",
        "ok",
    ]


def test_the_file_is_named_after_the_event(event):
    assert exports.csv_filename(event) == (
        f"inscriptions-atelier-{event.pk}-{timezone.localdate(event.start):%Y-%m-%d}.csv"
    )
