"""The family programme's indicators for a calendar year (a fixed period, so that two reports
cannot be subtracted to isolate a family): the families supported, the duration of the supports
that ended, the goals reached by domain, and the placements avoided or occurring within 12 months
of the end, by territory (the service's département) and by referrer. Every table goes through
`kernel.disclosure.protect` together (small counts masked, with the secondary cells that keep them
hidden); no name, no family number. Read for the heads and directors of the services the user
reaches, or the whole organisation for the national director (`family_stats`)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.families.models import FamilyCase, FamilyMember, Goal, PlanVersion, Progress
from ancrage.kernel import calendar
from ancrage.kernel.disclosure import FOOTNOTE, TOTAL, Table, protect
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment
from ancrage.placements.models import Stay

FIRST_YEAR = 2020
DURATION_BANDS = [
    (0, 6, gettext_lazy("Moins de 6 mois")),
    (6, 12, gettext_lazy("6 à 12 mois")),
    (12, 24, gettext_lazy("12 à 24 mois")),
    (24, None, gettext_lazy("24 mois et plus")),
]
AVOIDED, OCCURRED, TOO_EARLY = range(3)
PLACEMENT_COLUMNS = [
    gettext_lazy("Aucun placement dans les 12 mois (évité)"),
    gettext_lazy("Un enfant placé pendant l'accompagnement ou dans les 12 mois"),
    gettext_lazy("Moins de 12 mois depuis la fin, aucun placement"),
]
GOAL_COLUMNS = [gettext_lazy("Atteints"), gettext_lazy("Non atteints")]


def years(today=None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, FIRST_YEAR - 1, -1))


def chosen_year(value, today=None) -> int:
    """The year asked in the query string, if it is one offered; the current year otherwise."""
    offered = years(today)
    try:
        year = int(value)
    except (TypeError, ValueError):
        return offered[0]
    return year if year in offered else offered[0]


def services_in_scope(user):
    """The family-strengthening services whose figures the user reads."""
    where = reach(user, "family_stats", "view")
    if not where:
        return Establishment.objects.none()
    return Establishment.objects.filter(
        where.filter(establishment="pk", organisation="organisation_id"),
        kind=Establishment.Kind.FAMILY_STRENGTHENING,
    ).order_by("departement", "name", "pk")


def _placement(case, stays, today) -> int:
    """Whether a child of the household began a stay in a village between the decision to
    support and 12 months after the end (occurred), none and 12 months have passed (avoided),
    or none yet and it is too early to say."""
    limit = calendar.add_months(case["ended_on"], 12)
    if any(case["decided_on"] <= start <= limit for start in stays.get(case["pk"], ())):
        return OCCURRED
    return AVOIDED if limit <= today else TOO_EARLY


def _band(months: int) -> int:
    return next(
        i
        for i, (low, high, _label) in enumerate(DURATION_BANDS)
        if months >= low and (high is None or months < high)
    )


def family_indicators(user, year_value=None, today=None) -> dict:
    """The page's tables for the year, protected together (five queries)."""
    today = today or timezone.localdate()
    year = chosen_year(year_value, today)
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    services = list(services_in_scope(user))
    territories = sorted({s.departement for s in services})
    territory_of = {s.pk: territories.index(s.departement) for s in services}
    referrers = list(FamilyCase.Referrer.choices)
    referrer_index = {value: i for i, (value, _label) in enumerate(referrers)}
    cases = list(
        FamilyCase.objects.filter(
            service_id__in=[s.pk for s in services],
            decided_on__lte=end,
            status__in=[FamilyCase.Status.SUPPORTED, FamilyCase.Status.ENDED],
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
        .values("pk", "service_id", "referrer", "decided_on", "ended_on")
        .order_by("pk")
    )
    ended = [c for c in cases if c["ended_on"] and c["ended_on"] <= end]
    supported = [[0] * len(referrers) for _t in territories]
    for case in cases:
        supported[territory_of[case["service_id"]]][referrer_index[case["referrer"]]] += 1
    durations = [[0] * len(DURATION_BANDS) for _t in territories]
    for case in ended:
        months = calendar.whole_months_between(case["decided_on"], case["ended_on"])
        durations[territory_of[case["service_id"]]][_band(months)] += 1
    stays = defaultdict(list)
    household = FamilyMember.objects.filter(
        case_id__in=[c["pk"] for c in ended], role=FamilyMember.Role.CHILD
    )
    for case_id, started in (
        Stay.objects.filter(child_id__in=household.values("person_id"))
        .values_list("child__family_cases__case_id", "start_date")
        .order_by("start_date", "pk")
    ):
        stays[case_id].append(started)
    by_territory = [[0] * len(PLACEMENT_COLUMNS) for _t in territories]
    by_referrer = [[0] * len(PLACEMENT_COLUMNS) for _r in referrers]
    for case in ended:
        outcome = _placement(case, stays, today)
        by_territory[territory_of[case["service_id"]]][outcome] += 1
        by_referrer[referrer_index[case["referrer"]]][outcome] += 1
    # the goals of each family's version in force (its last validated one)
    current = {}
    for case_id, version_id in (
        PlanVersion.objects.filter(
            plan__case_id__in=[c["pk"] for c in cases], status=PlanVersion.Status.VALIDATED
        )
        .values_list("plan__case_id", "pk")
        .order_by("plan__case_id", "number")
    ):
        current[case_id] = version_id
    domains = list(Goal.Domain.choices)
    domain_index = {value: i for i, (value, _label) in enumerate(domains)}
    goals = [[0, 0] for _d in domains]
    for domain, progress in (
        Goal.objects.filter(version_id__in=sorted(current.values()))
        .values_list("domain", "progress")
        .order_by("pk")
    ):
        goals[domain_index[domain]][0 if progress == Progress.REACHED else 1] += 1
    territory_labels = [_("Département %(code)s") % {"code": code} for code in territories]
    referrer_labels = [label for _value, label in referrers]
    tables = [
        Table("supported", territory_labels, referrer_labels, supported),
        Table("duration", territory_labels, [b[2] for b in DURATION_BANDS], durations),
        Table("goals", [label for _v, label in domains], GOAL_COLUMNS, goals),
        Table("placement_territory", territory_labels, PLACEMENT_COLUMNS, by_territory),
        Table("placement_referrer", referrer_labels, PLACEMENT_COLUMNS, by_referrer),
    ]
    # the same families cut two ways: each placement column's total, and the ended families
    links = [
        [("placement_territory", TOTAL, c), ("placement_referrer", TOTAL, c)]
        for c in range(len(PLACEMENT_COLUMNS))
    ]
    links.append(
        [
            ("placement_territory", TOTAL, TOTAL),
            ("placement_referrer", TOTAL, TOTAL),
            ("duration", TOTAL, TOTAL),
        ]
    )
    links += [
        [("duration", t, TOTAL), ("placement_territory", t, TOTAL)] for t in range(len(territories))
    ]
    publication = protect(tables, links)
    return {
        "year": year,
        "years": years(today),
        "services": services,
        "tables": [
            {
                "key": table.key,
                "caption": CAPTIONS[table.key],
                "corner": CORNERS[table.key],
                "columns": list(table.columns),
                "rows": list(
                    zip([*table.rows, _("Total")], publication.grid(table.key), strict=True)
                ),
            }
            for table in tables
        ],
        "masked": bool(publication.masked),
        "publication": publication,
        "footnote": FOOTNOTE,
    }


CAPTIONS = {
    "supported": gettext_lazy("Familles accompagnées dans l'année, par territoire et orienteur"),
    "duration": gettext_lazy(
        "Durée des accompagnements terminés dans l'année (de la décision à la fin)"
    ),
    "goals": gettext_lazy(
        "Objectifs des plans en vigueur des familles accompagnées dans l'année, par domaine"
    ),
    "placement_territory": gettext_lazy(
        "Placements dans les 12 mois suivant la fin (accompagnements terminés dans l'année), "
        "par territoire"
    ),
    "placement_referrer": gettext_lazy(
        "Placements dans les 12 mois suivant la fin (accompagnements terminés dans l'année), "
        "par orienteur"
    ),
}
CORNERS = {
    "supported": gettext_lazy("Territoire"),
    "duration": gettext_lazy("Territoire"),
    "goals": gettext_lazy("Domaine"),
    "placement_territory": gettext_lazy("Territoire"),
    "placement_referrer": gettext_lazy("Orienteur"),
}
