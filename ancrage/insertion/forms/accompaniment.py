"""Forms of the accompaniment: opening, extension, barriers, objectives and actions, partner
referrals, remuneration periods."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE
from ancrage.insertion.models import (
    AccompanimentAction,
    Barrier,
    Objective,
)
from ancrage.kernel.forms import Form
from ancrage.kernel.versions import VersionedMixin


class AccompanimentForm(Form):
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    referent = forms.ModelChoiceField(label=_("Conseiller référent"), queryset=None)

    def __init__(self, *args, referents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.fields["referent"].label_from_instance = lambda u: u.get_full_name() or u.username


class ExtendForm(VersionedMixin, Form):
    """The extension of the accompaniment (`record=`): built from its version, so that a second
    counsellor extending it from the same file is told another extension was saved meanwhile."""

    until = forms.DateField(label=_("Prolonger jusqu'au"), widget=DATE)
    decided_on = forms.DateField(
        label=_("Prolongation décidée le"),
        widget=DATE,
        required=False,  # the service says why it is needed, with the other rules
        help_text=_("Avant la fin des 9 mois."),
    )
    reason = forms.CharField(
        label=_("Motif de la prolongation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def _shown_names(self):
        # Its fields are named after what is typed, not after the record's: the snapshot and
        # the conflict compare what the extension writes.
        return ["limit_date", "extension_reason", "extended_on"]


class BarrierForm(Form):
    kind = forms.ChoiceField(label=_("Frein"), choices=Barrier.Kind.choices)
    status = forms.ChoiceField(label=_("État"), choices=Barrier.Status.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    situation = forms.CharField(label=_("Situation"), widget=forms.Textarea(attrs={"rows": 2}))
    # the latest update of the file's barriers when the page was built: an update of the same
    # barrier written since by someone else is not overwritten unread (services.record_barrier)
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class ObjectiveForm(Form):
    text = forms.CharField(label=_("Objectif"), max_length=300)
    due_date = forms.DateField(label=_("Échéance"), widget=DATE, required=False)


class ActionForm(Form):
    objective = forms.ModelChoiceField(label=_("Objectif"), queryset=Objective.objects.none())
    text = forms.CharField(label=_("Action"), max_length=300)
    actor = forms.ChoiceField(label=_("Qui agit"), choices=AccompanimentAction.Actor.choices)
    due_date = forms.DateField(label=_("À faire pour le"), widget=DATE, required=False)

    def __init__(self, *args, objectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if objectives is not None:
            self.fields["objective"].queryset = objectives


class ActionDoneForm(Form):
    on = forms.DateField(label=_("Faite le"), widget=DATE)


class ObjectiveCloseForm(Form):
    outcome = forms.ChoiceField(
        label=_("Issue"), choices=[("achieved", _("Atteint")), ("abandoned", _("Abandonné"))]
    )
    on = forms.DateField(label=_("Le"), widget=DATE)


class PartnerReferralForm(Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    partner = forms.CharField(label=_("Partenaire"), max_length=200)
    purpose = forms.CharField(label=_("Objet"), max_length=300)


class RemunerationForm(Form):
    start_date = forms.DateField(label=_("Début de la rémunération"), widget=DATE)
    end_date = forms.DateField(label=_("Fin de la rémunération"), widget=DATE)
