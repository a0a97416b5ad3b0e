"""The youth space: the young person's own data only (her brother's file stays closed), her
project in words for her, her appointments and calendar link, the space opening at the age the
establishment sets (16 by default)."""

import datetime

import pytest

from ancrage.care.services import ppe as ppe_services
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.participation.models import YouthSpaceSetting
from ancrage.people.models import Person
from tests.care.factories_daily import AppointmentFactory
from tests.care.factories_ppe import validated_ppe
from tests.conftest import login

TODAY = datetime.date.today()


def aged(person: Person, years: int) -> None:
    person.birth_date = calendar.add_years(TODAY, -years)
    person.save(update_fields=["birth_date"])


@pytest.fixture
def youth(client, world):
    aged(world.child, 16)
    user = world.users[Role.YOUTH]
    login(client, user)
    return user


def test_youth_sees_own_data_only(client, world, youth):
    page = client.get("/mon-espace/").content.decode()
    # her brother, by his first name, and where he lives; never his file
    assert "Hugo" in page and "Maison des Cèdres" in page
    assert "Maison des Tilleuls" in page
    assert world.outsider.first_names not in page
    assert "Mon référent" in page and "droit d'accès" in page
    for url in (
        f"/personnes/{world.sibling.reference}/",
        f"/personnes/{world.sibling.reference}/ppe/",
        f"/personnes/{world.outsider.reference}/",
    ):
        assert client.get(url).status_code == 404
    shown = AccessEvent.objects.filter(what="participation.my_page", user=youth)
    assert set(shown.values_list("person_id", "action")) == {
        (world.child.pk, AccessEvent.Action.VIEW),
        (world.sibling.pk, AccessEvent.Action.LIST),
    }


def test_the_youth_page_names_the_siblings_the_person_page_hides(client, world, youth):
    """The person page counts her brother as out of her scope; her own page names him."""
    page = client.get("/mon-espace/").content.decode()
    assert "Nous ne connaissons pas de frère" not in page
    assert page.count("Hugo") == 1


def test_staff_have_no_youth_space(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get("/mon-espace/").status_code == 403


@pytest.mark.parametrize(
    ("years", "opening", "open_"), [(15, None, False), (15, 14, True), (16, 17, False)]
)
def test_youth_space_opens_at_the_establishment_age(client, world, years, opening, open_):
    aged(world.child, years)
    if opening is not None:
        YouthSpaceSetting.objects.create(establishment=world.village, youth_account_age=opening)
    login(client, world.users[Role.YOUTH])
    page = client.get("/mon-espace/").content.decode()
    assert ("Hugo" in page) is open_
    assert ("Ton espace s'ouvre" in page) is not open_
    assert client.get("/mon-espace/mon-projet/").status_code == 200


def test_youth_reads_her_validated_project_in_words_for_her(client, world, youth):
    head = world.users[Role.HEAD_OF_SERVICE]
    validated_ppe(world.child, head)
    ppe_services.add_objective(world.child, head, domain="health", title="Vaccins à jour")
    ppe_services.record_review(
        world.child,
        head,
        kind="regular",
        planned_date=TODAY,
        held_on=TODAY,
        participants="Léa, sa référente",
        decisions="Judo le mercredi.",
        child_wishes="Je veux faire du judo.",
        next_review_date=calendar.add_years(TODAY, 1),
    )
    page = client.get("/mon-espace/mon-projet/").content.decode()
    assert "Objectif 1" in page and "Rencontrer l&#x27;enseignante" in page
    assert "l'équipe de ta maison" in page
    assert "Je veux faire du judo." in page  # her words at the review
    assert "Prochain bilan prévu" in page
    assert AccessEvent.objects.filter(what="participation.my_project", person=world.child).exists()


def test_youth_project_hides_a_draft(client, world, youth):
    head = world.users[Role.HEAD_OF_SERVICE]
    ppe_services.add_objective(world.child, head, domain="health", title="Projet secret")
    page = client.get("/mon-espace/mon-projet/").content.decode()
    assert "Projet secret" not in page and "pas encore terminé" in page


def test_youth_sees_her_appointments_and_gets_her_calendar_link(client, world, youth):
    mine = AppointmentFactory(child=world.child, place="Lycée Jules-Verne")
    AppointmentFactory(child=world.sibling, place="Cabinet secret du frère")
    page = client.get("/mon-espace/mes-rendez-vous/").content.decode()
    assert "Lycée Jules-Verne" in page and "Cabinet secret" not in page
    assert mine.notes not in page  # the staff's notes stay theirs
    response = client.post("/mon-espace/mes-rendez-vous/nouveau-lien/")
    link = response.context["feed_url"]
    client.logout()
    ics = client.get(link.split("testserver", 1)[1]).content.decode()
    assert ics.count("BEGIN:VEVENT") == 1  # hers, not her brother's
    assert world.child.reference in ics and world.sibling.reference not in ics


def test_youth_home_query_count(client, world, youth, django_assert_max_num_queries):
    head = world.users[Role.HEAD_OF_SERVICE]
    validated_ppe(world.child, head)
    with django_assert_max_num_queries(20):
        assert client.get("/mon-espace/").status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get("/mon-espace/mon-projet/").status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get("/mon-espace/mes-rendez-vous/").status_code == 200
