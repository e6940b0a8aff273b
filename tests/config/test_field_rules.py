"""Every stored field of the project carries its rule, so that every entry point validating
through the model (`full_clean`: ModelForms, the admin, services) refuses the same values on
SQLite and PostgreSQL. A new field without its rule fails here, named."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.urls import reverse

from maillage.core.validators import FiniteNumber, MultiLine, SingleLine
from maillage.observatory.forms import ScenarioForm
from maillage.observatory.models import CandidateSite, Scenario
from maillage.places.models import Place, Space
from tests.places.test_admin import change_url, staff_place_form

# PostgreSQL's ranges (Django's base operations), which SQLite does not enforce.
COLUMN_RANGES = BaseDatabaseOperations.integer_field_ranges

# Text whose own format refuses every control character.
FORMATTED_TEXT = (models.SlugField, models.EmailField, models.URLField)
# Kinds of fields whose values cannot exceed a column or carry control characters.
SAFE_KINDS = (
    models.BooleanField,
    models.DateField,  # DateTimeField too; ranges of dates are maillage.core.dates' rule
    models.TimeField,
    models.JSONField,
    models.FileField,
    models.AutoField,
    models.BigAutoField,
)
EXEMPT = {
    # A hash written by Django's password hashers, never typed.
    "accounts.User.password",
}


def project_fields():
    for model in apps.get_models():
        if not model.__module__.startswith("maillage."):
            continue
        for field in model._meta.get_fields():
            # Not editable does not mean not from outside (a header's idempotency key).
            if field.concrete and not field.is_relation:
                yield f"{model._meta.app_label}.{model.__name__}.{field.name}", field


def explicit(field, kind):
    # Django's integer fields add the connection's range at run time (2⁶³ on SQLite, the
    # column's on PostgreSQL): only the field's own validators give the same answer on both.
    return [v for v in [*field.default_validators, *field._validators] if isinstance(v, kind)]


def faults(field) -> list[str]:
    """What the field lacks, in words; empty when it carries its rule."""
    if isinstance(field, models.CharField):
        missing = [] if field.max_length else ["a max_length"]
        if not (field.choices or isinstance(field, FORMATTED_TEXT)) and not explicit(
            field, SingleLine
        ):
            missing.append("a SingleLine validator (control characters)")
        return missing
    if isinstance(field, models.TextField):
        lines = explicit(field, MultiLine) or explicit(field, SingleLine)
        return [] if lines else ["a MultiLine validator (NUL and control characters)"]
    if isinstance(field, SAFE_KINDS):
        return []
    if isinstance(field, models.IntegerField):
        if field.choices:
            return []
        low, high = COLUMN_RANGES[field.get_internal_type()]
        lows = [v.limit_value for v in explicit(field, MinValueValidator)]
        highs = [v.limit_value for v in explicit(field, MaxValueValidator)]
        missing = []
        if not any(low <= limit for limit in lows):
            missing.append(f"a MinValueValidator of at least {low}")
        if not any(limit <= high for limit in highs):
            missing.append(f"a MaxValueValidator of at most {high} (PostgreSQL's column)")
        return missing
    if isinstance(field, models.FloatField):
        missing = [] if explicit(field, FiniteNumber) else ["a FiniteNumber validator"]
        if not (explicit(field, MinValueValidator) and explicit(field, MaxValueValidator)):
            missing.append("Min/MaxValueValidators (its domain's range)")
        return missing
    return [f"a rule for its kind ({type(field).__name__}): decide it in this test"]


FIELDS = sorted(project_fields())


@pytest.mark.parametrize(
    ("field", "missing"),
    [
        (models.CharField(), ["a max_length", "a SingleLine validator (control characters)"]),
        (models.TextField(), ["a MultiLine validator (NUL and control characters)"]),
        (
            models.PositiveIntegerField(validators=[MinValueValidator(1)]),
            ["a MaxValueValidator of at most 2147483647 (PostgreSQL's column)"],
        ),
        (
            models.SmallIntegerField(validators=[MaxValueValidator(40_000)]),
            [
                "a MinValueValidator of at least -32768",
                "a MaxValueValidator of at most 32767 (PostgreSQL's column)",
            ],
        ),
        (
            models.FloatField(validators=[MinValueValidator(0)]),
            ["a FiniteNumber validator", "Min/MaxValueValidators (its domain's range)"],
        ),
        (
            models.DecimalField(max_digits=5, decimal_places=2),
            ["a rule for its kind (DecimalField): decide it in this test"],
        ),
    ],
)
def test_a_field_without_its_rule_is_named(field, missing):
    assert faults(field) == missing


def test_the_walk_sees_every_app_with_models():
    labels = {name.split(".")[0] for name, _field in FIELDS}
    assert {"accounts", "territory", "places", "observatory", "booking", "api"} <= labels
    assert not EXEMPT - {name for name, _field in FIELDS}


@pytest.mark.parametrize(
    ("name", "field"),
    [pytest.param(name, field, id=name) for name, field in FIELDS if name not in EXEMPT],
)
def test_every_field_carries_its_rule(name, field):
    missing = faults(field)
    assert not missing, f"{name} needs " + ", ".join(missing)


# Entry points: the back-office forms refuse each hostile value with a French message on the
# field, and write nothing, on both databases.

HOSTILE_TEXT = [
    ("Atelier\r\nBcc: x@example.org", "ne peut pas contenir de retour à la ligne"),
    ("Atelier\x00", "Le caractère nul n’est pas autorisé."),  # Django's form fields
    ("x" * 10_000, "au plus"),
]
HOSTILE_REALS = ["inf", "-inf", "nan", "1e308"]


def refused(response, field: str, fragment: str) -> None:
    """The admin answered the form again with `fragment` in `field`'s errors."""
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    assert any(fragment in message for message in errors[field]), errors[field]


def space_data(place, **changes) -> dict:
    return {
        "place": str(place.pk),
        "name": "Salle Hostile",
        "kind": "meeting_room",
        "capacity": "8",
        "is_bookable": "on",
        "slot_minutes": "30",
        "min_duration_minutes": "30",
        "min_notice_minutes": "0",
        "max_advance_days": "90",
        "buffer_before_minutes": "0",
        "buffer_after_minutes": "0",
        **changes,
    }


def candidate_data(commune, **changes) -> dict:
    return {
        "reference": "site-hostile",
        "name": "Ancien collège",
        "address": "1 rue de la Paix",
        "commune": str(commune.pk),
        "latitude": str(commune.centroid_lat),
        "longitude": str(commune.centroid_lon),
        "owner": "departement",
        "kind": "college",
        "surface_m2": "400",
        "estimated_cost_cents": "250000",
        **changes,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "fragment"), HOSTILE_TEXT)
@pytest.mark.parametrize("field", ["name", "address"])
def test_the_place_form_refuses_hostile_text(client, staff_user, place, field, value, fragment):
    client.force_login(staff_user)
    before = Place.objects.values().get(pk=place.pk)
    response = client.post(change_url(place), staff_place_form(place, **{field: value}))
    refused(response, field, fragment)
    assert Place.objects.values().get(pk=place.pk) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        *[("latitude", value, "Saisissez un nombre") for value in HOSTILE_REALS[:3]],
        ("latitude", "1e308", "La latitude doit être entre -90 et 90."),
        ("longitude", "nan", "Saisissez un nombre"),
        (
            "broadband_down_mbps",
            str(2**31),
            "Le débit descendant doit être entre 0 et 100\u202f000\u00a0Mbit/s.",
        ),
        ("broadband_down_mbps", "-1", "supérieure ou égale à 0"),  # Django's form field
        ("broadband_up_mbps", "1e20", "nombre entier"),
        ("description", "Bienvenue\x1b[31m", "La présentation ne peut pas contenir"),
    ],
)
def test_the_place_form_refuses_hostile_numbers(client, staff_user, place, field, value, fragment):
    client.force_login(staff_user)
    before = Place.objects.values().get(pk=place.pk)
    response = client.post(change_url(place), staff_place_form(place, **{field: value}))
    refused(response, field, fragment)
    assert Place.objects.values().get(pk=place.pk) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        *[("name", value, fragment) for value, fragment in HOSTILE_TEXT],
        ("capacity", str(2**31), "La capacité doit être entre 1 et 1\u202f000"),
        ("capacity", "inf", "nombre entier"),
        ("price_hour_cents", "1e20", "en chiffres"),
        ("price_day_cents", "nan", "en chiffres"),
        ("min_notice_minutes", str(2**31), "Le délai minimal avant le début doit être"),
        ("max_advance_days", str(2**15), "Le délai de réservation doit être entre 1 et 732"),
    ],
)
def test_the_space_form_refuses_hostile_values(client, staff_user, place, field, value, fragment):
    client.force_login(staff_user)
    response = client.post(reverse("admin:places_space_add"), space_data(place, **{field: value}))
    refused(response, field, fragment)
    assert not Space.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "fragment"),
    [
        *[(field, value, fragment) for value, fragment in HOSTILE_TEXT for field in ("name",)],
        ("address", "1 rue\r\nX", "L'adresse ne peut pas contenir de retour à la ligne"),
        ("address", "x" * 10_000, "au plus 200"),
        ("surface_m2", str(2**31), "La surface doit être entre 1 et 100\u202f000\u00a0m²."),
        ("surface_m2", "1e20", "nombre entier"),
        ("estimated_cost_cents", "1e20", "en chiffres"),
        ("latitude", "nan", "Saisissez un nombre"),
        ("longitude", "inf", "Saisissez un nombre"),
        ("notes", "a\x07b", "Les notes ne peuvent pas contenir de caractère de contrôle"),
    ],
)
def test_the_candidate_site_form_refuses_hostile_values(
    client, staff_user, commune, field, value, fragment
):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:observatory_candidatesite_add"), candidate_data(commune, **{field: value})
    )
    refused(response, field, fragment)
    assert not CandidateSite.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "fragment"), HOSTILE_TEXT)
def test_the_scenario_form_refuses_a_hostile_name(staff_user, place, value, fragment):
    Place.objects.filter(pk=place.pk).update(status="project", opening_date=None)
    form = ScenarioForm(
        data={"name": value, "threshold_minutes": "15", "project_places": [place.pk]}
    )
    assert not form.is_valid()
    assert any(fragment in message for message in form.errors["name"]), form.errors
    assert not Scenario.objects.exists()


@pytest.mark.django_db
def test_an_account_name_is_one_line(django_user_model):
    with pytest.raises(ValidationError) as error:
        django_user_model.objects.create_user(
            "jean@example.org", "un mot de passe solide", first_name="Jean\r\nBcc: x@example.org"
        )
    assert error.value.message_dict["first_name"] == [
        "Le prénom ne peut pas contenir de retour à la ligne ni de caractère de contrôle."
    ]
    assert not django_user_model.objects.exists()


@pytest.mark.django_db
def test_a_proposed_scenario_with_a_hostile_name_runs_no_model(client, staff_user):
    client.force_login(staff_user)
    response = client.post(
        reverse("observatory:scenario_propose"),
        {"name": "Plan\r\nB", "model": "mclp", "p": "2", "threshold_minutes": "15"},
    )
    assert response.status_code == 400
    assert response.context["model_form"].errors["name"] == [
        "Le nom ne peut pas contenir de retour à la ligne ni de caractère de contrôle."
    ]
    assert not Scenario.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_sign_up_refuses_a_name_on_two_lines(client, django_user_model, field):
    response = client.post(
        reverse("accounts:signup"),
        {
            "email": "camille@exemple.test",
            "first_name": "Camille",
            "last_name": "Martin",
            "password1": "un mot de passe bien long 92",
            "password2": "un mot de passe bien long 92",
            field: "Camille\r\nBcc: x@example.org",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [
        f"{'Le prénom' if field == 'first_name' else 'Le nom'} ne peut pas contenir "
        "de retour à la ligne ni de caractère de contrôle."
    ]
    assert not django_user_model.objects.exists()


def hostile_value(field) -> str | None:
    """A value each field's rule refuses but Django's form fields let through to the model."""
    if field.choices or isinstance(field, FORMATTED_TEXT):
        return None
    if isinstance(field, models.CharField | models.TextField):
        return "A\x1b[31mB"  # an escape sequence: a control character other than NUL
    if isinstance(field, models.IntegerField):
        return str(2**31)
    if isinstance(field, models.FloatField):
        return "1e308"
    return None


@pytest.mark.django_db
def test_every_back_office_form_refuses_hostile_values(rf, staff_user):
    """The kind, at the entry point: each admin form of the project reaches its model's rules."""
    request = rf.get("/")
    request.user = staff_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("maillage."):
            continue
        form_class = model_admin.get_form(request)
        targets = {}
        for name in form_class.base_fields:
            label = f"{model._meta.app_label}.{model.__name__}.{name}"
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            value = None if label in EXEMPT else hostile_value(field)
            if value is not None:
                targets[name] = value
        if not targets:  # a read-only admin (communes)
            continue
        form = form_class(data=targets)
        assert not form.is_valid()
        for name in targets:
            assert name in form.errors, f"{model.__name__} admin accepts a hostile {name}"
            checked += 1
    assert checked >= 20
