"""The activity report's choices: the programme, the view (the programme-wide report or the
reader's own service), and the period: a fixed one (agreement year or quarter, calendar year or
quarter) for everyone, free dates only for the operator's staff on their own service's report."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE
from ancrage.insertion.periods import default_period, periods
from ancrage.kernel.forms import Form

PROGRAMME_VIEW, SERVICE_VIEW = "programme", "service"


class ReportForm(Form):
    """Built for one reader: `programmes` they report on, and `scope_of(programme)` (the
    queries' ReportScope) to know which views they have."""

    date_ranges = {"start": "period", "end": "period"}
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    view = forms.ChoiceField(label=_("Rapport"), required=False)
    period = forms.ChoiceField(label=_("Période"), required=False)
    start = forms.DateField(
        label=_("Du (dates libres)"),
        widget=DATE,
        required=False,
        help_text=_("Dates libres : réservées au rapport de votre service."),
    )
    end = forms.DateField(label=_("Au (dates libres)"), widget=DATE, required=False)

    def __init__(self, data, *, programmes, scope_of):
        data = data if data else None
        super().__init__(data)
        self.programmes = {str(p.pk): p for p in programmes}
        self.fields["programme"].choices = [(key, p.name) for key, p in self.programmes.items()]
        asked = (data or {}).get("programme")
        self.chosen = self.programmes.get(str(asked)) or next(iter(self.programmes.values()), None)
        self.scope = scope_of(self.chosen) if self.chosen else None
        views = []
        if self.scope and self.scope.consolidated:
            views.append((PROGRAMME_VIEW, _("Programme (consolidé, une colonne par membre)")))
        if self.scope and self.scope.own_service_ids:
            views.append((SERVICE_VIEW, _("Mon service")))
        self.fields["view"].choices = views
        self.periods = {p.key: p for p in periods(self.chosen)} if self.chosen else {}
        self.fields["period"].choices = [(key, p.label) for key, p in self.periods.items()]
        if self.chosen:
            self.default = default_period(self.chosen, timezone.localdate())
            self.initial = {
                "programme": str(self.chosen.pk),
                "view": views[0][0] if views else "",
                "period": self.default.key,
            }
        if not (self.scope and self.scope.own_service_ids):
            del self.fields["start"], self.fields["end"]

    def clean(self):
        data = super().clean()
        if not self.chosen:
            raise forms.ValidationError(_("Aucun programme O2R ne vous est rattaché."))
        free = data.get("start") or data.get("end")
        views = [key for key, _label in self.fields["view"].choices]
        view = data.get("view") or (SERVICE_VIEW if free and SERVICE_VIEW in views else views[0])
        data["view"] = view
        data["programme"] = self.chosen
        if free:
            if view != SERVICE_VIEW:
                self.add_error(
                    "start",
                    _(
                        "Le rapport du programme se lit par année de convention ou par "
                        "trimestre : choisissez une période, sans dates libres."
                    ),
                )
            elif not (data.get("start") and data.get("end")):
                self.add_error(
                    "start" if not data.get("start") else "end",
                    _("Indiquez le début et la fin de la période."),
                )
            elif data["end"] < data["start"]:
                self.add_error("end", _("La fin de la période doit suivre son début."))
            data["period_label"] = None
        else:
            period = self.periods.get(data.get("period") or self.default.key)
            data["start"], data["end"] = period.start, period.end
            data["period_label"] = period.label
        return data
