"""Forms of the admission requests: the request with its children, its acceptance (a house for
each child) and its refusal. Rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form, ModelForm
from ancrage.people.models import Person
from ancrage.placements.forms.fields import DATE, HouseChoiceField, SeparationFields
from ancrage.placements.models import AdmissionRequest


class AdmissionRequestForm(ModelForm):
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


class ChildForm(Form):
    date_ranges = {"birth_date": "birth"}
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

    def __init__(self, *args, admission, houses, beds=None, day=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = admission.ordered_children
        for child in self.children:
            field = HouseChoiceField(
                label=_("Maison pour %(name)s") % {"name": child.full_name}, queryset=houses
            )
            # each house with its beds free on the arrival date
            field.beds, field.day = beds, day
            self.fields[f"house_{child.pk}"] = field
        self.order_fields(["start_date", *[f"house_{c.pk}" for c in self.children]])

    def houses(self):
        return {child.pk: self.cleaned_data[f"house_{child.pk}"] for child in self.children}


class DeclineAdmissionForm(Form):
    decline_reason = forms.CharField(
        label=_("Motif du refus"), widget=forms.Textarea(attrs={"rows": 3})
    )
