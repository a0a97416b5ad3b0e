"""Forms of the staff register."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form, ModelForm
from ancrage.kernel.uploads import DocumentFileField
from ancrage.kernel.versions import VersionedMixin
from ancrage.staff.models import Attestation, Course, StaffMember


class StaffMemberForm(Form):
    username = forms.CharField(
        label=_("Identifiant du compte"),
        max_length=150,
        required=False,
        help_text=_("Pour un·e salarié·e ou un·e bénévole qui a un compte Ancrage."),
    )
    reference = forms.CharField(
        label=_("Ou référence dans le registre des personnes"),
        max_length=20,
        required=False,
        help_text=_("Pour une personne sans compte (par exemple un·e bénévole), déjà au registre."),
    )
    kind = forms.ChoiceField(label=_("Statut"), choices=StaffMember.Kind.choices)
    role_with_children = forms.CharField(
        label=StaffMember._meta.get_field("role_with_children").verbose_name.capitalize(),
        max_length=200,
        help_text=StaffMember._meta.get_field("role_with_children").help_text,
    )
    start_date = forms.DateField(
        label=_("Début du contrat ou de l'engagement"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end_date = forms.DateField(
        label=_("Fin du contrat ou de l'engagement"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class StaffMemberChangeForm(VersionedMixin, ModelForm):
    """An entry of the register corrected, or closed by its end date (the person left)."""

    date_ranges = {"start_date": "period", "end_date": "period"}

    class Meta:
        model = StaffMember
        fields = ["kind", "role_with_children", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}),
            "end_date": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            # at its field (the database's constraint would say it for the whole form)
            self.add_error("end_date", _("La fin ne peut pas précéder le début."))
        return data


class AttestationForm(Form):
    date_ranges = {"issued_on": "past", "verified_on": "past"}

    outcome = forms.ChoiceField(
        label=_("Résultat"),
        choices=Attestation.Outcome.choices,
        widget=forms.RadioSelect,
        initial=Attestation.Outcome.DELIVERED,
    )
    issued_on = forms.DateField(
        label=_("Délivrée (ou refusée) le"), widget=forms.DateInput(attrs={"type": "date"})
    )
    verified_on = forms.DateField(
        label=_("Vérifiée en ligne le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Sur le service de vérification des attestations d'honorabilité."),
    )
    reference = forms.CharField(
        label=_("Référence de vérification"),
        max_length=64,
        required=False,
        help_text=_("La référence seule : rien du contenu du casier ni du FIJAIS."),
    )
    director_decision = forms.CharField(
        label=_("Décision de la direction (attestation non délivrée)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CodeForm(Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    version = forms.CharField(
        label=_("Version"), max_length=30, help_text=_("Par exemple : 2026-1.")
    )
    effective_on = forms.DateField(
        label=_("En vigueur le"), widget=forms.DateInput(attrs={"type": "date"})
    )
    file = DocumentFileField(label=_("Document du code de conduite"))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SignatureForm(Form):
    date_ranges = {"signed_on": "past"}

    signed_on = forms.DateField(
        label=_("Signé le"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("La date portée sur l'exemplaire signé."),
    )


class CourseForm(Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("Intitulé"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=Course.Kind.choices)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class TrainingForm(Form):
    date_ranges = {"attended_on": "past"}

    course = forms.ModelChoiceField(label=_("Formation"), queryset=None)
    attended_on = forms.DateField(
        label=_("Suivie le"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = courses
