from django import forms
from django.conf import settings
from django.db.models import Case, When

from maillage.core.text import french_number
from maillage.observatory.analysis import THRESHOLDS_MINUTES
from maillage.observatory.candidate_import import MAX_ROWS
from maillage.observatory.models import CandidateSite, Scenario, SitingModel
from maillage.observatory.sorting import choices as sort_choices
from maillage.places.models import Place, PlaceStatus

THRESHOLD_CHOICES = [(t, f"{t} minutes à pied") for t in THRESHOLDS_MINUTES]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class ThresholdForm(forms.Form):
    seuil = forms.TypedChoiceField(
        label="Seuil d'accès", choices=THRESHOLD_CHOICES, coerce=int, initial=15, required=False
    )
    preparation = forms.BooleanField(label="Compter aussi les lieux en préparation", required=False)


class CommuneSortForm(forms.Form):
    """The public communes table's order (observatory.sorting); empty: the worst-served
    first."""

    tri = forms.ChoiceField(label="Tri", choices=sort_choices, required=False)


class ScenarioForm(forms.ModelForm):
    threshold_minutes = forms.TypedChoiceField(
        label="Seuil d'accès", choices=THRESHOLD_CHOICES, coerce=int, initial=15
    )

    class Meta:
        model = Scenario
        fields = ["name", "description", "threshold_minutes", "candidate_sites", "project_places"]
        widgets = {
            "candidate_sites": forms.CheckboxSelectMultiple,
            "project_places": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        code = settings.MAILLAGE_DEPARTEMENT
        self.fields["candidate_sites"].queryset = CandidateSite.objects.filter(
            commune__departement_id=code
        ).select_related("commune")
        self.fields["project_places"].queryset = (
            Place.objects.in_departement(code)
            .filter(status__in=[PlaceStatus.PROJECT, PlaceStatus.PREPARING])
            .select_related("commune")
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("candidate_sites") and not cleaned.get("project_places"):
            raise forms.ValidationError(
                "Choisissez au moins un site candidat ou un projet à ouvrir dans ce scénario."
            )
        return cleaned


class ModelRunForm(forms.Form):
    # The scenario's own rules, checked before any model runs.
    name = forms.CharField(
        label="Nom du scénario",
        max_length=150,
        validators=Scenario._meta.get_field("name").validators,
    )
    model = forms.ChoiceField(label="Modèle", choices=SitingModel.choices)
    p = forms.IntegerField(
        label="Nombre de sites à ouvrir",
        min_value=1,
        required=False,
        help_text="Pour les modèles couverture maximale, p-médian et p-centre.",
    )
    target_share = forms.IntegerField(
        label="Part de la population à couvrir (%)",
        min_value=1,
        max_value=100,
        required=False,
        initial=90,
        help_text="Pour le modèle « moins de sites ».",
    )
    threshold_minutes = forms.TypedChoiceField(
        label="Seuil d'accès", choices=THRESHOLD_CHOICES, coerce=int, initial=15
    )
    include_projects = forms.BooleanField(
        label="Compter les projets en préparation parmi les sites possibles",
        required=False,
        initial=True,
    )

    def clean(self):
        cleaned = super().clean()
        model = cleaned.get("model")
        if model == SitingModel.LSCP:
            if cleaned.get("target_share") is None:
                self.add_error("target_share", "Indiquez la part de la population à couvrir.")
        elif model and cleaned.get("p") is None:
            self.add_error("p", "Indiquez le nombre de sites à ouvrir.")
        return cleaned


class CandidateImportForm(forms.Form):
    file = forms.FileField(
        label="Fichier CSV (UTF-8, séparateur virgule ou point-virgule)",
        help_text=f"5 Mo et {french_number(MAX_ROWS)} lignes au plus.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Le fichier dépasse 5 Mo.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Le fichier doit avoir l'extension .csv.")
        return upload


class ScenarioChoiceField(forms.ModelChoiceField):
    """A saved scenario, named with its threshold (names may repeat, thresholds matter)."""

    default_error_messages = {
        "required": "Choisissez un scénario.",
        "invalid_choice": "Ce scénario n'existe pas ou a été supprimé : "
        "choisissez-en un dans la liste.",
    }

    def __init__(self, label: str):
        super().__init__(queryset=Scenario.objects.all(), label=label, empty_label="— Choisir —")

    def label_from_instance(self, obj):
        return f"{obj.name} — {obj.threshold_minutes} min"


class ScenarioPairForm(forms.Form):
    """The two scenarios of the comparison page (GET), which must differ."""

    premier = ScenarioChoiceField("Premier scénario")
    second = ScenarioChoiceField("Second scénario")

    @classmethod
    def against(cls, scenario: Scenario) -> "ScenarioPairForm":
        """The «Comparer avec…» form of `scenario`'s page: `scenario` first (hidden), the
        second among the others, those at the same threshold first."""
        form = cls(initial={"premier": scenario.pk})
        form.fields["premier"].widget = forms.HiddenInput()
        second = form.fields["second"]
        assert isinstance(second, ScenarioChoiceField)
        second.label = "Comparer avec…"
        second.empty_label = None
        second.queryset = Scenario.objects.exclude(pk=scenario.pk).order_by(
            Case(When(threshold_minutes=scenario.threshold_minutes, then=0), default=1),
            "-updated_at",
        )
        return form

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("premier"), cleaned.get("second")
        if first and second and first.pk == second.pk:
            self.add_error(
                "second",
                "Choisissez un autre scénario que le premier : un scénario se compare à un autre.",
            )
        return cleaned
