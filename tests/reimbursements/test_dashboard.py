"""The staff's budget dashboard (/departement/budgets/): consumed and committed per
programme, commune, month and category, the forecast, the charts, the exports, the rights."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.booking import services as booking
from maillage.booking.models import Channel
from maillage.events import services as events
from maillage.reimbursements import dashboard
from tests.factories import (
    BookablePlaceFactory,
    DeskFactory,
    EventFactory,
    ManagerFactory,
    StaffFactory,
    VerifiedUserFactory,
)
from tests.moments import NOW, paris
from tests.programmes.builders import category, employer_quota, programme, verified

pytestmark = pytest.mark.django_db

# Wednesday 2 December 2026, 9:00–11:00: 8 € at a desk, 6 € paid by the programme.
SLOT = (paris(2026, 12, 2, 9), paris(2026, 12, 2, 11))
JANUARY_SLOT = (paris(2027, 1, 6, 9), paris(2027, 1, 6, 11))
DAY = timedelta(days=1)
PAGE = "/departement/budgets/"


def book(person, space, slot=SLOT):
    return booking.book(person, space.pk, *slot, now=NOW, channel=Channel.PAGE)


def check_in(manager, done):
    return booking.check_in(manager, done, now=done.start, channel=Channel.PAGE)


def figures(made, now=NOW, categories=False):
    return dashboard.overview(made, now, with_categories=categories)


def test_the_page_has_its_address():
    assert reverse("reimbursements:dashboard") == PAGE


def test_a_booking_is_committed_then_consumed_once_checked_in(desks, booker, place_manager):
    made = programme(desks.place)
    verified(booker, "rsa")
    done = book(booker, desks)
    booked = figures(made)
    assert (booked.owed_cents, booked.committed_cents) == (0, 600)
    assert (booked.budget_cents, booked.left_cents, booked.pace_cents) == (100_000, 99_400, 600)
    # 99 400 cents at 600 every 30 days: 4970 days, rounded up.
    assert booked.runs_out_on == NOW.date() + timedelta(days=4970)
    check_in(place_manager, done)
    honoured = figures(made)
    assert (honoured.owed_cents, honoured.committed_cents) == (600, 0)
    assert honoured.left_cents == 99_400


@pytest.mark.parametrize(("rule", "owed"), [("place_paid", 600), ("given_back", 0)])
def test_a_late_cancellation_follows_the_late_rule_and_an_early_one_gives_back(
    desks, booker, manager, rule, owed
):
    desks.place.managers.add(manager)
    made = programme(desks.place, late_rule=rule)
    verified(booker, "rsa")
    early, late = book(booker, desks), book(booker, desks, (SLOT[0] + DAY, SLOT[1] + DAY))
    notice = timedelta(hours=desks.place.cancellation_notice_hours)
    booking.cancel(manager, early, "Salle fermée", now=SLOT[0] - notice, channel=Channel.PAGE)
    after_early = figures(made, now=SLOT[0])
    assert (after_early.owed_cents, after_early.committed_cents) == (0, 600)
    # Booked 1200 then 600 given back, within the last 30 days.
    assert after_early.pace_cents == 600
    just_past = SLOT[0] + DAY - notice + timedelta(minutes=1)
    booking.cancel(manager, late, "Prévenu tard", now=just_past, channel=Channel.PAGE)
    found = figures(made, now=just_past)
    assert (found.owed_cents, found.committed_cents) == (owed, 0)
    assert found.left_cents == 100_000 - owed
    # Booked 1200, 600 given back early, and the late one's 600 when the rule gives it.
    assert found.pace_cents == owed
    days = 4970  # 99 400 cents left at 600 every 30 days
    assert found.runs_out_on == (None if owed == 0 else just_past.date() + timedelta(days=days))


def test_the_pace_forgets_what_is_older_than_30_days(desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    book(booker, desks)
    later = figures(made, now=NOW + timedelta(days=30, minutes=1))
    assert (later.pace_cents, later.runs_out_on, later.committed_cents) == (0, None, 600)


def test_sums_per_commune_and_per_paris_month(
    desks, booker, other_booker, place_manager, other_commune
):
    nanterre = DeskFactory(place=BookablePlaceFactory(commune=other_commune, slug="atelier"))
    made = programme([desks.place, nanterre.place])
    verified(booker, "rsa")
    verified(other_booker, "rsa")
    check_in(place_manager, book(booker, desks))
    book(other_booker, desks, JANUARY_SLOT)
    book(booker, nanterre, JANUARY_SLOT)
    # 1 January 0:30 in Paris is still 31 December in UTC: a January share.
    book(other_booker, nanterre, (paris(2027, 1, 1, 9), paris(2027, 1, 1, 11)))
    found = figures(made)
    assert [(r.label, r.owed_cents, r.committed_cents) for r in found.communes] == [
        ("Boulogne-Billancourt", 600, 600),
        ("Nanterre", 0, 1200),
    ]
    assert [(r.key, r.label, r.owed_cents, r.committed_cents) for r in found.months] == [
        ("2026-12", "décembre 2026", 600, 0),
        ("2027-01", "janvier 2027", 0, 1800),
    ]
    for rows in (found.communes, found.months):
        assert sum(r.owed_cents for r in rows) == found.owed_cents == 600
        assert sum(r.committed_cents for r in rows) == found.committed_cents == 1800


def test_an_event_registration_is_committed_then_consumed_once_present(
    bookable_place, booker, place_manager
):
    workshop = EventFactory(place=bookable_place, capacity=5, price_cents=1200)
    made = programme(bookable_place, covers_events=True)
    verified(booker, "rsa")
    registration = events.register(booker, workshop, 1)
    booked = figures(made, now=timezone.now())
    month = timezone.localtime(workshop.start).strftime("%Y-%m")
    assert (booked.owed_cents, booked.committed_cents, booked.pace_cents) == (0, 900, 900)
    assert [(r.key, r.committed_cents) for r in booked.months] == [(month, 900)]
    assert [(r.label, r.committed_cents) for r in booked.communes] == [
        ("Boulogne-Billancourt", 900)
    ]
    events.mark_attendance(place_manager, registration, True, now=workshop.start)
    present = figures(made, now=timezone.now())
    assert (present.owed_cents, present.committed_cents) == (900, 0)
    assert [(r.key, r.owed_cents) for r in present.months] == [(month, 900)]


def test_a_person_holding_two_categories_counts_in_both(desks, booker, other_booker):
    made = programme(desks.place, categories=("rsa", "demandeur-emploi"))
    verified(booker, "rsa")
    verified(booker, "demandeur-emploi")
    verified(other_booker, "rsa")
    book(booker, desks)
    book(other_booker, desks)
    rows = figures(made, categories=True).categories
    assert {r.key: r.committed_cents for r in rows} == {"demandeur-emploi": 600, "rsa": 1200}
    assert figures(made).categories is None


def test_a_share_without_any_category_that_day_is_counted_apart(desks, booker):
    quota = employer_quota(desks.place, [booker])
    book(booker, desks)
    found = figures(quota, categories=True)
    assert found.committed_cents > 0
    assert [(r.key, r.label, r.committed_cents) for r in found.categories] == [
        ("", dashboard.NO_CATEGORY, found.committed_cents)
    ]


# The pages.


@pytest.fixture
def funded(desks, booker, place_manager):
    made = programme(desks.place)
    verified(booker, "rsa")
    check_in(place_manager, book(booker, desks))
    return made


@pytest.mark.usefixtures("pages_at_now")
def test_only_departement_staff_open_the_page_and_its_exports(client, funded, desks):
    for name in ("dashboard", "dashboard_csv", "dashboard_spreadsheet"):
        url = reverse(f"reimbursements:{name}")
        client.logout()
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
        for person in (VerifiedUserFactory(), ManagerFactory(places=[desks.place])):
            client.force_login(person)
            assert client.get(url).status_code == 403
        client.force_login(StaffFactory())
        assert client.get(url).status_code == 200


@pytest.mark.usefixtures("pages_at_now")
def test_the_page_s_queries_do_not_grow_with_the_shares(
    client, funded, desks, other_booker, django_assert_max_num_queries
):
    staff = StaffFactory()
    client.force_login(staff)
    with django_assert_max_num_queries(20) as few:
        client.get(PAGE)
    verified(other_booker, "rsa")
    for day in range(3, 8):
        book(other_booker, desks, (SLOT[0] + (day - 2) * DAY, SLOT[1] + (day - 2) * DAY))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(PAGE)


@pytest.mark.usefixtures("pages_at_now")
def test_staff_see_the_figures_charts_and_export_links(client, funded):
    client.force_login(StaffFactory())
    response = client.get(PAGE)
    page = response.content.decode()
    assert response.context["found"].programme == funded
    assert "1\u202f000 €" in page  # the budget
    assert "994 €" in page  # what is left
    assert "6 €" in page
    assert '<svg role="img"' in page and "<title" in page and "<desc" in page
    assert "<caption>Consommé et engagé par mois</caption>" in page
    assert "Boulogne-Billancourt" in page and "décembre 2026" in page
    query = f"?dispositif={funded.pk}"
    assert f'href="{reverse("reimbursements:dashboard_csv")}{query}"' in page
    assert f'href="{reverse("reimbursements:dashboard_spreadsheet")}{query}"' in page
    assert "style=" not in page.split("<main", 1)[-1]
    assert "Par catégorie" not in page


@pytest.mark.usefixtures("pages_at_now")
def test_the_category_breakdown_asks_the_right_and_a_second_factor(
    client, funded, verifier, second_factor_login
):
    client.force_login(verifier)
    unverified = client.get(PAGE).content.decode()
    assert "Par catégorie" not in unverified
    assert reverse("eligibility:otp_verify") in unverified
    assert ",categorie," not in client.get(reverse("reimbursements:dashboard_csv")).content.decode()
    second_factor_login(client, verifier)
    page = client.get(PAGE).content.decode()
    assert "Par catégorie" in page and "<caption>Consommé et engagé par catégorie</caption>" in page
    export = client.get(reverse("reimbursements:dashboard_csv")).content.decode()
    assert f"{funded.pk},categorie,rsa,{category('rsa').label},consomme,600\n" in export


@pytest.mark.usefixtures("pages_at_now")
def test_the_first_programme_by_priority_is_shown_unless_one_is_chosen(client, desks):
    low = programme(desks.place, priority=1)
    high = programme(desks.place, priority=5)
    client.force_login(StaffFactory())
    assert client.get(PAGE).context["found"].programme == high
    assert client.get(PAGE, {"dispositif": low.pk}).context["found"].programme == low


@pytest.mark.usefixtures("pages_at_now")
@pytest.mark.parametrize(
    ("value", "status", "message"),
    [
        ("abc", 400, "Le dispositif doit être donné par son numéro"),
        ("-3", 400, "Le dispositif doit être donné par son numéro"),
        ("١٢", 400, "Le dispositif doit être donné par son numéro"),
        ("9" * 40, 400, "Le dispositif doit être donné par son numéro"),
        ("987654", 404, "Aucun dispositif ne porte le numéro 987654."),
    ],
)
def test_a_bad_programme_is_refused_in_french(client, funded, value, status, message):
    client.force_login(StaffFactory())
    for name in ("dashboard", "dashboard_csv", "dashboard_spreadsheet"):
        response = client.get(reverse(f"reimbursements:{name}"), {"dispositif": value})
        assert response.status_code == status
        assert message in response.content.decode()


@pytest.mark.usefixtures("pages_at_now")
def test_without_any_programme_the_page_says_so(client):
    client.force_login(StaffFactory())
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Aucun dispositif n'existe encore." in response.content.decode()
    assert client.get(reverse("reimbursements:dashboard_csv")).status_code == 404


@pytest.mark.usefixtures("pages_at_now")
def test_the_exports_hold_what_the_page_shows(client, funded):
    client.force_login(StaffFactory())
    canonical = client.get(reverse("reimbursements:dashboard_csv"))
    assert canonical["Content-Disposition"] == (
        f'attachment; filename="budget-dispositif-{funded.pk}-2026-12-01.csv"'
    )
    runs_out = (NOW.date() + timedelta(days=4970)).isoformat()
    p = funded.pk
    assert canonical.content.decode() == (
        "dispositif,table,cle,ligne,mesure,valeur\n"
        f"{p},synthese,,Ensemble,budget,100000\n"
        f"{p},synthese,,Ensemble,reste,99400\n"
        f"{p},synthese,,Ensemble,consomme,600\n"
        f"{p},synthese,,Ensemble,engage,0\n"
        f"{p},synthese,,Ensemble,rythme_30_jours,600\n"
        f"{p},synthese,,Ensemble,epuise_le,{runs_out}\n"
        f"{p},commune,92012,Boulogne-Billancourt,consomme,600\n"
        f"{p},commune,92012,Boulogne-Billancourt,engage,0\n"
        f"{p},mois,2026-12,décembre 2026,consomme,600\n"
        f"{p},mois,2026-12,décembre 2026,engage,0\n"
    )
    spreadsheet = client.get(reverse("reimbursements:dashboard_spreadsheet"))
    assert spreadsheet["Content-Disposition"].endswith(f'-{p}-2026-12-01-tableur.csv"')
    lines = spreadsheet.content.decode().split("\r\n")
    assert lines[0] == "\ufeffDispositif;Tableau;Code;Ligne;Mesure;Valeur"
    assert f"{funded.name};Synthèse;;Ensemble;Reste (€);994,00" in lines
    assert f"{funded.name};Par commune;92012;Boulogne-Billancourt;Consommé (€);6,00" in lines
    runs_out_fr = (NOW.date() + timedelta(days=4970)).strftime("%d/%m/%Y")
    assert f"{funded.name};Synthèse;;Ensemble;Épuisé le;{runs_out_fr}" in lines


def test_a_month_without_shares_between_two_shows_at_zero(desks, booker):
    made = programme(desks.place)
    verified(booker, "rsa")
    book(booker, desks)
    book(booker, desks, (paris(2027, 2, 2, 9), paris(2027, 2, 2, 11)))
    assert [(r.key, r.owed_cents, r.committed_cents) for r in figures(made).months] == [
        ("2026-12", 0, 600),
        ("2027-01", 0, 0),
        ("2027-02", 0, 600),
    ]
