"""Forms of the village pages. Rules live in the services; forms parse and show errors."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ancrage.organisation.models import Unit
from ancrage.people.models import Person
from ancrage.placements.models import (
    AdmissionRequest,
    MeasureDocument,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
    Visit,
    VisitRight,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class HouseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, house):
        return f"{house.name} · {house.establishment.name}"


class SeparationFields(forms.Form):
    """The justification the sibling rule asks for; only needed when siblings would be apart."""

    separation_reason = forms.ChoiceField(
        label=_("Motif de la séparation de la fratrie"),
        choices=[("", "—")] + SiblingSeparation.Reason.choices,
        required=False,
        help_text=_("Seulement si des frères et sœurs ne vivront pas dans la même maison."),
    )
    separation_explanation = forms.CharField(
        label=_("Explication"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def justification(self):
        from ancrage.placements.services import Justification

        reason = self.cleaned_data.get("separation_reason")
        if not reason:
            return None
        return Justification(
            reason=reason, explanation=self.cleaned_data.get("separation_explanation", "")
        )


class MeasureForm(forms.ModelForm):
    class Meta:
        model = ProtectionMeasure
        fields = [
            "renews",
            "establishment",
            "legal_basis",
            "authority",
            "departement",
            "ase_referent_name",
            "ase_referent_contact",
            "start_date",
            "review_date",
            "end_date",
        ]
        widgets = {"start_date": DATE, "review_date": DATE, "end_date": DATE}

    def __init__(self, *args, villages, renewable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = villages
        self.fields["establishment"].empty_label = None
        # Only the child's measures not yet renewed; leave empty for a first measure.
        self.fields["renews"].queryset = renewable
        self.fields["renews"].required = False
        self.fields["renews"].empty_label = _("— nouvelle mesure —")
        self.fields["renews"].help_text = _(
            "Un renouvellement met fin à la mesure renouvelée la veille de son début."
        )

    def clean(self):
        cleaned = super().clean()
        start, end, review = (
            cleaned.get("start_date"),
            cleaned.get("end_date"),
            cleaned.get("review_date"),
        )
        if start and end and end < start:
            self.add_error("end_date", _("La fin ne peut pas précéder le début de la mesure."))
        if start and review and review < start:
            self.add_error(
                "review_date", _("L'échéance ne peut pas précéder le début de la mesure.")
            )
        return cleaned


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


class ExitForm(forms.Form):
    exit_date = forms.DateField(label=_("Date de sortie"), widget=DATE)
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=[c for c in Stay.ExitReason.choices if c[0] != Stay.ExitReason.MOVE],
    )
    note = forms.CharField(
        label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AdmissionRequestForm(forms.ModelForm):
    class Meta:
        model = AdmissionRequest
        fields = [
            "received_on",
            "urgency",
            "departement",
            "ase_referent_name",
            "ase_referent_contact",
            "wished_start_date",
            "needs",
            "visit_arrangements",
        ]
        widgets = {"received_on": DATE, "wished_start_date": DATE}


class ChildForm(forms.Form):
    first_names = forms.CharField(label=_("Prénoms"), max_length=150)
    last_name = forms.CharField(label=_("Nom"), max_length=150)
    birth_date = forms.DateField(label=_("Date de naissance"), widget=DATE)
    # An empty first choice, so that the spare rows of the formset stay unchanged.
    sex = forms.ChoiceField(label=_("Sexe"), choices=[("", "—"), *Person.Sex.choices])


class BaseChildFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        filled = [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]
        if not filled:
            raise forms.ValidationError(_("Indiquez au moins un enfant."))


ChildFormSet = forms.formset_factory(
    ChildForm, formset=BaseChildFormSet, extra=4, max_num=8, validate_max=True
)


class AcceptAdmissionForm(SeparationFields):
    start_date = forms.DateField(label=_("Date d'arrivée"), widget=DATE)

    def __init__(self, *args, admission, houses, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = admission.ordered_children
        for child in self.children:
            field = HouseChoiceField(
                label=_("Maison pour %(name)s") % {"name": child.full_name}, queryset=houses
            )
            self.fields[f"house_{child.pk}"] = field
        self.order_fields(["start_date", *[f"house_{c.pk}" for c in self.children]])

    def houses(self):
        return {child.pk: self.cleaned_data[f"house_{child.pk}"] for child in self.children}


class DeclineAdmissionForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Motif du refus"), widget=forms.Textarea(attrs={"rows": 3})
    )


class JudgeInformedForm(forms.Form):
    sent_on = forms.DateField(label=_("Juge informé le"), widget=DATE)


# Family visits ---------------------------------------------------------------------------------


class RelativeChoiceField(forms.ModelChoiceField):
    """A relative of the child, named with their family link ("Sandrine Martin · Mère")."""

    def __init__(self, *args, links, **kwargs):
        self.kinds = {link.relative_id: link.get_kind_display() for link in links}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, person):
        return f"{person.full_name} · {self.kinds.get(person.pk, '')}"


class VisitRightForm(forms.Form):
    mode = forms.ChoiceField(label=_("Modalité"), choices=VisitRight.Mode.choices)
    third_party = forms.CharField(
        label=_("Tiers présent"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire pour une visite médiatisée : le service ou le professionnel."),
    )
    frequency = forms.CharField(
        label=_("Fréquence fixée par le juge"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : un samedi sur deux."),
    )
    overnight = forms.BooleanField(label=_("Droit d'hébergement"), required=False)
    start_date = forms.DateField(label=_("Depuis le"), widget=DATE)
    end_date = forms.DateField(
        label=_("Jusqu'au"),
        widget=DATE,
        required=False,
        help_text=_("Dernier jour du droit ; vide s'il court jusqu'à la prochaine décision."),
    )

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative"] = RelativeChoiceField(
            label=_("Parent ou proche"),
            queryset=Person.objects.filter(pk__in=[link.relative_id for link in links]),
            links=links,
            help_text=_("Seuls les proches liés à l'enfant (liens familiaux) sont proposés."),
        )
        self.order_fields(["relative"])


class VisitRightChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, right):
        return f"{right.relative.full_name} · {right.get_mode_display()}"


class VisitForm(forms.Form):
    right = VisitRightChoiceField(label=_("Droit de visite"), queryset=VisitRight.objects.none())
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATE_TIME)
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DATE_TIME)
    place = forms.CharField(
        label=_("Lieu"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : maison commune du village, point rencontre."),
    )

    def __init__(self, *args, rights, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["right"].queryset = rights


class VisitOutcomeForm(forms.Form):
    status = forms.ChoiceField(
        label=_("La visite"),
        choices=[(Visit.Status.HELD, _("a eu lieu")), (Visit.Status.CANCELLED, _("a été annulée"))],
        widget=forms.RadioSelect,
    )
    cancelled_by = forms.ChoiceField(
        label=_("Annulée par"),
        choices=[("", "—"), *Visit.CancelledBy.choices],
        required=False,
        help_text=_("Seulement si la visite a été annulée."),
    )
    observations = forms.CharField(
        label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


# Measure documents -----------------------------------------------------------------------------


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Nature de la pièce"), choices=MeasureDocument.Kind.choices)
    file = forms.FileField(
        label=_("Fichier"),
        # A hint for the file picker only: the service checks the content itself.
        widget=forms.FileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG ou JPEG, %(limit)s au plus.") % {
            "limit": filesizeformat(settings.DOCUMENT_MAX_BYTES)
        }
