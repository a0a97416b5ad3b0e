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


def test_the_scope_asked_about_some_persons_is_the_scope_narrowed_to_them(world):
    """`visible_to(user, among=…)` asks each way in about those persons only: the same persons
    as the whole scope narrowed to them, for every role, with ids or a query of ids."""
    everyone = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    halves = (everyone[::2], everyone[1::2], everyone[:1], everyone)
    for role, user in world.users.items():
        whole = set(Person.objects.visible_to(user).values_list("pk", flat=True))
        for ids in halves:
            among = set(Person.objects.visible_to(user, among=ids).values_list("pk", flat=True))
            assert among == whole & set(ids), role
        query = Person.objects.filter(pk__in=everyone[1::2]).values("pk")
        among = set(Person.objects.visible_to(user, among=query).values_list("pk", flat=True))
        assert among == whole & set(everyone[1::2]), role
        assert not Person.objects.visible_to(user, among=[]).exists()
    # the test means something: some roles see some persons and not others
    seen = Person.objects.visible_to(world.users[Role.HOUSE_PARENT], among=everyone)
    assert 0 < seen.count() < len(everyone)


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


# The rights as they stand (role -> kind -> actions), written out once more beside the grid: a
# change of the grid must be made here too, so that no right changes by a slip of the grid's
# columns. Last written out on 2026-12-05, with the apps staff, families, accounting,
# participation and privacy.
PREVIOUS_TABLE = {
    Role.HOUSE_PARENT: {
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "autonomy": {"change", "view"},
        "calendar_feed": {"use"},
        "child_media": {"change", "view"},
        "consultation": {"view"},
        "council": {"view"},
        "deadline": {"view"},
        "establishment": {"view"},
        "family": {"view"},
        "family_case": {"view"},
        "image_consent": {"view"},
        "incident": {"report", "view"},
        "job": {"view"},
        "journal": {"view", "write"},
        "journal_safeguarding": {"write"},
        "judge_notice": {"view"},
        "measure": {"view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "ppe": {"update", "view"},
        "stay": {"view"},
        "time_sheet": {"change", "view"},
        "visit": {"change", "view"},
        "youth_message": {"view"},
    },
    Role.FAMILY_AIDE: {
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "autonomy": {"view"},
        "calendar_feed": {"use"},
        "child_media": {"change", "view"},
        "consultation": {"view"},
        "council": {"view"},
        "establishment": {"view"},
        "family": {"view"},
        "family_case": {"view"},
        "image_consent": {"view"},
        "incident": {"report", "view"},
        "job": {"view"},
        "journal": {"view", "write"},
        "journal_safeguarding": {"write"},
        "person": {"search", "view"},
        "ppe": {"view"},
        "stay": {"view"},
        "time_sheet": {"change", "view"},
        "visit": {"view"},
    },
    Role.HEAD_OF_SERVICE: {
        "access_log": {"view"},
        "admission": {"change", "view"},
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "autonomy": {"change", "view"},
        "calendar_feed": {"use"},
        "child_media": {"change", "view"},
        "consultation": {"change", "view"},
        "council": {"change", "view"},
        "deadline": {"view"},
        "declaration": {"change", "view"},
        "establishment": {"view"},
        "family": {"change", "view"},
        "family_case": {"change", "view"},
        "family_plan": {"change", "update", "view"},
        "family_stats": {"view"},
        "home_visit": {"change", "view"},
        "image_consent": {"change", "view"},
        "incident": {"qualify", "report", "view"},
        "incident_stats": {"view"},
        "job": {"view"},
        "journal": {"view", "write"},
        "journal_clinical": {"view", "write"},
        "journal_safeguarding": {"view", "write"},
        "judge_notice": {"change", "view"},
        "measure": {"change", "view"},
        "o2r_referral": {"change"},
        "person": {"change", "search", "view"},
        "person_contact": {"view"},
        "placement": {"change"},
        "ppe": {"change", "update", "view"},
        "situation_report": {"change", "view"},
        "stay": {"view"},
        "time_approval": {"change", "view"},
        "time_sheet": {"change", "view"},
        "transmission": {"change", "view"},
        "visit": {"change", "view"},
        "youth_message": {"view"},
    },
    Role.CLINICIAN: {
        "admission": {"view"},
        "appointment": {"view"},
        "appointment_notes": {"view"},
        "autonomy": {"view"},
        "calendar_feed": {"use"},
        "child_media": {"view"},
        "consultation": {"view"},
        "council": {"view"},
        "deadline": {"view"},
        "establishment": {"view"},
        "family": {"view"},
        "family_case": {"view"},
        "image_consent": {"view"},
        "incident": {"report", "view"},
        "job": {"view"},
        "journal": {"view", "write"},
        "journal_clinical": {"view", "write"},
        "journal_safeguarding": {"write"},
        "judge_notice": {"view"},
        "measure": {"view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "ppe": {"view"},
        "situation_report": {"view"},
        "stay": {"view"},
        "time_sheet": {"change", "view"},
        "visit": {"view"},
    },
    Role.ESTABLISHMENT_DIRECTOR: {
        "access_log": {"view"},
        "admission": {"change", "view"},
        "analytic": {"view"},
        "appointment": {"change", "view"},
        "appointment_notes": {"view"},
        "archive": {"use"},
        "autonomy": {"change", "view"},
        "calendar_feed": {"use"},
        "child_media": {"change", "view"},
        "consultation": {"change", "view"},
        "council": {"change", "view"},
        "deadline": {"view"},
        "declaration": {"change", "view"},
        "establishment": {"view"},
        "family": {"change", "view"},
        "family_case": {"change", "view"},
        "family_plan": {"change", "update", "view"},
        "family_stats": {"view"},
        "home_visit": {"change", "view"},
        "image_consent": {"change", "view"},
        "incident": {"qualify", "report", "view"},
        "incident_stats": {"view"},
        "job": {"view"},
        "journal": {"view", "write"},
        "journal_clinical": {"view"},
        "journal_safeguarding": {"view", "write"},
        "judge_notice": {"change", "view"},
        "measure": {"change", "view"},
        "membership": {"change", "view"},
        "o2r_referral": {"change"},
        "participation_stats": {"view"},
        "person": {"change", "search", "view"},
        "person_contact": {"view"},
        "placement": {"change"},
        "ppe": {"change", "update", "view"},
        "processing_register": {"view"},
        "retention_hold": {"change", "view"},
        "retention_rule": {"view"},
        "retention_run": {"change", "view"},
        "situation_report": {"change", "view"},
        "staff": {"change", "view"},
        "stay": {"view"},
        "subject_request": {"change", "view"},
        "time_approval": {"change", "view"},
        "time_sheet": {"change", "view"},
        "transmission": {"change", "view"},
        "visit": {"change", "view"},
        "youth_message": {"view"},
    },
    Role.O2R_COUNSELLOR: {
        "accompaniment": {"change", "view"},
        "activity": {"change", "view"},
        "beneficiary": {"change", "view"},
        "establishment": {"view"},
        "job": {"view"},
        "o2r_programme": {"view"},
        "outreach": {"change", "view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "time_sheet": {"change", "view"},
    },
    Role.O2R_LEAD: {
        "accompaniment": {"view"},
        "activity": {"view"},
        "beneficiary": {"view"},
        "establishment": {"view"},
        "job": {"view"},
        "o2r_programme": {"change", "view"},
        "o2r_report": {"view"},
        "outreach": {"view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "time_approval": {"change", "view"},
        "time_sheet": {"change", "view"},
    },
    Role.FINANCE: {
        "analytic": {"change", "view"},
        "contract": {"change", "view"},
        "establishment": {"view"},
        "financial_report": {"view"},
        "job": {"view"},
        "time_approval": {"view"},
        "time_sheet": {"change", "view"},
    },
    Role.NATIONAL_DIRECTOR: {
        "access_log": {"view"},
        "analytic": {"view"},
        "appointment": {"view"},
        "appointment_notes": {"view"},
        "archive": {"use"},
        "autonomy": {"view"},
        "break_glass": {"use"},
        "child_media": {"view"},
        "consultation": {"view"},
        "council": {"view"},
        "declaration": {"view"},
        "establishment": {"view"},
        "family": {"view"},
        "family_stats": {"view"},
        "financial_report": {"view"},
        "image_consent": {"view"},
        "incident": {"view"},
        "incident_stats": {"organisation", "view"},
        "job": {"view"},
        "journal": {"view"},
        "journal_clinical": {"view"},
        "journal_safeguarding": {"view"},
        "measure": {"view"},
        "membership": {"change", "view"},
        "participation_stats": {"organisation", "view"},
        "person": {"view"},
        "person_contact": {"view"},
        "ppe": {"view"},
        "processing_register": {"view"},
        "retention_hold": {"view"},
        "retention_rule": {"view"},
        "retention_run": {"change", "view"},
        "staff": {"change", "view"},
        "stay": {"view"},
        "subject_request": {"view"},
        "time_sheet": {"change", "view"},
        "transmission": {"view"},
        "visit": {"view"},
    },
    Role.FUNDER: {
        "financial_report": {"view"},
        "job": {"view"},
        "o2r_report": {"view"},
    },
    Role.TECH_ADMIN: {
        "administration": {"change"},
        "establishment": {"view"},
        "job": {"view"},
        "time_sheet": {"change", "view"},
    },
    Role.YOUTH: {
        "appointment": {"view"},
        "autonomy": {"view"},
        "family": {"view"},
        "job": {"view"},
        "person": {"view"},
        "ppe": {"view"},
        "stay": {"view"},
        "youth_space": {"report", "view", "write"},
    },
    Role.DPO: {
        "job": {"view"},
        "processing_register": {"view"},
        "retention_hold": {"view"},
        "retention_rule": {"view"},
        "retention_run": {"change", "view"},
        "subject_request": {"change", "view"},
        "time_sheet": {"change", "view"},
    },
    Role.HR: {
        "establishment": {"view"},
        "job": {"view"},
        "staff": {"change", "view"},
        "time_sheet": {"change", "view"},
    },
    Role.FAMILY_WORKER: {
        "calendar_feed": {"use"},
        "deadline": {"view"},
        "establishment": {"view"},
        "family": {"view"},
        "family_case": {"change", "view"},
        "family_plan": {"change", "update", "view"},
        "home_visit": {"change", "view"},
        "incident": {"report", "view"},
        "job": {"view"},
        "person": {"search", "view"},
        "person_contact": {"view"},
        "time_sheet": {"change", "view"},
    },
}


def test_the_grid_grants_exactly_the_rights_of_the_previous_table():
    assert {role: dict(table) for role, table in PERMISSIONS.items()} == PREVIOUS_TABLE
