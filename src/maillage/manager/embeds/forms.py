"""The form of an embed (manager.embeds.views): what it lists and where it may be shown."""

from typing import Any, cast

from django import forms
from django.conf import settings

from maillage.accounts.models import User
from maillage.accounts.roles import has_departement_rights
from maillage.api.partners import clean_origins
from maillage.manager.models import Embed, EmbedScope
from maillage.places.permissions import editable_places
from maillage.territory.models import Commune


def departement_epts() -> list[str]:
    """The EPT names of the platform's département's communes, in alphabetical order."""
    names = (
        Commune.objects.of_departement(settings.MAILLAGE_DEPARTEMENT)
        .exclude(ept="")
        .values_list("ept", flat=True)
        .distinct()
    )
    return sorted(names)


class EmbedForm(forms.ModelForm):
    """An embed's title, places, allowed origins and state. Département staff choose what it
    lists (a commune, an EPT or one place of the département); a place's manager lists one
    of their places (the scope fields are not theirs). The origins are read one per line
    (api.partners.clean_origins: https, or http for localhost; French messages naming the
    line)."""

    class Meta:
        model = Embed
        fields = ["title", "scope", "commune", "ept", "place", "allowed_origins", "is_active"]
        widgets = {
            "scope": forms.RadioSelect,
            "allowed_origins": forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departement = settings.MAILLAGE_DEPARTEMENT
        place = cast(forms.ModelChoiceField, self.fields["place"])
        place.queryset = (
            editable_places(user).filter(commune__departement_id=departement).order_by("name")
        )
        place.help_text = "Pour une intégration d'un seul lieu."
        if has_departement_rights(user):
            commune = cast(forms.ModelChoiceField, self.fields["commune"])
            commune.queryset = Commune.objects.of_departement(departement)
            commune.help_text = "Pour une intégration des lieux d'une commune."
            self.fields["ept"] = forms.ChoiceField(
                label="Établissement public territorial",
                choices=[("", "---------"), *((name, name) for name in departement_epts())],
                required=False,
                help_text="Pour une intégration des lieux d'un EPT.",
            )
            self.fields["scope"].choices = EmbedScope.choices  # type: ignore[attr-defined]
        else:
            for name in ("scope", "commune", "ept"):
                del self.fields[name]
            self.instance.scope = EmbedScope.PLACE
            place.required = True
            place.help_text = "L'un des lieux que vous gérez."

    def clean_allowed_origins(self) -> str:
        """The origins as a browser sends them, one per line (ValidationError naming the
        field and the line)."""
        return "\n".join(clean_origins(self.cleaned_data["allowed_origins"]))
