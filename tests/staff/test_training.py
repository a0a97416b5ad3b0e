"""Safeguarding training: the induction within STAFF_INDUCTION_DAYS of arriving, a refresher every
STAFF_REFRESHER_MONTHS; who is late; the village's compliance as one figure and a list."""

from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.staff.models import Course, Training
from ancrage.staff.services import sign_own
from tests.accounts.factories import UserFactory
from tests.conftest import login
from tests.staff.factories import attest, course, enter, publish, train

TODAY = timezone.localdate()


def states(client, world):
    page = client.get(f"/personnel/etablissements/{world.village.pk}/")
    return {m.name: m.training_state.code for m in page.context["members"]}, page


def test_induction_late_flagged(client, world, settings):
    settings.STAFF_INDUCTION_DAYS = 30
    induction = course(world.organisation, "induction")
    late = enter(
        UserFactory(first_name="Lou", last_name="Tardif"), world.village, start=add_days(TODAY, -31)
    )
    enter(
        UserFactory(first_name="Max", last_name="Arrivé"), world.village, start=add_days(TODAY, -30)
    )
    trained = enter(
        UserFactory(first_name="Noa", last_name="Formé"), world.village, start=add_days(TODAY, -90)
    )
    train(trained, induction, add_days(TODAY, -80))
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    found, page = states(client, world)
    assert found == {
        "Lou Tardif": "induction_late",
        "Max Arrivé": "induction_due",
        "Noa Formé": "on_time",
    }
    text = page.content.decode()
    assert "Formation d&#x27;accueil en retard" in text
    compliance = page.context["compliance"]
    assert [
        m.name for m, _why in compliance.not_in_order if "formation d'accueil en retard" in _why
    ] == ["Lou Tardif"]
    # taking the induction puts them back in order
    train(late, induction, TODAY)
    assert states(client, world)[0]["Lou Tardif"] == "on_time"


def test_refresher_late_after_the_setting_months(client, world, settings):
    settings.STAFF_REFRESHER_MONTHS = 24
    member = enter(
        UserFactory(first_name="Sam", last_name="Ancien"),
        world.village,
        start=add_months(TODAY, -40),
    )
    train(member, course(world.organisation, "induction"), add_days(add_months(TODAY, -24), -1))
    login(client, world.users[Role.HR])
    assert states(client, world)[0]["Sam Ancien"] == "refresher_late"
    train(member, course(world.organisation, "refresher"), TODAY)
    assert states(client, world)[0]["Sam Ancien"] == "on_time"


def test_director_sees_the_villages_compliance_as_one_figure_and_a_list(client, world):
    hr = world.users[Role.HR]
    induction = course(world.organisation, "induction")
    publish(world.organisation, hr)
    in_order = []
    for n in range(3):
        member = enter(UserFactory(first_name="Agent", last_name=f"Réglo{n}"), world.village)
        attest(member)
        sign_own(member.user)
        train(member, induction, TODAY)
        in_order.append(member)
    enter(UserFactory(first_name="Zed", last_name="Manquant"), world.village)
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    page = client.get(f"/personnel/etablissements/{world.village.pk}/")
    compliance = page.context["compliance"]
    assert (compliance.in_order, compliance.present, compliance.percent) == (3, 4, 75)
    ((member, why),) = compliance.not_in_order
    assert member.name == "Zed Manquant"
    assert why == [
        "attestation d'honorabilité manquante",
        "code de conduite à signer",
        "formation d'accueil en retard",
    ]
    # the director's home shows the figure
    home = client.get("/").content.decode()
    assert "<strong>75 %</strong> du personnel présent en règle (3 sur 4)" in home
    # nobody else's home
    login(client, world.users[Role.HEAD_OF_SERVICE])
    assert "du personnel présent en règle" not in client.get("/").content.decode()


def test_hr_keeps_the_catalogue_and_records_a_course(client, world):
    member = enter(world.users[Role.HOUSE_PARENT], world.village)
    login(client, world.users[Role.HR])
    response = client.post(
        "/personnel/formations/ajouter/",
        {
            "organisation": world.organisation.pk,
            "name": "Accueil et bientraitance",
            "kind": "induction",
        },
    )
    assert response.status_code == 302
    added = Course.objects.get(name="Accueil et bientraitance")
    again = client.post(
        "/personnel/formations/ajouter/",
        {
            "organisation": world.organisation.pk,
            "name": "Accueil et bientraitance",
            "kind": "induction",
        },
    )
    assert "déjà au catalogue" in str(again.context["form"].errors["name"])
    url = f"/personnel/membres/{member.pk}/formation/"
    future = client.post(url, {"course": added.pk, "attended_on": add_days(TODAY, 3).isoformat()})
    assert future.context["form"].errors["attended_on"]
    assert (
        client.post(url, {"course": added.pk, "attended_on": TODAY.isoformat()}).status_code == 302
    )
    assert Training.objects.get().recorded_by == world.users[Role.HR]
    # the staff member sees it on their own page
    login(client, world.users[Role.HOUSE_PARENT])
    assert "Accueil et bientraitance" in client.get("/personnel/moi/").content.decode()
