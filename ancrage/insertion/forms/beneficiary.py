"""Forms of a beneficiary's file (eligibility, exit, follow-up) and the list's filters."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE, territories
from ancrage.insertion.models import (
    SITUATION_FIELDS,
    TYPED_FLAGS,
    Beneficiary,
    Exit,
    FollowUp,
    PriorityPublic,
)
from ancrage.kernel.filters import ListFilters
from ancrage.kernel.forms import Form
from ancrage.kernel.versions import VersionedMixin
from ancrage.people.models import name_condition


class EligibilityForm(VersionedMixin, Form):
    date_ranges = {"checked_on": "past", "last_contact_on": "past"}
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
        help_text=_(
            "Moins de 26 ans et 55 ans et plus se déduisent de la date de naissance (à la date "
            "du consentement, là où l'appel en fait des publics prioritaires) ; « Femme », du "
            "sexe enregistré."
        ),
    )


class SituationForm(VersionedMixin, Form):
    """The social and professional situation at entry (every field may stay unknown)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SITUATION_FIELDS:
            field = Beneficiary._meta.get_field(name)
            self.fields[name] = forms.ChoiceField(
                label=str(field.verbose_name).capitalize(),
                choices=[("", _("Non renseigné")), *field.choices],
                required=False,
            )
        # the situation's fields first, the version's hidden fields after them
        self.order_fields(SITUATION_FIELDS)


class ExitForm(Form):
    date_ranges = {"date": "past"}
    date = forms.DateField(label=_("Date de sortie"), widget=DATE)
    # No outcome chosen in advance: a stray click never records a positive exit.
    reason = forms.ChoiceField(
        label=_("Motif de sortie"), choices=[("", _("Choisir le motif")), *Exit.Reason.choices]
    )
    note = forms.CharField(
        label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class FollowUpForm(Form):
    date_ranges = {"recorded_on": "past"}
    recorded_on = forms.DateField(label=_("Fait le"), widget=DATE)
    situation = forms.ChoiceField(label=_("Situation"), choices=FollowUp.Situation.choices)
    note = forms.CharField(label=_("Précisions"), required=False)


class BeneficiaryFilter(ListFilters):
    """The beneficiary list's filters, by the query string's `q`, `team`, `status`, `flag` and
    `territory`. As the list always did, filters that do not validate (a team out of scope, an
    unknown step) filter nothing."""

    q = django_filters.CharFilter(
        label=_("Nom"),
        max_length=100,
        help_text=_("Nom ou prénom, sans tenir compte des accents."),
        method="filter_name",
    )
    # The teams and territories as (id, name) choices, read once each with a plain query (a
    # model choice field reads its queryset again, through a cursor, at each rendering).
    team = django_filters.ChoiceFilter(label=_("Équipe"), choices=())
    status = django_filters.ChoiceFilter(
        label=_("Étape"),
        choices=Beneficiary.Status.choices,
        empty_label=_("Toutes"),
    )
    flag = django_filters.ChoiceFilter(
        label=_("Public prioritaire"),
        choices=[(f.value, f.label) for f in PriorityPublic],
        empty_label=_("Tous"),
        method="filter_flag",
    )
    territory = django_filters.ChoiceFilter(
        label=_("Territoire EFOP"), field_name="efop_territory", choices=()
    )

    def __init__(self, data=None, queryset=None, *, teams, **kwargs):
        super().__init__(data, queryset, **kwargs)
        self.filters["team"].extra["choices"] = list(teams.values_list("pk", "name"))
        self.filters["territory"].extra["choices"] = list(territories().values_list("pk", "name"))

    def filter_name(self, queryset, name, value):
        # The person search's rule (names, accents and case folded) on the persons joined.
        return queryset.filter(name_condition(value, "person__"))

    def filter_flag(self, queryset, name, value):
        return queryset.filter(**{value: True})
