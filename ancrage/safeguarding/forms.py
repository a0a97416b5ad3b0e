"""Forms of the safeguarding pages. Rules live in the services; forms parse and show errors.
Every form on an existing incident carries the version it was built from."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.filters import ListFilters
from ancrage.kernel.forms import Form
from ancrage.safeguarding.models import Incident, IncidentChild, Transmission

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


# "Not involved", in the child's gender; the inclusive form only when the sex is unknown.
NOT_INVOLVED = {"F": _("Non concernée"), "M": _("Non concerné"), "X": _("Non concerné·e")}


class ReportForm(Form):
    date_ranges = {"occurred_at": "past"}
    occurred_at = forms.DateTimeField(label=_("Quand"), widget=DATE_TIME)
    place = forms.CharField(label=_("Où"), max_length=200)
    narrative = forms.CharField(
        label=_("Ce qui s'est passé"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Les faits tels que vous les avez constatés ou qu'on vous les a rapportés."),
    )
    adults_involved = forms.CharField(
        label=_("Adultes concernés"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    immediate_measures = forms.CharField(
        label=_("Mesures prises immédiatement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        for child in self.children:
            self.fields[f"child_{child.pk}"] = forms.ChoiceField(
                label=child.full_name,
                choices=[("", NOT_INVOLVED.get(child.sex, NOT_INVOLVED["X"]))]
                + IncidentChild.Role.choices,
                required=False,
            )

    def child_fields(self):
        return [self[f"child_{child.pk}"] for child in self.children]

    def child_groups(self):
        """The children's fields by house (in the order the children come: see
        `children_for_report`): [(house name, [fields], whether one is filled)]."""
        groups: dict[str, list] = {}
        for child in self.children:
            house = getattr(child, "house_name", "") or ""
            groups.setdefault(house, []).append(self[f"child_{child.pk}"])
        return [(house, fields, any(f.value() for f in fields)) for house, fields in groups.items()]

    def involved(self):
        return [
            (child, self.cleaned_data[f"child_{child.pk}"])
            for child in self.children
            if self.cleaned_data.get(f"child_{child.pk}")
        ]

    def report_fields(self):
        return [self[name] for name in ("occurred_at", "place", "narrative")]

    def other_fields(self):
        return [self[name] for name in ("adults_involved", "immediate_measures")]


class IncidentFilter(ListFilters):
    """The filters of a village's incident list, by the query string's `state` and `category`
    (both optional; one that does not validate filters nothing)."""

    OPEN, CLOSED = "open", "closed"
    state = django_filters.ChoiceFilter(
        label=_("État"),
        choices=[(OPEN, _("À traiter (non clos)")), (CLOSED, _("Clos"))],
        empty_label=_("Tous"),
        method="filter_state",
    )
    category = django_filters.ChoiceFilter(
        label=_("Catégorie"), choices=Incident.Category.choices, empty_label=_("Toutes")
    )

    def filter_state(self, queryset, name, value):
        if value == self.OPEN:
            return queryset.exclude(status=Incident.Status.CLOSED)
        return queryset.filter(status=Incident.Status.CLOSED)


class VersionedForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, **kwargs)
        if incident is not None and not self.is_bound:
            self.initial.setdefault("version", incident.version)


class QualifyForm(VersionedForm):
    category = forms.ChoiceField(
        label=_("Catégorie"), choices=[("", "—")] + Incident.Category.choices
    )
    severity = forms.ChoiceField(
        label=_("Gravité"), choices=[("", "—")] + Incident.Severity.choices
    )
    serious_malfunction_to_declare = forms.BooleanField(
        label=_("Dysfonctionnement grave ou événement à déclarer sans délai à l'autorité"),
        required=False,
    )

    def __init__(self, *args, incident=None, **kwargs):
        super().__init__(*args, incident=incident, **kwargs)
        if incident is not None and not self.is_bound and incident.category:
            for name in (
                "category",
                "severity",
                "serious_malfunction_to_declare",
            ):
                self.initial.setdefault(name, getattr(incident, name))


class StartHandlingForm(VersionedForm):
    pass


class ActionForm(VersionedForm):
    what = forms.CharField(label=_("Action"), max_length=300)
    owner = forms.ModelChoiceField(label=_("Responsable"), queryset=None)
    due_date = forms.DateField(label=_("Échéance"), required=False, widget=DATE)

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = str


class CompleteActionForm(VersionedForm):
    action = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(VersionedForm):
    outcome = forms.CharField(
        label=_("Issue"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce qui a été fait et ce qu'il en ressort."),
    )


class ReopenForm(VersionedForm):
    reason = forms.CharField(label=_("Motif de la réouverture"), widget=forms.Textarea({"rows": 2}))


class DeclarationForm(VersionedForm):
    date_ranges = {"discovered_at": "past"}
    discovered_at = forms.DateTimeField(
        label=_("Date et heure de la découverte des faits"), widget=DATE_TIME
    )
    facts = forms.CharField(
        label=_("Faits"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sans nom d'enfant : la déclaration indique l'âge et le sexe des victimes."),
    )
    measures_taken = forms.CharField(
        label=_("Mesures prises"), widget=forms.Textarea(attrs={"rows": 4})
    )
    media_impact = forms.CharField(
        label=_("Impact médiatique"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Presse, réseaux sociaux… ou « aucun »."),
    )
    justice_habilitation = forms.BooleanField(
        label=_("Le village est habilité justice : adresser aussi la déclaration au préfet"),
        required=False,
    )

    def __init__(self, *args, incident=None, declaration=None, **kwargs):
        super().__init__(*args, incident=incident, **kwargs)
        if self.is_bound or incident is None:
            return
        if declaration is not None:
            for name in (
                "discovered_at",
                "facts",
                "measures_taken",
                "media_impact",
                "justice_habilitation",
            ):
                self.initial.setdefault(name, getattr(declaration, name))
        else:
            self.initial.setdefault("discovered_at", incident.reported_at)
            self.initial.setdefault("facts", incident.narrative)
            self.initial.setdefault("measures_taken", incident.immediate_measures)


class AlertForm(VersionedForm):
    date_ranges = {"alerted_at": "past"}
    alerted_at = forms.DateTimeField(label=_("Alerte donnée le"), widget=DATE_TIME)
    alerted_by = forms.ModelChoiceField(label=_("Par"), queryset=None)
    alerted_to = forms.CharField(
        label=_("À"),
        max_length=200,
        help_text=_("Nom et service de la personne jointe (astreinte du département…)."),
    )

    def __init__(self, *args, staff=None, by=None, declaration=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alerted_by"].queryset = staff
        self.fields["alerted_by"].label_from_instance = str
        if not self.is_bound:
            if declaration is not None and declaration.alerted_at:
                self.initial.setdefault("alerted_at", declaration.alerted_at)
                self.initial.setdefault("alerted_by", declaration.alerted_by_id)
                self.initial.setdefault("alerted_to", declaration.alerted_to)
            elif by is not None:
                self.initial.setdefault("alerted_by", by.pk)


class ConfirmationForm(VersionedForm):
    date_ranges = {"confirmed_at": "past"}
    confirmed_at = forms.DateTimeField(
        label=_("Déclaration envoyée par écrit le"), widget=DATE_TIME
    )


class InformationForm(VersionedForm):
    date_ranges = {"cvs_informed_on": "past", "families_informed_on": "past"}
    cvs_informed_on = forms.DateField(
        label=_("Conseil de la vie sociale (CVS) informé le"), required=False, widget=DATE
    )
    families_informed_on = forms.DateField(
        label=_("Familles informées le"), required=False, widget=DATE
    )

    def __init__(self, *args, declaration=None, **kwargs):
        super().__init__(*args, **kwargs)
        if declaration is not None and not self.is_bound:
            self.initial.setdefault("cvs_informed_on", declaration.cvs_informed_on)
            self.initial.setdefault("families_informed_on", declaration.families_informed_on)


class TransmissionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Transmission"), choices=Transmission.Kind.choices)
    transmitted_at = forms.DateTimeField(label=_("Transmise le"), widget=DATE_TIME)
    transmitted_by = forms.ModelChoiceField(label=_("Par"), queryset=None)
    recipient = forms.CharField(
        label=_("À"),
        max_length=200,
        help_text=_(
            "La CRIP du département pour une information préoccupante ; le procureur de la "
            "République (tribunal judiciaire) pour un signalement."
        ),
    )
    copy_to = forms.CharField(
        label=_("Copie à"),
        max_length=200,
        required=False,
        help_text=_(
            "Pour un signalement : le président du conseil départemental (CRIP), en copie."
        ),
    )
    received_on = forms.DateField(
        label=_("Reçue par la CRIP le"),
        required=False,
        widget=DATE,
        help_text=_(
            "Information préoccupante : la CRIP l'évalue dans les 3 mois de sa réception "
            "(échéance dans l'échéancier de l'enfant)."
        ),
    )

    def __init__(self, *args, staff=None, by=None, departement="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transmitted_by"].queryset = staff
        self.fields["transmitted_by"].label_from_instance = str
        if not self.is_bound:
            if by is not None:
                self.initial.setdefault("transmitted_by", by.pk)
            if departement:
                self.initial.setdefault(
                    "recipient", _("CRIP du département (%(dep)s)") % {"dep": departement}
                )


class TransmissionFollowUpForm(VersionedForm):
    """What became of a transmission; the moment and the sender only for a record that has
    none (taken over from the former qualification)."""

    transmitted_at = forms.DateTimeField(label=_("Transmise le"), widget=DATE_TIME)
    transmitted_by = forms.ModelChoiceField(label=_("Par"), queryset=None)
    received_on = forms.DateField(label=_("Reçue par la CRIP le"), required=False, widget=DATE)
    outcome = forms.ChoiceField(
        label=_("Suite donnée"),
        required=False,
        choices=[("", _("Pas encore connue"))] + Transmission.Outcome.choices,
    )
    outcome_on = forms.DateField(label=_("Suite connue le"), required=False, widget=DATE)

    def __init__(self, *args, transmission=None, staff=None, by=None, **kwargs):
        super().__init__(*args, **kwargs)
        if transmission is not None and transmission.transmitted_at is not None:
            del self.fields["transmitted_at"], self.fields["transmitted_by"]
        else:
            self.fields["transmitted_by"].queryset = staff
            self.fields["transmitted_by"].label_from_instance = str
            if by is not None and not self.is_bound:
                self.initial.setdefault("transmitted_by", by.pk)
        if (
            transmission is not None
            and transmission.kind != Transmission.Kind.INFORMATION_PREOCCUPANTE
        ):
            del self.fields["received_on"]
        if transmission is not None and not self.is_bound:
            for name in ("received_on", "outcome", "outcome_on"):
                self.initial.setdefault(name, getattr(transmission, name))
