"""The period of the activity report."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE
from ancrage.kernel.forms import Form


class ReportPeriodForm(Form):
    date_ranges = {"start": "period", "end": "period"}
    start = forms.DateField(label=_("Du"), widget=DATE)
    end = forms.DateField(label=_("Au"), widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("La fin de la période doit suivre son début."))
        return data
