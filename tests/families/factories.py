"""The families of the tests: two teams of the world's family-strengthening service, a head of
the programme, a family of each team."""

import datetime

from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.families.services import (
    add_goal,
    decide_support,
    plan_home_visit,
    refer_family,
    validate_plan,
)
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.organisation.factories import FamilyTeamFactory

REFERRED_ON = datetime.date(2026, 9, 1)


def household(name, children=1):
    return {
        "parents": [
            {
                "first_names": "Nadia",
                "last_name": name,
                "sex": "F",
                "birth_date": datetime.date(1990, 5, 4),
            }
        ],
        "children": [
            {
                "first_names": f"Enfant{n}",
                "last_name": name,
                "sex": "M",
                "birth_date": datetime.date(2016 + n, 2, 3),
            }
            for n in range(children)
        ],
    }


def new_family(team, by, name="Benali", **extra):
    fields = {
        "team": team,
        "by": by,
        "name": name,
        "referrer": "ase",
        "referred_on": REFERRED_ON,
        "reasons": "Difficultés éducatives signalées par le service social.",
        **household(name),
    }
    fields.update(extra)
    return refer_family(**fields)


def add_families(world):
    """`family_head` (head of service of the family-strengthening service), `other_family_team`
    (a second team of it), `family_case` (a family of the world's family team, its mother
    `family_parent`) and `other_family_case` (a family of the other team)."""
    service = world.family_team.establishment
    world.other_family_team = FamilyTeamFactory(establishment=service, name="Équipe familles Sud")
    head = UserFactory(username="chef-familles", first_name="Agent", last_name="Chef-familles")
    head.save()
    MembershipFactory(
        user=head,
        role=Role.HEAD_OF_SERVICE,
        establishment=service,
        start_date=datetime.date(2024, 1, 1),
    )
    world.family_head = User.objects.get(pk=head.pk)
    worker = world.users[Role.FAMILY_WORKER]
    world.family_case = new_family(world.family_team, worker, "Benali")
    world.family_parent = world.family_case.members.get(role="parent").person
    world.other_family_case = new_family(world.other_family_team, head, "Garnier")
    return world


def support(case, head, worker):
    return decide_support(
        case,
        by=head,
        support=True,
        decided_on=REFERRED_ON,
        parents_consent=True,
        consent_on=REFERRED_ON,
        worker=worker,
    )


def add_family_plans(world):
    """Both families supported, each with a validated plan of one goal (`family_goal`,
    `other_family_goal`)."""
    worker, head = world.users[Role.FAMILY_WORKER], world.family_head
    for attr, case, by in (
        ("family_goal", world.family_case, worker),
        ("other_family_goal", world.other_family_case, head),
    ):
        support(case, head, by)
        case.refresh_from_db()
        goal = add_goal(
            case,
            by,
            domain="parenting",
            title="Des repères pour le coucher",
            action={"description": "Rituel du soir", "actor": "parents", "due_date": None},
        )
        validate_plan(case, by, on=REFERRED_ON)
        setattr(world, attr, goal)
    return add_home_visits(world)


def add_home_visits(world):
    """A visit planned at each supported family's home, three days ahead (`home_visit`,
    `other_home_visit`)."""
    when = calendar.add_hours(timezone.now(), 72)
    world.home_visit = plan_home_visit(
        world.family_case, world.users[Role.FAMILY_WORKER], starts_at=when
    )
    world.other_home_visit = plan_home_visit(
        world.other_family_case, world.family_head, starts_at=when
    )
    return world
