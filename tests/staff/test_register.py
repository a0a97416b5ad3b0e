"""The staff register of an establishment: who keeps it, who reads it, what it holds."""

import datetime

import pytest

from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.staff.models import StaffMember
from ancrage.staff.services import sign_own
from tests.accounts.factories import UserFactory
from tests.conftest import login
from tests.staff.factories import add_staff, attest, enter, publish

KEEPERS = [Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR, Role.HR]


@pytest.mark.parametrize("role", KEEPERS)
def test_register_is_kept_by_the_director_the_national_director_and_hr(client, world, role):
    add_staff(world)
    login(client, world.users[role])
    page = client.get(f"/personnel/etablissements/{world.village.pk}/")
    assert page.status_code == 200
    assert list(page.context["members"]) == [world.staff_member]
    assert "Parent SOS de la maison des Tilleuls" in page.content.decode()
    # never another organisation's register
    assert client.get(f"/personnel/etablissements/{world.foreign_village.pk}/").status_code == 404
    assert client.get(f"/personnel/membres/{world.other_staff_member.pk}/").status_code == 404


@pytest.mark.parametrize("role", [r for r in Role if r not in KEEPERS])
def test_nobody_else_reads_the_register(client, world, role):
    add_staff(world)
    login(client, world.users[role])
    assert client.get(f"/personnel/etablissements/{world.village.pk}/").status_code == 403
    assert client.get(f"/personnel/membres/{world.staff_member.pk}/").status_code == 403


def test_director_keeps_only_their_own_establishments_register(client, world):
    enter(UserFactory(), world.other_village)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert client.get(f"/personnel/etablissements/{world.other_village.pk}/").status_code == 404


def test_staff_member_sees_their_own_entry(client, world):
    add_staff(world)
    login(client, world.users[Role.HOUSE_PARENT])
    page = client.get("/personnel/moi/")
    assert page.status_code == 200
    assert page.context["entries"] == [world.staff_member]
    assert "Parent SOS de la maison des Tilleuls" in page.content.decode()
    login(client, world.users[Role.FAMILY_AIDE])
    assert client.get("/personnel/moi/").context["entries"] == []


def test_hr_enters_an_employee_in_the_register(client, world):
    login(client, world.users[Role.HR])
    newcomer = UserFactory(username="nouvelle.recrue")
    response = client.post(
        f"/personnel/etablissements/{world.village.pk}/inscrire/",
        {
            "username": "nouvelle.recrue",
            "kind": "employee",
            "role_with_children": "Aide familiale de la maison des Cèdres",
            "start_date": "2025-09-01",
        },
    )
    member = StaffMember.objects.get(user=newcomer)
    assert response.status_code == 302
    assert response.url == f"/personnel/membres/{member.pk}/"
    assert (member.establishment, member.start_date, member.created_by) == (
        world.village,
        datetime.date(2025, 9, 1),
        world.users[Role.HR],
    )


def test_bad_entry_is_refused_at_its_field_and_writes_nothing(client, world):
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    url = f"/personnel/etablissements/{world.village.pk}/inscrire/"
    data = {
        "kind": "volunteer",
        "role_with_children": "Soutien scolaire",
        "start_date": "2025-09-01",
    }
    page = client.post(url, {**data, "username": "inconnu"})
    assert "Aucun compte actif du personnel" in str(page.context["form"].errors["username"])
    page = client.post(url, data)
    assert "Indiquez le compte" in str(page.context["form"].errors["username"])
    page = client.post(url, {**data, "username": "house_parent", "end_date": "2025-01-01"})
    assert "précéder" in str(page.context["form"].errors["end_date"])
    # a person out of the director's scope is not known to exist
    page = client.post(url, {**data, "reference": world.stranger.reference})
    assert "Aucune personne de votre périmètre" in str(page.context["form"].errors["reference"])
    enter(world.users[Role.HOUSE_PARENT], world.village)
    page = client.post(url, {**data, "username": "house_parent"})
    assert "déjà inscrite" in str(page.context["form"].errors["username"])
    assert StaffMember.objects.count() == 1


def test_volunteer_of_the_registry_is_entered_and_their_read_recorded(client, world):
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    login(client, director)
    client.post(
        f"/personnel/etablissements/{world.village.pk}/inscrire/",
        {
            "reference": world.mother.reference,
            "kind": "volunteer",
            "role_with_children": "Bénévole, atelier cuisine",
            "start_date": "2025-09-01",
        },
    )
    member = StaffMember.objects.get(person=world.mother)
    page = client.get(f"/personnel/etablissements/{world.village.pk}/")
    assert world.mother.last_name in page.content.decode()
    assert AccessEvent.objects.filter(
        user=director, person=world.mother, what="staff.register"
    ).exists()
    assert client.get(f"/personnel/membres/{member.pk}/").status_code == 200


@pytest.mark.parametrize("size", [1, 8])
def test_register_query_count_is_pinned(client, world, django_assert_num_queries, size):
    publish(world.organisation, world.users[Role.HR])
    for n in range(size):
        member = enter(UserFactory(), world.village)
        if n % 2:
            attest(member)
            sign_own(member.user)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    client.get("/")
    # 10: the attestations of the whole register in one query; 12: the code of conduct in force
    # and its signatures, one query each; 13: the courses attended, in one query
    with django_assert_num_queries(10):
        assert client.get(f"/personnel/etablissements/{world.village.pk}/").status_code == 200


def test_a_person_who_leaves_is_closed_by_an_end_date_and_kept_in_the_register(client, world):
    member = enter(world.users[Role.HOUSE_PARENT], world.village)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    url = f"/personnel/membres/{member.pk}/modifier/"
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "kind": "employee",
        "role_with_children": "Parent SOS de la maison des Tilleuls",
        "start_date": "2024-01-01",
        "lock_version": page.context["form"]["lock_version"].value(),
        "seen": page.context["form"]["seen"].value(),
    }
    # an end before the start is refused at its field, nothing written
    refused = client.post(url, {**data, "end_date": "2023-12-31"})
    assert "précéder" in str(refused.context["form"].errors["end_date"])
    member.refresh_from_db()
    assert member.end_date is None
    response = client.post(url, {**data, "end_date": "2026-11-30"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.end_date == datetime.date(2026, 11, 30)
    assert StaffMember.objects.present(datetime.date(2026, 12, 1)).filter(pk=member.pk).count() == 0
    # a second person working from the page as it was before is told, and overwrites nothing
    stale = client.post(url, {**data, "end_date": "2026-10-31"})
    assert "modifié entre-temps" in stale.content.decode()
    member.refresh_from_db()
    assert member.end_date == datetime.date(2026, 11, 30)


def test_an_entry_of_another_establishment_cannot_be_changed(client, world):
    add_staff(world)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    url = f"/personnel/membres/{world.other_staff_member.pk}/modifier/"
    assert client.get(url).status_code == 404
