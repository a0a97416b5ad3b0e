"""The form of a remobilisation activity and its attendance."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE
from ancrage.insertion.models import (
    Activity,
    Beneficiary,
)
from ancrage.kernel.forms import Form


class ActivityForm(Form):
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
