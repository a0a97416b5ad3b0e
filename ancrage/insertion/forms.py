"""Forms of the O2R pages. Rules live in the services; forms parse and show errors."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models import (
    TYPED_FLAGS,
    AccompanimentAction,
    Activity,
    Barrier,
    Beneficiary,
    Contact,
    Exit,
    FollowUp,
    Objective,
    OutreachAction,
    PriorityPublic,
)
from ancrage.organisation.models import Consortium, EfopTerritory, Establishment, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def territories():
    return EfopTerritory.objects.order_by("name")


class OutreachActionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    kind = forms.ChoiceField(label=_("Type d'action"), choices=OutreachAction.Kind.choices)
    place = forms.CharField(label=_("Lieu"), max_length=200)
    commune = forms.CharField(label=_("Commune"), max_length=100)
    efop_territory = forms.ModelChoiceField(
        label=_("Territoire EFOP"), queryset=EfopTerritory.objects.none()
    )
    partners = forms.CharField(label=_("Partenaires associés"), max_length=300, required=False)
    people_met = forms.IntegerField(label=_("Personnes rencontrées"), min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["efop_territory"].queryset = territories()


class ContactForm(forms.Form):
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
    next_step = forms.ChoiceField(label=_("Suite prévue"), choices=Contact.NextStep.choices)
    next_step_on = forms.DateField(label=_("Date de la suite"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Observations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, actions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["efop_territory"].queryset = territories()
        self.fields["outreach_action"].queryset = (
            actions if actions is not None else OutreachAction.objects.none()
        )
        self.fields["outreach_action"].label_from_instance = str


class ConvertForm(forms.Form):
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


class AccompanimentForm(forms.Form):
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    referent = forms.ModelChoiceField(label=_("Conseiller référent"), queryset=None)

    def __init__(self, *args, referents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.fields["referent"].label_from_instance = lambda u: u.get_full_name() or u.username


class ExtendForm(forms.Form):
    until = forms.DateField(label=_("Prolonger jusqu'au"), widget=DATE)
    reason = forms.CharField(
        label=_("Motif de la prolongation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class BarrierForm(forms.Form):
    kind = forms.ChoiceField(label=_("Frein"), choices=Barrier.Kind.choices)
    status = forms.ChoiceField(label=_("État"), choices=Barrier.Status.choices)
    on = forms.DateField(label=_("Date"), widget=DATE)
    situation = forms.CharField(label=_("Situation"), widget=forms.Textarea(attrs={"rows": 2}))


class ObjectiveForm(forms.Form):
    text = forms.CharField(label=_("Objectif"), max_length=300)
    due_date = forms.DateField(label=_("Échéance"), widget=DATE, required=False)


class ActionForm(forms.Form):
    objective = forms.ModelChoiceField(label=_("Objectif"), queryset=Objective.objects.none())
    text = forms.CharField(label=_("Action"), max_length=300)
    actor = forms.ChoiceField(label=_("Qui agit"), choices=AccompanimentAction.Actor.choices)
    due_date = forms.DateField(label=_("À faire pour le"), widget=DATE, required=False)

    def __init__(self, *args, objectives=None, **kwargs):
        super().__init__(*args, **kwargs)
        if objectives is not None:
            self.fields["objective"].queryset = objectives


class ActionDoneForm(forms.Form):
    on = forms.DateField(label=_("Faite le"), widget=DATE)


class ObjectiveCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Issue"), choices=[("achieved", _("Atteint")), ("abandoned", _("Abandonné"))]
    )
    on = forms.DateField(label=_("Le"), widget=DATE)


class PartnerReferralForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE)
    partner = forms.CharField(label=_("Partenaire"), max_length=200)
    purpose = forms.CharField(label=_("Objet"), max_length=300)


class RemunerationForm(forms.Form):
    start_date = forms.DateField(label=_("Début de la rémunération"), widget=DATE)
    end_date = forms.DateField(label=_("Fin de la rémunération"), widget=DATE)


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


class ActivityForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    format = forms.ChoiceField(label=_("Forme"), choices=Activity.Format.choices)
    kind = forms.ChoiceField(label=_("Type"), choices=Activity.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=DATE)
    duration_minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=1)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Personnes présentes"),
        queryset=Beneficiary.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, beneficiaries=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = beneficiaries
        self.fields["attendees"].label_from_instance = lambda b: b.person.full_name


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


class AcceptReferralForm(forms.Form):
    commune = forms.CharField(label=_("Commune de résidence"), max_length=100)
    efop_territory = forms.ModelChoiceField(
        label=_("Territoire EFOP"), queryset=EfopTerritory.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["efop_territory"].queryset = territories()


class VillageReferralForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service O2R"), queryset=None)
    consent_on = forms.DateField(label=_("Consentement du jeune recueilli le"), widget=DATE)
    consent_how = forms.CharField(label=_("Forme du consentement"), max_length=200)
    consent_text = forms.CharField(
        label=_("Ce que le jeune a accepté"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Par exemple : transmettre son nom, son âge et ses coordonnées au service O2R."
        ),
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: s.name


class ReportPeriodForm(forms.Form):
    start = forms.DateField(label=_("Du"), widget=DATE)
    end = forms.DateField(label=_("Au"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin de la période doit suivre son début."))
        return data


class ProgrammeForm(forms.Form):
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
        self.fields["organisation"].queryset = organisations
        self.fields["consortium"].queryset = consortia
        self.fields["services"].queryset = services
        self.fields["efop_territories"].queryset = territories()
