from datetime import datetime, time, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone

from maillage.booking import availability as core
from maillage.places.models import SpaceKind
from maillage.territory.models import Commune

MAX_PEOPLE = 500
MAX_SEARCH_DAYS = 2 * 366


def _instant(day, moment: time) -> datetime:
    return core.wall_clock_instant(datetime.combine(day, moment))


class SearchForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    debut = forms.TimeField(
        label="De", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    fin = forms.TimeField(label="À", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    commune = forms.ModelChoiceField(
        label="Commune",
        queryset=Commune.objects.none(),
        to_field_name="insee_code",
        required=False,
        empty_label="Tout le département",
    )
    type = forms.ChoiceField(
        label="Type d'espace", choices=[("", "Tous les types"), *SpaceKind.choices], required=False
    )
    personnes = forms.IntegerField(
        label="Nombre de personnes", min_value=1, max_value=MAX_PEOPLE, required=False
    )
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.of_departement(
            settings.MAILLAGE_DEPARTEMENT
        )

    @staticmethod
    def initial_values() -> dict:
        tomorrow = timezone.localdate() + timedelta(days=1)
        return {"date": tomorrow, "debut": time(9), "fin": time(12), "personnes": 1}

    def clean_personnes(self):
        return self.cleaned_data["personnes"] or 1

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError("La date doit être aujourd'hui ou plus tard.")
        if day > timezone.localdate() + timedelta(days=MAX_SEARCH_DAYS):
            raise forms.ValidationError("Les recherches portent sur les deux prochaines années.")
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("debut") and cleaned.get("fin") and cleaned["fin"] <= cleaned["debut"]:
            self.add_error("fin", "L'heure de fin doit être après l'heure de début.")
        elif (
            cleaned.get("date")
            and cleaned.get("fin")
            and _instant(cleaned["date"], cleaned["fin"]) <= timezone.now()
        ):
            self.add_error("fin", "Ce créneau est déjà passé : choisissez une heure à venir.")
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            raise forms.ValidationError("Position incomplète : réessayez « près de moi ».")
        return cleaned

    @property
    def window(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        return _instant(data["date"], data["debut"]), _instant(data["date"], data["fin"])


class BookingForm(forms.Form):
    date = forms.DateField(
        label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    debut = forms.TimeField(
        label="Heure de début", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    fin = forms.TimeField(
        label="Heure de fin", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    postes = forms.IntegerField(
        label="Nombre de postes", min_value=1, max_value=MAX_PEOPLE, initial=1
    )
    semaines = forms.IntegerField(
        label="Répéter chaque semaine pendant (semaines)",
        min_value=1,
        max_value=52,
        initial=1,
        help_text="1 : une seule fois. Par exemple 10 pour dix mardis de télétravail.",
    )

    def __init__(self, *args, space, **kwargs):
        super().__init__(*args, **kwargs)
        self.space = space
        if space.is_exclusive:
            del self.fields["postes"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("debut") and cleaned.get("fin") and cleaned["fin"] <= cleaned["debut"]:
            self.add_error("fin", "L'heure de fin doit être après l'heure de début.")
        return cleaned

    @property
    def window(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        return _instant(data["date"], data["debut"]), _instant(data["date"], data["fin"])

    @property
    def seats(self) -> int:
        return self.cleaned_data.get("postes") or 1


class ReasonForm(forms.Form):
    motif = forms.CharField(label="Motif", max_length=300, required=False)
