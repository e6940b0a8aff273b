"""Every page's query parameters driven with hostile values: no 5xx, no row written.

The pages are enumerated from the URL configuration: a new page fails
`test_every_page_is_covered` until it is listed in PAGES (with the parameters it reads and who
may see it) or in NOT_PAGES (with the reason). The API has its own fuzz test (tests/api).
"""

import inspect
import re
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.accounts import views as accounts_views
from maillage.api import access_views as api_access_views
from maillage.api import consent_views as api_consent_views
from maillage.booking import services as booking_services
from maillage.booking.availability import wall_clock_instant
from maillage.booking.forms import SearchForm
from maillage.booking.models import CalendarFeed, Channel
from maillage.booking.views import mine as booking_mine_views
from maillage.booking.views import navigation as booking_navigation
from maillage.booking.views import public as booking_public_views
from maillage.community import staff_views as community_staff_views
from maillage.community import views as community_views
from maillage.community.forms import DirectoryFilter
from maillage.core import paging
from maillage.eligibility import views as eligibility_views
from maillage.events import services as event_services
from maillage.events.agenda import AgendaFilter
from maillage.events.models import Event
from maillage.events.views import mine as events_mine_views
from maillage.events.views import public as events_public_views
from maillage.manager import bookings as manager_bookings
from maillage.manager import home as manager_home
from maillage.manager import ical as manager_ical
from maillage.manager import notifications as manager_notifications
from maillage.manager import offices as manager_offices
from maillage.manager import reimbursements as manager_reimbursements
from maillage.manager import walk_ins as manager_walk_ins
from maillage.manager.bookings import BookingFilter
from maillage.manager.embeds import public as manager_embeds_public
from maillage.manager.embeds import views as manager_embeds_views
from maillage.manager.events import registrations as manager_event_registrations
from maillage.manager.events import views as manager_events_views
from maillage.manager.models import EmbedScope
from maillage.manager.onboarding import views as manager_onboarding
from maillage.manager.places import views as manager_places_views
from maillage.observatory import runs as observatory_runs
from maillage.observatory import services as observatory_services
from maillage.observatory import views as observatory_views
from maillage.observatory.forms import CommuneSortForm, ScenarioPairForm, ThresholdForm
from maillage.offices import views as offices_views
from maillage.offices.forms import DemandPeriodForm, OfferFilter, ReceivedFilter
from maillage.offices.models import OfficeOffer, OfficeRequest, OfficeRequestPlace
from maillage.places.models import OpeningHours, Space
from maillage.programmes import person_pages as programmes_person_pages
from maillage.programmes import views as programmes_views
from maillage.reimbursements import views as reimbursements_views
from maillage.web import views as web_views
from maillage.web.filters import PlaceFilter
from maillage.web.legal import views as legal_views
from maillage.web.opendata import views as opendata_views
from tests.community.samples import community_samples
from tests.factories import ManagerFactory, PlaceFactory, StaffFactory, VerifiedUserFactory
from tests.fixtures.embeds import make_embed

pytestmark = pytest.mark.django_db

PLACE_FILTERS = [*PlaceFilter.base_filters]


@dataclass(frozen=True)
class Page:
    """A GET page: who may see it, its path arguments (names of FuzzData attributes) and the
    query parameters it reads."""

    role: str  # "anonymous", "resident", "manager" or "staff"
    params: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    kwargs: dict = field(default_factory=dict)


PAGES = {
    "healthz": Page("anonymous"),
    "readyz": Page("anonymous"),
    "metrics": Page("anonymous"),  # a 404 without the scraper's token
    "web:home": Page("anonymous"),
    "web:place_list": Page("anonymous", (*PLACE_FILTERS, "page")),
    "web:place_detail": Page("anonymous", args=("place_slug",)),
    "web:places_geojson": Page("anonymous", ("slug", *PLACE_FILTERS)),
    "web:territory_geojson": Page("anonymous"),
    "web:staff_hub": Page("staff"),
    "web:legal_notice": Page("anonymous"),
    "web:privacy": Page("anonymous"),
    "web:accessibility": Page("anonymous"),
    "web:contact": Page("anonymous"),
    "web:site_map": Page("anonymous"),
    "web:opendata": Page("anonymous"),
    "web:opendata_datapackage": Page("anonymous"),
    "web:opendata_schema": Page("anonymous", kwargs={"name": "tiers-lieux-espaces.json"}),
    "web:opendata_places_csv": Page("anonymous"),
    "web:opendata_places_geojson": Page("anonymous"),
    "web:opendata_spaces_csv": Page("anonymous"),
    "web:opendata_coverage_csv": Page("anonymous"),
    "booking:search": Page("anonymous", (*SearchForm.base_fields, "page")),
    "booking:space": Page("anonymous", ("date", "semaine", "debut", "fin", "personnes"), ("room",)),
    "booking:my_bookings": Page("resident"),
    "booking:cancel": Page("resident", args=("booking",)),
    "booking:cancel_series": Page("resident", args=("series",)),
    "booking:booking_ics": Page("resident", args=("booking",)),
    "booking:feed": Page("anonymous", args=("resident_token",)),
    "booking:place_feed": Page("anonymous", args=("manager_token", "place_slug")),
    "manager:home": Page("manager"),
    "manager:bookings": Page("manager", (*BookingFilter.base_fields, "page")),
    "manager:bookings_csv": Page("manager", tuple(BookingFilter.base_fields)),
    "manager:walk_in": Page("manager"),
    "manager:notifications": Page("manager"),
    "observatory:public": Page(
        "anonymous", (*ThresholdForm.base_fields, *CommuneSortForm.base_fields)
    ),
    "observatory:indicators_csv": Page("anonymous", tuple(ThresholdForm.base_fields)),
    "observatory:indicators_spreadsheet": Page("anonymous", tuple(ThresholdForm.base_fields)),
    "observatory:zones_geojson": Page("anonymous", tuple(ThresholdForm.base_fields)),
    "observatory:scenario_list": Page("staff"),
    "observatory:scenario_create": Page("staff"),
    "observatory:scenario_compare": Page("staff", tuple(ScenarioPairForm.base_fields)),
    "observatory:scenario_detail": Page("staff", args=("scenario",)),
    "observatory:scenario_edit": Page("staff", args=("scenario",)),
    "observatory:scenario_delete": Page("staff", args=("scenario",)),
    "observatory:scenario_geojson": Page("staff", args=("scenario",)),
    "observatory:scenario_csv": Page("staff", args=("scenario",)),
    "observatory:scenario_spreadsheet": Page("staff", args=("scenario",)),
    "observatory:scenario_report": Page("staff", args=("scenario",)),
    "observatory:scenario_report_pdf": Page("staff", args=("scenario",)),
    "observatory:candidate_import": Page("staff"),
    "observatory:model_run_list": Page("staff"),
    "observatory:model_run_detail": Page("staff", ("depuis",), ("model_run",)),
    "accounts:signup": Page("anonymous", ("next",)),
    "accounts:signup_done": Page("anonymous"),
    "accounts:verify_email": Page("anonymous", kwargs={"token": "jeton-inconnu"}),
    "accounts:resend_verification": Page("resident"),
    "accounts:login": Page("anonymous", ("next",)),
    "accounts:account": Page("resident"),
    "web:my_data": Page("resident"),
    "web:delete_account": Page("resident"),
    "accounts:profile": Page("resident"),
    "accounts:preferences": Page("resident"),
    "api_access:home": Page("resident"),
    "oauth2_provider:authorize": Page(
        "resident",
        (
            "client_id",
            "redirect_uri",
            "response_type",
            "scope",
            "state",
            "code_challenge",
            "code_challenge_method",
            "approval_prompt",
            "prompt",
        ),
    ),
    "accounts:password_change": Page("resident"),
    "accounts:password_change_done": Page("resident"),
    "accounts:password_reset": Page("anonymous"),
    "accounts:password_reset_done": Page("anonymous"),
    "accounts:password_reset_confirm": Page(
        "anonymous", kwargs={"uidb64": "MQ", "token": "jeton-inconnu"}
    ),
    "accounts:password_reset_complete": Page("anonymous"),
    "eligibility:my_rights": Page("resident"),
    "eligibility:my_data": Page("resident"),
    "eligibility:otp_setup": Page("resident", ("next",)),
    "eligibility:otp_verify": Page("resident", ("next",)),
    # Staff without the status rights: refused before anything is read (tests/eligibility
    # drives these pages with the rights and a second factor).
    "eligibility:staff_home": Page("staff"),
    "eligibility:requests": Page("staff"),
    "eligibility:decision": Page("staff", kwargs={"status_id": 1}),
    "eligibility:proof": Page("staff", kwargs={"status_id": 1}),
    "eligibility:grant": Page("staff"),
    "programmes:mine": Page("resident"),
    "programmes:manager": Page("manager"),
    "manager:space_calendar": Page("manager", args=("room",)),
    "manager:listing_request": Page("anonymous"),
    "manager:listing_requests": Page("staff"),
    "manager:listing_request_review": Page("staff", kwargs={"request_id": 1}),
    "manager:place_managers": Page("manager", args=("place_slug",)),
    "manager:invitation": Page("anonymous", kwargs={"token": "jeton-inconnu"}),
    "manager:places": Page("manager"),
    "manager:place": Page("manager", args=("place_slug",)),
    "manager:profile": Page("manager", args=("place_slug",)),
    "manager:booking_rules": Page("manager", args=("place_slug",)),
    "manager:opening_hours": Page("manager", args=("place_slug",)),
    "manager:closures": Page("manager", args=("place_slug",)),
    "manager:add_space": Page("manager", args=("place_slug",)),
    "manager:photos": Page("manager", args=("place_slug",)),
    "manager:space": Page("manager", args=("place_slug", "room")),
    "manager:space_blocks": Page("manager", args=("place_slug", "room")),
    "offices:offers": Page("anonymous", (*OfferFilter.base_fields, "page")),
    "offices:offer": Page("anonymous", args=("office_offer",)),
    "offices:request": Page("anonymous", ("offre",)),
    "offices:request_sent": Page("anonymous"),
    "offices:confirm": Page("anonymous", kwargs={"token": "jeton-inconnu"}),
    "offices:demand": Page("staff", tuple(DemandPeriodForm.base_fields)),
    "offices:demand_csv": Page("staff", tuple(DemandPeriodForm.base_fields)),
    "reimbursements:dashboard": Page("staff", ("dispositif",)),
    "reimbursements:dashboard_csv": Page("staff", ("dispositif",)),
    "reimbursements:dashboard_spreadsheet": Page("staff", ("dispositif",)),
    "manager:offices": Page("manager"),
    "manager:add_office_offer": Page("manager", args=("place_slug",)),
    "manager:office_offer": Page("manager", args=("office_offer",)),
    "manager:office_requests": Page("manager", (*ReceivedFilter.base_fields, "page")),
    "manager:office_request": Page("manager", args=("office_request",)),
    "manager:embeds": Page("manager"),
    "manager:add_embed": Page("manager"),
    "manager:embed": Page("manager", args=("embed",)),
    "manager:embed_preview": Page("manager", args=("embed",)),
    "manager:delete_embed": Page("manager", args=("embed",)),
    "manager:embed_public": Page("anonymous", args=("embed_public_id",)),
    "community:home": Page("anonymous"),
    "community:write_to_referent": Page("resident"),
    "community:directory": Page("manager", (*DirectoryFilter.base_fields, "page")),
    "community:member": Page("manager", args=("profile",)),
    "community:my_profile": Page("manager"),
    "community:my_emails": Page("manager"),
    "community:announcements": Page("manager", ("page",)),
    "community:announcement": Page("manager", args=("announcement",)),
    "community:documents": Page("manager", ("rubrique",)),
    "community:download": Page("manager", args=("document",)),
    "community:funding": Page("manager"),
    "community:staff_referent": Page("staff"),
    "community:staff_announcement": Page("staff"),
    "community:staff_document": Page("staff"),
    "community:staff_opportunity_new": Page("staff"),
    "community:staff_opportunity": Page("staff", args=("opportunity",)),
    "community:staff_delete_document": Page("staff", args=("document",)),
    "community:staff_delete_opportunity": Page("staff", args=("opportunity",)),
    "events:agenda": Page("anonymous", (*AgendaFilter.base_fields, "page")),
    "events:event": Page("anonymous", args=("event", "event_slug")),
    "events:event_link": Page("anonymous", args=("event",)),
    "events:feed": Page("anonymous"),
    "events:mine": Page("resident"),
    "events:registration_action": Page(
        "resident", ("depuis",), args=("registration", "registration_verb")
    ),
    "events:place_feed": Page("anonymous", args=("place_slug",)),
    "manager:events": Page("manager"),
    "manager:add_event": Page("manager"),
    "manager:event": Page("manager", args=("event",)),
    "manager:edit_event": Page("manager", args=("event",)),
    "manager:event_message": Page("manager", args=("event",)),
    "manager:event_csv": Page("manager", args=("event",)),
    "manager:cancel_event": Page("manager", args=("event",)),
    "manager:statements": Page("manager", ("page",)),
    "reimbursements:statements": Page("staff", ("page",)),
    "reimbursements:issuing": Page(
        "staff", kwargs={"task_id": "6f1c2a9e-3b1d-4c55-9a57-0d1e2f3a4b5c"}
    ),
    # No statement in FuzzData: 404 (tests/reimbursements drives them with statements).
    "reimbursements:statement": Page("staff", kwargs={"pk": 1}),
    "reimbursements:statement_csv": Page("staff", kwargs={"pk": 1}),
    "reimbursements:statement_spreadsheet": Page("staff", kwargs={"pk": 1}),
    "reimbursements:statement_pdf": Page("staff", kwargs={"pk": 1}),
    "reimbursements:contest_line": Page("staff", kwargs={"pk": 1, "position": 1}),
}
# URL patterns that are not pages read with GET, and why.
NOT_PAGES = {
    "booking:book": "POST only",
    "reimbursements:record_payment": "POST only",
    "booking:renew_feed": "POST only",
    "manager:booking_action": "POST only",
    "manager:notifications_save": "POST only",
    "observatory:scenario_propose": "POST only",
    "observatory:model_run_cancel": "POST only",
    "accounts:logout": "POST only",
    "web:my_data_file": "POST only (a download, tests/web/test_personal_data.py)",
    "api_access:create_token": "POST only",
    "api_access:revoke_token": "POST only",
    "api_access:withdraw": "POST only",
    "oauth2_provider:token": "POST only (OAuth 2 token endpoint, tests/api/test_consent.py)",
    "oauth2_provider:revoke-token": "POST only (RFC 7009, tests/api/test_consent.py)",
    "eligibility:ask": "POST only",
    "eligibility:add_child": "POST only",
    "eligibility:withdraw": "POST only",
    "programmes:join": "POST only",
    "programmes:leave": "POST only",
    "manager:refresh_space_calendar": "POST only",
    "manager:remove_space_calendar": "POST only",
    "manager:withdraw_manager": "POST only",
    "manager:delete_photo": "a photo's delete confirmation, no query parameter (tests/manager)",
    "manager:delete_closure": "a closure's delete confirmation, no query parameter",
    "manager:lift_block": "POST only",
    "community:withdraw_profile": "POST only",
    "manager:publish_event": "POST only",
    "manager:event_capacity": "POST only",
    "manager:event_registration_action": "POST only",
    "events:register": "POST only",
    "favicon.ico": "a redirect to a static file",
    "^media/(?P<path>.*)$": "uploaded files, when Django serves them (no query parameter)",
}
NOT_PAGES_NAMESPACES = {
    "admin": "Django's admin (its own forms; staff only)",
    "api": "the API, fuzzed by tests/api",
}
# Views whose GET parameters the list above must name, by module.
VIEW_MODULES = [
    accounts_views,
    api_access_views,
    api_consent_views,
    booking_public_views,
    booking_mine_views,
    manager_bookings,
    manager_home,
    manager_notifications,
    manager_walk_ins,
    booking_navigation,
    paging,
    web_views,
    legal_views,
    opendata_views,
    observatory_views,
    eligibility_views,
    programmes_views,
    programmes_person_pages,
    manager_ical,
    manager_onboarding,
    manager_places_views,
    offices_views,
    manager_offices,
    community_views,
    community_staff_views,
    events_public_views,
    events_mine_views,
    manager_events_views,
    manager_event_registrations,
    manager_reimbursements,
    reimbursements_views,
    manager_embeds_views,
    manager_embeds_public,
]
GET_READ = re.compile(r"""request\.GET(?:\.get\(|\[)["'](\w+)["']""")

HOSTILE = [
    "9999-12-31",
    "0001-01-01",
    "2027-02-30",
    "2027-13-01",
    "٢٠٢٧-٠١-١٢",
    "２０２７-０１-１２",
    "2027-01-12T09:00:00+99:99",
    "24:00",
    "23:60",
    "02:30",
    "25:99:99",
    str(10**30),
    str(-(10**30)),
    "9" * 5000,
    "1e308",
    "-1e308",
    "inf",
    "-inf",
    "nan",
    "-1",
    "0",
    "1.5",
    "",
    " ",
    "\x00",
    "a\x00b",
    "é" * 2000,
    "x" * 20_000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "https://exemple.invalid/",
    "//exemple.invalid",
    "semaine",
    "true",
    "on",
    "\r\nSet-Cookie: x=1",
]
hostile_values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=50),
    st.integers().map(str),
    st.floats().map(repr),
    st.dates().map(str),
    st.times().map(str),
)


class FuzzData:
    """Path arguments for every page, and users of every role."""

    def __init__(self, territory):
        place = PlaceFactory(commune=territory.get(insee_code="92012"), slug="la-ruche")
        OpeningHours.objects.bulk_create(
            OpeningHours(place=place, weekday=day, opens=time(8), closes=time(20))
            for day in range(7)
        )
        room = Space.objects.create(place=place, name="Salle", kind="meeting_room", capacity=8)
        self.users = {
            "resident": VerifiedUserFactory(email="habitant@exemple.test"),
            "manager": ManagerFactory(email="gestion@lieu.test", places=[place]),
            "staff": StaffFactory(email="agent@cd92.test", email_verified=False),
        }
        start = wall_clock_instant(
            timezone.localtime().replace(tzinfo=None, hour=10, minute=0, second=0, microsecond=0)
            + timedelta(days=8)
        )
        resident = self.users["resident"]
        self.booking = booking_services.book(
            resident, room.pk, start, start + timedelta(hours=1), channel=Channel.PAGE
        )
        series, _, _ = booking_services.book_series(
            resident,
            room.pk,
            start + timedelta(hours=2),
            start + timedelta(hours=3),
            2,
            channel=Channel.PAGE,
        )
        project = PlaceFactory(
            commune=territory.get(insee_code="92044"),
            slug="projet",
            status="preparing",
            opening_date=None,
        )
        self.scenario = observatory_services.save_scenario(
            self.users["staff"], name="Projets", project_ids=[project.pk]
        )
        self.model_run = observatory_runs.request_model_run(
            self.users["staff"], "Calcul", observatory_services.ModelRequest("mclp", p=1)
        )
        self.series = series
        self.office_offer = OfficeOffer.objects.create(
            place=place,
            title="Bureau au calme",
            kind="private_office",
            surface_m2=12,
            workstations=2,
            monthly_price_cents=45_000,
            available_from=date.today(),
            status="published",
        )
        asked = OfficeRequest.objects.create(
            company_name="Atelier Nord",
            contact_name="Camille Martin",
            email="camille@entreprise.test",
            workstations=2,
            start_date=date.today() + timedelta(days=30),
            confirmed_at=timezone.now(),
        )
        self.office_request = OfficeRequestPlace.objects.create(request=asked, place=place)
        self.profile, self.announcement, self.document, self.opportunity = community_samples(
            self.users["staff"], self.users["manager"]
        )
        self.event = Event.objects.create(
            place=place,
            title="Atelier export",
            start=start,
            end=start + timedelta(hours=2),
            capacity=10,
            registration_opens_at=timezone.now(),
            registration_closes_at=start,
            status="published",
            created_by=self.users["staff"],
        )
        self.event_slug = self.event.slug
        self.registration = event_services.register(resident, self.event, 1)
        self.registration_verb = "annuler"
        self.room = room
        self.place_slug = place.slug
        self.embed = make_embed(
            self.users["manager"], title="Réserver", scope=EmbedScope.PLACE, place=place
        )
        self.embed_public_id = self.embed.public_id
        self.resident_token = CalendarFeed.objects.create(user=resident).token
        self.manager_token = CalendarFeed.objects.create(user=self.users["manager"]).token

    def url(self, name: str) -> str:
        page = PAGES[name]
        args = [getattr(self, arg) for arg in page.args]
        return reverse(name, args=[getattr(arg, "pk", arg) for arg in args], kwargs=page.kwargs)


@pytest.fixture
def data(territory):
    return FuzzData(territory)


def row_counts() -> dict[str, int]:
    """Rows of every table, in one query (the test makes hundreds of requests)."""
    tables = sorted({model._meta.db_table for model in apps.get_models(include_auto_created=True)})
    # Table names come from the models, quoted.
    counts = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(t)})" for t in tables)  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def get(client, data, name: str, query) -> None:
    """GET the page as its role with `query`: no 5xx, no row written."""
    role = PAGES[name].role
    if role == "anonymous":
        client.logout()
    else:
        client.force_login(data.users[role])
    before = row_counts()
    response = client.get(data.url(name), query)
    assert response.status_code < 500, (name, query, response.status_code)
    assert row_counts() == before, (name, query)


def _patterns(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in NOT_PAGES_NAMESPACES:
                continue
            yield from _patterns(pattern.url_patterns, f"{namespace}:" if namespace else prefix)
        elif isinstance(pattern, URLPattern):
            yield f"{prefix}{pattern.name}" if pattern.name else str(pattern.pattern)


def test_every_page_is_covered():
    found = set(_patterns(get_resolver().url_patterns))
    assert found - PAGES.keys() - NOT_PAGES.keys() == set(), "list the new page in PAGES"
    assert PAGES.keys() - found == set(), "a page listed is gone: remove it from PAGES"


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda m: m.__name__)
def test_every_parameter_read_is_listed(module):
    read = set(GET_READ.findall(inspect.getsource(module)))
    listed = {param for page in PAGES.values() for param in page.params}
    assert read - listed == set(), "add the parameters this module reads to PAGES"


pages_with_params = sorted(name for name, page in PAGES.items() if page.params)


def test_pages_without_parameters_ignore_hostile_ones(client, data):
    every_param = {param for page in PAGES.values() for param in page.params}
    query = {param: HOSTILE[n % len(HOSTILE)] for n, param in enumerate(sorted(every_param))}
    for name in sorted(PAGES.keys() - set(pages_with_params)):
        get(client, data, name, query)


def test_every_parameter_survives_each_hostile_value(client, data):
    for name in pages_with_params:
        for value in HOSTILE:
            get(client, data, name, dict.fromkeys(PAGES[name].params, value))


@st.composite
def hostile_requests(draw):
    name = draw(st.sampled_from(pages_with_params))
    params = PAGES[name].params
    query = draw(
        st.dictionaries(
            st.sampled_from(params),
            st.one_of(hostile_values, st.lists(hostile_values, min_size=2, max_size=3)),
            min_size=1,
        )
    )
    return name, query


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(request=hostile_requests())
def test_pages_survive_hostile_query_strings(client, data, request):
    name, query = request
    get(client, data, name, query)
