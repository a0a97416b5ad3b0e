"""A service running two programmes at once: every record carries its programme, and the report
of one programme never counts the other's outreach, contacts, beneficiaries or activities."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ancrage.insertion import report
from ancrage.insertion.models import Activity, Contact
from ancrage.insertion.services.activity import record_activity
from ancrage.insertion.services.outreach import log_outreach_action, record_contact
from ancrage.insertion.services.programme import create_programme
from ancrage.kernel.access import Role
from tests.insertion.factories import new_beneficiary, programme_kwargs

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def two(o2r_files):
    """The world's O2R service runs a second programme of its own organisation over the same
    years; one outreach action, two contacts, two beneficiaries and one activity in it."""
    w = o2r_files
    w.second = create_programme(
        **programme_kwargs(name="O2R Sarthe rurale 2025-2028"),
        organisation=w.organisation,
        services=[w.o2r_team.establishment],
        efop_territories=[w.territory],
    )
    me = w.users[Role.O2R_COUNSELLOR]
    day = D(2026, 5, 12)
    action = log_outreach_action(
        team=w.o2r_team,
        by=me,
        date=day,
        kind="street_work",
        place="Marché",
        commune="Le Mans",
        efop_territory=w.territory,
        people_met=12,
        programme=w.second,
    )
    record_contact(
        team=w.o2r_team,
        by=me,
        met_on=day,
        nickname="Lou",
        commune="Le Mans",
        efop_territory=w.territory,
        outreach_action=action,
    )
    w.second_files = [
        new_beneficiary(w.o2r_team, me, consent_on=day, programme=w.second) for _ in range(2)
    ]
    record_activity(
        team=w.o2r_team,
        by=me,
        format="collective",
        kind="workshop",
        title="Atelier CV",
        date=day,
        duration_minutes=90,
        attendees=w.second_files,
    )
    w.day = day
    return w


def steps(figures):
    return [n for _label, n in figures.steps]


def test_two_programmes_each_record_carries_the_programme_it_was_recorded_for(two):
    assert {b.programme_id for b in two.second_files} == {two.second.pk}
    assert set(Contact.objects.filter(met_on=two.day).values_list("programme", flat=True)) == {
        two.second.pk
    }
    assert Activity.objects.get(title="Atelier CV").programme_id == two.second.pk
    # left empty, the newest programme running that day (the first one otherwise)
    contact = record_contact(
        team=two.o2r_team,
        by=two.users[Role.O2R_COUNSELLOR],
        met_on=two.day,
        nickname="Max",
        commune="Nantes",
        efop_territory=two.territory,
    )
    assert contact.programme_id in (two.programme.pk, two.second.pk)


def test_two_programmes_a_service_running_two_programmes_reports_each_apart(two):
    service = [two.o2r_team.establishment_id]
    whole = steps(report.build(service, two.day, two.day))
    second = steps(report.build(service, two.day, two.day, programme=two.second))
    first = steps(report.build(service, two.day, two.day, programme=two.programme))
    # actions, people met, contacts (the action's and the two files'), new files, remobilised
    assert second[:5] == [1, 12, 3, 2, 2]
    assert first[:5] == [0, 0, 0, 0, 0]
    assert whole[:5] == [a + b for a, b in zip(first[:5], second[:5], strict=True)]


def test_two_programmes_an_activity_never_mixes_two_programmes(two):
    other = new_beneficiary(
        two.o2r_team, two.users[Role.O2R_COUNSELLOR], consent_on=two.day, programme=two.programme
    )
    with pytest.raises(ValidationError) as error:
        record_activity(
            team=two.o2r_team,
            by=two.users[Role.O2R_COUNSELLOR],
            format="collective",
            kind="workshop",
            title="Atelier mêlé",
            date=two.day,
            duration_minutes=60,
            attendees=[other, two.second_files[0]],
        )
    assert "deux programmes" in error.value.message_dict["attendees"][0]


def test_two_programmes_a_contact_refuses_a_programme_its_service_does_not_run(two, o2r_files):
    from tests.insertion.factories import add_other_programme

    add_other_programme(two)
    with pytest.raises(ValidationError) as error:
        record_contact(
            team=two.o2r_team,
            by=two.users[Role.O2R_COUNSELLOR],
            met_on=two.day,
            nickname="Léa",
            commune="Nantes",
            efop_territory=two.territory,
            programme=two.other_programme,
        )
    assert "ne court pas" in error.value.message_dict["met_on"][0]
