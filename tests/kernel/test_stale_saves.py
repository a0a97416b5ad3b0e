"""Stale saves (ancrage/kernel/versions.py): two people open the same edit form, the first saves,
the second is told "Ce dossier a été modifié entre-temps" with what the first changed, keeps what
they typed, and nothing of theirs is saved until they submit again. Run on SQLite and, with
DATABASE_URL set, on PostgreSQL (the service locks the row with select_for_update there)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.care.models.agenda import Appointment
from ancrage.care.models.ppe import Action, Objective, PPEVersion
from ancrage.care.services import ppe as ppe_services
from ancrage.kernel.access import Role
from ancrage.people.models import Person
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.care.factories_daily import AppointmentFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db


def data_of(response, **changes) -> dict:
    """The POST a person makes from the form of `response` as shown, with `changes` typed in."""
    form = response.context["form"]
    data = {}
    for field in form:
        value = field.value()
        if value is None:
            value = ""
        elif isinstance(value, datetime.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value)
            value = value.strftime("%Y-%m-%dT%H:%M")
        elif isinstance(value, bool):
            if not value:
                continue
            value = "on"
        elif isinstance(value, list | tuple):
            value = [str(v) for v in value]
        else:
            value = str(value)
        data[field.html_name] = value
    data.update(changes)
    return data


def two_people(world, first, second):
    a, b = Client(), Client()
    login(a, world.users[first])
    login(b, world.users[second])
    return a, b


def race(a, b, url, field, mine, theirs):
    """Both open the form; A saves `theirs`; B saves `mine` and gets the conflict; B saves again.
    Returns (B's refused page, B's second answer)."""
    page_a, page_b = a.get(url), b.get(url)
    assert page_a.status_code == page_b.status_code == 200
    saved = a.post(url, data_of(page_a, **{field: theirs}))
    assert saved.status_code == 302, saved.context["form"].errors if saved.context else saved
    refused = b.post(url, data_of(page_b, **{field: mine}))
    assert refused.status_code in (200, 422)
    content = refused.content.decode()
    assert "modifié entre-temps" in content
    form = refused.context["form"]
    assert form[field].value() == mine  # what B typed is kept
    again = b.post(url, data_of(refused))
    return refused, again


def test_stale_save_is_detected_on_a_persons_identity(world):
    a, b = two_people(world, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR)
    url = f"/personnes/{world.child.reference}/modifier/"
    refused, again = race(a, b, url, "birthplace", "Lyon", "Nantes")
    assert "Lieu de naissance" in refused.content.decode()  # what changed, by its label
    assert "Nantes" in refused.content.decode()  # and the other person's value
    assert again.status_code == 302  # submitting again is a deliberate choice: it saves
    assert Person.objects.get(pk=world.child.pk).birthplace == "Lyon"


def test_stale_save_keeps_the_first_persons_value_until_the_second_resubmits(world):
    a, b = two_people(world, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR)
    url = f"/personnes/{world.child.reference}/modifier/"
    page_a, page_b = a.get(url), b.get(url)
    assert a.post(url, data_of(page_a, phone="06 11 11 11 11")).status_code == 302
    refused = b.post(url, data_of(page_b, phone="06 22 22 22 22"))
    assert "modifié entre-temps" in refused.content.decode()
    assert Person.objects.get(pk=world.child.pk).phone == "06 11 11 11 11"


def test_stale_save_is_detected_on_the_ppe_draft(world):
    a, b = two_people(world, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR)
    url = f"/personnes/{world.child.reference}/ppe/brouillon/"
    refused, again = race(a, b, url, "sibling_relations", "Vus par B", "Vus par A")
    assert "Vus par A" in refused.content.decode()
    assert again.status_code == 302
    draft = PPEVersion.objects.get(ppe__child=world.child, status=PPEVersion.Status.DRAFT)
    assert draft.sibling_relations == "Vus par B"


def test_stale_save_is_detected_on_a_ppe_objective_and_action(world):
    head = world.users[Role.HEAD_OF_SERVICE]
    objective = ppe_services.add_objective(
        world.child,
        head,
        domain="health",
        title="Bilan dentaire",
        action={"description": "Prendre rendez-vous", "actor": "house_staff"},
    )
    a, b = two_people(world, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR)
    url = reverse("care:objective_edit", args=[world.child.reference, objective.pk])
    refused, again = race(a, b, url, "title", "Titre de B", "Titre de A")
    assert "Titre de A" in refused.content.decode()
    assert again.status_code == 302
    assert Objective.objects.get(pk=objective.pk).title == "Titre de B"

    action = objective.actions.get()
    url = reverse("care:action_edit", args=[world.child.reference, action.pk])
    refused, again = race(a, b, url, "description", "Action de B", "Action de A")
    assert again.status_code == 302
    assert Action.objects.get(pk=action.pk).description == "Action de B"


def test_stale_save_is_detected_on_an_appointment(world):
    start = timezone.make_aware(
        datetime.datetime.combine(
            timezone.localdate() + datetime.timedelta(days=2), datetime.time(10)
        )
    )
    appointment = AppointmentFactory(
        child=world.child, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    )
    a, b = two_people(world, Role.HOUSE_PARENT, Role.HEAD_OF_SERVICE)
    url = f"/rendez-vous/{appointment.pk}/modifier/"
    refused, again = race(a, b, url, "place", "Cabinet B", "Cabinet A")
    assert "Cabinet A" in refused.content.decode()
    assert again.status_code == 302
    assert Appointment.objects.get(pk=appointment.pk).place == "Cabinet B"


def test_a_form_without_its_version_is_refused_and_saves_nothing(world):
    a, _b = two_people(world, Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR)
    url = f"/personnes/{world.child.reference}/modifier/"
    data = data_of(a.get(url), birthplace="Brest")
    del data["lock_version"]
    refused = a.post(url, data)
    assert "modifié entre-temps" in refused.content.decode()
    assert Person.objects.get(pk=world.child.pk).birthplace != "Brest"


def test_stale_save_is_detected_on_an_o2r_beneficiarys_eligibility(o2r_files):
    world = o2r_files
    colleague = UserFactory(username="second-counsellor")
    colleague.save()  # as the world's users: the factory's password is set after creation
    MembershipFactory(
        user=colleague,
        role=Role.O2R_COUNSELLOR,
        unit=world.o2r_team,
        start_date=datetime.date(2024, 1, 1),
    )
    a, b = Client(), Client()
    login(a, world.users[Role.O2R_COUNSELLOR])
    login(b, User.objects.get(pk=colleague.pk))
    url = reverse("insertion:eligibility", args=[world.beneficiary.pk])
    page_a, page_b = a.get(url), b.get(url)
    assert page_a.status_code == page_b.status_code == 200, (page_a, page_b, page_b.get("Location"))
    assert a.post(url, data_of(page_a, flags=["qpv"])).status_code == 302
    refused = b.post(url, data_of(page_b, flags=["zrr"]))
    assert "modifié entre-temps" in refused.content.decode()
    assert refused.context["form"]["flags"].value() == ["zrr"]
    world.beneficiary.refresh_from_db()
    assert world.beneficiary.qpv and not world.beneficiary.zrr
    assert b.post(url, data_of(refused)).status_code == 302
    world.beneficiary.refresh_from_db()
    assert world.beneficiary.zrr and not world.beneficiary.qpv


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_stale_save_is_detected_between_two_simultaneous_writers(world):
    """Two connections correct the same identity from the same version at the same moment: the
    row lock (select_for_update) makes the second wait, see the new version and be refused."""
    import threading

    from django.db import connection, connections

    from ancrage.kernel.versions import StaleEdit
    from ancrage.people.services import update_identity

    assert connection.vendor == "postgresql"
    version = Person.objects.get(pk=world.child.pk).lock_version
    barrier = threading.Barrier(2)
    outcomes = {}

    def write(place):
        try:
            barrier.wait(timeout=10)
            update_identity(
                Person.objects.get(pk=world.child.pk),
                {"birthplace": place},
                expected_version=version,
            )
            outcomes[place] = "ok"
        except StaleEdit:
            outcomes[place] = "stale"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(place,)) for place in ("Nantes", "Lyon")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["ok", "stale"]
    stored = Person.objects.get(pk=world.child.pk)
    assert stored.lock_version == version + 1
    assert stored.birthplace == next(place for place, o in outcomes.items() if o == "ok")


def test_the_snapshot_of_a_form_holds_only_what_the_form_shows(client, world):
    """A house parent's identity form leaves the contact details out: its hidden snapshot too."""
    from django.core import signing

    from ancrage.kernel.versions import SALT

    Person.objects.filter(pk=world.child.pk).update(phone="06 99 88 77 66")
    from ancrage.people.forms import IdentityForm

    form = IdentityForm(instance=Person.objects.get(pk=world.child.pk), with_contact=False)
    seen = signing.loads(form["seen"].value(), salt=SALT)
    assert "phone" not in seen and "first_names" in seen
