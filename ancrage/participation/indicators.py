"""The participation indicators of the villages a director (or the national director) follows,
for one calendar year: meetings of the council held, opinions answered within three months,
consultations and their participation rate, PPE validated with the child's words, reviews where
the child spoke. The counts of children and young people go through kernel.disclosure (they
leave the village): small counts masked, and whatever would give them away."""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Case, OuterRef, Q, Subquery, Value, When

from ancrage.care.models import PPEVersion
from ancrage.care.models.ppe import Review
from ancrage.kernel import calendar, disclosure
from ancrage.participation.consultation import consulted_count
from ancrage.participation.council import villages_reached
from ancrage.participation.models import (
    MEETINGS_A_YEAR,
    Consultation,
    ConsultationCode,
    ConsultationParticipant,
    Meeting,
    Opinion,
)
from ancrage.placements.models import Stay

# An opinion of the council is answered "in time" within this many months of its meeting.
ANSWER_MONTHS = 3


def _village_on(day_field: str, child_field: str):
    """The village the child lived in on the record's day (a subquery)."""
    return Subquery(
        Stay.objects.filter(child=OuterRef(child_field), start_date__lte=OuterRef(day_field))
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=OuterRef(day_field)))
        .order_by("-start_date", "-pk")
        .values("unit__establishment_id")[:1]
    )


def _two_columns(ids, queryset, yes: Q) -> list[list[int]]:
    """Per village, [records where `yes`, the others] (one query)."""
    pairs = Counter(
        queryset.annotate(yes=Case(When(yes, then=Value(True)), default=Value(False))).values_list(
            "village", "yes"
        )
    )
    return [[pairs[(pk, True)], pairs[(pk, False)]] for pk in ids]


def participation_indicators(user, year: int, today: date) -> dict:
    villages = villages_reached(user, "participation_stats")
    ids = [v.pk for v in villages]
    start, end = date(year, 1, 1), date(year, 12, 31)
    meetings = Counter(
        Meeting.objects.filter(
            council__establishment_id__in=ids, held_on__range=(start, end)
        ).values_list("council__establishment_id", flat=True)
    )
    opinions, in_time = Counter(), Counter()
    for village, held_on, answered_on in Opinion.objects.filter(
        meeting__council__establishment_id__in=ids, meeting__held_on__range=(start, end)
    ).values_list("meeting__council__establishment_id", "meeting__held_on", "answered_on"):
        opinions[village] += 1
        if answered_on and answered_on <= calendar.add_months(held_on, ANSWER_MONTHS):
            in_time[village] += 1
    # the consultations closed in the year (or open now): who answered, who was consulted
    consultations = list(
        Consultation.objects.filter(
            establishment_id__in=ids, closes_on__range=(start, end), opens_on__lte=today
        )
    )
    answered = Counter(
        ConsultationParticipant.objects.filter(consultation__in=consultations).values_list(
            "consultation__establishment_id", flat=True
        )
    ) + Counter(
        ConsultationCode.objects.filter(consultation__in=consultations, used=True).values_list(
            "consultation__establishment_id", flat=True
        )
    )
    consulted = Counter()
    for consultation in consultations:
        consulted[consultation.establishment_id] += consulted_count(consultation, today)
    held = Counter(c.establishment_id for c in consultations)
    tables = [
        disclosure.Table(
            "consultations",
            ids,
            ["answered", "silent"],
            [[answered[pk], max(consulted[pk] - answered[pk], 0)] for pk in ids],
        ),
        disclosure.Table(
            "ppe",
            ids,
            ["words", "reason"],
            _two_columns(
                ids,
                PPEVersion.objects.filter(status="validated", validated_on__range=(start, end))
                .annotate(village=_village_on("validated_on", "ppe__child"))
                .filter(village__in=ids),
                ~Q(child_views=""),
            ),
        ),
        disclosure.Table(
            "reviews",
            ids,
            ["words", "declined"],
            _two_columns(
                ids,
                Review.objects.filter(held_on__range=(start, end))
                .annotate(village=_village_on("held_on", "ppe__child"))
                .filter(village__in=ids),
                Q(child_declined_to_speak=False),
            ),
        ),
    ]
    publication = disclosure.protect(tables)
    grids = {t.key: publication.grid(t.key) for t in tables}
    rows = []
    for i, village in enumerate(villages):
        consultation_cells = grids["consultations"][i]  # answered, silent, consulted
        rows.append(
            {
                "village": village,
                "meetings": meetings[village.pk],
                "meetings_short": meetings[village.pk] < MEETINGS_A_YEAR,
                "opinions": opinions[village.pk],
                "in_time": in_time[village.pk],
                "consultations": held[village.pk],
                "answered": consultation_cells[0],
                "consulted": consultation_cells[2],
                "rate": _rate(consultation_cells[0], consultation_cells[2]),
                "ppe": grids["ppe"][i],
                "ppe_share": _rate(grids["ppe"][i][0], grids["ppe"][i][2]),
                "reviews": grids["reviews"][i],
            }
        )
    totals = {key: grid[-1] for key, grid in grids.items()}
    return {
        "year": year,
        "rows": rows,
        "totals": {
            "meetings": sum(meetings.values()),
            "opinions": sum(opinions.values()),
            "in_time": sum(in_time.values()),
            "consultations": sum(held.values()),
            "answered": totals["consultations"][0],
            "consulted": totals["consultations"][2],
            "rate": _rate(totals["consultations"][0], totals["consultations"][2]),
            "ppe": totals["ppe"],
            "ppe_share": _rate(totals["ppe"][0], totals["ppe"][2]),
            "reviews": totals["reviews"],
        },
        "answer_months": ANSWER_MONTHS,
        "meetings_a_year": MEETINGS_A_YEAR,
        "footnote": disclosure.FOOTNOTE,
    }


def _rate(part, whole):
    """A share in whole percent, when both counts are published and the whole is not zero."""
    if part == disclosure.MASK or whole == disclosure.MASK or not whole:
        return None
    return round(100 * part / whole)
