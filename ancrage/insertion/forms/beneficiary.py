"""Forms of a beneficiary's file (eligibility, exit, follow-up) and the list's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE, territories
from ancrage.insertion.models import (
    TYPED_FLAGS,
    Beneficiary,
    Exit,
    FollowUp,
    PriorityPublic,
)
from ancrage.organisation.models import EfopTerritory


class EligibilityForm(forms.Form):
    checked_on = forms.DateField(label=_("Vérifiée le"), widget=DATE)
    registered = forms.BooleanField(label=_("Inscrit à France Travail"), required=False)
    suitable_accompaniment = forms.BooleanField(
        label=_("Bénéficie d'un accompagnement adapté"), required=False
    )
    last_contact_on = forms.DateField(
        label=_("Dernier contact avec le réseau pour l'emploi"), widget=DATE, required=False
    )
    flags = forms.MultipleChoiceField(
        label=_("Publics prioritaires"),
        choices=[(f.value, f.label) for f in TYPED_FLAGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Moins de 26 ans et 55 ans et plus se déduisent de la date de naissance."),
    )


class ExitForm(forms.Form):
    date = forms.DateField(label=_("Date de sortie"), widget=DATE)
    reason = forms.ChoiceField(label=_("Motif de sortie"), choices=Exit.Reason.choices)
    note = forms.CharField(
        label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class FollowUpForm(forms.Form):
    recorded_on = forms.DateField(label=_("Fait le"), widget=DATE)
    situation = forms.ChoiceField(label=_("Situation"), choices=FollowUp.Situation.choices)
    note = forms.CharField(label=_("Précisions"), required=False)


class BeneficiaryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Nom"),
        required=False,
        max_length=100,
        help_text=_("Nom ou prénom, sans tenir compte des accents."),
    )
    team = forms.ModelChoiceField(label=_("Équipe"), queryset=None, required=False)
    status = forms.ChoiceField(
        label=_("Étape"), choices=[("", _("Toutes"))] + Beneficiary.Status.choices, required=False
    )
    flag = forms.ChoiceField(
        label=_("Public prioritaire"),
        required=False,
        choices=[("", _("Tous"))] + [(f.value, f.label) for f in PriorityPublic],
    )
    territory = forms.ModelChoiceField(
        label=_("Territoire EFOP"), queryset=EfopTerritory.objects.none(), required=False
    )

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].label_from_instance = lambda t: t.name
        self.fields["territory"].queryset = territories()
