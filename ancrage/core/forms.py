"""Forms of the shared kernel, and the one way a service's refusal reaches a form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ancrage.core.services import MINIMUM_REASON_LENGTH


class BreakGlassForm(forms.Form):
    reference = forms.CharField(
        label=_("Référence du dossier"),
        max_length=12,
        help_text=_(
            "La référence pseudonyme transmise par l'établissement (par exemple P-7K3M9Q2X)."
        ),
    )
    reason = forms.CharField(
        label=_("Motif de l'accès exceptionnel"),
        min_length=MINIMUM_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Ce motif est enregistré et visible par la direction de l'établissement."),
    )


def errors_to_form(form, error: ValidationError, fallback: str | None = None) -> None:
    """Put a service's refusal where it happened: at the field it names when the form has that
    field, else at `fallback` (a field, or None for the top of the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else fallback, errors)
    else:
        form.add_error(fallback, error.messages)
