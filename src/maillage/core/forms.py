"""What every app's forms share: a day read by a form checked against the range of days its
page accepts (core.dates.DateRange), refused under its field in French; a service's refusal
shown on the page's form; a creation that a reload must not repeat."""

import secrets
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from maillage.core.dates import DateRange
from maillage.core.validators import SingleLine

SUBMISSIONS_KEPT = 20


class SubmittedOnce(forms.Form):
    """A form whose answer shows a secret once (a new key): it carries a random `submission`
    id, so that a reload of that answer (the browser posting again) is told apart from a new
    creation (see first_submission). A ModelForm takes it as a base beside ModelForm."""

    submission = forms.CharField(
        widget=forms.HiddenInput,
        max_length=43,
        validators=[SingleLine("L'envoi")],
        error_messages={"required": "Rechargez la page puis renvoyez le formulaire."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["submission"] = secrets.token_urlsafe(16)


def submitted_before(request: HttpRequest) -> bool:
    """Whether the request posts a SubmittedOnce form already carried out in this session
    (a reload of its answer)."""
    return request.POST.get("submission") in request.session.get("submissions", [])


def first_submission(request: HttpRequest, form: SubmittedOnce) -> bool:
    """Whether the valid `form`'s submission is new in this session (then noted), False for
    one already carried out (a reload of its answer)."""
    submission = form.cleaned_data["submission"]
    seen: list[str] = request.session.get("submissions", [])
    if submission in seen:
        return False
    request.session["submissions"] = [*seen, submission][-SUBMISSIONS_KEPT:]
    return True


def day_within(form: forms.BaseForm, name: str, allowed: DateRange) -> date | None:
    """The day of `form`'s field `name` (already cleaned: a date or None) when it is empty or
    within `allowed`; otherwise ValidationError «choisissez une date entre le … et le ….»
    (DateRange.refusal), which the form shows under that field. For a form's
    `clean_<name>`: `return day_within(self, "du", allowed)`."""
    day: date | None = form.cleaned_data.get(name)
    if day is None:
        return None
    refusal = allowed.refusal(day)
    if refusal is not None:
        raise forms.ValidationError(refusal, "date_out_of_range")
    return day


def attach(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's ValidationError next to the form's fields it names (the others, and an
    error naming no field, above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, found in error.message_dict.items():
        form.add_error(field if field in form.fields else None, found)
