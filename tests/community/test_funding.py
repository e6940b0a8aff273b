"""Funding opportunities: kept by staff (bad input refused, nothing written), shown to
members (open ones first by deadline, closed ones marked), a reminder before each deadline
once per opportunity and threshold, to the members it is for who did not switch it off."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from maillage.community import funding, selectors, services
from maillage.community.models import FundingOpportunity, FundingReminder
from maillage.config.environment import env_int_list
from maillage.core import outbox
from maillage.core.models import OutboundEmail
from tests.community.samples import opportunity_fields
from tests.moments import paris
from tests.pages import text

pytestmark = pytest.mark.django_db

NEW = reverse("community:staff_opportunity_new")
LIST = reverse("community:funding")


def form(**changes) -> dict:
    """The staff form of a FSE+ call closing in 40 days at 17:00."""
    deadline = timezone.localdate() + timedelta(days=40)
    return {
        "title": "Inclusion par le numérique",
        "funder": "État (DREETS)",
        "fund": "fse_plus",
        "description": "Accompagner les publics éloignés du numérique.",
        "eligibility": "",
        "audiences": ["for_managers"],
        "amount_min_cents": "5 000",
        "amount_max_cents": "50 000,50",
        "opens_on": str(timezone.localdate()),
        "deadline_date": str(deadline),
        "deadline_time": "17:00",
        "link": "fse.gouv.fr/appel",
        **changes,
    }


def add(staff, **changes) -> FundingOpportunity:
    return funding.save_opportunity(staff, None, opportunity_fields(**changes))


def test_staff_add_an_opportunity_on_their_page(client, staff_user):
    client.force_login(staff_user)
    assert "23:59" in text(client.get(NEW))  # the deadline's time, unless said
    answer = client.post(NEW, form(), follow=True)
    assert "Le financement « Inclusion par le numérique » est enregistré." in text(answer)
    opportunity = FundingOpportunity.objects.get()
    deadline = timezone.localtime(opportunity.deadline)
    assert (deadline.date(), deadline.hour, deadline.minute) == (
        timezone.localdate() + timedelta(days=40),
        17,
        0,
    )
    assert (opportunity.amount_min_cents, opportunity.amount_max_cents) == (5_000_00, 50_000_50)
    assert (opportunity.for_managers, opportunity.for_project_holders) == (True, False)
    assert opportunity.link == "https://fse.gouv.fr/appel"
    assert (opportunity.created_by, opportunity.updated_by) == (staff_user, staff_user)


def test_staff_change_an_opportunity(client, staff_user):
    opportunity = add(staff_user)
    client.force_login(staff_user)
    page = reverse("community:staff_opportunity", args=[opportunity.pk])
    shown = text(client.get(page))
    assert 'value="Tiers-lieux et inclusion numérique"' in shown and 'value="12:00"' in shown
    client.post(page, form(title="Nouveau titre"))
    opportunity.refresh_from_db()
    assert opportunity.title == "Nouveau titre" and FundingOpportunity.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"title": "  "}, "title", "Ce champ est obligatoire."),
        ({"funder": "A\r\nB"}, "funder", "Le financeur ne peut pas contenir"),
        ({"fund": "loto"}, "fund", "Sélectionnez un choix valide"),
        ({"amount_min_cents": "-5"}, "amount_min_cents", "Le montant doit être positif ou nul."),
        ({"amount_max_cents": "abc"}, "amount_max_cents", "Indiquez un montant en euros"),
        ({"amount_max_cents": "1,005"}, "amount_max_cents", "deux décimales au plus"),
        (
            {"amount_max_cents": "200 000 000"},
            "amount_max_cents",
            "Le montant maximal doit être entre 0 et 100\u202f000\u202f000\u00a0€.",
        ),
        (
            {"amount_min_cents": "60 000", "amount_max_cents": "50 000"},
            "amount_max_cents",
            "Le montant maximal doit être supérieur ou égal au montant minimal.",
        ),
        (
            {"opens_on": str(timezone.localdate() + timedelta(days=50))},
            "deadline_date",
            "La date limite doit suivre l'ouverture des candidatures",
        ),
        ({"deadline_date": ""}, "deadline_date", "Ce champ est obligatoire."),
        ({"deadline_date": "2026-02-30"}, "deadline_date", "cette date n'existe pas"),
        ({"deadline_date": "9999-12-31"}, "deadline_date", "choisissez une date entre"),
        ({"deadline_time": "24:00"}, "deadline_time", "Heure HH:MM attendue"),
        ({"opens_on": "demain"}, "opens_on", "date AAAA-MM-JJ attendue"),
        ({"audiences": []}, "audiences", "cochez au moins un public"),
        ({"audiences": ["for_everyone"]}, "audiences", "Sélectionnez un choix valide"),
        ({"link": "javascript:alert(1)"}, "link", "Saisissez une URL valide."),
        ({"description": "x" * 5001}, "description", "au plus 5000 caractères"),
    ],
)
def test_bad_input_is_refused_naming_the_field(client, staff_user, changes, field, message):
    client.force_login(staff_user)
    answer = client.post(NEW, form(**changes))
    assert answer.status_code == 400
    errors = answer.context["form"].errors[field]
    assert any(message in error for error in errors), errors
    assert "rien n'a été enregistré" in text(answer)
    assert not FundingOpportunity.objects.exists()


def test_a_time_the_clock_skips_is_refused(client, staff_user):
    client.force_login(staff_user)
    spring = date(timezone.localdate().year + 1, 3, 31)
    spring -= timedelta(days=(spring.weekday() + 1) % 7)  # the last Sunday of March
    answer = client.post(NEW, form(deadline_date=str(spring), deadline_time="02:30"))
    assert answer.status_code == 400
    assert "passage à l'heure d'été" in answer.context["form"].errors["deadline_time"][0]


def test_the_database_refuses_what_the_rules_refuse(staff_user):
    opportunity = add(staff_user)
    for changes in (
        {"amount_min_cents": 10, "amount_max_cents": 5},
        {"for_managers": False, "for_project_holders": False, "for_companies": False},
        {"fund": "loto"},
        {"title": "Appel\r\nBcc: x@example.org"},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            FundingOpportunity.objects.filter(pk=opportunity.pk).update(**changes)


def test_only_staff_keep_opportunities(client, lea, resident, staff_user):
    opportunity = add(staff_user)
    edit = reverse("community:staff_opportunity", args=[opportunity.pk])
    delete = reverse("community:staff_delete_opportunity", args=[opportunity.pk])
    assert client.get(NEW)["Location"].startswith(reverse("accounts:login"))
    for person in (lea, resident):
        client.force_login(person)
        assert client.post(NEW, form()).status_code == 403
        assert client.post(edit, form(title="Pirate")).status_code == 403
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"confirmer": "oui"}).status_code == 403
        with pytest.raises(PermissionDenied):
            funding.save_opportunity(person, opportunity.pk, {"title": "Pirate"})
    opportunity.refresh_from_db()
    assert opportunity.title == "Tiers-lieux et inclusion numérique"
    client.force_login(staff_user)
    assert f'href="{delete}"' in text(client.get(edit))
    # Asked first: the page, or a POST without the confirmation, deletes nothing.
    assert "Supprimer le financement « Tiers-lieux" in text(client.get(delete))
    assert client.post(delete).status_code == 200
    assert FundingOpportunity.objects.exists()
    assert client.post(delete, {"confirmer": "oui"})["Location"] == LIST
    assert not FundingOpportunity.objects.exists()


def test_members_read_open_ones_first_by_deadline_closed_ones_marked(
    client, staff_user, lea, sofia, booker
):
    now = timezone.now()
    add(staff_user, title="Plus tard", deadline=now + timedelta(days=60))
    add(staff_user, title="Bientôt", deadline=now + timedelta(days=5), amount_min_cents=None)
    add(
        staff_user,
        title="Pas encore ouvert",
        deadline=now + timedelta(days=90),
        opens_on=timezone.localdate() + timedelta(days=30),
    )
    # Added while open (a new one's deadline is ahead), closed since.
    funding.save_opportunity(
        staff_user,
        None,
        opportunity_fields(title="Passé", opens_on=None, deadline=now - timedelta(days=1)),
        now=now - timedelta(days=2),
    )
    for person in (lea, sofia):
        client.force_login(person)
        page = text(client.get(LIST))
        assert page.index("Bientôt") < page.index("Plus tard") < page.index("Pas encore ouvert")
        assert page.index("Pas encore ouvert") < page.index("Clos récemment") < page.index("Passé")
        assert "Ouvre le" in page and ">Clos</span>" in page
        assert "jusqu'à 200\u202f000 €" in page  # «Bientôt»: no minimum
        assert "de 10\u202f000 € à 200\u202f000 €" in page
        assert "Modifier" not in page
    client.force_login(booker)
    assert client.get(LIST).status_code == 403


# Reminders


def reminded() -> list[tuple[str, str]]:
    """(address, opportunity's title) of each reminder queued, sorted."""
    titles = dict(FundingOpportunity.objects.values_list("pk", "title"))
    return sorted(
        (email.address, titles[email.context["opportunity"]])
        for email in OutboundEmail.objects.filter(topic="community.funding_reminder")
    )


@pytest.fixture
def call(staff_user):
    """A call for managers and project holders closing on 15 January 2027 at noon (Paris)."""
    return add(staff_user, deadline=paris(2027, 1, 15, 12, 0), opens_on=date(2026, 11, 1))


def test_a_reminder_goes_14_days_then_3_days_before(call, lea, sofia):
    assert funding.queue_reminders(paris(2026, 12, 31, 11, 0)) == 0  # 15 days and 1 hour
    assert funding.queue_reminders(paris(2027, 1, 1, 13, 0)) == 2  # within 14 days
    assert funding.queue_reminders(paris(2027, 1, 2, 13, 0)) == 0  # once
    assert funding.queue_reminders(paris(2027, 1, 12, 12, 0)) == 2  # 3 days before
    assert funding.queue_reminders(paris(2027, 1, 14, 12, 0)) == 0
    assert funding.queue_reminders(paris(2027, 1, 16, 12, 0)) == 0  # closed
    assert reminded() == [
        ("lea@lieu.test", call.title),
        ("lea@lieu.test", call.title),
        ("sofia@projet.test", call.title),
        ("sofia@projet.test", call.title),
    ]
    assert sorted(FundingReminder.objects.values_list("days_before", flat=True)) == [3, 14]


def test_one_opportunity_failing_stops_none_of_the_others(
    staff_user, call, lea, monkeypatch, caplog
):
    sooner = add(staff_user, title="Appel plus proche", deadline=paris(2027, 1, 14, 12, 0))
    recipients = selectors.reminder_recipients

    def failing(opportunity):
        if opportunity.pk == sooner.pk:
            raise RuntimeError("panne")
        return recipients(opportunity)

    monkeypatch.setattr(selectors, "reminder_recipients", failing)
    assert funding.queue_reminders(paris(2027, 1, 12, 13, 0)) == 1
    assert reminded() == [("lea@lieu.test", call.title)]
    # The failing one wrote nothing, and was logged with its traceback.
    assert not FundingReminder.objects.filter(opportunity=sooner).exists()
    [record] = [r for r in caplog.records if r.name == "maillage.community.funding"]
    assert record.levelname == "ERROR" and str(sooner.pk) in record.getMessage()
    assert record.exc_info and record.exc_info[0] is RuntimeError
    # Mended, the next run sends it.
    monkeypatch.setattr(selectors, "reminder_recipients", recipients)
    assert funding.queue_reminders(paris(2027, 1, 12, 14, 0)) == 1
    assert reminded() == [("lea@lieu.test", sooner.title), ("lea@lieu.test", call.title)]


def test_thresholds_passed_together_make_one_email(call, lea):
    assert funding.queue_reminders(paris(2027, 1, 13, 12, 0)) == 1
    assert funding.queue_reminders(paris(2027, 1, 14, 12, 0)) == 0
    assert sorted(FundingReminder.objects.values_list("days_before", flat=True)) == [3, 14]


def test_the_email_says_what_and_when(call, lea):
    funding.queue_reminders(paris(2027, 1, 12, 12, 0))
    outbox.deliver_due(paris(2027, 1, 12, 12, 0))
    [email] = mail.outbox
    assert email.to == ["lea@lieu.test"]
    assert email.subject == (
        "Maillage : financement « Tiers-lieux et inclusion numérique », dépôt avant "
        "le 15 janvier 2027 à 12h00"
    )
    assert "se déposent jusqu'au 15 janvier 2027 à 12h00, dans 3 jours" in email.body
    assert "gestionnaires de tiers-lieux, porteurs de projet" in email.body
    assert "https://www.iledefrance.fr/" in email.body
    assert reverse("community:my_emails") in email.body


def test_reminders_go_to_whom_the_call_is_for(staff_user, lea, sofia):
    for_holders = add(
        staff_user,
        title="Pour les projets",
        for_managers=False,
        deadline=paris(2027, 1, 15, 12, 0),
        opens_on=None,
    )
    for_companies = add(
        staff_user,
        title="Pour les entreprises",
        for_managers=False,
        for_project_holders=False,
        for_companies=True,
        deadline=paris(2027, 1, 15, 12, 0),
        opens_on=None,
    )
    funding.queue_reminders(paris(2027, 1, 13, 12, 0))
    # Companies apply through the places that host them: their managers are told.
    assert reminded() == [
        ("lea@lieu.test", for_companies.title),
        ("sofia@projet.test", for_holders.title),
    ]


def test_a_member_who_switched_reminders_off_gets_none(call, lea, sofia):
    services.set_member_emails(lea, announcements=True, funding_reminders=False)
    funding.queue_reminders(paris(2027, 1, 13, 12, 0))
    assert reminded() == [("sofia@projet.test", call.title)]


def test_a_deadline_moved_later_is_reminded_again(staff_user, call, lea):
    funding.queue_reminders(paris(2027, 1, 13, 12, 0))
    funding.save_opportunity(
        staff_user,
        call.pk,
        {"deadline": paris(2027, 2, 15, 12, 0)},
        now=paris(2027, 1, 13, 13, 0),
    )
    assert not FundingReminder.objects.exists()
    assert funding.queue_reminders(paris(2027, 2, 2, 12, 0)) == 1
    assert funding.queue_reminders(paris(2027, 2, 12, 13, 0)) == 1
    assert len(reminded()) == 3


def test_the_days_come_from_the_setting(settings, call, lea):
    settings.MAILLAGE_FUNDING_REMINDER_DAYS = [7]
    assert funding.queue_reminders(paris(2027, 1, 1, 13, 0)) == 0
    assert funding.queue_reminders(paris(2027, 1, 8, 13, 0)) == 1
    assert funding.queue_reminders(paris(2027, 1, 13, 13, 0)) == 0


@pytest.mark.parametrize(("raw", "days"), [(None, [14, 3]), ("3, 14,14", [14, 3]), ("30", [30])])
def test_the_setting_reads_whole_numbers(monkeypatch, raw, days):
    if raw is None:
        monkeypatch.delenv("MAILLAGE_FUNDING_REMINDER_DAYS", raising=False)
    else:
        monkeypatch.setenv("MAILLAGE_FUNDING_REMINDER_DAYS", raw)
    assert env_int_list("MAILLAGE_FUNDING_REMINDER_DAYS", [14, 3], minimum=1) == days


@pytest.mark.parametrize("raw", ["", "14,", "0", "deux", "١٤", "-3"])
def test_the_setting_refuses_anything_else(monkeypatch, raw):
    monkeypatch.setenv("MAILLAGE_FUNDING_REMINDER_DAYS", raw)
    with pytest.raises(ImproperlyConfigured, match="MAILLAGE_FUNDING_REMINDER_DAYS"):
        env_int_list("MAILLAGE_FUNDING_REMINDER_DAYS", [14, 3], minimum=1)


def test_a_bad_change_from_a_service_writes_nothing(staff_user, call):
    with pytest.raises(ValidationError) as refused:
        funding.save_opportunity(staff_user, call.pk, {"opens_on": date(2027, 2, 1)})
    assert "deadline" in refused.value.message_dict
    call.refresh_from_db()
    assert call.opens_on == date(2026, 11, 1)


# Hostile addresses and deadlines


@pytest.mark.parametrize("pk", [0, 999_999])
def test_an_unknown_opportunity_is_404_on_both_methods(client, staff_user, pk):
    """0 included: only the «nouveau» address makes a new one."""
    add(staff_user)
    client.force_login(staff_user)
    for page in ("community:staff_opportunity", "community:staff_delete_opportunity"):
        address = reverse(page, args=[pk])
        assert client.get(address).status_code == 404
        assert client.post(address, {**form(), "confirmer": "oui"}).status_code == 404
    assert FundingOpportunity.objects.count() == 1


def test_a_new_opportunity_closing_in_the_past_is_refused_a_stored_one_corrected(
    client, staff_user
):
    client.force_login(staff_user)
    yesterday = str(timezone.localdate() - timedelta(days=1))
    answer = client.post(NEW, form(opens_on="", deadline_date=yesterday))
    assert answer.status_code == 400
    assert answer.context["form"].errors["deadline_date"] == [funding.PAST_DEADLINE]
    assert not FundingOpportunity.objects.exists()
    with pytest.raises(ValidationError) as refused:
        add(staff_user, deadline=timezone.now())
    assert refused.value.message_dict == {"deadline": [funding.PAST_DEADLINE]}
    # A stored one may be set to a past date: the call really closed earlier than typed.
    opportunity = add(staff_user)
    page = reverse("community:staff_opportunity", args=[opportunity.pk])
    assert client.post(page, form(opens_on="", deadline_date=yesterday)).status_code == 302
    opportunity.refresh_from_db()
    assert timezone.localtime(opportunity.deadline).date() == timezone.localdate() - timedelta(
        days=1
    )


def test_a_deadline_is_written_as_everywhere_else(client, staff_user, lea):
    add(staff_user, deadline=paris(2027, 1, 15, 17, 0))
    client.force_login(lea)
    page = text(client.get(LIST))
    assert "le 15 janvier 2027 à 17h00 (heure de Paris)" in page and "17:00" not in page


def test_a_deletion_done_already_says_so(client, staff_user):
    opportunity = add(staff_user)
    delete = reverse("community:staff_delete_opportunity", args=[opportunity.pk])
    client.force_login(staff_user)
    assert funding.delete_opportunity(staff_user, opportunity.pk) is True
    assert funding.delete_opportunity(staff_user, opportunity.pk) is False
    assert client.post(delete, {"confirmer": "oui"}).status_code == 404
