"""The projet pour l'autonomie: from 16, five areas with status, notes and next step; the
accompaniment after 18 never past the 21st birthday (29 February included); the young person
reads their own project and changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from ancrage.care.models.autonomy import AutonomyArea, AutonomyProject, YoungAdultSupport
from ancrage.care.services import autonomy as services
from ancrage.kernel.access import Role
from tests.conftest import login

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)


def aged(person, birth_date):
    person.birth_date = birth_date
    person.save()
    return person


def areas(**statuses):
    return {
        code: {"status": statuses.get(code, "not_started"), "notes": "", "next_step": ""}
        for code in AutonomyArea.Area.values
    }


def test_the_project_starts_on_the_16th_birthday_not_the_day_before(world):
    head = world.users[Role.HEAD_OF_SERVICE]
    aged(world.child, datetime.date(2010, 11, 24))
    with pytest.raises(ValidationError) as refused:
        services.save_project(world.child, areas=areas(), by=head, today=TODAY)
    assert refused.value.messages == ["Le projet pour l'autonomie commence à 16 ans."]
    aged(world.child, datetime.date(2010, 11, 23))
    project = services.save_project(
        world.child, areas=areas(housing="in_progress"), by=head, today=TODAY
    )
    assert project.areas.count() == 5
    assert project.areas.get(area="housing").status == "in_progress"


def _project(world, birth_date):
    aged(world.child, birth_date)
    return services.save_project(
        world.child, areas=areas(), by=world.users[Role.HEAD_OF_SERVICE], today=TODAY
    )


@pytest.mark.parametrize(
    ("end_date", "accepted"),
    [
        (datetime.date(2028, 3, 8), True),
        (datetime.date(2028, 3, 9), True),  # the day before the 21st birthday: the last day
        (datetime.date(2028, 3, 10), False),  # the 21st birthday
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_support_ends_the_day_before_the_21st_birthday_at_the_latest(world, end_date, accepted):
    _project(world, datetime.date(2007, 3, 10))
    head = world.users[Role.HEAD_OF_SERVICE]
    if accepted:
        support = services.add_support(
            world.child,
            kind="contrat_jeune_majeur",
            start_date=datetime.date(2025, 3, 10),
            end_date=end_date,
            by=head,
        )
        assert support.end_date == end_date
        return
    with pytest.raises(ValidationError) as refused:
        services.add_support(
            world.child,
            kind="until_21",
            start_date=datetime.date(2025, 3, 10),
            end_date=end_date,
            by=head,
        )
    assert refused.value.message_dict["end_date"] == [
        "L'accompagnement s'arrête la veille du 21e anniversaire : au plus tard le 09/03/2028."
    ]
    assert not YoungAdultSupport.objects.exists()


@pytest.mark.parametrize(
    ("end_date", "accepted"),
    [
        (datetime.date(2029, 2, 26), True),
        (datetime.date(2029, 2, 27), True),  # 21 on 28/02/2029: the day before is the last day
        (datetime.date(2029, 2, 28), False),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_a_29_february_birthday_ends_support_on_27_february(world, end_date, accepted):
    _project(world, datetime.date(2008, 2, 29))
    add = lambda: services.add_support(  # noqa: E731
        world.child,
        kind="until_21",
        start_date=datetime.date(2026, 3, 1),
        end_date=end_date,
        by=world.users[Role.HEAD_OF_SERVICE],
    )
    if accepted:
        assert add().end_date == end_date
        return
    with pytest.raises(ValidationError) as refused:
        add()
    assert "27/02/2029" in refused.value.message_dict["end_date"][0]


@pytest.mark.parametrize(
    ("today", "accepted"),
    [
        (datetime.date(2028, 3, 8), True),
        (datetime.date(2028, 3, 9), True),  # the last day of the support
        (datetime.date(2028, 3, 10), False),  # the 21st birthday
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_the_project_can_be_opened_until_the_day_before_the_21st_birthday(world, today, accepted):
    aged(world.child, datetime.date(2007, 3, 10))
    save = lambda: services.save_project(  # noqa: E731
        world.child, areas=areas(), by=world.users[Role.HEAD_OF_SERVICE], today=today
    )
    if accepted:
        assert save().pk
    else:
        with pytest.raises(ValidationError):
            save()


def test_support_starts_at_majority(world):
    _project(world, datetime.date(2009, 6, 1))
    with pytest.raises(ValidationError) as refused:
        services.add_support(
            world.child,
            kind="contrat_jeune_majeur",
            start_date=datetime.date(2027, 5, 31),
            end_date=datetime.date(2028, 5, 31),
            by=world.users[Role.HEAD_OF_SERVICE],
        )
    assert "start_date" in refused.value.message_dict


def test_the_support_form_shows_the_french_refusal_at_the_end_date(client, world):
    _project(world, datetime.date(2007, 3, 10))
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/personnes/{world.child.reference}/autonomie/accompagnement/",
        {"kind": "until_21", "start_date": "2025-03-10", "end_date": "2030-01-01"},
    )
    assert response.status_code == 422
    assert "21e anniversaire" in response.context["form"].errors["end_date"][0]


def test_the_project_form_saves_every_area(client, world):
    aged(world.child, datetime.date(2009, 1, 1))
    login(client, world.users[Role.HOUSE_PARENT])
    url = f"/personnes/{world.child.reference}/autonomie/modifier/"
    assert client.get(url).status_code == 200
    data = {}
    for code in AutonomyArea.Area.values:
        data[f"{code}-status"] = "in_progress"
        data[f"{code}-notes"] = f"notes {code}"
        data[f"{code}-next_step"] = f"étape {code}"
    response = client.post(url, data)
    assert response.status_code == 302
    project = AutonomyProject.objects.get(person=world.child)
    assert {a.area: a.next_step for a in project.areas.all()} == {
        code: f"étape {code}" for code in AutonomyArea.Area.values
    }


def test_the_young_person_reads_their_own_project_and_changes_nothing(
    client, world, django_assert_num_queries
):
    _project(world, datetime.date(2009, 1, 1))
    youth = world.users[Role.YOUTH]
    login(client, youth)
    with django_assert_num_queries(9):
        page = client.get(f"/personnes/{world.child.reference}/autonomie/")
    assert page.status_code == 200
    assert page.context["change"] is False
    assert "/autonomie/modifier/" not in page.content.decode()
    assert client.get(f"/personnes/{world.child.reference}/autonomie/modifier/").status_code == 403
    assert client.get(f"/personnes/{world.sibling.reference}/autonomie/").status_code == 404
