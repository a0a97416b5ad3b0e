"""Correcting a person's identity (right to rectification): audited, validated at the field."""

import datetime

from auditlog.models import LogEntry

from ancrage.kernel.access import Role
from ancrage.people.models import Person
from tests.conftest import login


def form_data(person, **changes):
    data = {
        "first_names": person.first_names,
        "last_name": person.last_name,
        "birth_name": person.birth_name,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "sex": person.sex,
        "birthplace": person.birthplace,
        "nationality": person.nationality,
        "languages": person.languages,
        "phone": person.phone,
        "email": person.email,
        "address": person.address,
        "lock_version": person.lock_version,  # the form is built from the record as it is
    }
    data.update(changes)
    return data


def test_head_of_service_corrects_a_name_and_the_change_is_kept_with_before_and_after(
    client, world
):
    user = world.users[Role.HEAD_OF_SERVICE]
    login(client, user)
    url = f"/personnes/{world.child.reference}/modifier/"
    response = client.post(
        url, form_data(world.child, first_names="Léa-Rose", phone="06 01 02 03 04")
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=world.child.pk)
    assert person.first_names == "Léa-Rose"
    assert person in Person.objects.search("lea rose")
    entry = (
        LogEntry.objects.get_for_object(person)
        .filter(action=LogEntry.Action.UPDATE)
        .latest("timestamp")
    )
    assert entry.actor == user
    assert entry.changes_dict["first_names"] == ["Léa", "Léa-Rose"]
    assert entry.changes_dict["phone"] == ["", "06 01 02 03 04"]
    assert "last_name" not in entry.changes_dict  # only what changed


def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(client, world):
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    url = f"/personnes/{world.child.reference}/modifier/"
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    response = client.post(
        url,
        form_data(
            world.child, first_names="Léa-Rose", birth_date=tomorrow, email="pas-un-courriel"
        ),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "La date de naissance ne peut pas être dans le futur." in page
    assert "Saisissez une adresse de courriel valide." in page
    assert Person.objects.get(pk=world.child.pk).first_names == "Léa"


def test_names_are_required(client, world):
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    response = client.post(
        f"/personnes/{world.child.reference}/modifier/", form_data(world.child, last_name="")
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    assert Person.objects.get(pk=world.child.pk).last_name == "Martin"


def test_house_staff_cannot_correct_an_identity(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/personnes/{world.child.reference}/modifier/", form_data(world.child, first_names="X")
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=world.child.pk).first_names == "Léa"
    assert (
        "Corriger l'identité"
        not in client.get(f"/personnes/{world.child.reference}/").content.decode()
    )
