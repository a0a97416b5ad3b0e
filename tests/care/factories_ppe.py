"""Factories and helpers for the PPE, reviews, reports and deadlines, and the `care_records`
fixture the permission matrix uses (a report for Léa and one for the outsider)."""

import datetime

import factory
import pytest

from ancrage.care.models import SituationReport
from ancrage.care.services import ppe as ppe_services
from ancrage.kernel.access import Role
from ancrage.placements.models import ProtectionMeasure

TODAY = datetime.date.today()


class SituationReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SituationReport

    development_health = "Bonne santé, suivi orthophonique hebdomadaire."
    family_relations = "Visites médiatisées avec la mère un samedi sur deux."
    schooling_social = "En CM2, progrès en lecture ; judo le mercredi."
    autonomy_project = ""


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtectionMeasure

    legal_basis = ProtectionMeasure.LegalBasis.JUDICIAL_PLACEMENT
    authority = ProtectionMeasure.Authority.JUVENILE_JUDGE
    departement = "44"
    start_date = factory.LazyFunction(lambda: TODAY - datetime.timedelta(days=200))


def validated_ppe(child, by, *, objectives=1, day=None):
    """A draft with `objectives` objectives (one action each), validated."""
    for i in range(objectives):
        ppe_services.add_objective(
            child,
            by,
            domain="schooling",
            title=f"Objectif {i + 1}",
            action={"description": "Rencontrer l'enseignante", "actor": "house_staff"},
        )
    return ppe_services.validate_draft(
        child, by, day=day, child_views="Je suis d'accord, je veux faire du foot."
    )


@pytest.fixture
def care_records(world):
    return add_care_records(world)


def add_care_records(world):
    """A rapport de situation for Léa and one for the outsider, and a PPE draft for each with
    one objective and one action."""
    head = world.users[Role.HEAD_OF_SERVICE]
    world.report = SituationReportFactory(child=world.child, written_by=head)
    world.other_report = SituationReportFactory(child=world.outsider, written_by=head)
    for child, suffix in ((world.child, ""), (world.outsider, "other_")):
        objective = ppe_services.add_objective(
            child,
            head,
            domain="health",
            title="Suivi orthophonique",
            action={"description": "Prendre rendez-vous", "actor": "house_staff"},
        )
        setattr(world, f"{suffix}objective", objective)
        setattr(world, f"{suffix}ppe_action", objective.actions.get())
    return world
