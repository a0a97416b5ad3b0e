"""The échéancier pages (village, house filter, child), the dashboard's overdue counts and the
daily reminders: what they show, to whom, in a fixed number of queries."""

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.management import call_command

from ancrage.care.models import DeadlineReminder
from ancrage.care.queries.deadlines import collect
from ancrage.care.services.reminders import send_deadline_reminders
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.placements.models import Stay
from tests.care.factories_ppe import MeasureFactory, SituationReportFactory, validated_ppe
from tests.conftest import login
from tests.organisation.factories import HouseFactory
from tests.people.factories import PersonFactory, StayFactory

TODAY = datetime.date.today()


def village_url(world, query=""):
    return f"/villages/{world.village.pk}/echeancier/{query}"


def add_children(world, n, head):
    """n more children in the village, each with a measure, half with a validated PPE and a
    report sent."""
    house = HouseFactory(establishment=world.village, name="Maison des Saules", capacity=60)
    for i in range(n):
        child = PersonFactory(birth_date=TODAY - relativedelta(years=3 + i % 14, days=i))
        StayFactory(child=child, unit=house, start_date=TODAY - datetime.timedelta(days=400 + i))
        MeasureFactory(
            child=child,
            establishment=world.village,
            start_date=TODAY - datetime.timedelta(days=400 + i),
            end_date=TODAY + datetime.timedelta(days=300 + i),
        )
        if i % 2:
            validated_ppe(child, head)
            SituationReportFactory(child=child, written_by=head, sent_on=TODAY)


@pytest.fixture
def measure(world, head):
    return MeasureFactory(
        child=world.child,
        establishment=world.village,
        start_date=TODAY - relativedelta(months=4),
        review_date=TODAY + datetime.timedelta(days=20),
    )


def test_village_echeancier_lists_overdue_first_with_the_responsible(client, world, measure, head):
    login(client, head)
    response = client.get(village_url(world))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert rows[0].status == "overdue"
    statuses = [r.status for r in rows]
    assert statuses == sorted(statuses, key=["overdue", "due", "done"].index)
    ppe = next(r for r in rows if r.child == world.child and r.deadline.kind == "ppe")
    # PPE due 3 months after the measure started: a month late; nobody named, so the head
    assert ppe.status == "overdue" and ppe.responsible == head
    page = response.content.decode()
    assert "Léa Martin" in page and "En retard" in page
    assert f'href="/personnes/{world.child.reference}/echeancier/"' in page


def test_each_deadline_to_do_links_to_its_action_not_only_to_the_child(
    client, world, measure, head
):
    login(client, head)
    page = client.get(village_url(world, "?period=365")).content.decode()
    ref = world.child.reference
    actions = {
        "PPE à établir (3 mois après le début de la mesure)": f"/personnes/{ref}/ppe/",
        "Rapport de situation": f"/personnes/{ref}/rapports/nouveau/",
        "Révision de la mesure": f"/personnes/{ref}/#mesure",
    }
    for label, url in actions.items():
        assert f'<a href="{url}">{label}</a>' in page, label
    # the judge's notice (its own label) leads to the child's page where it is marked as sent
    assert f'<a href="/personnes/{ref}/#juge">' in page
    # the child's échéancier offers the same
    page = client.get(f"/personnes/{ref}/echeancier/").content.decode()
    assert f'<a href="/personnes/{ref}/ppe/">PPE à établir' in page


def test_a_deadline_done_or_out_of_the_users_permissions_is_not_a_link(
    client, world, measure, head
):
    validated_ppe(world.child, head)
    login(client, head)
    rows = client.get(village_url(world, "?status=done")).context["rows"]
    assert rows and all(r.action_url == "" for r in rows)
    # a house parent reads the échéancier but does not write situation reports
    login(client, world.users[Role.HOUSE_PARENT])
    rows = client.get(village_url(world, "?period=365")).context["rows"]
    report = next(r for r in rows if r.deadline.kind == "report")
    assert report.action_url == ""


def test_the_referent_is_responsible_once_named(client, world, measure, head):
    from ancrage.care.services.ppe import save_draft

    referent = world.users[Role.HOUSE_PARENT]
    save_draft(world.child, head, referent=referent)
    rows = collect(Stay.objects.current().filter(child=world.child))
    assert {r.responsible for r in rows} == {referent}


def test_validating_the_ppe_marks_its_deadline_done(client, world, measure, head):
    validated_ppe(world.child, head)
    login(client, head)
    response = client.get(village_url(world, "?kind=ppe"))
    (row,) = [r for r in response.context["rows"] if r.child == world.child]
    assert row.status == "done" and row.deadline.done_on == TODAY


def test_filters_by_kind_status_responsible_house_and_period(client, world, measure, head):
    login(client, head)
    rows = client.get(village_url(world, "?status=overdue")).context["rows"]
    assert rows and all(r.status == "overdue" for r in rows)
    rows = client.get(village_url(world, "?kind=measure_review")).context["rows"]
    assert [r.deadline.due for r in rows] == [measure.review_date]
    rows = client.get(village_url(world, f"?house={world.second_house.pk}")).context["rows"]
    assert rows and {r.child for r in rows} == {world.sibling}
    rows = client.get(village_url(world, f"?responsible={head.pk}")).context["rows"]
    assert rows and all(r.responsible == head for r in rows)
    rows = client.get(village_url(world, "?period=30")).context["rows"]
    assert all(
        r.status == "overdue" or r.deadline.due <= TODAY + datetime.timedelta(days=30)
        for r in rows
        if r.status != "done"
    )
    assert "autonomy" not in {r.deadline.kind for r in rows if r.status == "due"} or all(
        r.deadline.due <= TODAY + datetime.timedelta(days=30) for r in rows
    )


def test_an_unknown_filter_value_is_ignored_not_an_error(client, world, head):
    login(client, head)
    response = client.get(village_url(world, "?status=nimporte"))
    assert response.status_code == 200
    assert response.context["form"].errors


def test_a_filter_that_does_not_validate_filters_nothing(client, world, measure, head):
    """As before the filters were a FilterSet: the whole list (not the default period), with
    the error at the field; the child's page has no house filter to refuse."""
    world.child.birth_date = TODAY - relativedelta(years=10)  # the autonomy interview in 7 years
    world.child.save()
    login(client, head)
    every = client.get(village_url(world, "?period=")).context["rows"]
    default = client.get(village_url(world)).context["rows"]
    assert len(default) < len(every)  # the default period keeps the next 3 months only
    refused = client.get(village_url(world, "?status=nimporte&kind=ppe"))
    assert refused.context["rows"] == every
    child_url = f"/personnes/{world.child.reference}/echeancier/"
    child = client.get(child_url + "?house=abc")
    assert not child.context["form"].errors
    assert child.context["rows"] == client.get(child_url).context["rows"]


def test_house_parent_sees_only_the_children_of_their_house(client, world, measure):
    login(client, world.users[Role.HOUSE_PARENT])
    rows = client.get(village_url(world)).context["rows"]
    assert {r.child for r in rows} == {world.child}


def test_judge_notices_appear_with_their_due_date(client, world, head):
    login(client, head)
    rows = client.get(village_url(world, "?kind=judge")).context["rows"]
    assert [(r.child, r.deadline.due) for r in rows] == [(world.child, world.notice.due_date)]


def test_village_echeancier_records_the_children_listed(client, world, head):
    login(client, head)
    client.get(village_url(world))
    listed = AccessEvent.objects.filter(what="care.village_deadlines", user=head)
    assert set(listed.values_list("person_id", flat=True)) == {world.child.pk, world.sibling.pk}


def test_child_echeancier(client, world, measure, head):
    login(client, head)
    response = client.get(f"/personnes/{world.child.reference}/echeancier/")
    assert response.status_code == 200
    kinds = {r.deadline.kind for r in response.context["rows"]}
    assert {"ppe", "report", "autonomy", "measure_review", "judge"} <= kinds
    assert AccessEvent.objects.filter(what="care.person_deadlines", person=world.child).exists()


def test_the_village_board_and_the_childs_page_link_to_the_echeancier(client, world, head):
    login(client, head)
    assert (
        f"/villages/{world.village.pk}/echeancier/"
        in client.get(f"/villages/{world.village.pk}/").content.decode()
    )
    page = client.get(f"/personnes/{world.child.reference}/").content.decode()
    assert f"/personnes/{world.child.reference}/echeancier/" in page
    assert f"/personnes/{world.child.reference}/ppe/" in page


@pytest.mark.parametrize("children", [0, 8])
def test_village_echeancier_query_count_is_pinned(
    client, world, head, django_assert_num_queries, children
):
    add_children(world, children, head)
    login(client, head)
    client.get("/")
    # 18: the planned PPE reviews are one more query of `collect` (2026-11-23); 19: the children
    # followed are read before the visibility check (followed_stays); 20: the CRIP's evaluations
    # of the informations préoccupantes, for the roles that read the transmissions (2026-12-05);
    # 21: the village's own deadlines, its participation council's (no council: no meetings read)
    # 22: the family programme's follow-ups, for the roles that read family plans (2026-12-05)
    with django_assert_num_queries(19):
        response = client.get(village_url(world, "?period=365"))
    assert response.status_code == 200


@pytest.mark.parametrize("reports", [0, 5])
def test_child_echeancier_query_count_is_pinned(
    client, world, measure, head, django_assert_num_queries, reports
):
    for _ in range(reports):
        SituationReportFactory(child=world.child, written_by=head, sent_on=TODAY)
    login(client, head)
    client.get("/")
    # 17: the planned PPE reviews are one more query of `collect` (2026-11-23); 18: the CRIP's
    # evaluations of the informations préoccupantes, for the roles that read the transmissions
    with django_assert_num_queries(15):
        response = client.get(f"/personnes/{world.child.reference}/echeancier/")
    assert response.status_code == 200


def test_dashboard_shows_overdue_counts_to_head_of_service_and_director(
    client, world, measure, head
):
    for role in (Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR):
        login(client, world.users[role])
        response = client.get("/")
        counts = {row["village"]: row["overdue"] for row in response.context["overdue_deadlines"]}
        assert counts[world.village] >= 1
        # in what waits for them, a link to the village's overdue deadlines
        assert re.search(
            rf'href="/villages/{world.village.pk}/echeancier/\?status=overdue">\d+ échéances? '
            "légales? en retard",
            response.content.decode(),
        )
    login(client, world.users[Role.HOUSE_PARENT])
    assert client.get("/").context["overdue_deadlines"] == []


def test_reminders_go_to_each_responsible_once_a_day(world, measure, head):
    head.email = "chef@example.org"
    head.save()
    assert send_deadline_reminders(TODAY, days=30) == 1
    (message,) = mail.outbox
    assert message.to == ["chef@example.org"]
    assert world.child.reference in message.body
    assert "Léa" not in message.body and "Martin" not in message.body  # references only
    assert "EN RETARD" in message.body
    # the daily job runs again the same day: nothing more is sent
    call_command("send_deadline_reminders", "--days", "30")
    assert len(mail.outbox) == 1
    assert DeadlineReminder.objects.get().count >= 2


def test_reminders_leave_out_deadlines_beyond_the_horizon(world, head):
    head.email = "chef@example.org"
    head.save()
    world.notice.sent_on = TODAY
    world.notice.save()
    # only far deadlines left for Léa and Hugo? The PPE of children without a measure is due
    # three months after their arrival (200 days ago): overdue, so still reminded.
    send_deadline_reminders(TODAY, days=1)
    body = mail.outbox[0].body
    assert "Rapport de situation" not in body or "EN RETARD" in body
