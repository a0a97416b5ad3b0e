"""The échéancier's filters."""

import django_filters
from django.utils.translation import gettext_lazy as _

from ancrage.care.services.deadlines import Kind, Status
from ancrage.kernel import calendar
from ancrage.kernel.filters import ListFilters

PERIODS = {
    "30": 30,
    "90": 90,
    "365": 365,
}
PERIOD_CHOICES = [
    ("30", _("30 jours")),
    ("90", _("3 mois")),
    ("365", _("12 mois")),
]

# Without a filter, the village page shows what matters now: overdue, and the next 3 months.
DEFAULT_FILTERS = {"period": "90"}


class Rows(list):
    """Rows computed in Python, as a FilterSet takes them in place of a queryset: no model, and
    `all()` is a copy."""

    model = None

    def all(self):
        return Rows(self)


class DeadlineFilter(ListFilters):
    """The échéancier's filters, by the query string's `kind`, `status`, `responsible`, `house`
    (a village's page only) and `period`. The deadlines are computed by care.services.deadlines,
    not read from a table: each filter is a method on the list of rows."""

    kind = django_filters.ChoiceFilter(
        label=_("Échéance"), choices=Kind.CHOICES, empty_label=_("Toutes"), method="by_kind"
    )
    status = django_filters.ChoiceFilter(
        label=_("État"), choices=Status.CHOICES, empty_label=_("Tous"), method="by_status"
    )
    responsible = django_filters.TypedChoiceFilter(
        label=_("Responsable"), coerce=int, empty_value=None, method="by_responsible"
    )
    house = django_filters.TypedChoiceFilter(
        label=_("Maison"), coerce=int, empty_value=None, method="by_house"
    )
    period = django_filters.ChoiceFilter(
        label=_("Période"),
        choices=PERIOD_CHOICES,
        empty_label=_("Toutes les dates"),
        help_text=_("Les échéances en retard restent toujours affichées."),
        method="by_period",
    )

    def __init__(self, data, rows, *, today, responsibles=(), houses=None):
        super().__init__(data, queryset=Rows(rows))
        self.today = today
        self.filters["responsible"].extra["choices"] = [("", _("Tous"))] + [
            (u.pk, u.get_full_name() or u.username) for u in responsibles
        ]
        if houses is None:
            del self.filters["house"]
        else:
            self.filters["house"].extra["choices"] = [("", _("Toutes"))] + [
                (h.pk, h.name) for h in houses
            ]

    def filter_queryset(self, rows):
        if not self.form.is_valid():
            return rows
        # Each filter narrows the list in turn (the base class wants querysets).
        for name, value in self.form.cleaned_data.items():
            rows = self.filters[name].filter(rows, value)
        return rows

    def by_kind(self, rows, name, kind):
        return [r for r in rows if r.deadline.kind == kind]

    def by_status(self, rows, name, status):
        return [r for r in rows if r.status == status]

    def by_responsible(self, rows, name, pk):
        return [r for r in rows if r.responsible and r.responsible.pk == pk]

    def by_house(self, rows, name, pk):
        return [r for r in rows if r.house.pk == pk]

    def by_period(self, rows, name, period):
        # Overdue ones always show; the others within the period around today.
        days = PERIODS[period]
        return [
            r
            for r in rows
            if r.status == Status.OVERDUE
            or (r.status == Status.DUE and r.deadline.due <= calendar.add_days(self.today, days))
            or (
                r.status == Status.DONE
                and r.deadline.done_on >= calendar.add_days(self.today, -days)
            )
        ]
