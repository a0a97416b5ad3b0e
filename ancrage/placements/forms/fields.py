"""What the village forms share: date inputs, the choice of a house, and the justification the
sibling rule asks for when brothers and sisters would live apart."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ancrage.kernel.forms import Form
from ancrage.placements.models import SiblingSeparation
from ancrage.placements.services.stays import Justification

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_TIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class HouseChoiceField(forms.ModelChoiceField):
    """A house, with the beds it has free on the day that matters when `beds` (a function
    giving {house pk: free beds}) and `day` are given."""

    beds = None
    day = None

    def label_from_instance(self, house):
        if self.beds is not None:
            free = self.beds().get(house.pk, 0)
            places = ngettext(
                "%(n)d place libre le %(day)s", "%(n)d places libres le %(day)s", free
            ) % {"n": free, "day": self.day.strftime("%d/%m/%Y")}
            if free == 0:
                places = _("complète le %(day)s") % {"day": self.day.strftime("%d/%m/%Y")}
            return f"{house.name} · {places}"
        return f"{house.name} · {house.establishment.name}"


class SeparationFields(Form):
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
        reason = self.cleaned_data.get("separation_reason")
        if not reason:
            return None
        return Justification(
            reason=reason, explanation=self.cleaned_data.get("separation_explanation", "")
        )
