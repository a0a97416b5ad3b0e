"""Forms of appointments: plan or change one, cancel one."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.care.models.agenda import Appointment
from ancrage.kernel.forms import Form
from ancrage.kernel.versions import VersionedMixin
from ancrage.placements.forms import DATE_TIME

# An appointment whose end is not given lasts an hour.
DEFAULT_LENGTH = timedelta(hours=1)


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class AppointmentForm(VersionedMixin, Form):
    kind = forms.ChoiceField(label=_("Type de rendez-vous"), choices=Appointment.Kind.choices)
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATE_TIME)
    ends_at = forms.DateTimeField(
        label=_("Fin"),
        widget=DATE_TIME,
        required=False,
        help_text=_("Laissée vide : une heure après le début."),
    )
    place = forms.CharField(label=_("Lieu"), max_length=200, required=False)
    with_whom = forms.CharField(
        label=_("Avec qui"),
        max_length=200,
        required=False,
        help_text=_("Le médecin, l'enseignant, le juge, le référent ASE…"),
    )
    accompanied_by = StaffChoiceField(
        label=_("Accompagné par"), queryset=None, required=False, empty_label=_("Personne")
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Informations sensibles : jamais reprises dans les agendas de téléphone."),
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accompanied_by"].queryset = staff
        # ancrage.js proposes the end one hour after the start as soon as the start is typed
        self.fields["ends_at"].widget.attrs["data-ends-after"] = self["starts_at"].auto_id

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and not data.get("ends_at"):
            data["ends_at"] = data["starts_at"] + DEFAULT_LENGTH
        return data


class CancelForm(Form):
    reason = forms.CharField(label=_("Motif d'annulation"), max_length=200)
