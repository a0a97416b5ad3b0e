"""The homes' staff flags read a stored summary of each entry (staff.standing), kept by the
services: after any sequence of writes (entries, contract dates, departures, attestations
delivered or refused, courses, signatures, deletions), the stored summary is the one worked out
from scratch, and the flags read from it on any day (today, past, future: attestations lapse,
courses fall due, contracts begin and end with the passing of time) are those of every
attestation and training computed one by one, as the homes computed them before; the
organisation's block (totals, the ten establishments needing action) adds them up."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import RestrictedError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.staff import queries, services, standing
from ancrage.staff.models import Course, StaffMember, Standing
from tests.accounts.factories import UserFactory
from tests.staff.factories import course, enter, publish
from tests.staff.test_organisation_home import from_flags, summary

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


class Rollback(Exception):
    pass


def former_flags(user, today) -> dict:
    """Per establishment the home shows: (present, flagged, renew soon, unsigned, in order,
    training late), from every attestation and training of the present staff, state by state
    in Python (the computation the homes made before the summary)."""
    if queries.flags(user, today) is None:
        return None
    ids = [e.pk for e in queries.registers(user)]
    members = list(
        StaffMember.objects.visible_to(user)
        .present(today)
        .filter(establishment_id__in=ids)
        .select_related("establishment")
        .prefetch_related(queries.LATEST_FIRST, queries.TRAININGS)
    )
    queries._with_signatures(members, today)
    found = {}
    for member in members:
        member.attestation_state = queries.attestation_state(member, today)
        member.training_state = queries.training_state(member, today)
        row = found.setdefault(member.establishment_id, [0, [], [], 0, 0, 0])
        row[0] += 1
        state = member.attestation_state
        if state.blocking:
            row[1].append((member.pk, state.code, getattr(state.attestation, "pk", None)))
        elif state.code == queries.RENEW_SOON:
            row[2].append((member.pk, state.code, state.attestation.pk))
        row[3] += bool(member.code and member.code_signature is None)
        row[4] += not queries.reasons(member)
        row[5] += member.training_state.late
    return {pk: (r[0], sorted(r[1]), sorted(r[2]), *r[3:]) for pk, r in found.items()}


def stored_flags(user, today) -> dict:
    rows = queries.flags(user, today)
    if rows is None:
        return None

    def names(members):
        return sorted(
            (m.pk, m.attestation_state.code, getattr(m.attestation_state.attestation, "pk", None))
            for m in members
        )

    return {
        row.establishment.pk: (
            row.present,
            names(row.flagged),
            names(row.renew_soon),
            row.unsigned,
            row.compliance.in_order,
            row.training_late,
        )
        for row in rows
    }


def turning_days() -> list:
    """The days a flag turns with the passing of time: an arrival, the day after a departure,
    an attestation's notice and its renewal, the day after an induction or a refresher falls
    due, a version of the code of conduct coming into force."""
    from django.conf import settings as django_settings

    from ancrage.staff.models import CodeOfConduct

    days = set(CodeOfConduct.objects.values_list("effective_on", flat=True))
    for member in StaffMember.objects.select_related("standing__latest_attestation"):
        days.add(member.start_date)
        days.add(add_days(member.start_date, django_settings.STAFF_INDUCTION_DAYS + 1))
        if member.end_date:
            days.add(add_days(member.end_date, 1))
        latest = member.standing.latest_attestation
        if latest and latest.renewal_due:
            days.add(latest.renewal_due)
            days.add(add_days(latest.renewal_due, -django_settings.STAFF_ATTESTATION_NOTICE_DAYS))
        if member.standing.last_training_on:
            last = member.standing.last_training_on
            days.add(add_days(add_months(last, django_settings.STAFF_REFRESHER_MONTHS), 1))
    return sorted(days)


def apply(world, hr, write, members, courses, codes, n):
    """One write through the services (a refusal of the service is a write that did not
    happen)."""
    operation, pick, x, y = write
    if operation == "enter" or not members:
        place = (world.village, world.other_village, world.foreign_village)[pick % 3]
        start = add_days(TODAY, min(x, 400))
        members.append(
            services.add_staff_member(
                place,
                by=hr,
                username=UserFactory(username=f"adulte{n}").username,
                kind="employee",
                role_with_children="Équipe",
                start_date=start,
                end_date=None if y is None else add_days(start, y),
            )
        )
        return
    i = pick % len(members)
    member = members[i]
    if operation == "start":
        members[i] = services.change_staff_member(
            member, {"start_date": add_days(TODAY, min(x, 400))}, by=hr
        )
    elif operation == "leave":
        end = None if y is None else add_days(TODAY, min(x, 400))
        members[i] = services.change_staff_member(member, {"end_date": end}, by=hr)
    elif operation == "attest":
        issued = add_days(TODAY, -abs(x))
        services.record_attestation(
            member,
            by=hr,
            outcome="delivered",
            issued_on=issued,
            verified_on=min(add_days(issued, (y or 0) % 60), TODAY),
            reference=f"HON-{n}",
        )
    elif operation == "refuse":
        services.record_attestation(
            member,
            by=hr,
            outcome="not_delivered",
            issued_on=add_days(TODAY, -abs(x)),
            director_decision="Recrutement abandonné.",
        )
    elif operation == "train":
        kind = courses[member.establishment.organisation_id][(y or 0) % 3]
        services.record_training(member, by=hr, course=kind, attended_on=add_days(TODAY, -abs(x)))
    elif operation == "sign":
        code = codes[member.establishment.organisation_id][x % 2]
        services.sign_code(member, code, by=hr, signed_on=TODAY)
    elif operation == "delete":
        members.pop(i).delete()


# (operation, which member or place, a number of days, a second number or None); entries,
# attestations and courses drawn more often than the rest.
WRITES = st.tuples(
    st.sampled_from(
        ("enter", "enter", "attest", "attest", "refuse", "train", "train", "train")
        + ("start", "leave", "sign", "delete")
    ),
    st.integers(0, 30),
    st.integers(-1000, 1500),
    st.one_of(st.none(), st.integers(0, 900)),
)


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    writes=st.lists(WRITES, min_size=1, max_size=20),
    days=st.lists(st.integers(-800, 1300), min_size=1, max_size=3),
)
def test_the_staff_flags_are_those_of_every_attestation_and_training(world, writes, days):
    hr = world.users[Role.HR]
    # the organisation's registers (human resources reads the same), and one village's
    readers = [world.users[Role.NATIONAL_DIRECTOR], world.users[Role.ESTABLISHMENT_DIRECTOR]]
    try:
        with transaction.atomic():
            courses, codes = {}, {}
            for organisation in (world.organisation, world.other_organisation):
                courses[organisation.pk] = [
                    course(organisation, kind) for kind in Course.Kind.values
                ]
                # the version in force and the next one, in force in 90 days
                codes[organisation.pk] = [
                    publish(organisation, hr, "2026-1", add_days(TODAY, -30)),
                    publish(organisation, hr, "2027-1", add_days(TODAY, 90)),
                ]
            members = []
            for n, write in enumerate(writes):
                try:
                    with transaction.atomic():
                        apply(world, hr, write, members, courses, codes, n)
                except ValidationError:
                    pass
            assert standing.drift() == []
            # today, a few days drawn, and every day a flag turns with its eve
            for day in {
                *(add_days(TODAY, offset) for offset in [0, *days]),
                *(add_days(day, d) for day in turning_days() for d in (-1, 0)),
            }:
                for reader in readers:
                    assert stored_flags(reader, day) == former_flags(reader, day), (reader, day)
                # the organisation's block: the totals and the ten of the flags above
                national = readers[0]
                assert summary(national, day) == from_flags(national, day), day
            raise Rollback
    except Rollback:
        pass


def test_the_flags_show_only_the_registers_the_user_keeps(world):
    """The national director and human resources: their organisation's establishments; the
    director: their village; never the other organisation's entries."""
    far = enter(UserFactory(first_name="Agent", last_name="Lointain"), world.foreign_village)
    near = enter(UserFactory(first_name="Agent", last_name="Proche"), world.other_village)
    here = enter(UserFactory(first_name="Agent", last_name="Ici"), world.village)
    national = {
        row.establishment.pk: [m.pk for m in row.flagged]
        for row in queries.flags(world.users[Role.NATIONAL_DIRECTOR])
    }
    assert national == {world.village.pk: [here.pk], world.other_village.pk: [near.pk]}
    director = queries.flags(world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert [(row.establishment.pk, row.flagged) for row in director] == [(world.village.pk, [here])]
    assert far.pk not in {m.pk for row in queries.flags(world.users[Role.HR]) for m in row.flagged}
    assert queries.flags(world.users[Role.HOUSE_PARENT]) is None


def test_a_course_or_an_attestation_recorded_late_for_an_earlier_day_moves_nothing_back(world):
    hr = world.users[Role.HR]
    member = enter(UserFactory(), world.village, start=add_months(TODAY, -30))
    newer = services.record_attestation(
        member,
        by=hr,
        outcome="delivered",
        issued_on=add_days(TODAY, -10),
        verified_on=TODAY,
        reference="HON-1",
    )
    services.record_attestation(
        member,
        by=hr,
        outcome="not_delivered",
        issued_on=add_days(TODAY, -400),
        director_decision="Ancienne demande.",
    )
    induction = course(world.organisation, "induction")
    services.record_training(member, by=hr, course=induction, attended_on=add_days(TODAY, -5))
    services.record_training(
        member, by=hr, course=course(world.organisation, "other"), attended_on=add_days(TODAY, -90)
    )
    row = Standing.objects.get(member=member)
    assert (row.latest_attestation, row.last_training_on, row.induction_taken) == (
        newer,
        add_days(TODAY, -5),
        True,
    )


def test_an_attestation_the_summary_points_at_is_deleted_only_with_its_member(world):
    hr = world.users[Role.HR]
    member = enter(UserFactory(), world.village)
    attestation = services.record_attestation(
        member,
        by=hr,
        outcome="delivered",
        issued_on=add_days(TODAY, -10),
        verified_on=TODAY,
        reference="HON-2",
    )
    with pytest.raises(RestrictedError), transaction.atomic():
        attestation.delete()
    member.delete()
    assert not Standing.objects.filter(member_id=member.pk).exists()


def test_the_rebuild_writes_the_summary_of_entries_made_outside_the_services(world, capsys):
    hr = world.users[Role.HR]
    member = StaffMember.objects.create(
        establishment=world.village,
        user=UserFactory(),
        role_with_children="Équipe",
        start_date=datetime.date(2024, 1, 1),
        created_by=hr,
    )
    induction = course(world.organisation, "induction")
    # a write through the service on an entry without a summary writes it whole
    services.record_training(member, by=hr, course=induction, attended_on=add_days(TODAY, -3))
    assert standing.drift() == []
    Standing.objects.filter(member=member).update(induction_taken=False, last_training_on=None)
    assert standing.drift() == [member.pk]
    with pytest.raises(CommandError, match="^1 inscription dont la synthèse diffère"):
        call_command("rebuild_staff_standing", "--check")
    call_command("rebuild_staff_standing")
    assert standing.drift() == []
    call_command("rebuild_staff_standing", "--check")
    assert "exactes" in capsys.readouterr().out
