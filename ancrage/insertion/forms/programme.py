"""The programme form (the rules are the service's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE, territories
from ancrage.insertion.models import (
    AGE_FLAGS,
    PriorityPublic,
)
from ancrage.kernel.forms import Form
from ancrage.kernel.versions import VersionedMixin
from ancrage.organisation.models import Consortium, EfopTerritory, Establishment, Organisation


class ProgrammeForm(Form):
    name = forms.CharField(label=_("Nom du programme"), max_length=200)
    call = forms.CharField(label=_("Appel à manifestation d'intérêt"), max_length=300)
    region = forms.CharField(label=_("Région"), max_length=100)
    departements = forms.CharField(
        label=_("Départements"), max_length=100, help_text=_("Codes séparés par des virgules.")
    )
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(label=_("Fin"), widget=DATE, help_text=_("3 ans au plus."))
    agreement_amount = forms.DecimalField(
        label=_("Montant de la convention (€)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("150 000 € au moins."),
    )
    organisation = forms.ModelChoiceField(
        label=_("Porteur (organisation seule)"),
        queryset=Organisation.objects.none(),
        required=False,
    )
    consortium = forms.ModelChoiceField(
        label=_("ou consortium"), queryset=Consortium.objects.none(), required=False
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services O2R (et leurs équipes)"),
        queryset=Establishment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    efop_territories = forms.ModelMultipleChoiceField(
        label=_("Territoires EFOP"),
        queryset=EfopTerritory.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    target_publics = forms.MultipleChoiceField(
        label=_("Publics cibles"),
        choices=PriorityPublic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, organisations, consortia, services, **kwargs):
        super().__init__(*args, **kwargs)
        # Where the call makes each age public a priority: one field per public
        # (`departements_<public>`), gathered into `priority_departements` for the service.
        for public in AGE_FLAGS:
            self.fields[f"departements_{public.value}"] = forms.CharField(
                label=_("%(public)s : départements prioritaires") % {"public": public.label},
                max_length=100,
                required=False,
                help_text=_("Codes séparés par des virgules ; vide : tous ceux du programme."),
            )
        self.fields["organisation"].queryset = organisations
        self.fields["consortium"].queryset = consortia
        self.fields["services"].queryset = services
        self.fields["efop_territories"].queryset = territories()

    def clean(self):
        cleaned = super().clean()
        cleaned["priority_departements"] = {
            public.value: cleaned.pop(f"departements_{public.value}", "") or ""
            for public in AGE_FLAGS
        }
        return cleaned


class TargetForm(VersionedMixin, Form):
    """One member's targets for one year of the agreement (empty: no target)."""

    year = forms.TypedChoiceField(label=_("Année de la convention"), coerce=int)
    organisation = forms.TypedChoiceField(label=_("Membre"), coerce=int)
    reached = forms.IntegerField(label=_("Personnes repérées"), min_value=0, required=False)
    remobilised = forms.IntegerField(label=_("Personnes remobilisées"), min_value=0, required=False)
    accompanied = forms.IntegerField(label=_("Personnes accompagnées"), min_value=0, required=False)
    positive_exits = forms.IntegerField(
        label=_("Sorties positives"),
        min_value=0,
        required=False,
        help_text=_(
            "Emploi durable, emploi de courte durée, formation, inscription au réseau pour "
            "l'emploi."
        ),
    )

    def __init__(self, *args, years, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(n, _("Année %(n)s") % {"n": n}) for n in years]
        self.fields["organisation"].choices = [(o.pk, o.name) for o in members]
        self.members = {o.pk: o for o in members}
