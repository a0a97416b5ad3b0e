"""Forms of repérage: an outreach action, a contact, a contact converted into a beneficiary."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE, programme_field, service_programmes, territories
from ancrage.insertion.models import (
    Contact,
    OutreachAction,
)
from ancrage.kernel.forms import Form
from ancrage.organisation.models import EfopTerritory


class OutreachActionForm(Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Type d'action"), choices=OutreachAction.Kind.choices)
    place = forms.CharField(label=_("Lieu"), max_length=200)
    commune = forms.CharField(label=_("Commune"), max_length=100)
    efop_territory = forms.ModelChoiceField(
        label=_("Territoire EFOP"), queryset=EfopTerritory.objects.none()
    )
    partners = forms.CharField(label=_("Partenaires associés"), max_length=300, required=False)
    people_met = forms.IntegerField(label=_("Personnes rencontrées"), min_value=0)
    programme = programme_field()

    def __init__(self, *args, service_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["efop_territory"].queryset = territories()
        self.fields["programme"].queryset = service_programmes(service_id)


class ContactForm(Form):
    date_ranges = {"met_on": "past"}
    met_on = forms.DateField(label=_("Rencontré le"), widget=DATE)
    nickname = forms.CharField(
        label=_("Prénom ou surnom"), max_length=100, help_text=_("Le contact peut rester anonyme.")
    )
    age_bracket = forms.ChoiceField(label=_("Tranche d'âge"), choices=Contact.AgeBracket.choices)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Contact._meta.get_field("sex").choices)
    commune = forms.CharField(label=_("Commune"), max_length=100)
    efop_territory = forms.ModelChoiceField(
        label=_("Territoire EFOP"), queryset=EfopTerritory.objects.none()
    )
    outreach_action = forms.ModelChoiceField(
        label=_("Action de repérage"), queryset=OutreachAction.objects.none(), required=False
    )
    programme = programme_field()
    next_step = forms.ChoiceField(label=_("Suite prévue"), choices=Contact.NextStep.choices)
    next_step_on = forms.DateField(label=_("Date de la suite"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Observations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, actions=None, service_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["efop_territory"].queryset = territories()
        self.fields["programme"].queryset = service_programmes(service_id)
        self.fields["outreach_action"].queryset = (
            actions if actions is not None else OutreachAction.objects.none()
        )
        self.fields["outreach_action"].label_from_instance = str


class ConvertForm(Form):
    date_ranges = {"birth_date": "birth", "consent_on": "past"}
    first_names = forms.CharField(label=_("Prénoms"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE, required=False)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Contact._meta.get_field("sex").choices)
    consent_on = forms.DateField(label=_("Consentement recueilli le"), widget=DATE)
    consent_how = forms.CharField(
        label=_("Forme du consentement"),
        max_length=200,
        help_text=_(
            "Par exemple : accord oral après lecture de la notice, signature du formulaire."
        ),
    )
