"""The late declarations of the home's safeguarding block read among the incidents whose
declaration is still open (`Incident.declaration_pending`, kept by the writes of incidents and
declarations, through a partial index): the same incidents as the rule read over every
incident, whatever the writes and the instant (issue 19)."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.kernel.access import Role
from ancrage.safeguarding import queries
from ancrage.safeguarding.models import (
    Declaration,
    Incident,
    confirmation_overdue_q,
    declaration_pending_q,
    refresh_declaration_pending,
)
from tests.conftest import _on_postgresql
from tests.safeguarding.test_declarations import alert, confirm, prepare
from tests.safeguarding.test_indicators import H, make

pytestmark = pytest.mark.django_db


def previous_definition(user, now):
    """`declarations_late` before issue 19: the rule over every incident of the scope."""
    return list(
        Incident.objects.visible_to(user)
        .filter(
            Q(serious_malfunction_to_declare=True, declaration__alerted_at__isnull=True)
            | confirmation_overdue_q(now, prefix="declaration__")
        )
        .order_by("qualified_at", "pk")
        .values_list("pk", flat=True)
    )


def flags_hold():
    """Every incident's stored flag is the rule's."""
    pending = set(Incident.objects.filter(declaration_pending_q()).values_list("pk", flat=True))
    assert pending == set(
        Incident.objects.filter(declaration_pending=True).values_list("pk", flat=True)
    )


HOURS = st.integers(min_value=0, max_value=120)
INCIDENT = st.fixed_dictionaries(
    {
        "serious": st.booleans(),
        # no declaration; written, not alerted; alerted `h` hours before the reference instant
        "declaration": st.one_of(st.none(), st.just("prepared"), HOURS),
        "confirmed_after": st.one_of(st.none(), HOURS),
        # then: nothing, the declaration confirmed now, deleted, the qualification withdrawn,
        # the authority alerted now
        "then": st.sampled_from(["", "confirm", "delete", "unqualify", "alert"]),
        "other_village": st.booleans(),
    }
)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(INCIDENT, max_size=6), st.integers(min_value=-10, max_value=130))
def test_the_late_declarations_are_those_of_the_previous_definition(world, cases, shift):
    reference = timezone.now()
    now = reference + datetime.timedelta(hours=shift)
    users = [world.users[Role.NATIONAL_DIRECTOR], world.users[Role.ESTABLISHMENT_DIRECTOR]]
    with transaction.atomic():
        for case in cases:
            incident = make(
                world,
                reference - 200 * H,
                qualify=H,
                village=world.other_village if case["other_village"] else None,
            )
            if case["serious"]:
                incident.serious_malfunction_to_declare = True
                incident.save(update_fields=["serious_malfunction_to_declare"])
            declaration = None
            if case["declaration"] is not None:
                alerted = (
                    None
                    if case["declaration"] == "prepared"
                    else reference - case["declaration"] * H
                )
                confirmed = (
                    alerted + case["confirmed_after"] * H
                    if alerted and case["confirmed_after"] is not None
                    else None
                )
                declaration = Declaration.objects.create(
                    incident=incident,
                    discovered_at=incident.occurred_at,
                    facts="Faits",
                    measures_taken="Mesures",
                    prepared_by=incident.reporter,
                    alerted_at=alerted,
                    confirmed_at=confirmed,
                )
            for user in users:
                assert [i.pk for i in queries.declarations_late(user, now=now)] == (
                    previous_definition(user, now)
                )
            if case["then"] == "unqualify":
                incident.serious_malfunction_to_declare = False
                incident.save()
            elif declaration and declaration.alerted_at and case["then"] == "confirm":
                declaration.confirmed_at = reference
                declaration.save(update_fields=["confirmed_at"])
            elif declaration and case["then"] == "alert":
                declaration.alerted_at = min(reference, declaration.confirmed_at or reference)
                declaration.save(update_fields=["alerted_at"])
            elif declaration and case["then"] == "delete":
                declaration.delete()
        flags_hold()
        for user in users:
            assert [i.pk for i in queries.declarations_late(user, now=now)] == (
                previous_definition(user, now)
            )
        transaction.set_rollback(True)


def test_the_bulk_writes_are_marked_by_the_refresh(world):
    """The seed writes in bulk (no signal): `refresh_declaration_pending` marks them, writing
    only the rows that change."""
    incident = make(world, timezone.now() - 100 * H, qualify=H)
    Incident.objects.filter(pk=incident.pk).update(serious_malfunction_to_declare=True)
    assert not Incident.objects.filter(declaration_pending=True).exists()
    assert refresh_declaration_pending() == 1
    flags_hold()
    assert refresh_declaration_pending() == 0
    director = world.users[Role.NATIONAL_DIRECTOR]
    assert [i.pk for i in queries.declarations_late(director)] == [incident.pk]


def test_the_services_keep_the_flag(declarable):
    """Qualified as a serious malfunction by the service: a candidate; its declaration alerted
    then confirmed by the services: no longer one."""
    incident = declarable.incident
    assert Incident.objects.get(pk=incident.pk).declaration_pending
    prepare(declarable)
    alert(declarable, at=timezone.now() - 72 * H)
    assert Incident.objects.get(pk=incident.pk).declaration_pending
    confirm(declarable, at=timezone.now() - 70 * H)
    assert not Incident.objects.get(pk=incident.pk).declaration_pending
    flags_hold()


@pytest.mark.postgres
@pytest.mark.skipif(not _on_postgresql(), reason="PostgreSQL plans")
def test_the_late_declarations_are_read_through_the_partial_index(world):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'incident_declaration_pending'"
        )
        (definition,) = cursor.fetchone()
    assert "WHERE declaration_pending" in definition
    # many incidents, two with their declaration open, the statistics read: the planner knows
    # the flag is rare (scans ruled out as well, a test table being small)
    model = make(world, timezone.now() - 100 * H, qualify=H)
    Incident.objects.bulk_create(
        [
            Incident(
                **{
                    f.attname: getattr(model, f.attname)
                    for f in Incident._meta.concrete_fields
                    if not f.primary_key
                }
            )
            for _ in range(400)
        ]
    )
    Incident.objects.filter(pk__in=Incident.objects.order_by("pk").values("pk")[:2]).update(
        serious_malfunction_to_declare=True
    )
    refresh_declaration_pending()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE safeguarding_incident")
        cursor.execute("SET LOCAL enable_seqscan = off")
        for role in (Role.NATIONAL_DIRECTOR, Role.ESTABLISHMENT_DIRECTOR):
            late = (
                Incident.objects.visible_to(world.users[role])
                .filter(declaration_pending=True)
                .filter(
                    Q(serious_malfunction_to_declare=True, declaration__alerted_at__isnull=True)
                    | confirmation_overdue_q(prefix="declaration__")
                )
                .order_by("qualified_at", "pk")
            )
            plan = late.explain()
            assert "incident_declaration_pending" in plan, (role, plan)
            assert len(late) == 2 or role == Role.ESTABLISHMENT_DIRECTOR
