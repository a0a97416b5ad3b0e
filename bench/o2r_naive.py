"""NAIVE REFERENCE, FOR THE BENCHMARK ONLY: the O2R activity report computed object by object.

`ancrage.insertion.report.build` computes the report to the préfet with aggregates in SQL. The
benchmark issue asks that it be at least 50 times faster than "the naive per-object ORM loop"
computing the same figures, measured in the same run. This module is that loop, written the way
one would without thinking about the database: the objects of the period loaded, their related
objects read through their attributes (one query each: the territory, the person, the
beneficiary, the accompaniment, the contacts, the attendance), the counting done in Python.

It is never used by the application. bench/run.py checks that it gives exactly the same figures
as the SQL computation (`figures()` of both), then times both.
"""

from __future__ import annotations

from collections import Counter
from statistics import median

from dateutil.relativedelta import relativedelta

from ancrage.insertion.models import (
    Accompaniment,
    Activity,
    Beneficiary,
    Contact,
    Exit,
    OutreachAction,
    PriorityPublic,
)
from ancrage.insertion.report import AGE_BRACKETS


def _age_bracket(birth_date, on):
    if birth_date is None:
        return None
    age = relativedelta(on, birth_date).years
    for key, _label, low, high in AGE_BRACKETS:
        if low <= age < high:
            return key
    return None


def _territory(obj):
    # Reading the foreign key's object: one query per object, as a naive loop does.
    return obj.efop_territory.name if obj.efop_territory_id else None


def naive_figures(service_ids, start, end) -> dict:
    """The figures of `report.build(service_ids, start, end)`, object by object: each list of
    the period read as objects, their related objects through their attributes, counted in
    Python (what one writes first, without aggregates)."""
    period = (start, end)

    actions = met = 0
    for action in OutreachAction.objects.filter(service_id__in=service_ids, date__range=period):
        actions += 1
        met += action.people_met

    territories: dict = {}

    def territory_row(name):
        return territories.setdefault(name, [0, 0, 0, 0])

    contacts = 0
    for contact in Contact.objects.filter(service_id__in=service_ids, met_on__range=period):
        contacts += 1
        territory_row(_territory(contact))[0] += 1

    remobilised = set()
    for activity in Activity.objects.filter(service_id__in=service_ids, date__range=period):
        for attendance in activity.attendance.all():
            # Attendance before the person's consent does not count.
            if activity.date >= attendance.beneficiary.consent_on:
                remobilised.add(attendance.beneficiary_id)

    new_beneficiaries = 0
    flags: Counter = Counter()
    ages = {key: {"F": 0, "M": 0, "X": 0} for key, *_rest in AGE_BRACKETS}
    unknown_age = {"F": 0, "M": 0, "X": 0}
    contact_to_consent, consent_to_start, start_to_exit = [], [], []
    for beneficiary in Beneficiary.objects.filter(
        service_id__in=service_ids, consent_on__range=period
    ):
        new_beneficiaries += 1
        territory_row(_territory(beneficiary))[1] += 1
        person = beneficiary.person
        for flag in PriorityPublic:
            if flag == PriorityPublic.WOMAN:  # read from the recorded sex
                flags[flag.value] += person.sex == "F"
            elif getattr(beneficiary, flag.value):
                flags[flag.value] += 1
        key = _age_bracket(person.birth_date, beneficiary.consent_on)
        sex = person.sex if person.sex in ("F", "M") else "X"
        (ages[key] if key else unknown_age)[sex] += 1
        met_on = [c.met_on for c in beneficiary.contacts.all()]
        if met_on:
            contact_to_consent.append((beneficiary.consent_on - min(met_on)).days)

    accompaniments = 0
    for accompaniment in Accompaniment.objects.filter(
        beneficiary__service_id__in=service_ids, start_date__range=period
    ):
        accompaniments += 1
        beneficiary = accompaniment.beneficiary
        territory_row(_territory(beneficiary))[2] += 1
        consent_to_start.append((accompaniment.start_date - beneficiary.consent_on).days)

    exit_counts: Counter = Counter()
    for exit_ in Exit.objects.filter(beneficiary__service_id__in=service_ids, date__range=period):
        exit_counts[exit_.reason] += 1
        beneficiary = exit_.beneficiary
        territory_row(_territory(beneficiary))[3] += 1
        try:
            accompaniment = beneficiary.accompaniment
        except Accompaniment.DoesNotExist:
            continue
        start_to_exit.append((exit_.date - accompaniment.start_date).days)

    overruns = 0
    for accompaniment in Accompaniment.objects.filter(beneficiary__service_id__in=service_ids):
        # Past its limit on a day of the period: ended after the limit, or still open.
        last = accompaniment.end_date or end
        if accompaniment.limit_date < min(end, last) and last >= start:
            overruns += 1

    return {
        "steps": [
            actions,
            met,
            contacts,
            new_beneficiaries,
            len(remobilised),
            accompaniments,
            sum(exit_counts.values()),
            overruns,
        ],
        "exits": [exit_counts.get(value, 0) for value, _label in Exit.Reason.choices],
        "territories": [(name, *counts) for name, counts in sorted(territories.items())],
        "priority": [flags.get(flag.value, 0) for flag in PriorityPublic],
        "ages": [
            (ages[key]["F"], ages[key]["M"], ages[key]["X"], sum(ages[key].values()))
            for key, *_rest in AGE_BRACKETS
        ]
        + [(unknown_age["F"], unknown_age["M"], unknown_age["X"], sum(unknown_age.values()))],
        "delays": [
            (int(median(values)) if values else None, len(values))
            for values in (contact_to_consent, consent_to_start, start_to_exit)
        ],
    }


def figures(report) -> dict:
    """The figures of a `report.Report` (unsuppressed), without its labels, as naive_figures."""
    return {
        "steps": [n for _label, n in report.steps],
        "exits": [n for _label, n in report.exits],
        "territories": [tuple(row) for row in report.territories],
        "priority": [n for _label, n in report.priority],
        "ages": [tuple(row[1:]) for row in report.ages],
        "delays": [(days, n) for _label, days, n in report.delays],
    }
