"""Forms of the projet pour l'autonomie: one small form per area (prefixed by its code) under the
project's own, and the accompaniment after 18."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.care.models.autonomy import AutonomyArea, YoungAdultSupport
from ancrage.kernel.forms import Form
from ancrage.placements.forms import DATE


class AreaForm(Form):
    status = forms.ChoiceField(label=_("État"), choices=AutonomyArea.Status.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_step = forms.CharField(label=_("Prochaine étape"), max_length=300, required=False)


class ProjectForm(Form):
    """The project as a whole: each area has its form (`area_forms`); a refusal about the
    project comes back here, at the top of the page."""


def area_forms(data=None, areas=()):
    """One form per area, filled with the project's current values."""
    current = {a.area: a for a in areas}
    forms_ = []
    for code, label in AutonomyArea.Area.choices:
        row = current.get(code)
        initial = (
            {"status": row.status, "notes": row.notes, "next_step": row.next_step}
            if row
            else {"status": AutonomyArea.Status.NOT_STARTED}
        )
        form = AreaForm(data, prefix=code, initial=initial)
        form.code, form.label = code, label
        forms_.append(form)
    return forms_


class SupportForm(Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=YoungAdultSupport.Kind.choices)
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(
        label=_("Fin"), widget=DATE, help_text=_("Au plus tard le 21e anniversaire.")
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
