"""Forms of the eligibility pages: they read the fields; the rules are the services'."""

from datetime import date
from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from maillage.core.dates import DateRefused, parse_date
from maillage.core.validators import MultiLine, SingleLine
from maillage.eligibility import proofs
from maillage.eligibility.models import (
    CHILD_NAME_MAX,
    REFUSAL_REASON_MAX,
    SCHOOL_MAX,
    Category,
    ChildProfile,
)

SELF = "moi"


class StrictDateField(forms.CharField):
    """A date typed as YYYY-MM-DD (the date input's value), read by core.dates."""

    widget = forms.DateInput(attrs={"type": "date"})

    def __init__(self, *, label: str, **kwargs: object) -> None:
        super().__init__(
            label=label,
            max_length=10,
            validators=[SingleLine(label)],
            **kwargs,  # type: ignore[arg-type]
        )

    def clean(self, value: object) -> date | None:  # a date, not the text
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_date(text, str(self.label))
        except DateRefused as error:
            raise ValidationError(str(error).split(" : ", 1)[-1], code="invalid") from error


class AskStatusForm(forms.Form):
    category = forms.ChoiceField(label="Catégorie")
    beneficiary = forms.ChoiceField(label="Pour qui")
    proof = forms.FileField(
        label="Justificatif",
        required=False,
        help_text=f"PDF, JPEG ou PNG, {proofs.MAX_TEXT} au plus. Il est supprimé dès que la "
        "demande est décidée.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    bursary_holder = forms.BooleanField(
        label="Mon enfant est boursier·e (collégien·ne seulement)", required=False
    )

    def __init__(self, *args: object, children: list[ChildProfile], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "Choisissez…")] + [
            (category.code, category.label) for category in Category.objects.filter(active=True)
        ]
        cast(forms.ChoiceField, self.fields["beneficiary"]).choices = [(SELF, "Moi-même")] + [
            (str(child.pk), f"Mon enfant : {child.first_name}") for child in children
        ]

    def child_id(self) -> int | None:
        value = self.cleaned_data["beneficiary"]
        return None if value == SELF else int(value)


class ChildForm(forms.Form):
    first_name = forms.CharField(
        label="Prénom", max_length=CHILD_NAME_MAX, validators=[SingleLine("Le prénom")]
    )
    birth_year = forms.IntegerField(label="Année de naissance", min_value=1900, max_value=2200)
    school = forms.CharField(
        label="Établissement", max_length=SCHOOL_MAX, validators=[SingleLine("L'établissement")]
    )


class DecisionForm(forms.Form):
    valid_from = StrictDateField(label="Valable du")
    valid_until = StrictDateField(label="Valable jusqu'au")
    bursary_holder = forms.BooleanField(label="Boursier·e (collégien·ne)", required=False)


class RefusalForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        max_length=REFUSAL_REASON_MAX,
        validators=[MultiLine("Le motif")],
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Il est communiqué à la personne.",
    )


class GrantForm(forms.Form):
    person_email = forms.EmailField(label="Adresse électronique de la personne")
    category = forms.ChoiceField(label="Catégorie")
    valid_from = StrictDateField(label="Valable du")
    valid_until = StrictDateField(label="Valable jusqu'au")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "Choisissez…")] + [
            (category.code, category.label)
            for category in Category.objects.filter(active=True, for_children=False)
        ]


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="Code à 6 chiffres",
        regex=r"^\d{6}$",
        error_messages={"invalid": "Saisissez les 6 chiffres affichés par l'application."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
