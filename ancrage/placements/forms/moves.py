"""Forms of the moves, the exits and the judge's notices. Rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form
from ancrage.organisation.models import Unit
from ancrage.placements.forms.fields import DATE, HouseChoiceField, SeparationFields
from ancrage.placements.models import Stay


class MoveForm(SeparationFields):
    house = HouseChoiceField(label=_("Nouvelle maison"), queryset=Unit.objects.none())
    move_date = forms.DateField(label=_("Date du changement"), widget=DATE)
    emergency = forms.BooleanField(
        label=_("Urgence"),
        required=False,
        help_text=_(
            "Changement de lieu de placement en urgence : le juge est avisé sous 48 heures."
        ),
    )

    field_order = ["house", "move_date", "emergency", "separation_reason", "separation_explanation"]

    def __init__(self, *args, houses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["house"].queryset = houses


class ExitForm(Form):
    exit_date = forms.DateField(label=_("Date de sortie"), widget=DATE)
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=[c for c in Stay.ExitReason.choices if c[0] != Stay.ExitReason.MOVE],
    )
    emergency = forms.BooleanField(
        label=_("Urgence"),
        required=False,
        help_text=_(
            "Sortie vers un autre lieu de placement en urgence : le juge est avisé sous 48 heures "
            "(sinon, un mois à l'avance)."
        ),
    )
    note = forms.CharField(
        label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class JudgeInformedForm(Form):
    # A day in the future is the service's refusal (mark_judge_informed), with its own words.
    sent_on = forms.DateField(label=_("Juge informé le"), widget=DATE)
