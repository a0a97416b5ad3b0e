"""The villages' rules, each test named after the rule it proves: capacity, stays, the sibling
rule and the judge notices, measures, admissions, the co-placement rate."""

import datetime
import threading

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.people.models import FamilyLink, Person
from ancrage.people.services import link_relatives
from ancrage.placements.models import (
    AdmissionRequest,
    JudgeNotification,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
)
from ancrage.placements.services import (
    Justification,
    accept_admission,
    admit_children,
    co_placement,
    decline_admission,
    move_child,
    record_exit,
    record_measure,
    register_admission_request,
)
from tests.organisation.factories import HouseFactory, VillageFactory
from tests.people.factories import PersonFactory, StayFactory

TODAY = datetime.date.today()
JUSTIFIED = Justification(
    reason="no_room_together", explanation="Aucune maison n'a trois places libres."
)


@pytest.fixture
def head(world):
    return world.users[Role.HEAD_OF_SERVICE]


def fill(house, n, start=None):
    for _ in range(n):
        StayFactory(unit=house, start_date=start or TODAY - datetime.timedelta(days=30))


def siblings(n, last_name="Durand"):
    people = [PersonFactory(last_name=last_name, first_names=f"Enfant{i}") for i in range(n)]
    for other in people[1:]:
        link_relatives(people[0], other, FamilyLink.Kind.SIBLING)
    return people


# Capacity ---------------------------------------------------------------------------------------


def test_house_never_holds_more_children_than_its_capacity(world, head):
    house = HouseFactory(establishment=world.village, capacity=5)
    fill(house, 4)
    a, b = siblings(2)
    with pytest.raises(ValidationError) as error:
        admit_children(placements={a: house, b: house}, start_date=TODAY, by=head)
    assert "n'a qu'une place libre" in error.value.message_dict["house"][0]
    assert not Stay.objects.filter(child__in=[a, b]).exists()  # nothing half-written


def test_house_capacity_is_a_setting_per_house(world, head):
    house = HouseFactory(establishment=world.village, capacity=4)
    fill(house, 4)
    with pytest.raises(ValidationError):
        admit_children(placements={PersonFactory(): house}, start_date=TODAY, by=head)


def test_capacity_counts_arrivals_already_planned(world, head):
    house = HouseFactory(establishment=world.village, capacity=2)
    fill(house, 1)
    fill(house, 1, start=TODAY + datetime.timedelta(days=10))  # the last bed is promised
    with pytest.raises(ValidationError):
        admit_children(placements={PersonFactory(): house}, start_date=TODAY, by=head)


def test_a_bed_is_free_again_on_the_departure_day(world, head):
    house = HouseFactory(establishment=world.village, capacity=1)
    leaving = StayFactory(unit=house, start_date=TODAY - datetime.timedelta(days=90))
    record_exit(
        child=leaving.child,
        exit_date=TODAY + datetime.timedelta(days=7),
        reason="return_to_family",
        by=head,
    )
    newcomer = PersonFactory()
    with pytest.raises(ValidationError):
        admit_children(
            placements={newcomer: house}, start_date=TODAY + datetime.timedelta(days=6), by=head
        )
    admit_children(
        placements={newcomer: house}, start_date=TODAY + datetime.timedelta(days=7), by=head
    )
    assert Stay.objects.current(TODAY + datetime.timedelta(days=7)).filter(unit=house).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_admissions_into_the_last_bed_exactly_one_succeeds(world, head):
    """Two connections admit two different children into the house's last bed at the same
    moment: the row lock makes the second wait, then see the bed taken."""
    assert connection.vendor == "postgresql"
    house = HouseFactory(establishment=world.village, capacity=3)
    fill(house, 2)
    first, second = PersonFactory(), PersonFactory()
    barrier = threading.Barrier(2)
    outcomes = {}

    def admit(child):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            admit_children(placements={child: house}, start_date=TODAY, by=head)
            outcomes[child.pk] = "admitted"
        except ValidationError as error:
            outcomes[child.pk] = error.message_dict["house"][0]
        finally:
            connections.close_all()

    threads = [threading.Thread(target=admit, args=(child,)) for child in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values(), key=len)[0] == "admitted"
    assert list(outcomes.values()).count("admitted") == 1
    assert Stay.objects.current().filter(unit=house).count() == 3


# Stays ----------------------------------------------------------------------------------------


def test_a_child_cannot_be_admitted_twice(world, head):
    with pytest.raises(ValidationError) as error:
        admit_children(placements={world.child: world.second_house}, start_date=TODAY, by=head)
    assert "pas de seconde admission" in error.value.message_dict["children"][0]


def test_a_stay_cannot_overlap_a_planned_one(world, head):
    child = PersonFactory()
    admit_children(
        placements={child: world.house}, start_date=TODAY + datetime.timedelta(days=20), by=head
    )
    with pytest.raises(ValidationError):
        admit_children(placements={child: world.second_house}, start_date=TODAY, by=head)


def test_exit_before_arrival_is_refused(world, head):
    stay = Stay.objects.get(child=world.child)
    with pytest.raises(ValidationError) as error:
        record_exit(
            child=world.child, exit_date=stay.start_date, reason="return_to_family", by=head
        )
    assert "doit suivre l'arrivée" in error.value.message_dict["exit_date"][0]
    stay.refresh_from_db()
    assert stay.end_date is None


def test_exit_keeps_the_full_history(world, head):
    exit_day = TODAY + datetime.timedelta(days=3)
    record_exit(
        child=world.child, exit_date=exit_day, reason="majority", note="Projet d'autonomie", by=head
    )
    stay = Stay.objects.get(child=world.child)
    assert (stay.end_date, stay.exit_reason, stay.exit_note) == (
        exit_day,
        "majority",
        "Projet d'autonomie",
    )
    assert Stay.objects.filter(child=world.former_child).exists()


def test_move_keeps_the_previous_stay_in_the_history(world, head):
    move_child(
        child=world.child,
        to_house=world.second_house,
        move_date=TODAY + datetime.timedelta(days=1),
        by=head,
    )
    stays = list(Stay.objects.filter(child=world.child).order_by("start_date"))
    assert [(s.unit, s.exit_reason) for s in stays] == [
        (world.house, "move"),
        (world.second_house, ""),
    ]
    assert stays[0].end_date == stays[1].start_date


def test_move_date_before_arrival_is_refused(world, head):
    stay = Stay.objects.get(child=world.child)
    with pytest.raises(ValidationError) as error:
        move_child(
            child=world.child, to_house=world.second_house, move_date=stay.start_date, by=head
        )
    assert "move_date" in error.value.message_dict


# The sibling rule -------------------------------------------------------------------------------


def test_sibling_rule_admission_that_separates_siblings_requires_a_justification(world, head):
    a, b, c = siblings(3)
    with pytest.raises(ValidationError) as error:
        admit_children(
            placements={a: world.house, b: world.house, c: world.second_house},
            start_date=TODAY,
            by=head,
        )
    assert "ne vivraient plus ensemble" in error.value.message_dict["separation_reason"][0]
    assert not Stay.objects.filter(child__in=[a, b, c]).exists()
    assert not JudgeNotification.objects.filter(child__in=[a, b, c]).exists()


def test_sibling_rule_justification_is_recorded_with_reason_author_and_date(world, head):
    a, b, c = siblings(3)
    admit_children(
        placements={a: world.house, b: world.house, c: world.second_house},
        start_date=TODAY,
        by=head,
        justification=JUSTIFIED,
    )
    separations = SiblingSeparation.objects.all()
    assert {(s.child_id, s.sibling_id) for s in separations} == {(a.pk, c.pk), (b.pk, c.pk)}
    for separation in separations:
        assert separation.reason == "no_room_together"
        assert separation.explanation == JUSTIFIED.explanation
        assert separation.author == head
        assert timezone.localdate(separation.recorded_at) == TODAY


def test_sibling_rule_separation_creates_inform_the_judge_within_48_hours(world, head):
    a, b = siblings(2)
    start = TODAY + datetime.timedelta(days=5)
    admit_children(
        placements={a: world.house, b: world.second_house},
        start_date=start,
        by=head,
        justification=JUSTIFIED,
    )
    notices = JudgeNotification.objects.filter(
        kind=JudgeNotification.Kind.SEPARATION, child__in=[a, b]
    )
    assert notices.count() == 1  # one per child whose separation was justified
    notice = notices.get()
    assert notice.due_date == start + datetime.timedelta(days=2)
    assert notice.establishment == world.village
    assert notice.sent_on is None


def test_sibling_rule_admitting_a_group_together_needs_no_justification(world, head):
    a, b, c = siblings(3)
    house = HouseFactory(establishment=world.village)
    admit_children(placements={a: house, b: house, c: house}, start_date=TODAY, by=head)
    assert not SiblingSeparation.objects.exists()
    assert not JudgeNotification.objects.filter(kind="separation", child__in=[a, b, c]).exists()


def test_sibling_rule_joining_a_sibling_already_placed_elsewhere_requires_a_justification(
    world, head
):
    newcomer = PersonFactory(last_name="Martin")
    link_relatives(world.child, newcomer, FamilyLink.Kind.HALF_SIBLING)
    with pytest.raises(ValidationError):
        admit_children(placements={newcomer: world.second_house}, start_date=TODAY, by=head)
    # the same house as Léa... but Hugo lives in the second house: admitting there separates
    # the newcomer from Léa, admitting with Léa separates from Hugo; Léa and Hugo are already apart.
    with pytest.raises(ValidationError):
        admit_children(placements={newcomer: world.house}, start_date=TODAY, by=head)


def test_sibling_rule_move_away_from_a_sibling_requires_a_justification(world, head):
    a, b = siblings(2)
    house = HouseFactory(establishment=world.village)
    admit_children(
        placements={a: house, b: house}, start_date=TODAY - datetime.timedelta(days=40), by=head
    )
    with pytest.raises(ValidationError):
        move_child(child=a, to_house=world.house, move_date=TODAY, by=head)
    move_child(child=a, to_house=world.house, move_date=TODAY, by=head, justification=JUSTIFIED)
    assert JudgeNotification.objects.filter(
        child=a, kind="separation", due_date=TODAY + datetime.timedelta(days=2)
    ).exists()


def test_sibling_rule_move_that_reunites_siblings_needs_no_justification(world, head):
    move_child(
        child=world.child,
        to_house=world.second_house,
        move_date=TODAY + datetime.timedelta(days=1),
        by=head,
    )
    assert not SiblingSeparation.objects.exists()


def test_change_of_placement_notifies_the_judge_one_month_before(world, head):
    other_house = world.other_house
    move_day = TODAY + relativedelta(months=2)
    move_child(
        child=world.child,
        to_house=other_house,
        move_date=move_day,
        by=head,
        justification=JUSTIFIED,  # Léa leaves her brother's village
    )
    notice = JudgeNotification.objects.get(
        child=world.child, kind=JudgeNotification.Kind.PLACEMENT_CHANGE
    )
    assert notice.due_date == move_day - relativedelta(months=1)
    assert notice.event_date == move_day


def test_change_of_placement_less_than_a_month_ahead_is_refused_unless_emergency(world, head):
    soon = TODAY + datetime.timedelta(days=20)
    with pytest.raises(ValidationError) as error:
        move_child(
            child=world.child,
            to_house=world.other_house,
            move_date=soon,
            by=head,
            justification=JUSTIFIED,
        )
    assert "un mois à l'avance" in error.value.message_dict["move_date"][0]
    assert Stay.objects.filter(child=world.child).count() == 1


def test_emergency_change_of_placement_notifies_the_judge_within_48_hours(world, head):
    move_day = TODAY + datetime.timedelta(days=1)
    move_child(
        child=world.child,
        to_house=world.other_house,
        move_date=move_day,
        by=head,
        emergency=True,
        justification=JUSTIFIED,
    )
    notice = JudgeNotification.objects.get(
        child=world.child, kind=JudgeNotification.Kind.EMERGENCY_PLACEMENT_CHANGE
    )
    assert notice.due_date == move_day + datetime.timedelta(days=2)


def test_a_move_inside_the_village_is_not_a_change_of_placement(world, head):
    move_child(
        child=world.child,
        to_house=world.second_house,
        move_date=TODAY + datetime.timedelta(days=1),
        by=head,
    )
    assert not JudgeNotification.objects.filter(
        child=world.child, kind__in=["placement_change", "emergency_placement_change"]
    ).exists()


# Co-placement rate ---------------------------------------------------------------------------


def test_co_placement_rate_per_house_village_and_association(world, head):
    """World: Léa (house) and Hugo (second house) are apart; Zoé and Noé live together in
    the other village; Yanis has no placed sibling. Add a group of three together in a new house."""
    house = HouseFactory(establishment=world.village)
    a, b, c = siblings(3)
    admit_children(placements={a: house, b: house, c: house}, start_date=TODAY, by=head)
    rates = co_placement(TODAY)
    # association: together = a, b, c, Zoé, Noé = 5 ; with placed siblings = those + Léa, Hugo = 7
    assert (rates["all"].together, rates["all"].with_siblings) == (5, 7)
    village = rates["establishment"][world.village.pk]
    assert (village.together, village.with_siblings) == (3, 5)
    assert rates["establishment"][world.other_village.pk].rate == 1.0
    assert rates["house"][world.house.pk].rate == 0.0
    assert rates["house"][house.pk].rate == 1.0
    # Yanis has no placed sibling: his house counts nobody.
    foreign_house = Stay.objects.get(child=world.stranger).unit_id
    assert foreign_house not in rates["house"]


def test_co_placement_ignores_siblings_who_are_not_placed(world, head):
    record_exit(child=world.sibling, exit_date=TODAY, reason="return_to_family", by=head)
    rates = co_placement(TODAY)
    assert world.house.pk not in rates["house"]  # Léa has no placed sibling any more


# Measures --------------------------------------------------------------------------------------


def test_measure_renewal_ends_the_previous_measure_the_day_before(world, head):
    first = record_measure(
        child=world.child,
        by=head,
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        start_date=TODAY - datetime.timedelta(days=365),
        review_date=TODAY,
    )
    renewal = record_measure(
        child=world.child,
        by=head,
        renews=first,
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        start_date=TODAY + datetime.timedelta(days=1),
    )
    first.refresh_from_db()
    assert first.end_date == TODAY
    assert renewal.renews == first
    assert list(ProtectionMeasure.objects.in_force(TODAY + datetime.timedelta(days=1))) == [renewal]


def test_measure_dates_out_of_order_are_refused_at_the_field(client, world):
    from tests.conftest import login

    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.post(
        f"/personnes/{world.child.reference}/mesures/nouvelle/",
        {
            "establishment": world.village.pk,
            "legal_basis": "judicial_placement",
            "authority": "juvenile_judge",
            "departement": "44",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "La fin ne peut pas précéder le début de la mesure." in response.content.decode()
    assert not ProtectionMeasure.objects.exists()


# Admissions ------------------------------------------------------------------------------------


def test_waiting_list_is_ordered_by_urgency_then_date(world, head):
    def request(urgency, days_ago):
        return register_admission_request(
            establishment=world.village,
            children=[{"first_names": "X", "last_name": f"U{urgency}D{days_ago}"}],
            by=head,
            departement="44",
            urgency=urgency,
            received_on=TODAY - datetime.timedelta(days=days_ago),
        )

    normal_old, emergency_new, emergency_old, priority = (
        request(3, 30),
        request(1, 1),
        request(1, 5),
        request(2, 60),
    )
    waiting = list(AdmissionRequest.objects.filter(establishment=world.village, status="waiting"))
    # the world's own request (normal urgency, received today) comes last
    assert waiting == [emergency_old, emergency_new, priority, normal_old, world.admission]


def test_admission_request_children_form_a_sibling_group(world, head):
    request = register_admission_request(
        establishment=world.village,
        children=[
            {"first_names": "Aya", "last_name": "Benali", "birth_date": datetime.date(2014, 2, 1)},
            {"first_names": "Sami", "last_name": "Benali", "birth_date": datetime.date(2016, 3, 1)},
            {"first_names": "Lina", "last_name": "Benali", "birth_date": datetime.date(2019, 4, 1)},
        ],
        by=head,
        departement="44",
        urgency=AdmissionRequest.Urgency.EMERGENCY,
    )
    children = list(request.children.all())
    groups = {
        c.sibling_membership.group_id
        for c in Person.objects.filter(pk__in=[c.pk for c in children])
    }
    assert len(groups) == 1


def test_accepting_an_admission_places_the_children_and_closes_the_request(world, head):
    house = HouseFactory(establishment=world.village)
    accept_admission(
        world.admission,
        houses={c.pk: house for c in world.admission.children.all()},
        start_date=TODAY,
        by=head,
    )
    world.admission.refresh_from_db()
    assert world.admission.status == "accepted"
    assert world.admission.decided_by == head
    assert Stay.objects.filter(admission=world.admission, unit=house).count() == 1
    with pytest.raises(ValidationError):
        decline_admission(world.admission, reason="trop tard", by=head)


def test_an_admission_goes_into_the_requested_village_only(world, head):
    with pytest.raises(ValidationError) as error:
        accept_admission(
            world.admission,
            houses={c.pk: world.other_house for c in world.admission.children.all()},
            start_date=TODAY,
            by=head,
        )
    assert "n'est pas une maison de ce village" in error.value.message_dict["house"][0]


def test_declining_an_admission_needs_a_reason(world, head):
    with pytest.raises(ValidationError):
        decline_admission(world.admission, reason="  ", by=head)
    decline_admission(
        world.admission, reason="Pas de place pour une fratrie de cette taille", by=head
    )
    world.admission.refresh_from_db()
    assert world.admission.status == "declined"


def test_a_village_house_only_takes_children_into_houses(world, head):
    with pytest.raises(ValidationError):
        admit_children(placements={PersonFactory(): world.o2r_team}, start_date=TODAY, by=head)


def test_board_and_waiting_list_for_another_village_answer_404(client, world):
    from tests.conftest import login

    login(client, world.users[Role.HEAD_OF_SERVICE])
    assert client.get(f"/villages/{world.other_village.pk}/").status_code == 404
    assert client.get(f"/villages/{world.other_village.pk}/admissions/").status_code == 404
    assert client.get(f"/villages/{world.village.pk}/").status_code == 200


def test_new_village_is_unknown_to_its_neighbours(world):
    village = VillageFactory(organisation=world.organisation)
    assert village.pk != world.village.pk


def test_a_measure_is_in_force_until_its_last_day_and_its_renewal_the_day_after(world, head):
    first = record_measure(
        child=world.child,
        by=head,
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        start_date=TODAY - datetime.timedelta(days=30),
    )
    renewal = record_measure(
        child=world.child,
        by=head,
        renews=first,
        establishment=world.village,
        legal_basis="judicial_placement",
        authority="juvenile_judge",
        departement="44",
        start_date=TODAY + datetime.timedelta(days=1),
    )
    assert list(ProtectionMeasure.objects.in_force(TODAY)) == [first]  # its last day
    assert list(ProtectionMeasure.objects.in_force(TODAY + datetime.timedelta(days=1))) == [renewal]
