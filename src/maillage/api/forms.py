"""The forms of a person's API access page (api.access_views)."""

from django import forms

from maillage.api.models import ApiToken
from maillage.core.forms import SubmittedOnce
from maillage.core.validators import SingleLine

TOKEN_NAME_MAX = ApiToken._meta.get_field("name").max_length


class TokenForm(SubmittedOnce, forms.Form):
    """A new personal API token: its name (one line, at most 100 characters)."""

    name = forms.CharField(
        label="Nom du jeton",
        max_length=TOKEN_NAME_MAX,
        help_text="Pour le reconnaître, par exemple « Mon tableur de réservations ».",
        validators=[SingleLine("Le nom")],
        error_messages={"required": "Donnez un nom au jeton."},
    )
