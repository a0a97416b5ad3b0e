"""The break-the-glass form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form
from ancrage.web.services import MINIMUM_REASON_LENGTH


class BreakGlassForm(Form):
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
