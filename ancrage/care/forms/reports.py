"""Forms of the rapport de situation."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.care.models import SituationReport
from ancrage.kernel.forms import Form, ModelForm


class SituationReportForm(ModelForm):
    class Meta:
        model = SituationReport
        fields = ["development_health", "family_relations", "schooling_social", "autonomy_project"]
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in fields}
        help_texts = {"autonomy_project": _("À partir de 16 ans : le projet pour l'autonomie.")}


class SentForm(Form):
    date_ranges = {"sent_on": "past"}
    sent_on = forms.DateField(
        label=_("Envoyé le"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
