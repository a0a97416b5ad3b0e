"""The échéancier's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.care.services.deadlines import Kind, Status
from ancrage.kernel.forms import Form

PERIOD_CHOICES = [
    ("", _("Toutes les dates")),
    ("30", _("30 jours")),
    ("90", _("3 mois")),
    ("365", _("12 mois")),
]


# Without a filter, the village page shows what matters now: overdue, and the next 3 months.
DEFAULT_FILTERS = {"period": "90"}


class DeadlineFilterForm(Form):
    kind = forms.ChoiceField(label=_("Échéance"), required=False)
    status = forms.ChoiceField(label=_("État"), required=False)
    responsible = forms.TypedChoiceField(
        label=_("Responsable"), required=False, coerce=int, empty_value=None
    )
    house = forms.TypedChoiceField(label=_("Maison"), required=False, coerce=int, empty_value=None)
    period = forms.ChoiceField(
        label=_("Période"),
        required=False,
        choices=PERIOD_CHOICES,
        help_text=_("Les échéances en retard restent toujours affichées."),
    )

    def __init__(self, *args, responsibles=(), houses=None, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("Toutes"))]
        self.fields["kind"].choices = everything + Kind.CHOICES
        self.fields["status"].choices = [("", _("Tous"))] + Status.CHOICES
        self.fields["responsible"].choices = [("", _("Tous"))] + [
            (u.pk, u.get_full_name() or u.username) for u in responsibles
        ]
        if houses is None:
            del self.fields["house"]
        else:
            self.fields["house"].choices = everything + [(h.pk, h.name) for h in houses]

    def filters(self):
        return self.cleaned_data if self.is_valid() else {}
