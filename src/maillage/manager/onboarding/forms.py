"""Onboarding forms: French labels and messages naming the field and the rule. The model's
own validators (SIRET key, postal code, phone) judge the values; the services write."""

from django import forms
from django.conf import settings
from stdnum.fr import siret as siret_number

from maillage.accounts.forms import SignupForm, email_field
from maillage.places.models import ListingRequest, Place
from maillage.places.onboarding import STATUSES_ON_CREATION
from maillage.territory.models import Commune


def _communes() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label="Commune",
        queryset=Commune.objects.filter(departement_id=settings.MAILLAGE_DEPARTEMENT).order_by(
            "sort_name"
        ),
        error_messages={
            "required": "Choisissez la commune du lieu.",
            "invalid_choice": "Choisissez une commune du département dans la liste.",
        },
    )


class ListingRequestForm(forms.ModelForm):
    """«Référencer mon tiers-lieu»: the place, its contact, its SIRET."""

    commune = _communes()
    siret = forms.CharField(
        label="SIRET",
        max_length=30,
        help_text="14 chiffres, espaces permis (sur l'avis de situation Insee ou un extrait "
        "Kbis) : sa clé de contrôle est vérifiée.",
        error_messages={
            "required": "Saisissez le SIRET du lieu (14 chiffres).",
            "max_length": "Le SIRET doit comporter 14 chiffres.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    website = forms.URLField(
        label="Site web",
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": "Saisissez une adresse web complète, par exemple https://…"},
    )

    class Meta:
        model = ListingRequest
        fields = [
            "place_name",
            "description",
            "address",
            "postal_code",
            "commune",
            "website",
            "siret",
            "contact_name",
            "contact_email",
            "contact_phone",
        ]
        help_texts = {
            "contact_phone": "10 chiffres (01 23 45 67 89) ou +33 1 23 45 67 89.",
        }
        widgets = {
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            "postal_code": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

        error_messages = {
            "place_name": {"required": "Saisissez le nom du tiers-lieu."},
            "address": {"required": "Saisissez l'adresse du lieu."},
            "postal_code": {"required": "Saisissez le code postal."},
            "contact_name": {"required": "Saisissez le nom de la personne à contacter."},
            "contact_email": {
                "required": "Saisissez l'adresse électronique du contact.",
                "invalid": "Saisissez une adresse électronique valide, par exemple nom@exemple.fr.",
            },
        }

    def clean_siret(self) -> str:
        # Spaces typed between the digits are allowed; the model's validator judges the rest.
        return siret_number.compact(self.cleaned_data["siret"])


class CreatePlaceForm(forms.ModelForm):
    """What staff settle when creating the place of a request (the rest comes from it)."""

    commune = _communes()
    status = forms.ChoiceField(
        label="Statut",
        choices=[(status.value, status.label) for status in STATUSES_ON_CREATION],
        widget=forms.RadioSelect,
        error_messages={"required": "Choisissez le statut du lieu."},
    )
    invite_contact = forms.BooleanField(
        label="Inviter le contact de la demande à gérer le lieu", required=False, initial=True
    )

    class Meta:
        model = Place
        fields = [
            "name",
            "slug",
            "description",
            "address",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "status",
            "opening_date",
        ]
        help_texts = {
            "slug": "L'adresse de sa page : lettres minuscules, chiffres et tirets.",
            "opening_date": "Obligatoire pour un lieu ouvert.",
        }
        widgets = {"opening_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def _post_clean(self) -> None:
        # The place is validated and written by places.onboarding (services.create_place).
        pass


class RefusalForm(forms.Form):
    """Why the Département refuses a listing request (kept with it, up to 2,000 characters)."""

    refusal_reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif du refus."},
        help_text="Il sera gardé avec la demande.",
    )


class InviteForm(forms.Form):
    """The address of the person invited to manage the place."""

    email = email_field(autocomplete="off")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Adresse électronique de la personne à inviter"
        self.fields["email"].error_messages["required"] = (
            "Saisissez l'adresse électronique de la personne à inviter."
        )


class InvitationAccountForm(SignupForm):
    """The account of an invited person: the address is the invitation's (not typed)."""

    email = None  # type: ignore[assignment]  # the invitation's address

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.invited_email = email

    def clean(self):
        self.cleaned_data["email"] = self.invited_email
        return super().clean()
