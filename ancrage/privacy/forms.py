"""The forms of the retention pages: a hold placed on a file, a hold lifted."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form


class HoldForm(Form):
    reference = forms.CharField(
        label=_("Référence du dossier"),
        max_length=12,
        help_text=_("La référence de la personne (P-…), lue sur sa fiche."),
    )
    establishment = forms.TypedChoiceField(label=_("Établissement"), coerce=int)
    reason = forms.CharField(
        label=_("Motif du gel"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Contentieux, demande d'un juge… Le passage de conservation laisse le dossier."
        ),
    )

    def __init__(self, *args, establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [(e.pk, e.name) for e in establishments]
        if len(establishments) == 1:
            self.fields["establishment"].initial = establishments[0].pk

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class LiftHoldForm(Form):
    lift_reason = forms.CharField(
        label=_("Motif de la levée"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ArchiveOpenForm(Form):
    reference = forms.CharField(label=_("Référence du dossier archivé"), max_length=12)
    reason = forms.CharField(
        label=_("Motif de la consultation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Le motif est enregistré dans le journal des consultations du dossier."),
    )
