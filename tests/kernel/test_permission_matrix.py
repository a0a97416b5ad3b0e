"""The permission matrix: every URL pattern × every role × an in-scope and an out-of-scope
record, checked against the permission table in ancrage/core/access.py.

A URL whose view carries no rule (`requires`, `public`, `authenticated`) fails here, and so
does a URL whose parameters this test does not know how to fill."""

import datetime

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from ancrage.kernel.access import AUTHENTICATED, PUBLIC, Role, role_can
from ancrage.kernel.models import BreakGlass
from tests.care.factories_daily import daily_records
from tests.care.factories_ppe import add_care_records
from tests.conftest import add_case_files, add_incidents, build_world, login
from tests.insertion.factories import add_o2r_plans, add_other_programme, build_o2r

ROLES = list(Role)


# The matrix makes thousands of requests against the same records: the world and the records
# attached to it are written once per module (per xdist worker) inside an outer transaction;
# each test runs in a savepoint rolled back after it (pytest-django's `db`), so what a test
# writes (a break-the-glass, a session, a login) never reaches the next one.
@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-documents")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        world = build_world()
        add_case_files(world)
        add_incidents(world)
        add_care_records(world)
        daily_records(world)
        build_o2r(world)
        add_o2r_plans(world)
        add_other_programme(world)
        world.media_root = media
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db):
    return shared_world


@pytest.fixture
def case_files(world):
    return world


@pytest.fixture
def incidents(world):
    return world


@pytest.fixture
def care_records(world):
    return world


@pytest.fixture
def o2r_files(world):
    return world


@pytest.fixture(autouse=True)
def private_media_root(settings, shared_world):
    """The documents written once for the module stay readable by every test."""
    settings.MEDIA_ROOT = shared_world.media_root


def walk(patterns=None, namespace=""):
    """(view name, pattern, callback) for every URL of the project, the admin site excepted
    (it has its own matrix below)."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            prefix = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix)
        elif isinstance(entry, URLPattern):
            yield f"{namespace}{entry.name}", entry, entry.callback


URLS = sorted((name, pattern, callback) for name, pattern, callback in walk())

# Which person each role has in scope in the `world` fixture, and one it has not. None: the
# role has no person in scope at all (roles without nominative access).
IN_SCOPE = {
    Role.HOUSE_PARENT: "child",
    Role.FAMILY_AIDE: "child",
    Role.HEAD_OF_SERVICE: "sibling",
    Role.CLINICIAN: "sibling",
    Role.ESTABLISHMENT_DIRECTOR: "mother",
    Role.NATIONAL_DIRECTOR: "outsider",  # through a break-the-glass opened in the test
    Role.YOUTH: "child",  # their own file
    Role.O2R_COUNSELLOR: "beneficiary_person",  # a beneficiary of their team
    Role.O2R_LEAD: "beneficiary_person",  # a beneficiary of their service
    Role.FINANCE: None,
    Role.FUNDER: None,
    Role.TECH_ADMIN: None,
}
OUT_OF_SCOPE = {
    Role.HOUSE_PARENT: "former_child",  # left the house: no longer the house's business
    Role.FAMILY_AIDE: "outsider",
    Role.HEAD_OF_SERVICE: "outsider",
    Role.CLINICIAN: "stranger",
    Role.ESTABLISHMENT_DIRECTOR: "outsider_sibling",
    Role.NATIONAL_DIRECTOR: "child",  # no break-the-glass on that one
    Role.YOUTH: "sibling",
    Role.O2R_COUNSELLOR: "child",
    Role.O2R_LEAD: "child",
    Role.FINANCE: "child",
    Role.FUNDER: "child",
    Role.TECH_ADMIN: "child",
}
# Sibling groups follow their members.
GROUP_OF = {
    "child": "group",
    "sibling": "group",
    "former_child": None,
    "mother": "group",
    "outsider": "outsider_group",
    "outsider_sibling": "outsider_group",
    "stranger": None,
}
# Villages, admission requests and judge notices in scope for each role, and out of it.
IN_VILLAGE = {
    **dict.fromkeys(
        [
            Role.HOUSE_PARENT,
            Role.FAMILY_AIDE,
            Role.HEAD_OF_SERVICE,
            Role.CLINICIAN,
            Role.ESTABLISHMENT_DIRECTOR,
        ],
        ("village", "other_village"),
    ),
    # organisation-wide roles see every village of their organisation
    **dict.fromkeys(
        [Role.FINANCE, Role.NATIONAL_DIRECTOR, Role.TECH_ADMIN], ("village", "foreign_village")
    ),
    # the O2R roles' establishment is the O2R service: no village in scope
    **dict.fromkeys([Role.O2R_COUNSELLOR, Role.O2R_LEAD], (None, "village")),
    **dict.fromkeys([Role.FUNDER, Role.YOUTH], (None, "village")),
}
IN_VILLAGE_RECORD = {
    "placements:admission": ("admission", "other_admission"),
    "placements:admission_accept": ("admission", "other_admission"),
    "placements:admission_decline": ("admission", "other_admission"),
    "placements:judge_informed": ("notice", "other_notice"),
}
# Records attached to a child's file (a visit, a measure, a measure's document): Léa's are in
# scope for the roles that follow her (her house, her village, herself), the outsider's for the
# national director, through the break-the-glass the test opens on that file.
PERSON_RECORD = {
    "care:report": ("report", "other_report"),
    "care:report_pdf": ("report", "other_report"),
    "care:report_sent": ("report", "other_report"),
    "placements:visit_outcome": ("visit", "other_visit"),
    "placements:document_add": ("measure", "other_measure"),
    "placements:document": ("document", "other_document"),
    "care:entry_edit": ("journal_entry", "other_journal_entry"),
    "care:entry_annotate": ("journal_entry", "other_journal_entry"),
    "care:appointment_edit": ("appointment", "other_appointment"),
    "care:appointment_cancel": ("appointment", "other_appointment"),
    # the objectives and actions of the PPE drafts (Léa's, the outsider's)
    **dict.fromkeys(
        ["care:objective_edit", "care:objective_delete", "care:action_add"],
        ("objective", "other_objective"),
    ),
    **dict.fromkeys(["care:action_edit", "care:action_delete"], ("ppe_action", "other_ppe_action")),
}
# URLs naming both a child and a record of their file: the child is the record's.
RECORD_CHILD = {
    "objective": "child",
    "ppe_action": "child",
    "other_objective": "outsider",
    "other_ppe_action": "outsider",
}
# A house's journal and calendar: Léa's house for its staff and for the village team; never a
# whole house for the national director (a child's records, under a break-the-glass, only).
HOUSE_URLS = {"care:house_journal", "care:house_calendar"}
SEES_HOUSE = {
    Role.HOUSE_PARENT,
    Role.FAMILY_AIDE,
    Role.HEAD_OF_SERVICE,
    Role.CLINICIAN,
    Role.ESTABLISHMENT_DIRECTOR,
}
# Public URLs that answer 404 to an unknown secret (the personal ICS feed).
SECRET_URLS = {"care:ics_feed"}
# Safeguarding incidents: the village's incident (reported by the house parent) is readable by
# its reporter, the village's head of service and director and the national director; nobody
# sees the other organisation's. Other staff (family aide, clinician) see no incident at all.
INCIDENT_URLS = {
    "safeguarding:incident",
    "safeguarding:qualify",
    "safeguarding:start",
    "safeguarding:action_add",
    "safeguarding:action_done",
    "safeguarding:close",
    "safeguarding:reopen",
    "safeguarding:declaration_prepare",
    "safeguarding:declaration_alert",
    "safeguarding:declaration_confirm",
    "safeguarding:declaration_inform",
}
# The declaration's pages (GET) name the incident too; the matrix qualifies it as a serious
# malfunction to declare first.
INCIDENT_PAGES = {"safeguarding:declaration", "safeguarding:declaration_pdf"}
SEES_INCIDENT = {
    Role.HOUSE_PARENT,
    Role.HEAD_OF_SERVICE,
    Role.ESTABLISHMENT_DIRECTOR,
    Role.NATIONAL_DIRECTOR,
}
SEES_CHILD = {
    Role.HOUSE_PARENT,
    Role.FAMILY_AIDE,
    Role.HEAD_OF_SERVICE,
    Role.CLINICIAN,
    Role.ESTABLISHMENT_DIRECTOR,
    Role.YOUTH,
}
# O2R records: the world's O2R team's (in scope for its counsellor and the service's lead) and
# the consortium partner's (out of scope for both: members never see each other's files).
O2R_RECORD = {
    **dict.fromkeys(
        [
            "insertion:beneficiary",
            "insertion:eligibility",
            "insertion:accompaniment_open",
            "insertion:extend",
            "insertion:barrier",
            "insertion:objective",
            "insertion:partner_referral",
            "insertion:remuneration",
            "insertion:exit",
            "insertion:action",
        ],
        ("beneficiary", "other_beneficiary"),
    ),
    "insertion:action_done": ("planned", "other_planned"),
    "insertion:objective_close": ("o2r_objective", "other_o2r_objective"),
    "insertion:contact_convert": ("contact", "other_contact"),
    "insertion:follow_up": ("follow_up", "other_follow_up"),
    "insertion:referral_accept": ("referral", "other_referral"),
}
O2R_ROLES = {Role.O2R_COUNSELLOR, Role.O2R_LEAD}
O2R_POST = {
    "insertion:extend",
    "insertion:barrier",
    "insertion:objective",
    "insertion:partner_referral",
    "insertion:remuneration",
    "insertion:exit",
    "insertion:follow_up",
    "insertion:referral_accept",
    "insertion:action",
    "insertion:action_done",
    "insertion:objective_close",
}
# Views that only accept POST are exercised with POST (with an empty form).
POST_ONLY = {
    "accounts:logout",
    "care:action_status",
    "care:ppe_validate",
    "care:report_sent",
    "care:objective_delete",
    "care:action_delete",
    "placements:judge_informed",
    "placements:admission_accept",
    "placements:admission_decline",
    *(INCIDENT_URLS - {"safeguarding:incident"}),
    "care:entry_edit",
    "care:entry_annotate",
    "care:appointment_cancel",
    "care:feed_regenerate",
    "care:feed_revoke",
    "safeguarding:draft",
    *O2R_POST,
}
# What an allowed request answers when it is not 200: a redirect, or 422 for an empty form.
ALLOWED_STATUS = {
    # refused with a message on the PPE page; an empty "sent on" date is refused at its field
    "care:action_status": 302,
    "care:ppe_validate": 302,
    "care:report_sent": 422,
    # deleting an objective or an action of the draft: back to the PPE page
    "care:objective_delete": 302,
    "care:action_delete": 302,
    "placements:judge_informed": 302,
    "placements:admission_accept": 422,
    "placements:admission_decline": 422,
    # an empty incident form: refused at its fields (or for a missing version)
    **dict.fromkeys(INCIDENT_URLS - {"safeguarding:incident"}, 422),
    # an empty correction, annotation or cancellation: refused at its field
    **dict.fromkeys(["care:entry_edit", "care:entry_annotate", "care:appointment_cancel"], 422),
    "care:feed_revoke": 302,
    # an empty O2R form on a file: refused at its fields
    **dict.fromkeys(O2R_POST, 422),
}
# Authenticated pages that answer with a redirect by design.
REDIRECTS = {
    "accounts:logout": "/compte/connexion/",
    "accounts:login": "/",  # already logged in
    "accounts:two_factor_setup": "/compte/double-authentification/",  # device already set up
}


def village_record(name, role, scope):
    """The attribute of the world that fills a village-level URL, and whether it is in scope."""
    village_roles = IN_VILLAGE[Role.HEAD_OF_SERVICE]
    if name in IN_VILLAGE_RECORD:
        pair = IN_VILLAGE_RECORD[name]
        in_scope_here = IN_VILLAGE[role] == village_roles
    else:
        pair = IN_VILLAGE[role]
        in_scope_here = pair[0] is not None
    attr = pair[0] if scope == "in_scope" and in_scope_here else pair[1]
    if attr is None:
        attr = pair[1]
    return attr, scope == "in_scope" and in_scope_here


def person_record(name, role, scope):
    """The attribute of the world that fills a URL naming a record of a child's file, and
    whether it is in scope."""
    childs, outsiders = PERSON_RECORD[name]
    mine, other = (outsiders, childs) if role == Role.NATIONAL_DIRECTOR else (childs, outsiders)
    in_scope_here = scope == "in_scope" and (role in SEES_CHILD or role == Role.NATIONAL_DIRECTOR)
    return (mine if in_scope_here else other), in_scope_here


def url_for(name, pattern, world, person_attr, role=Role.HEAD_OF_SERVICE, scope="in_scope"):
    """The URL with its parameters filled from the world, and whether the record it names is
    in the role's scope (None: the URL names no record)."""
    converters = pattern.pattern.converters
    kwargs, record_in_scope = {}, None
    for key in converters:
        if key == "reference":
            kwargs[key] = getattr(world, person_attr).reference if person_attr else "P-INCONNU0"
        elif key == "pk" and name == "people:sibling_group_edit":
            group_attr = GROUP_OF.get(person_attr)
            kwargs[key] = getattr(world, group_attr).pk if group_attr else 999_999
        elif key == "pk" and name in PERSON_RECORD:
            attr, record_in_scope = person_record(name, role, scope)
            kwargs[key] = getattr(world, attr).pk
            if attr in RECORD_CHILD:
                kwargs["reference"] = getattr(world, RECORD_CHILD[attr]).reference
        elif key == "pk" and name in INCIDENT_URLS | INCIDENT_PAGES:
            record_in_scope = scope == "in_scope" and role in SEES_INCIDENT
            kwargs[key] = (world.incident if record_in_scope else world.other_incident).pk
        elif key == "pk" and name in HOUSE_URLS:
            record_in_scope = scope == "in_scope" and role in SEES_HOUSE
            kwargs[key] = (world.house if record_in_scope else world.other_house).pk
        elif key == "token" and name in SECRET_URLS:
            kwargs[key] = "jeton-inconnu"
        elif key == "pk" and name in O2R_RECORD:
            record_in_scope = scope == "in_scope" and role in O2R_ROLES
            mine, other = O2R_RECORD[name]
            kwargs[key] = getattr(world, mine if record_in_scope else other).pk
        elif key == "pk" and name == "insertion:programme_edit":
            record_in_scope = scope == "in_scope" and role in O2R_ROLES
            kwargs[key] = (world.programme if record_in_scope else world.other_programme).pk
        elif key == "pk" and name.startswith(("placements:", "safeguarding:", "care:")):
            attr, record_in_scope = village_record(name, role, scope)
            kwargs[key] = getattr(world, attr).pk
        else:
            pytest.fail(f"The matrix does not know how to fill <{key}> of {name}: add it here.")
    return reverse(name, kwargs=kwargs), bool(kwargs), record_in_scope


def expected_status(name, rule, role, in_scope, has_record):
    if rule == PUBLIC:
        if name in SECRET_URLS:
            return 404
        return 302 if name in REDIRECTS else 200
    if rule == AUTHENTICATED:
        return 302 if name in REDIRECTS else 200
    kind, action = rule
    if not role_can(role, kind, action):
        return 403
    if has_record and not in_scope:
        return 404
    return ALLOWED_STATUS.get(name, 200)


def test_every_url_has_a_rule_in_the_table():
    missing = [name for name, _p, callback in URLS if not hasattr(callback, "access_rule")]
    assert not missing, f"URLs without an access rule: {missing}"
    # and the rules name kinds and actions the table knows
    from ancrage.kernel.access import PERMISSIONS

    kinds = {kind for table in PERMISSIONS.values() for kind in table}
    for name, _p, callback in URLS:
        rule = callback.access_rule
        if rule not in (PUBLIC, AUTHENTICATED):
            assert rule[0] in kinds, f"{name} needs an unknown kind of record {rule[0]!r}"


CASES = [
    (name, role, scope)
    for name, _p, _c in URLS
    for role in ROLES
    for scope in ("in_scope", "out_of_scope")
]


@pytest.mark.parametrize(
    ("name", "role", "scope"), CASES, ids=[f"{n}-{r.value}-{s}" for n, r, s in CASES]
)
def test_permission_matrix(client, world, request, name, role, scope):
    if name in PERSON_RECORD:
        request.getfixturevalue("case_files")
        request.getfixturevalue("care_records")
    if name.startswith("safeguarding:"):
        request.getfixturevalue("incidents")
    if name.startswith("care:"):
        daily_records(world)
    if name.startswith("safeguarding:declaration"):
        world.incident.__class__.objects.filter(pk=world.incident.pk).update(
            status="qualified", category="other", severity="serious"
        )
        world.incident.__class__.objects.update(serious_malfunction_to_declare=True)
    if name.startswith("insertion:") or role in O2R_ROLES:
        request.getfixturevalue("o2r_files")
    pattern, callback = next((p, c) for n, p, c in URLS if n == name)
    rule = callback.access_rule
    person_attr = IN_SCOPE[role] if scope == "in_scope" else OUT_OF_SCOPE[role]
    in_scope = scope == "in_scope" and person_attr is not None
    if role == Role.NATIONAL_DIRECTOR:
        BreakGlass.objects.create(
            user=world.users[role],
            person=world.outsider,
            reason="Signalement grave transmis par le département",
            expires_at=timezone.now() + datetime.timedelta(minutes=30),
        )
    if person_attr is None:
        person_attr = OUT_OF_SCOPE[role]
    url, has_record, record_in_scope = url_for(name, pattern, world, person_attr, role, scope)
    if record_in_scope is not None:
        in_scope = record_in_scope
    login(client, world.users[role])
    response = client.post(url) if name in POST_ONLY else client.get(url)
    expected = expected_status(name, rule, role, in_scope, has_record)
    assert response.status_code == expected, (
        f"{role.value} on {url} ({scope}): {response.status_code}, table says {expected}"
    )
    if expected == 302 and name in REDIRECTS:
        assert response["Location"].startswith(REDIRECTS[name])


@pytest.mark.parametrize("name", [n for n, _p, _c in URLS])
def test_anonymous_is_sent_to_login_or_served_public_pages(client, world, request, name):
    if name in PERSON_RECORD:
        request.getfixturevalue("case_files")
        request.getfixturevalue("care_records")
    if name.startswith("safeguarding:"):
        request.getfixturevalue("incidents")
    if name.startswith("care:"):
        daily_records(world)
    if name.startswith("insertion:"):
        request.getfixturevalue("o2r_files")
    pattern, callback = next((p, c) for n, p, c in URLS if n == name)
    url, *_ = url_for(name, pattern, world, "child")
    response = client.post(url) if name in POST_ONLY else client.get(url)
    if callback.access_rule == PUBLIC:
        assert response.status_code == (404 if name in SECRET_URLS else 200)
    else:
        assert response.status_code == 302
        assert response["Location"].startswith("/compte/connexion/?next=")


# The admin site: only the administration role gets in, and it sees no personal data.
ADMIN_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name) for model in admin.site._registry
)
PERSONAL_ADMIN_MODELS = {
    ("people", "person"),
    ("people", "siblinggroup"),
    ("placements", "stay"),
    ("core", "accessevent"),
    ("core", "breakglass"),
}


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
@pytest.mark.parametrize("model", ADMIN_MODELS, ids=[f"{a}.{m}" for a, m in ADMIN_MODELS])
def test_admin_matrix(client, world, role, model):
    from ancrage.kernel.models import AccessEvent

    AccessEvent.objects.create(
        user=world.users[Role.HOUSE_PARENT], person=world.child, action="view", what="x"
    )
    BreakGlass.objects.create(
        user=world.users[Role.NATIONAL_DIRECTOR],
        person=world.outsider,
        reason="Signalement grave transmis par le département",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    login(client, world.users[role])
    response = client.get(reverse(f"admin:{model[0]}_{model[1]}_changelist"))
    if role_can(role, "administration", "change"):
        assert response.status_code == 200
        if model in PERSONAL_ADMIN_MODELS:
            assert response.context["cl"].result_count == 0, "personal data leaked into the admin"
    else:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_admin_login_is_the_product_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/connexion/")


def test_matrix_size():
    """The matrix is as large as URLs × roles × 2 (reported in the issue's note)."""
    assert len(CASES) == len(URLS) * len(ROLES) * 2
    assert len(URLS) >= 10
