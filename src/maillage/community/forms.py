"""Forms of the community's pages: they read what a page sends; the rules are the models'
and the services' (their refusals shown next to the fields they name)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from maillage.booking.forms import (
    ClockTimeField,
    IsoDateField,
    occurrence_field,
    paris_instant,
    show_stored_occurrence,
)
from maillage.community import files
from maillage.community.models import (
    Announcement,
    Document,
    FundingOpportunity,
    MemberEmails,
    MemberMessage,
    MemberProfile,
    Referent,
    ReferentMessage,
    Tag,
)
from maillage.core.dates import DateRange, years_later
from maillage.core.forms import day_within
from maillage.core.model_fields import own_field
from maillage.territory.models import Commune

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
# How far a funding opportunity's dates may reach, in years from today (back, ahead).
FUNDING_YEARS_BACK = 1
FUNDING_YEARS_AHEAD = 5
DEFAULT_DEADLINE_TIME = time(23, 59)
# Who may apply to a funding opportunity: its three switches, one choice each on the form.
AUDIENCES = ("for_managers", "for_project_holders", "for_companies")


def _https_urls(field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """Form fields as the model says, web addresses typed without a scheme read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ReferentForm(forms.ModelForm):
    """The referent's details, as staff type them (community.services.set_referent)."""

    class Meta:
        model = Referent
        fields = ["name", "title", "email", "phone", "presentation"]
        widgets = {"presentation": forms.Textarea(attrs={"rows": 4})}


class ReferentMessageForm(forms.ModelForm):
    """A message to the referent."""

    class Meta:
        model = ReferentMessage
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}


class MemberMessageForm(forms.ModelForm):
    """A message to a member of the directory."""

    class Meta:
        model = MemberMessage
        fields = ["body"]
        labels = {"body": "Votre message"}
        help_texts = {
            "body": "Votre adresse électronique est transmise à cette personne pour qu'elle "
            "vous réponde ; la sienne ne vous est pas montrée."
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class ProfileForm(forms.ModelForm):
    """A member's own directory profile."""

    class Meta:
        model = MemberProfile
        fields = [
            "display_name",
            "offers",
            "offer_tags",
            "seeks",
            "seek_tags",
            "listed",
            "accepts_messages",
        ]
        widgets = {
            "offers": forms.Textarea(attrs={"rows": 4}),
            "seeks": forms.Textarea(attrs={"rows": 4}),
            "offer_tags": forms.CheckboxSelectMultiple,
            "seek_tags": forms.CheckboxSelectMultiple,
        }


class MemberEmailsForm(forms.ModelForm):
    """Which community emails a member receives."""

    class Meta:
        model = MemberEmails
        fields = ["announcements", "funding_reminders"]


class DirectoryFilter(forms.Form):
    """The directory's filters, read from the URL (`commune`: an INSEE code; `offre`,
    `recherche`: a theme's identifier). A bad value is an error on its field."""

    commune = forms.ModelChoiceField(
        label="Commune",
        queryset=Commune.objects.none(),
        to_field_name="insee_code",
        required=False,
        empty_label="Toutes les communes",
    )
    offre = forms.ModelChoiceField(
        label="Propose",
        queryset=Tag.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Tous les thèmes",
    )
    recherche = forms.ModelChoiceField(
        label="Recherche",
        queryset=Tag.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="Tous les thèmes",
    )

    def __init__(self, *args: Any, communes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes  # type: ignore[attr-defined]


class AnnouncementForm(forms.ModelForm):
    """An announcement: its title and text."""

    class Meta:
        model = Announcement
        fields = ["title", "body"]
        help_texts = {
            "body": "Publié sur la page « Annonces » et envoyé par courriel à chaque "
            "gestionnaire et porteur de projet (sauf s'ils ont refusé ces courriels)."
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}


class DocumentForm(forms.ModelForm):
    """A document to share: its title, section, description and file."""

    file = forms.FileField(
        label="Fichier",
        help_text=f"{files.ALLOWED_TEXT}, {files.MAX_TEXT} au plus ; le format est "
        "reconnu d'après le contenu.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{kind.extension}" for kind in files.KINDS.values())}
        ),
    )

    class Meta:
        model = Document
        fields = ["title", "category", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class FundingForm(forms.ModelForm):
    """A funding opportunity; its deadline typed as a Paris day and time (23:59 unless
    said), read as an instant by the project's one rule (booking.forms.paris_instant: a time
    the clock skips is refused, for one shown twice staff choose which). Dates reach from
    FUNDING_YEARS_BACK years back to FUNDING_YEARS_AHEAD ahead."""

    deadline_date = IsoDateField(label="Date limite de dépôt", widget=DATE_INPUT)
    deadline_time = ClockTimeField(
        label="Heure limite (heure de Paris)",
        widget=TIME_INPUT,
        initial=DEFAULT_DEADLINE_TIME,
    )
    deadline_time_occurrence = occurrence_field("Heure limite à retenir")
    audiences = forms.MultipleChoiceField(
        label="Qui peut candidater",
        choices=[
            (name, str(own_field(FundingOpportunity, name).verbose_name).capitalize())
            for name in AUDIENCES
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    field_order = ["title", "funder", "fund", "description", "eligibility", "audiences"]
    field_order += ["amount_min_cents", "amount_max_cents", "opens_on"]
    field_order += ["deadline_date", "deadline_time", "deadline_time_occurrence", "link"]

    class Meta:
        model = FundingOpportunity
        fields = [
            "title",
            "funder",
            "fund",
            "description",
            "eligibility",
            "amount_min_cents",
            "amount_max_cents",
            "opens_on",
            "link",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "eligibility": forms.Textarea(attrs={"rows": 4}),
        }
        field_classes = {"opens_on": IsoDateField}
        formfield_callback = _https_urls

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opens_on"].widget = DATE_INPUT
        self.initial.setdefault(
            "audiences", [name for name in AUDIENCES if getattr(self.instance, name)]
        )
        deadline = self.instance.deadline if self.instance.pk is not None else None
        if deadline is not None:
            local = timezone.localtime(deadline)
            self.initial.setdefault("deadline_date", local.date())
            self.initial.setdefault("deadline_time", local.time().replace(second=0))
            show_stored_occurrence(self, "deadline_time", deadline)

    def _in_range(self, name: str) -> date | None:
        today = timezone.localdate()
        allowed = DateRange(
            years_later(today, -FUNDING_YEARS_BACK), years_later(today, FUNDING_YEARS_AHEAD)
        )
        return day_within(self, name, allowed)

    def clean_opens_on(self) -> date | None:
        return self._in_range("opens_on")

    def clean_deadline_date(self) -> date | None:
        return self._in_range("deadline_date")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, moment = cleaned.get("deadline_date"), cleaned.get("deadline_time")
        self.deadline: datetime | None = None
        if day is not None and moment is not None:
            self.deadline = paris_instant(self, "deadline_time", datetime.combine(day, moment))
        return cleaned

    def _post_clean(self) -> None:
        """Nothing more: the service judges the opportunity through the model
        (community.funding.save_opportunity), and the page shows its refusals on the fields
        (`attach`, the deadline's on its day)."""

    def opportunity_fields(self) -> dict[str, Any]:
        """What the service writes (community.funding.FIELDS), from a valid form."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        chosen = self.cleaned_data["audiences"]
        return {
            **fields,
            **{name: name in chosen for name in AUDIENCES},
            "deadline": self.deadline,
        }


# The service's fields a form shows elsewhere (the deadline instant: its day).
FORM_FIELD = {"deadline": "deadline_date", "for_managers": "audiences"}


def attach(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError next to the form's fields it names (FORM_FIELD maps the
    service's names to the form's); the others, and an error naming no field, above it."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, found in error.message_dict.items():
        name = FORM_FIELD.get(field, field)
        form.add_error(name if name in form.fields else None, found)
