"""Appointments: planning, changing and cancelling with their rules, the calendars of a child and
of a house (week and month lists, family visits shown read-only), notes only for the roles that
read them, query counts pinned."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ancrage.care.models.agenda import Appointment
from ancrage.care.services import agenda as services
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from tests.care.factories_daily import AppointmentFactory
from tests.conftest import login

pytestmark = pytest.mark.django_db


def at(days, hour=10):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_a_house_parent_plans_an_appointment_accompanied_by_the_family_aide(client, world):
    parent, aide = world.users[Role.HOUSE_PARENT], world.users[Role.FAMILY_AIDE]
    login(client, parent)
    url = f"/personnes/{world.child.reference}/agenda/nouveau/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "kind": "health",
            "starts_at": at(3).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(3, 11).strftime("%Y-%m-%dT%H:%M"),
            "place": "Cabinet médical",
            "with_whom": "Dr Lemoine",
            "accompanied_by": aide.pk,
            "notes": "Vaccin",
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.accompanied_by == aide
    assert appointment.created_by == parent


def test_an_appointment_ending_before_it_starts_is_refused_at_the_field(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/personnes/{world.child.reference}/agenda/nouveau/",
        {
            "kind": "school",
            "starts_at": at(3, 11).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(3, 10).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 422
    assert response.context["form"].errors["ends_at"] == [
        "La fin du rendez-vous doit suivre son début."
    ]
    assert not Appointment.objects.exists()


def test_only_staff_of_the_childs_house_or_village_may_accompany(world):
    from tests.accounts.factories import MembershipFactory, UserFactory

    far = UserFactory(username="parent.lac")
    MembershipFactory(
        user=far,
        role=Role.HOUSE_PARENT,
        unit=world.other_house,
        start_date=datetime.date(2024, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        services.plan_appointment(
            child=world.child,
            by=world.users[Role.HOUSE_PARENT],
            kind="health",
            starts_at=at(1),
            ends_at=at(1, 11),
            accompanied_by=far,
        )
    assert "accompanied_by" in refused.value.message_dict


def test_a_child_out_of_scope_gets_no_appointment(world):
    with pytest.raises(ValidationError):
        services.plan_appointment(
            child=world.outsider,
            by=world.users[Role.HOUSE_PARENT],
            kind="health",
            starts_at=at(1),
            ends_at=at(1, 11),
        )


def test_cancelling_needs_a_reason_and_a_cancelled_appointment_is_frozen(client, world):
    appointment = AppointmentFactory(child=world.child, starts_at=at(2), ends_at=at(2, 11))
    login(client, world.users[Role.HOUSE_PARENT])
    refused = client.post(f"/rendez-vous/{appointment.pk}/annuler/", {"reason": ""})
    assert refused.status_code == 422
    assert "reason" in refused.context["cancel_form"].errors
    done = client.post(f"/rendez-vous/{appointment.pk}/annuler/", {"reason": "Médecin absent"})
    assert done.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == "cancelled"
    with pytest.raises(ValidationError):
        services.update_appointment(
            appointment, by=world.users[Role.HOUSE_PARENT], kind="health", place="ailleurs"
        )


def test_editing_an_appointment_keeps_its_fields(client, world):
    appointment = AppointmentFactory(child=world.child, starts_at=at(2), ends_at=at(2, 11))
    login(client, world.users[Role.HEAD_OF_SERVICE])
    page = client.get(f"/rendez-vous/{appointment.pk}/modifier/")
    assert page.context["form"]["place"].value() == appointment.place
    response = client.post(
        f"/rendez-vous/{appointment.pk}/modifier/",
        {
            "kind": "court",
            "starts_at": at(4, 14).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(4, 15).strftime("%Y-%m-%dT%H:%M"),
            "place": "Tribunal judiciaire",
            "lock_version": appointment.lock_version,  # the version the form was built from
        },
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.kind, appointment.place) == ("court", "Tribunal judiciaire")


def test_the_child_calendar_shows_appointments_and_family_visits_read_only(
    client, case_files, django_assert_num_queries
):
    world = case_files
    AppointmentFactory(child=world.child, starts_at=at(1), ends_at=at(1, 11))
    login(client, world.users[Role.HOUSE_PARENT])
    url = f"/personnes/{world.child.reference}/agenda/"
    with django_assert_num_queries(9):
        page = client.get(url, {"vue": "mois", "du": at(1).date().isoformat()})
    content = page.content.decode()
    kinds = [item["kind"] for group in page.context["days"] for item in group["items"]]
    assert "appointment" in kinds
    # the visit of case_files is three days ahead: in this month or the next one
    nxt = client.get(url, {"vue": "mois", "du": page.context["next"].isoformat()})
    all_kinds = kinds + [i["kind"] for g in nxt.context["days"] for i in g["items"]]
    assert "visit" in all_kinds
    assert "asthme" in content  # house staff read the notes
    assert AccessEvent.objects.filter(what="care.child_calendar", person=world.child).exists()


def test_the_week_view_lists_seven_days_from_monday(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    page = client.get(f"/personnes/{world.child.reference}/agenda/", {"du": "2026-11-26"})
    days = [group["day"] for group in page.context["days"]]
    assert days[0] == datetime.date(2026, 11, 23) and len(days) == 7
    assert page.context["previous"] == datetime.date(2026, 11, 16)


def test_the_house_calendar_lists_only_its_childrens_appointments(
    client, world, django_assert_num_queries
):
    mine = AppointmentFactory(child=world.child, starts_at=at(1), ends_at=at(1, 11))
    AppointmentFactory(child=world.sibling, starts_at=at(1), ends_at=at(1, 11))  # other house
    AppointmentFactory(child=world.former_child, starts_at=at(1), ends_at=at(1, 11))  # left
    login(client, world.users[Role.FAMILY_AIDE])
    # 12: the children living there read once (11 before the new appointment's picker)
    with django_assert_num_queries(9):
        page = client.get(f"/maisons/{world.house.pk}/agenda/", {"du": at(1).date().isoformat()})
    shown = [i["a"] for g in page.context["days"] for i in g["items"] if i["kind"] == "appointment"]
    assert shown == [mine]


def test_the_house_calendar_offers_a_new_appointment_for_each_child_by_first_name(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    page = client.get(f"/maisons/{world.house.pk}/agenda/").content.decode()
    picker = page.split('class="new-appointment"')[1].split("</details>")[0]
    assert "Nouveau rendez-vous" in picker
    url = f"/personnes/{world.child.reference}/agenda/nouveau/"
    assert f'href="{url}">{world.child.first_names}</a>' in picker
    # the brother lives in the other house; the child who left is no longer offered
    assert world.sibling.reference not in picker and world.former_child.reference not in picker
    # a role that reads the agenda without planning is offered nothing
    login(client, world.users[Role.CLINICIAN])
    response = client.get(f"/maisons/{world.house.pk}/agenda/")
    assert response.status_code != 200 or "new-appointment" not in response.content.decode()


def test_my_calendar_names_the_children_by_first_name_not_by_reference(client, world):
    AppointmentFactory(child=world.child, starts_at=at(1), ends_at=at(1, 11))
    login(client, world.users[Role.HOUSE_PARENT])
    page = client.get("/mon-agenda/").content.decode()
    listed = page.split("Ce que contient votre agenda")[1]
    assert f'/agenda/">{world.child.first_names}</a>' in listed
    assert f">{world.child.reference}<" not in listed


def test_the_house_calendar_query_count_does_not_grow(client, world, django_assert_num_queries):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/maisons/{world.house.pk}/agenda/"
    for n in range(3):
        AppointmentFactory(child=world.child, starts_at=at(0, 8 + n), ends_at=at(0, 9 + n))
    with django_assert_num_queries(9):
        client.get(url)
    for n in range(20):
        AppointmentFactory(child=world.child, starts_at=at(0, 1), ends_at=at(0, 2))
    with django_assert_num_queries(9):
        client.get(url)


def test_an_appointment_without_an_end_lasts_an_hour_and_its_week_opens(client, world):
    login(client, world.users[Role.HOUSE_PARENT])
    start = at(9)
    response = client.post(
        f"/personnes/{world.child.reference}/agenda/nouveau/",
        {"kind": "health", "starts_at": start.strftime("%Y-%m-%dT%H:%M")},
    )
    appointment = Appointment.objects.get()
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(hours=1)
    # back on the child's agenda at the week that holds it, on the appointment
    assert response["Location"] == (
        f"/personnes/{world.child.reference}/agenda/"
        f"?du={timezone.localtime(start).date().isoformat()}#rdv-{appointment.pk}"
    )
    page = client.get(response["Location"]).content.decode()
    assert f'id="rdv-{appointment.pk}"' in page
    assert "est enregistré, le" in page
