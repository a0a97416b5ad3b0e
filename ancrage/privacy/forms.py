"""The forms of the retention pages: a hold placed on a file, a hold lifted."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form
from ancrage.placements.forms import DATE
from ancrage.privacy.models import SubjectRequest


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


class SubjectRequestForm(Form):
    date_ranges = {"received_on": "past"}

    kind = forms.ChoiceField(label=_("Demande"), choices=SubjectRequest.Kind.choices)
    reference = forms.CharField(label=_("Référence du dossier de la personne"), max_length=12)
    establishment = forms.TypedChoiceField(label=_("Établissement qui répond"), coerce=int)
    requester_name = forms.CharField(label=_("Qui fait la demande"), max_length=200)
    requester_quality = forms.ChoiceField(
        label=_("Qualité du demandeur"), choices=SubjectRequest.Quality.choices
    )
    received_on = forms.DateField(label=_("Reçue le"), widget=DATE)
    identity_check = forms.CharField(
        label=_("Pièce d'identité vérifiée"),
        max_length=200,
        help_text=_("Par vous : la pièce vue (carte d'identité, passeport…), sans son numéro."),
    )
    details = forms.CharField(
        label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [(e.pk, e.name) for e in establishments]


class ExtendRequestForm(Form):
    extension_reason = forms.CharField(
        label=_("Motif de la prolongation"), widget=forms.Textarea(attrs={"rows": 2})
    )
