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
        help_text=f"PDF, JPEG ou PNG, {proofs.MAX_TEXT} au plus. Il est supprimé dès que la "
        "demande est décidée.",
        error_messages={
            "required": f"joignez un justificatif, obligatoire pour cette catégorie (PDF, "
            f"JPEG ou PNG, {proofs.MAX_TEXT} au plus)."
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )
    bursary_holder = forms.BooleanField(
        label="Mon enfant est boursier·e (collégien·ne seulement)", required=False
    )

    def __init__(self, *args: object, children: list[ChildProfile], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        offered = list(Category.objects.filter(active=True))
        cast(forms.ChoiceField, self.fields["category"]).choices = [("", "Choisissez…")] + [
            (category.code, category.label) for category in offered
        ]
        self._require_the_proof(offered)
        cast(forms.ChoiceField, self.fields["beneficiary"]).choices = [(SELF, "Moi-même")] + [
            (str(child.pk), f"Mon enfant : {child.first_name}") for child in children
        ]

    def _require_the_proof(self, offered: list[Category]) -> None:
        """The proof is marked required (asterisk, `required` attribute) when a category
        offered needs one, the categories that do not named in its help; sent, it is
        required when the chosen category needs one (the service checks again)."""
        field = self.fields["proof"]
        needing = {category.code for category in offered if category.needs_proof}
        without = [category.label for category in offered if not category.needs_proof]
        if needing and without:
            names = ", ".join(f"« {label} »" for label in without)
            field.help_text = f"Sauf pour {names}. {field.help_text}"
        chosen = self.data.get("category") if self.is_bound else None
        known = chosen in {category.code for category in offered}
        field.required = chosen in needing if known else bool(needing)

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
    consent = forms.BooleanField(
        label="Accord du parent",
        help_text=(
            "Je suis son parent ou son représentant légal et j'accepte que Maillage conserve "
            "son prénom, son année de naissance et son établissement pour ouvrir ses droits "
            "(Pass+)."
        ),
        error_messages={
            "required": "cochez la case : seul un parent ou un représentant légal peut créer "
            "le profil."
        },
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
