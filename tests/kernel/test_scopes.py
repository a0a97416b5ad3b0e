"""Deny by default: who sees whom, rule by rule (Person.objects.visible_to)."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser

from ancrage.kernel.access import (
    ACTIONS,
    KINDS,
    NOMINATIVE_ROLES,
    PERMISSION_GRID,
    PERMISSIONS,
    Role,
    can,
    parse_permission_grid,
)
from ancrage.people.models import Person
from tests.accounts.factories import MembershipFactory


def visible(user):
    return set(Person.objects.visible_to(user).values_list("first_names", flat=True))


def test_house_roles_see_the_children_of_their_house_today_and_their_relatives(world):
    for role in (Role.HOUSE_PARENT, Role.FAMILY_AIDE):
        # Léa lives in the house; Hugo (her brother, another house) and her mother are relatives.
        assert visible(world.users[role]) == {"Léa", "Hugo", "Sandrine"}


def test_house_roles_no_longer_see_a_child_who_left(world):
    assert "Inès" not in visible(world.users[Role.HOUSE_PARENT])


def test_establishment_roles_see_every_child_who_stayed_in_the_village(world):
    for role in (Role.HEAD_OF_SERVICE, Role.CLINICIAN, Role.ESTABLISHMENT_DIRECTOR):
        # Ambre is named in an admission request to the village: seen before she arrives.
        assert visible(world.users[role]) == {"Léa", "Hugo", "Sandrine", "Inès", "Ambre"}


def test_children_of_an_admission_request_are_seen_by_that_village_only(world):
    assert "Ambre" not in visible(world.users[Role.HOUSE_PARENT])
    assert "Basile" not in visible(world.users[Role.HEAD_OF_SERVICE])


def test_roles_without_nominative_access_see_nobody(world):
    for role in (Role.FINANCE, Role.FUNDER, Role.TECH_ADMIN, Role.O2R_COUNSELLOR, Role.O2R_LEAD):
        assert visible(world.users[role]) == set(), role


def test_national_director_sees_nobody_without_break_the_glass(world):
    assert visible(world.users[Role.NATIONAL_DIRECTOR]) == set()


def test_youth_sees_only_their_own_file(world):
    assert visible(world.users[Role.YOUTH]) == {"Léa"}


def test_anonymous_and_inactive_users_see_nobody(world):
    assert not Person.objects.visible_to(AnonymousUser()).exists()
    user = world.users[Role.HEAD_OF_SERVICE]
    user.is_active = False
    assert visible(user) == set()


def test_an_ended_membership_gives_nothing(world):
    user = world.users[Role.HEAD_OF_SERVICE]
    user.memberships.update(end_date=datetime.date.today() - datetime.timedelta(days=1))
    user.__dict__.pop("active_memberships", None)
    assert visible(user) == set()
    assert not can(user, "person", "view")


def test_a_membership_that_starts_tomorrow_gives_nothing_yet(world):
    user = world.users[Role.HEAD_OF_SERVICE]
    user.memberships.update(start_date=datetime.date.today() + datetime.timedelta(days=1))
    user.__dict__.pop("active_memberships", None)
    assert visible(user) == set()


def test_two_memberships_add_up(world):
    user = world.users[Role.HOUSE_PARENT]
    MembershipFactory(user=user, role=Role.HEAD_OF_SERVICE, establishment=world.other_village)
    user.__dict__.pop("active_memberships", None)
    assert visible(user) == {"Léa", "Hugo", "Sandrine", "Zoé", "Noé", "Basile"}


def test_superuser_flag_opens_no_personal_data(world):
    user = world.users[Role.TECH_ADMIN]
    user.is_superuser = True
    user.is_staff = True
    assert visible(user) == set()


def test_roles_that_see_nominative_data_are_exactly_those_with_person_rights():
    assert {role for role, table in PERMISSIONS.items() if "person" in table} == NOMINATIVE_ROLES
    assert Role.TECH_ADMIN not in NOMINATIVE_ROLES
    assert Role.FINANCE not in NOMINATIVE_ROLES
    assert Role.FUNDER not in NOMINATIVE_ROLES


def test_every_role_of_the_domain_has_a_line_in_the_table():
    assert set(PERMISSIONS) == set(Role)


def test_the_grid_has_exactly_one_cell_per_kind_and_role_and_names_only_known_actions():
    header, rule, *rows = PERMISSION_GRID.strip().splitlines()
    columns = [cell.strip() for cell in header.split("|")]
    assert columns[0] == "kind"
    assert sorted(columns[1:]) == sorted(Role.values), "one column per role, each role once"
    assert set(rule) <= set("-+")
    kinds = [row.split("|")[0].strip() for row in rows]
    assert len(kinds) == len(set(kinds)) == len(KINDS), "one row per kind, each kind once"
    assert tuple(kinds) == KINDS
    for row in rows:
        kind, *cells = (cell.strip() for cell in row.split("|"))
        assert len(cells) == len(Role), f"{kind}: {len(cells)} cells for {len(Role)} roles"
        for role, cell in zip(columns[1:], cells, strict=True):
            assert cell, f"{kind} × {role}: an empty cell (write '-')"
            if cell != "-":
                assert set(cell.split()) <= ACTIONS, f"{kind} × {role}: {cell!r}"
    # what the table grants comes from the grid's cells only
    assert {kind for table in PERMISSIONS.values() for kind in table} <= set(KINDS)
    assert {a for table in PERMISSIONS.values() for acts in table.values() for a in acts} <= ACTIONS


GRID_HEADER = "kind | " + " | ".join(Role.values) + "\n-----+-----"


def grid_row(kind, *cells):
    """A row of a small grid: the cells given, then "-" for the remaining roles."""
    return f"\n{kind} | " + " | ".join([*cells, *["-"] * (len(Role) - len(cells))])


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        (grid_row("person")[: -len(" | -")], "cells for"),
        (grid_row("person", "veiw"), "Unknown actions"),
        (grid_row("person", ""), "empty"),
        (grid_row("person", "view") + grid_row("person"), "two rows"),
    ],
    ids=["missing cell", "unknown action", "empty cell", "kind twice"],
)
def test_a_malformed_grid_is_refused(rows, error):
    with pytest.raises(ValueError, match=error):
        parse_permission_grid(GRID_HEADER + rows)


def test_a_grid_without_every_role_once_or_without_its_rule_is_refused():
    with pytest.raises(ValueError, match="every role once"):
        parse_permission_grid(GRID_HEADER.replace("| youth", "| young") + grid_row("person"))
    with pytest.raises(ValueError, match="rule"):
        parse_permission_grid(GRID_HEADER.split("\n")[0] + grid_row("person") + grid_row("stay"))


def test_a_well_formed_grid_keeps_only_the_cells_that_grant_something():
    kinds, table = parse_permission_grid(GRID_HEADER + grid_row("person", "view search", "-"))
    assert kinds == ("person",)
    assert table[Role.HOUSE_PARENT] == {"person": {"view", "search"}}
    assert table[Role.FAMILY_AIDE] == {}


# The table as it was written before the grid (role -> kind -> actions, one-letter aliases spelt
# out): the grid grants exactly these rights, no more, no fewer.
PREVIOUS_TABLE = {
    Role.HOUSE_PARENT: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "council": {"view"},  # the participation council (issue 20)
        "youth_message": {"view"},  # young people's messages (issue 20)
        "family_case": {"view"},  # the families of the programme (added 2026-12-05)
        "ppe": {"update", "view"},
        "deadline": {"view"},
        "journal": {"view", "write"},
        "journal_safeguarding": {"write"},
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "calendar_feed": {"use"},
        "autonomy": {"change", "view"},
        "incident": {"report", "view"},
        "measure": {"view"},
        "judge_notice": {"view"},
        "visit": {"change", "view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "family": {"view"},
        "stay": {"view"},
        "establishment": {"view"},
    },
    Role.FAMILY_AIDE: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "council": {"view"},  # the participation council (issue 20)
        "family_case": {"view"},  # the families of the programme (added 2026-12-05)
        "ppe": {"view"},
        "journal": {"view", "write"},
        "journal_safeguarding": {"write"},
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "calendar_feed": {"use"},
        "autonomy": {"view"},
        "incident": {"report", "view"},
        "visit": {"view"},
        "person": {"search", "view"},
        "family": {"view"},
        "stay": {"view"},
        "establishment": {"view"},
    },
    Role.HEAD_OF_SERVICE: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "council": {"change", "view"},  # the participation council (issue 20)
        "youth_message": {"view"},  # young people's messages (issue 20)
        "family_case": {"change", "view"},  # the families of the programme (added 2026-12-05)
        "family_plan": {"change", "update", "view"},
        "home_visit": {"change", "view"},
        "ppe": {"change", "update", "view"},
        "situation_report": {"change", "view"},
        "deadline": {"view"},
        "journal": {"view", "write"},
        "journal_clinical": {"view", "write"},
        "journal_safeguarding": {"view", "write"},
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "calendar_feed": {"use"},
        "autonomy": {"change", "view"},
        "incident": {"qualify", "report", "view"},
        "declaration": {"change", "view"},
        "transmission": {"change", "view"},
        "incident_stats": {"view"},
        "measure": {"change", "view"},
        "placement": {"change"},
        "admission": {"change", "view"},
        "judge_notice": {"change", "view"},
        "visit": {"change", "view"},
        "person": {"change", "search", "view"},
        "person_contact": {"view"},
        "family": {"change", "view"},
        "stay": {"view"},
        "access_log": {"view"},
        "establishment": {"view"},
        "o2r_referral": {"change"},
    },
    Role.CLINICIAN: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "council": {"view"},  # the participation council (issue 20)
        "family_case": {"view"},  # the families of the programme (added 2026-12-05)
        "ppe": {"view"},
        "situation_report": {"view"},
        "deadline": {"view"},
        "journal": {"view", "write"},
        "journal_clinical": {"view", "write"},
        "journal_safeguarding": {"write"},
        "appointment": {"view"},
        "appointment_notes": {"view"},
        "calendar_feed": {"use"},
        "autonomy": {"view"},
        "incident": {"report", "view"},
        "measure": {"view"},
        "admission": {"view"},
        "judge_notice": {"view"},
        "visit": {"view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "family": {"view"},
        "stay": {"view"},
        "establishment": {"view"},
    },
    Role.ESTABLISHMENT_DIRECTOR: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "council": {"change", "view"},  # the participation council (issue 20)
        "youth_message": {"view"},  # young people's messages (issue 20)
        "family_case": {"change", "view"},  # the families of the programme (added 2026-12-05)
        "family_plan": {"change", "update", "view"},
        "home_visit": {"change", "view"},
        "staff": {"change", "view"},  # the staff register (added 2026-12-05, issue 23)
        "ppe": {"change", "update", "view"},
        "situation_report": {"change", "view"},
        "deadline": {"view"},
        "journal": {"view", "write"},
        "journal_clinical": {"view"},
        "journal_safeguarding": {"view", "write"},
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "calendar_feed": {"use"},
        "autonomy": {"change", "view"},
        "incident": {"qualify", "report", "view"},
        "declaration": {"change", "view"},
        "transmission": {"change", "view"},
        "membership": {"change", "view"},
        "incident_stats": {"view"},
        "measure": {"change", "view"},
        "placement": {"change"},
        "admission": {"change", "view"},
        "judge_notice": {"change", "view"},
        "visit": {"change", "view"},
        "person": {"change", "search", "view"},
        "person_contact": {"view"},
        "family": {"change", "view"},
        "stay": {"view"},
        "access_log": {"view"},
        "establishment": {"view"},
        "o2r_referral": {"change"},
    },
    Role.O2R_COUNSELLOR: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "person": {"search", "view"},
        "person_contact": {"view"},
        "establishment": {"view"},
        "o2r_programme": {"view"},
        "outreach": {"change", "view"},
        "beneficiary": {"change", "view"},
        "accompaniment": {"change", "view"},
        "activity": {"change", "view"},
    },
    Role.O2R_LEAD: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "person": {"search", "view"},
        "person_contact": {"view"},
        "establishment": {"view"},
        "o2r_programme": {"change", "view"},
        "outreach": {"view"},
        "beneficiary": {"view"},
        "accompaniment": {"view"},
        "activity": {"view"},
        "o2r_report": {"view"},
    },
    Role.FINANCE: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "establishment": {"view"},
    },
    Role.NATIONAL_DIRECTOR: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "council": {"view"},  # the participation council (issue 20)
        "staff": {"change", "view"},  # the staff register (added 2026-12-05, issue 23)
        "ppe": {"view"},
        "journal": {"view"},
        "journal_clinical": {"view"},
        "journal_safeguarding": {"view"},
        "appointment": {"view"},
        "appointment_notes": {"view"},
        "autonomy": {"view"},
        "incident": {"view"},
        "declaration": {"view"},
        "transmission": {"view"},
        "membership": {"change", "view"},
        "incident_stats": {"organisation", "view"},
        "measure": {"view"},
        "visit": {"view"},
        "person": {"view"},
        "person_contact": {"view"},
        "family": {"view"},
        "stay": {"view"},
        "access_log": {"view"},
        "break_glass": {"use"},
        "establishment": {"view"},
    },
    Role.FUNDER: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "o2r_report": {"view"},
    },
    Role.TECH_ADMIN: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        "administration": {"change"},
        "establishment": {"view"},
    },
    Role.YOUTH: {
        "job": {"view"},  # one's own background jobs (added 2026-12-05)
        # the youth space and her own appointments (issue 20)
        "youth_space": {"view", "write", "report"},
        "appointment": {"view"},
        "ppe": {"view"},
        "autonomy": {"view"},
        "person": {"view"},
        "family": {"view"},
        "stay": {"view"},
    },
    # the roles added on 2026-12-05
    Role.DPO: {"job": {"view"}},
    Role.HR: {"job": {"view"}, "establishment": {"view"}},
    Role.FAMILY_WORKER: {
        "job": {"view"},
        "establishment": {"view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "family": {"view"},
        "family_case": {"change", "view"},
        "family_plan": {"change", "update", "view"},
        "home_visit": {"change", "view"},
    },
}


def test_the_grid_grants_exactly_the_rights_of_the_previous_table():
    assert {role: dict(table) for role, table in PERMISSIONS.items()} == PREVIOUS_TABLE
