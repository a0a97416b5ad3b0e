"""The follow-up six months after the end of a support: on the service's échéancier (registered
by families in kernel.deadlines, shown by care) for the worker and the head until it is recorded;
recorded with its day (after the end, not in the future) and what the family has become."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from ancrage.families import services
from ancrage.families.models import FamilyCase
from ancrage.kernel.access import Role
from ancrage.kernel.deadlines import establishment_deadlines
from ancrage.kernel.versions import StaleEdit
from tests.conftest import login
from tests.families.factories import add_families, add_family_plans

pytestmark = pytest.mark.django_db
END = datetime.date(2026, 11, 30)
TODAY = datetime.date(2026, 12, 5)


@pytest.fixture
def ended(world):
    families = add_family_plans(add_families(world))
    services.end_support(
        families.family_case,
        by=families.users[Role.FAMILY_WORKER],
        ended_on=END,
        end_reason="goals_reached",
        outcome="Les repères sont posés.",
    )
    families.family_case.refresh_from_db()
    return families


def follow_ups(user, case, today=TODAY):
    return [
        d
        for d in establishment_deadlines(user, [case.service_id], today)
        if d.kind == "family_follow_up"
    ]


def test_the_follow_up_is_on_the_services_echeancier_for_the_worker_and_the_head(client, ended):
    case, worker, head = ended.family_case, ended.users[Role.FAMILY_WORKER], ended.family_head
    for user in (worker, head):
        [deadline] = follow_ups(user, case)
        assert (deadline.due, deadline.done_on) == (datetime.date(2027, 5, 30), None)
        assert deadline.label == f"Suivi à 6 mois de la famille n° {case.pk}"
        assert deadline.url == reverse("families:follow_up", args=[case.pk])
    # no other team's worker, no village: nothing, and the village's échéancier holds none
    village_head = ended.users[Role.HEAD_OF_SERVICE]
    assert follow_ups(village_head, case) == []
    login(client, worker)
    page = client.get(reverse("care:village_deadlines", args=[case.service_id]))
    assert page.status_code == 200
    assert f"Suivi à 6 mois de la famille n° {case.pk}" in page.content.decode()
    caseload = client.get(reverse("families:caseload"))
    assert reverse("care:village_deadlines", args=[case.service_id]) in caseload.content.decode()
    login(client, ended.users[Role.HOUSE_PARENT])
    assert client.get(reverse("care:village_deadlines", args=[case.service_id])).status_code == 404


def test_recording_the_follow_up_meets_the_deadline(client, ended):
    case, worker = ended.family_case, ended.users[Role.FAMILY_WORKER]
    login(client, worker)
    url = reverse("families:follow_up", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "followed_up_on": "2026-12-04",
            "follow_up_notes": "Les enfants vont bien ; la mère a repris un travail.",
            "lock_version": case.lock_version,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    case.refresh_from_db()
    assert (case.followed_up_on, case.followed_up_by) == (datetime.date(2026, 12, 4), worker)
    [deadline] = follow_ups(worker, case)
    assert deadline.done_on == datetime.date(2026, 12, 4)
    page = client.get(reverse("families:case", args=[case.pk]))
    assert "la mère a repris un travail" in page.content.decode()


def test_a_follow_up_comes_after_the_end_with_notes(ended):
    case, worker = ended.family_case, ended.users[Role.FAMILY_WORKER]
    with pytest.raises(ValidationError) as refusal:
        services.record_follow_up(
            case, by=worker, followed_up_on=datetime.date(2026, 11, 29), follow_up_notes=" "
        )
    assert set(refusal.value.message_dict) == {"followed_up_on", "follow_up_notes"}
    with pytest.raises(ValidationError):
        services.record_follow_up(
            ended.other_family_case,
            by=worker,
            followed_up_on=datetime.date(2026, 12, 4),
            follow_up_notes="Une famille encore accompagnée.",
        )
    # the database holds the rule too
    with pytest.raises(IntegrityError), transaction.atomic():
        FamilyCase.objects.filter(pk=ended.other_family_case.pk).update(
            followed_up_on=datetime.date(2026, 12, 4), follow_up_notes="Trop tôt."
        )
    case.refresh_from_db()
    assert case.followed_up_on is None


def test_two_writers_of_the_follow_up_never_overwrite_each_other(ended):
    case, worker, head = ended.family_case, ended.users[Role.FAMILY_WORKER], ended.family_head
    version = case.lock_version
    services.record_follow_up(
        case,
        by=worker,
        followed_up_on=datetime.date(2026, 12, 4),
        follow_up_notes="Premier compte rendu.",
        expected_version=version,
    )
    with pytest.raises(StaleEdit):
        services.record_follow_up(
            case,
            by=head,
            followed_up_on=datetime.date(2026, 12, 4),
            follow_up_notes="Second compte rendu.",
            expected_version=version,
        )
    case.refresh_from_db()
    assert case.follow_up_notes == "Premier compte rendu."


def test_follow_up_pages_query_counts(client, ended, django_assert_num_queries):
    login(client, ended.users[Role.FAMILY_WORKER])
    with django_assert_num_queries(5):
        assert (
            client.get(reverse("families:follow_up", args=[ended.family_case.pk])).status_code
            == 200
        )
    with django_assert_num_queries(8):
        page = client.get(reverse("care:village_deadlines", args=[ended.family_case.service_id]))
    assert page.status_code == 200
