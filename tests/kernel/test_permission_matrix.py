"""The permission matrix: every URL pattern × every role × an in-scope and an out-of-scope
record, checked against the permission table in ancrage/kernel/access.py.

The answer expected for a URL comes from its view's own rule (`access_rule`, set by `requires`,
`public` or `authenticated`) and the table (`role_can`): 403 when the role lacks the right, 404
when the record the URL names is out of the role's scope, else what the URL answers when allowed.
The only thing written here per URL is its line in URL_TABLE: what its parameters name, whether it
is exercised with a POST and what an allowed request answers. A URL without a rule fails here, and
so does a URL without a line in URL_TABLE."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from ancrage.kernel.access import ACTIONS, AUTHENTICATED, KINDS, PUBLIC, Role, role_can
from ancrage.kernel.models import BreakGlass
from ancrage.safeguarding.models import Incident, refresh_declaration_pending
from tests.accounting.factories import MONTH, add_accounting
from tests.care.factories_daily import daily_records
from tests.care.factories_ppe import add_care_records
from tests.conftest import (
    add_case_files,
    add_incidents,
    add_proposed_memberships,
    build_world,
    login,
)
from tests.families.factories import add_families, add_family_plans
from tests.insertion.factories import add_o2r_plans, add_other_programme, build_o2r
from tests.privacy.factories import add_image_rights
from tests.staff.factories import add_staff

ROLES = list(Role)


# The matrix makes thousands of requests against the same records: the world and the records
# attached to it are written once per module (per xdist worker) inside an outer transaction;
# each test runs in a savepoint rolled back after it (pytest-django's `db`), so what a test
# writes (a break-the-glass, a session, a login) never reaches the next one.
def build_matrix_world():
    """The world every URL is walked in: two organisations, their villages, case files,
    incidents, care records, daily records, O2R files and plans, proposed memberships, the
    families of the family-strengthening programme."""
    world = build_world()
    add_case_files(world)
    add_incidents(world)
    add_care_records(world)
    daily_records(world)
    build_o2r(world)
    add_o2r_plans(world)
    add_other_programme(world)
    add_proposed_memberships(world)
    add_accounting(world)
    add_staff(world)
    add_families(world)
    add_family_plans(world)
    add_image_rights(world)
    return world


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
        world = build_matrix_world()
        world.media_root = media
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(shared_world, db):
    return shared_world


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
URLS_BY_NAME = {name: pattern for name, pattern, _c in URLS}


# Who has what in scope in the world (tests/conftest.py build_world and the records added to it).
#
# Which person each role has in scope, and one it has not. None: the role has no person in scope
# at all (roles without nominative access).
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
    Role.DPO: None,
    Role.HR: None,
    Role.FAMILY_WORKER: "family_parent",  # a parent of a family of their team
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
    Role.DPO: "child",
    Role.HR: "child",
    Role.FAMILY_WORKER: "child",
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
# Léa's house and village team: her house, its village, the village's admission requests and
# judge notices are theirs (never a whole house for the national director: a child's records,
# under a break-the-glass, only).
VILLAGE_TEAM = frozenset(
    {
        Role.HOUSE_PARENT,
        Role.FAMILY_AIDE,
        Role.HEAD_OF_SERVICE,
        Role.CLINICIAN,
        Role.ESTABLISHMENT_DIRECTOR,
    }
)
# Villages in scope for each role (None: none), and one out of it.
IN_VILLAGE = {
    **dict.fromkeys(VILLAGE_TEAM, ("village", "other_village")),
    # organisation-wide roles see every village of their organisation
    **dict.fromkeys(
        [Role.FINANCE, Role.NATIONAL_DIRECTOR, Role.TECH_ADMIN, Role.HR],
        ("village", "foreign_village"),
    ),
    # the O2R roles' establishment is the O2R service: no village in scope
    **dict.fromkeys([Role.O2R_COUNSELLOR, Role.O2R_LEAD], (None, "village")),
    **dict.fromkeys([Role.FUNDER, Role.YOUTH, Role.DPO], (None, "village")),
    # the family worker's establishment is the family-strengthening service
    **dict.fromkeys([Role.FAMILY_WORKER], (None, "village")),
}
# The records of Léa's file are in scope for the roles that follow her (her house, her village,
# herself); the outsider's for the national director, through the break-the-glass the test opens.
SEES_CHILD = VILLAGE_TEAM | {Role.YOUTH}
# Safeguarding incidents: the village's incident (reported by the house parent) is readable by
# its reporter, the village's head of service and director and the national director; nobody
# sees the other organisation's. Other staff (family aide, clinician) see no incident at all.
SEES_INCIDENT = frozenset(
    {
        Role.HOUSE_PARENT,
        Role.HEAD_OF_SERVICE,
        Role.ESTABLISHMENT_DIRECTOR,
        Role.NATIONAL_DIRECTOR,
    }
)
# O2R records: the world's O2R team's are in scope for its counsellor and the service's lead;
# the consortium partner's for neither (members never see each other's files).
O2R_ROLES = frozenset({Role.O2R_COUNSELLOR, Role.O2R_LEAD})


# What a URL's parameters name. Each sort fills the URL's parameters for a role from the world
# (the record it has in scope, or one it has not) and says whether that record is in the role's
# scope (None: the URL names no record).
class Names:
    def fill(self, world, role, in_scope):
        """(the URL's parameters, whether the record they name is in the role's scope)"""
        raise NotImplementedError

    def prepare(self, world):
        """What the world needs before the request (nothing by default)."""


class Nothing(Names):
    def fill(self, world, role, in_scope):
        return {}, None


class PersonFile(Names):
    """<reference>: the person the role has in scope, or one it has not."""

    def person(self, role, in_scope):
        """(the world's attribute of the person, whether they are in the role's scope)"""
        if in_scope and IN_SCOPE[role] is not None:
            return IN_SCOPE[role], True
        return OUT_OF_SCOPE[role], False

    def fill(self, world, role, in_scope):
        attr, in_scope = self.person(role, in_scope)
        return {"reference": getattr(world, attr).reference}, in_scope


class SiblingGroup(PersonFile):
    """<pk>: the sibling group of that person (one that does not exist if they have none)."""

    def fill(self, world, role, in_scope):
        attr, in_scope = self.person(role, in_scope)
        group = GROUP_OF.get(attr)
        return {"pk": getattr(world, group).pk if group else 999_999}, in_scope


class Village(Names):
    """<pk>: a village in the role's scope, or one out of it."""

    def fill(self, world, role, in_scope):
        mine, other = IN_VILLAGE[role]
        in_scope = in_scope and mine is not None
        return {"pk": getattr(world, mine if in_scope else other).pk}, in_scope


class Secret(Names):
    """<token>: a secret nobody holds (the personal ICS feed): 404 for everyone."""

    def fill(self, world, role, in_scope):
        return {"token": "jeton-inconnu"}, False


@dataclass(frozen=True)
class Record(Names):
    """<pk>: the world's record `attr` for the roles in `seen_by`; `other_<attr>` for the roles
    in `other_seen_by` (in their scope); out of scope, the one they do not see. With `child`,
    <reference> is the record's child too (Léa for `attr`, the outsider for `other_<attr>`)."""

    attr: str
    seen_by: frozenset
    other_seen_by: frozenset = frozenset()
    child: bool = False

    def fill(self, world, role, in_scope):
        mine, other = self.attr, f"other_{self.attr}"
        if role in self.other_seen_by:
            mine, other = other, mine
        in_scope = in_scope and (role in self.seen_by or role in self.other_seen_by)
        attr = mine if in_scope else other
        kwargs = {"pk": getattr(world, attr).pk}
        if self.child:
            kwargs["reference"] = (world.child if attr == self.attr else world.outsider).reference
        return kwargs, in_scope


class SeriousIncident(Record):
    """An incident qualified first as a serious malfunction to declare (the declaration's
    pages)."""

    def prepare(self, world):
        Incident.objects.filter(pk=world.incident.pk).update(
            status="qualified", category="other", severity="serious"
        )
        Incident.objects.update(serious_malfunction_to_declare=True)
        refresh_declaration_pending()


class IncidentTransmission(Record):
    """A transmission (information préoccupante) of the world's incident, and one of the other
    organisation's incident (the follow-up page)."""

    def prepare(self, world):
        from ancrage.safeguarding.models import Transmission

        for attr, incident in (
            ("transmission", world.incident),
            ("other_transmission", world.other_incident),
        ):
            setattr(
                world,
                attr,
                Transmission.objects.create(
                    incident=incident,
                    kind="information_preoccupante",
                    transmitted_at=incident.occurred_at,
                    recipient="CRIP du département",
                    created_by=incident.reporter,
                ),
            )


@dataclass(frozen=True)
class OwnJob(Names):
    """<pk>: a background job the role's user started (a finished export with its file, or a
    failed one), or one another user started: only its starter reaches a job."""

    state: str = "done"

    def fill(self, world, role, in_scope):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        from ancrage.kernel.models import Job

        others = [user for r, user in world.users.items() if r != role]
        starter = world.users[role] if in_scope else others[0]
        fields = {"state": self.state}
        if self.state == "done":
            fields["file"] = default_storage.save("jobs/matrix", ContentFile(b"PK"))
            fields.update(filename="rapport.xlsx", content_type="application/octet-stream")
        else:
            fields["failure"] = "La période est invalide."
        job = Job.objects.create(kind="o2r_report_xlsx", started_by=starter, **fields)
        return {"pk": job.pk}, in_scope


class Month(Names):
    """<year>/<month>: a past month (one's own time sheet: no record of anyone else)."""

    def fill(self, world, role, in_scope):
        return {"year": MONTH.year, "month": MONTH.month}, None


@dataclass(frozen=True)
class SectionMonth(Record):
    """<pk>/<year>/<month>: an analytic section's figure for a month."""

    def fill(self, world, role, in_scope):
        kwargs, in_scope = super().fill(world, role, in_scope)
        return {**kwargs, "year": MONTH.year, "month": MONTH.month}, in_scope


@dataclass(frozen=True)
class SectionYear(Record):
    """<pk>/<year>: an analytic section's budget for a year."""

    def fill(self, world, role, in_scope):
        kwargs, in_scope = super().fill(world, role, in_scope)
        return {**kwargs, "year": MONTH.year}, in_scope


@dataclass(frozen=True)
class ProgrammeYear(Record):
    """<pk>/<number>: the first agreement year of an O2R programme."""

    def fill(self, world, role, in_scope):
        kwargs, in_scope = super().fill(world, role, in_scope)
        return {**kwargs, "number": 1}, in_scope


@dataclass(frozen=True)
class CouncilRecord(Record):
    """A meeting of Léa's village's council with an opinion (`meeting`, `opinion`), and one of
    the other organisation's village (`other_meeting`, `other_opinion`): nobody here reaches
    the latter."""

    def prepare(self, world):
        from ancrage.participation.models import Council, Meeting, Opinion

        director = world.users[Role.ESTABLISHMENT_DIRECTOR]
        for prefix, village in (("", world.village), ("other_", world.foreign_village)):
            # once per test: a walk of several pages prepares it for each of them
            council, _created = Council.objects.get_or_create(
                establishment=village, defaults={"founded_on": datetime.date.today()}
            )
            meeting, _created = Meeting.objects.get_or_create(
                council=council,
                held_on=datetime.date.today(),
                defaults={"agenda": "Repas", "minutes": "", "recorded_by": director},
            )
            opinion, _created = Opinion.objects.get_or_create(
                meeting=meeting, kind="opinion", defaults={"text": "Plus de sorties"}
            )
            setattr(world, f"{prefix}meeting", meeting)
            setattr(world, f"{prefix}opinion", opinion)
            # a meeting of yesterday whose minutes are validated: published to the families
            published, _created = Meeting.objects.get_or_create(
                council=council,
                held_on=datetime.date.today() - datetime.timedelta(days=1),
                defaults={
                    "agenda": "Sorties",
                    "minutes": "Une sortie par mois",
                    "minutes_validated_on": datetime.date.today(),
                    "recorded_by": director,
                },
            )
            setattr(world, f"{prefix}published_meeting", published)
            # its internal rules, and Léa (or the outsider) a representative of the children
            document = council.documents.first()
            if document is None:
                from django.core.files.base import ContentFile

                document = council.documents.create(
                    kind="internal_rules",
                    effective_on=datetime.date.today(),
                    original_name="reglement.pdf",
                    content_type="application/pdf",
                    size=9,
                    uploaded_by=director,
                    file=ContentFile(b"%PDF-1.4\n", name="reglement.pdf"),
                )
            member, _created = council.members.get_or_create(
                college="children",
                name="Représentant",
                defaults={
                    "person": world.child if not prefix else world.outsider,
                    "term_start": datetime.date.today() - datetime.timedelta(days=1),
                    "term_end": datetime.date.today() + datetime.timedelta(days=365),
                },
            )
            consultation = village.consultations.first()
            if consultation is None:
                from ancrage.participation.models import Consultation

                consultation = Consultation.objects.create(
                    establishment=village,
                    title="Les repas",
                    opens_on=datetime.date.today(),
                    closes_on=datetime.date.today() + datetime.timedelta(days=7),
                    from_age=11,
                    created_by=director,
                )
                consultation.questions.create(position=1, text="Bon ?", choices="Oui\nNon")
            setattr(world, f"{prefix}consultation", consultation)
            setattr(world, f"{prefix}council_document", document)
            setattr(world, f"{prefix}council_member", member)


RETENTION_ROLES = frozenset({Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR, Role.DPO})


class RetentionRunOf(Names):
    """<pk>: a retention run of the world's organisation (its director, national director and
    DPO reach it), or one of the other organisation."""

    def fill(self, world, role, in_scope):
        from ancrage.privacy.models import RetentionRun

        in_scope = in_scope and role in RETENTION_ROLES
        organisation = world.organisation if in_scope else world.other_organisation
        run = RetentionRun.objects.create(
            organisation=organisation, started_by=world.users[Role.DPO]
        )
        return {"pk": run.pk}, in_scope


class HoldOf(Names):
    """<pk>: a hold Léa's village placed on her file (its director, the national director and
    the DPO reach it), or one of the other organisation's village."""

    def fill(self, world, role, in_scope):
        from ancrage.privacy.models import Hold

        in_scope = in_scope and role in RETENTION_ROLES
        village, person = (
            (world.village, world.child) if in_scope else (world.foreign_village, world.stranger)
        )
        hold = Hold.objects.create(
            person=person,
            establishment=village,
            reason="Demande du juge.",
            placed_by=world.users[Role.ESTABLISHMENT_DIRECTOR],
        )
        return {"pk": hold.pk}, in_scope


class SubjectRequestOf(Names):
    """<pk>: an access request received by Léa's village about her (its director, the national
    director and the DPO reach it), or one of the other organisation's village."""

    def fill(self, world, role, in_scope):
        import datetime

        from ancrage.privacy.models import SubjectRequest

        in_scope = in_scope and role in RETENTION_ROLES
        village, person = (
            (world.village, world.child) if in_scope else (world.foreign_village, world.stranger)
        )
        request = SubjectRequest.objects.create(
            person=person,
            establishment=village,
            requester_name="Demandeur",
            requester_quality="self",
            received_on=datetime.date(2026, 1, 5),
            due_on=datetime.date(2026, 2, 5),
            identity_check="Carte d'identité",
            identity_checked_by=world.users[Role.DPO],
        )
        return {"pk": request.pk}, in_scope


NOTHING = Nothing()
PERSON = PersonFile()
SIBLING_GROUP = SiblingGroup()
VILLAGE = Village()
SECRET = Secret()
HOUSE = Record("house", VILLAGE_TEAM)
INCIDENT = Record("incident", SEES_INCIDENT)
DECLARED_INCIDENT = SeriousIncident("incident", SEES_INCIDENT)
TRANSMISSION = IncidentTransmission("transmission", SEES_INCIDENT)
# A family of the family worker's team, and one of the other team of the service: no child of
# either is placed in a village, so village staff reach neither.
FAMILY_CASE = Record("family_case", frozenset({Role.FAMILY_WORKER}))
FAMILY_GOAL = Record("family_goal", frozenset({Role.FAMILY_WORKER}))
HOME_VISIT = Record("home_visit", frozenset({Role.FAMILY_WORKER}))
# A membership proposed in Léa's house: its village's director and the national director confirm
# it; nobody here reaches the one proposed in another organisation's village.
COUNCIL_MEETING = CouncilRecord("meeting", VILLAGE_TEAM | {Role.NATIONAL_DIRECTOR})
COUNCIL_OPINION = CouncilRecord("opinion", VILLAGE_TEAM | {Role.NATIONAL_DIRECTOR})
PUBLISHED_MEETING = CouncilRecord("published_meeting", VILLAGE_TEAM | {Role.NATIONAL_DIRECTOR})
COUNCIL_DOCUMENT = CouncilRecord("council_document", VILLAGE_TEAM | {Role.NATIONAL_DIRECTOR})
COUNCIL_MEMBER = CouncilRecord("council_member", VILLAGE_TEAM | {Role.NATIONAL_DIRECTOR})
# Léa sits on her village's council: she reads its documents from her space (the other
# village's never)
SEAT_DOCUMENT = CouncilRecord("council_document", frozenset({Role.YOUTH}))
CONSULTATION = CouncilRecord("consultation", VILLAGE_TEAM | {Role.NATIONAL_DIRECTOR})
# a consultation of Léa's village: she answers it from her space
OWN_CONSULTATION = CouncilRecord("consultation", frozenset({Role.YOUTH}))
PROPOSED_MEMBERSHIP = Record(
    "proposed_membership", frozenset({Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR})
)

# The staff register: the village's entry for its director, the national director and human
# resources; the other organisation's entry for none of them.
STAFF_MEMBER = Record(
    "staff_member",
    frozenset({Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR, Role.HR}),
)
# The code of conduct: the organisation's version, for those who keep its registers (the house
# parent, entered in the village's register, reads it too, but is walked with the other one).
CODE_OF_CONDUCT = Record(
    "code",
    frozenset({Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR, Role.HR}),
)


# Analytic accounting: the world's organisation's records are finance's; the other
# organisation's are nobody's here. The house parent's submitted time sheet is approved by the
# village's head of service and director.
FINANCE_RECORD = frozenset({Role.FINANCE})
VILLAGE_MANAGERS = frozenset({Role.HEAD_OF_SERVICE, Role.ESTABLISHMENT_DIRECTOR})


def child_record(attr, *, child=False):
    """A record of Léa's file (`attr`) and of the outsider's (`other_<attr>`)."""
    return Record(attr, SEES_CHILD, frozenset({Role.NATIONAL_DIRECTOR}), child)


def village_record(attr):
    """A record of Léa's village (`attr`) and of the other village (`other_<attr>`)."""
    return Record(attr, VILLAGE_TEAM)


def o2r_record(attr):
    """A record of the world's O2R team (`attr`) and of the consortium partner (`other_<attr>`)."""
    return Record(attr, O2R_ROLES)


@dataclass(frozen=True)
class Url:
    """A URL's line: what its parameters name, whether it is exercised with a POST (views that
    only accept POST, with an empty form), what an allowed request answers (a redirect, 422 for
    an empty form refused at its fields) and where an allowed redirect leads."""

    names: Names = NOTHING
    post: bool = False
    answers: int = 200
    to: str | None = None
    # roles whose allowed request is sent elsewhere (role -> where)
    sends: tuple = ()


def get(names=NOTHING, answers=200, to=None, sends=()):
    return Url(names, False, answers, to, tuple(sends))


def post(names=NOTHING, answers=200, to=None):
    return Url(names, True, answers, to)


# One line per URL of the project: a new URL needs its line here.
URL_TABLE = {
    "accounts:login": get(answers=302, to="/"),  # already logged in
    "accounts:logout": post(answers=302, to="/compte/connexion/"),
    # the device is already set up
    "accounts:two_factor_setup": get(answers=302, to="/compte/double-authentification/"),
    "accounts:two_factor_verify": get(),
    # memberships proposed by the administrator, confirmed or refused by a director
    "accounts:memberships": get(),
    "accounts:membership_confirm": post(
        PROPOSED_MEMBERSHIP, answers=302, to="/compte/affectations/"
    ),
    "accounts:membership_refuse": post(
        PROPOSED_MEMBERSHIP, answers=302, to="/compte/affectations/"
    ),
    # the PPE: its objectives and actions are those of the drafts (Léa's, the outsider's);
    # deleting one, setting an action's state or validating leads back to the PPE page
    # analytic accounting: approving or sending back a sheet leads back to the list
    "accounting:home": get(),
    "accounting:section_add": get(),
    "accounting:section_edit": get(Record("section", FINANCE_RECORD)),
    "accounting:agreement_add": get(),
    "accounting:agreement_edit": get(Record("agreement", FINANCE_RECORD)),
    "accounting:contracts": get(),
    "accounting:contract_add": get(),
    "accounting:contract_edit": get(Record("contract", FINANCE_RECORD)),
    "accounting:figures": get(),
    "accounting:export_csv": get(),
    "accounting:allocate": post(answers=302),  # to the allocation job's page
    "accounting:trace": get(
        SectionMonth(
            "section",
            frozenset({Role.FINANCE, Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR}),
        )
    ),
    "accounting:imports": get(),
    "accounting:import_start": post(answers=422),
    "accounting:categories": get(),
    "accounting:categories_default": post(answers=302, to="/comptabilite/categories/"),
    "accounting:category_edit": get(Record("category", FINANCE_RECORD)),
    "accounting:my_time": get(),
    "accounting:time_sheet": get(Month()),
    "accounting:approvals": get(),
    "accounting:approve": post(
        Record("time_sheet", VILLAGE_MANAGERS), answers=302, to="/comptabilite/temps/"
    ),
    "accounting:send_back": post(
        Record("time_sheet", VILLAGE_MANAGERS), answers=302, to="/comptabilite/temps/"
    ),
    # budgets: the village's for those who read its figures; the consortium's programme is the
    # finance's of the lead, the partner's own programme nobody's here
    "accounting:budgets": get(),
    "accounting:budget": get(
        SectionYear(
            "section",
            frozenset({Role.FINANCE, Role.ESTABLISHMENT_DIRECTOR, Role.NATIONAL_DIRECTOR}),
        )
    ),
    "accounting:budget_edit": get(SectionYear("section", FINANCE_RECORD)),
    "accounting:budget_arrest": post(
        Record("programme", FINANCE_RECORD), answers=302, to="/comptabilite/budgets/"
    ),
    # the financial report: the programme the world's organisation leads, for its finance, its
    # national director and its funder
    "accounting:financial_reports": get(),
    "accounting:financial_report": get(
        ProgrammeYear("programme", frozenset({Role.FINANCE, Role.NATIONAL_DIRECTOR, Role.FUNDER}))
    ),
    "accounting:financial_report_xlsx": get(
        ProgrammeYear("programme", frozenset({Role.FINANCE, Role.NATIONAL_DIRECTOR, Role.FUNDER}))
    ),
    "accounting:financial_report_pdf": get(
        ProgrammeYear("programme", frozenset({Role.FINANCE, Role.NATIONAL_DIRECTOR, Role.FUNDER}))
    ),
    "care:ppe": get(PERSON),
    "care:ppe_edit": get(PERSON),
    "care:ppe_validate": get(PERSON),
    "care:objective_add": get(PERSON),
    "care:objective_edit": get(child_record("objective", child=True)),
    "care:objective_delete": post(child_record("objective", child=True), answers=302),
    "care:action_add": get(child_record("objective", child=True)),
    "care:action_edit": get(child_record("ppe_action", child=True)),
    "care:action_delete": post(child_record("ppe_action", child=True), answers=302),
    "care:action_status": post(PERSON, answers=302),
    "care:review_add": get(PERSON),
    "care:review_plan": get(PERSON),
    # situation reports: an empty "sent on" date is refused at its field
    "care:report_create": get(PERSON),
    "care:report": get(child_record("report")),
    "care:report_pdf": get(child_record("report")),
    "care:report_sent": post(child_record("report"), answers=422),
    "care:person_deadlines": get(PERSON),
    "care:village_deadlines": get(VILLAGE),
    "care:autonomy": get(PERSON),
    "care:autonomy_edit": get(PERSON),
    "care:autonomy_support": get(PERSON),
    # the journal and the calendars: an empty correction, annotation or cancellation is
    # refused at its field
    "care:child_journal": get(PERSON),
    "care:house_journal": get(HOUSE),
    "care:entry_edit": post(child_record("journal_entry"), answers=422),
    "care:entry_annotate": post(child_record("journal_entry"), answers=422),
    "care:child_calendar": get(PERSON),
    "care:house_calendar": get(HOUSE),
    "care:appointment_create": get(PERSON),
    "care:appointment_edit": get(child_record("appointment")),
    "care:appointment_cancel": post(child_record("appointment"), answers=422),
    # the youth space: the young person's own pages (open or closed at her age, both answer)
    "participation:youth_home": get(),
    "participation:youth_project": get(),
    "participation:youth_appointments": get(),
    "participation:youth_feed_regenerate": post(),
    "participation:youth_feed_revoke": post(answers=302),
    "participation:youth_speak": get(),
    "participation:youth_message_new": get(),
    "participation:youth_concern_new": get(),
    "participation:youth_messages": get(),
    # the participation council: its village (in scope: the village's team and the national
    # director), a meeting and an opinion of it; a meeting's opinion added or its minutes
    # validated (none written: refused) lead back to the meeting
    "participation:council": get(VILLAGE),
    "participation:council_meeting_new": get(VILLAGE),
    "participation:council_election_new": get(VILLAGE),
    "participation:council_meeting": get(COUNCIL_MEETING),
    "participation:council_minutes_pdf": get(PUBLISHED_MEETING),
    "participation:council_opinion_add": post(COUNCIL_MEETING, answers=302),
    "participation:council_minutes_validate": post(COUNCIL_MEETING, answers=302),
    "participation:council_opinion_answer": get(COUNCIL_OPINION),
    "participation:council_document_new": get(VILLAGE),
    "participation:council_document": get(COUNCIL_DOCUMENT),
    "participation:council_member_file": get(COUNCIL_MEMBER),
    "participation:youth_council": get(),
    "participation:youth_council_document": get(SEAT_DOCUMENT),
    "participation:consultations": get(VILLAGE),
    "participation:consultation_new": get(VILLAGE),
    "participation:consultation": get(CONSULTATION),
    "participation:consultation_publish": get(CONSULTATION),
    "participation:youth_consultation": get(OWN_CONSULTATION),
    "participation:indicators": get(),
    "participation:consultation_codes": get(CONSULTATION),
    # a consultation answered on a shared tablet with a one-time code: no account needed
    "participation:tablet": get(),
    "care:my_calendar": get(),
    "care:feed_regenerate": post(),
    "care:feed_revoke": post(answers=302),
    "care:ics_feed": get(SECRET),
    # O2R: an empty form on a file is refused at its fields
    # family strengthening: the families, the referral, a family and the decision
    "families:list": get(),
    "families:refer": get(),
    "families:case": get(FAMILY_CASE),
    # the decision is taken (the families are supported): an empty decision is refused
    "families:decide": get(FAMILY_CASE),
    "families:end": get(FAMILY_CASE),
    "families:concern": get(FAMILY_CASE),
    # the support has not ended: the form is shown (its save is refused)
    "families:follow_up": get(FAMILY_CASE),
    # the support plan: validating a plan without a draft leads back to it with a message
    "families:plan": get(FAMILY_CASE),
    "families:goal_add": get(FAMILY_CASE),
    "families:plan_validate": post(FAMILY_CASE, answers=302),
    "families:plan_review": get(FAMILY_CASE),
    "families:action_add": get(FAMILY_GOAL),
    "families:goal_progress": get(FAMILY_GOAL),
    # home visits and the caseload
    "families:caseload": get(),
    "families:indicators": get(),
    "families:visit_plan": get(FAMILY_CASE),
    "families:visit_report": get(HOME_VISIT),
    "insertion:home": get(),
    "insertion:programme_add": get(),
    "insertion:programme_edit": get(o2r_record("programme")),
    "insertion:targets": get(o2r_record("programme")),
    "insertion:outreach_list": get(),
    "insertion:outreach_add": get(),
    "insertion:contacts": get(),
    "insertion:contact_add": get(),
    "insertion:contact_convert": get(o2r_record("contact")),
    "insertion:beneficiaries": get(),
    "insertion:beneficiary": get(o2r_record("beneficiary")),
    "insertion:eligibility": get(o2r_record("beneficiary")),
    "insertion:situation": get(o2r_record("beneficiary")),
    "insertion:accompaniment_open": get(o2r_record("beneficiary")),
    "insertion:extend": post(o2r_record("beneficiary"), answers=422),
    "insertion:barrier": post(o2r_record("beneficiary"), answers=422),
    "insertion:objective": post(o2r_record("beneficiary"), answers=422),
    "insertion:objective_close": post(o2r_record("o2r_objective"), answers=422),
    "insertion:action": post(o2r_record("beneficiary"), answers=422),
    "insertion:action_done": post(o2r_record("planned"), answers=422),
    "insertion:partner_referral": post(o2r_record("beneficiary"), answers=422),
    "insertion:remuneration": post(o2r_record("beneficiary"), answers=422),
    "insertion:exit": post(o2r_record("beneficiary"), answers=422),
    "insertion:follow_up": post(o2r_record("follow_up"), answers=422),
    "insertion:activities": get(),
    "insertion:activity_add": get(),
    "insertion:refer": get(PERSON),
    "insertion:referrals": get(),
    "insertion:referral_accept": post(o2r_record("referral"), answers=422),
    "insertion:report": get(),
    # the exports start a background job and lead to its page
    "insertion:report_pdf": post(answers=302, to="/taches/"),
    "insertion:report_xlsx": post(answers=302, to="/taches/"),
    "insertion:report_csv": post(answers=302, to="/taches/"),
    "people:edit": get(PERSON),
    "people:access_log": get(PERSON),
    "people:family_link_add": get(PERSON),
    "people:sibling_group_edit": get(SIBLING_GROUP),
    # placements: an empty acceptance or refusal of an admission is refused at its fields
    "placements:village_board": get(VILLAGE),
    "placements:waiting_list": get(VILLAGE),
    "placements:admission_create": get(VILLAGE),
    "placements:admission": get(village_record("admission")),
    "placements:admission_accept": post(village_record("admission"), answers=422),
    "placements:admission_decline": post(village_record("admission"), answers=422),
    "placements:judge_informed": post(village_record("notice"), answers=302),
    "placements:measure_create": get(PERSON),
    "placements:document_add": get(child_record("measure")),
    "placements:document": get(child_record("document")),
    "placements:move": get(PERSON),
    "placements:exit": get(PERSON),
    "placements:visits": get(PERSON),
    "placements:visit_plan": get(PERSON),
    "placements:visit_right_add": get(PERSON),
    "placements:visit_outcome": get(child_record("visit")),
    "placements:village_visits": get(VILLAGE),
    # safeguarding: an empty incident form is refused at its fields (or for a missing version)
    "safeguarding:report": get(VILLAGE),
    "safeguarding:draft": post(VILLAGE),
    "safeguarding:village_incidents": get(VILLAGE),
    "safeguarding:incident": get(INCIDENT),
    "safeguarding:qualify": post(INCIDENT, answers=422),
    "safeguarding:start": post(INCIDENT, answers=422),
    "safeguarding:action_add": post(INCIDENT, answers=422),
    "safeguarding:action_done": post(INCIDENT, answers=422),
    "safeguarding:close": post(INCIDENT, answers=422),
    "safeguarding:reopen": post(INCIDENT, answers=422),
    "safeguarding:declaration": get(DECLARED_INCIDENT),
    "safeguarding:declaration_pdf": get(DECLARED_INCIDENT),
    "safeguarding:declaration_prepare": post(DECLARED_INCIDENT, answers=422),
    "safeguarding:declaration_alert": post(DECLARED_INCIDENT, answers=422),
    "safeguarding:declaration_confirm": post(DECLARED_INCIDENT, answers=422),
    "safeguarding:declaration_inform": post(DECLARED_INCIDENT, answers=422),
    "safeguarding:transmission_add": get(INCIDENT),
    "safeguarding:transmission_follow_up": get(TRANSMISSION),
    "safeguarding:village_indicators": get(VILLAGE),
    "safeguarding:organisation_indicators": get(),
    "staff:home": get(),
    "staff:mine": get(),
    "staff:register": get(VILLAGE),
    "staff:member_add": get(VILLAGE),
    "staff:member": get(STAFF_MEMBER),
    "staff:member_change": get(STAFF_MEMBER),
    "staff:attestation_add": get(STAFF_MEMBER),
    "staff:signature_add": get(STAFF_MEMBER),
    "staff:training_add": get(STAFF_MEMBER),
    "staff:courses": get(),
    "staff:course_add": get(),
    "staff:sign": post(answers=302, to="/personnel/moi/"),
    "staff:codes": get(),
    "staff:code_publish": get(),
    "staff:code_document": get(CODE_OF_CONDUCT),
    # a young person's home is her space
    "web:home": get(sends=[(Role.YOUTH, "/mon-espace/")]),
    "web:health": get(),
    "web:health_ready": get(),
    # a background job: its page, its file and "relancer" (back to its page, with a message)
    "privacy:rules": get(),
    "privacy:holds": get(),
    "privacy:hold_add": get(),
    "privacy:archive_open": get(),
    "privacy:requests": get(),
    "privacy:request_add": get(),
    "privacy:request": get(SubjectRequestOf()),
    "privacy:request_extend": post(SubjectRequestOf(), answers=302, to="/protection-des-donnees/"),
    "privacy:request_review": post(SubjectRequestOf(), answers=302, to="/protection-des-donnees/"),
    "privacy:request_export": post(SubjectRequestOf(), answers=302, to="/protection-des-donnees/"),
    "privacy:request_decide": get(SubjectRequestOf()),
    "privacy:hold_lift": get(HoldOf()),
    "privacy:runs": get(),
    "privacy:run_start": post(answers=302, to="/taches/"),
    "privacy:run": get(RetentionRunOf()),
    # approving anonymises: the button first leads to the confirmation page
    "privacy:run_approve": post(RetentionRunOf()),
    # image rights: a consent and a photo on Léa's file and on the outsider's
    "privacy:image_rights": get(PERSON),
    "privacy:consent_add": get(PERSON),
    "privacy:consent_withdraw": get(child_record("image_consent")),
    "privacy:media_add": get(PERSON),
    "privacy:media_download": get(child_record("child_media")),
    "privacy:register": get(),
    "privacy:register_pdf": get(),
    "privacy:dpia": get(),
    "web:job": get(OwnJob()),
    "web:job_file": get(OwnJob()),
    "web:job_relaunch": post(OwnJob("failed"), answers=302, to="/taches/"),
    "web:person_search": get(),
    "web:person": get(PERSON),
    "web:break_glass": get(),
}


def line_of(name):
    if name not in URL_TABLE:
        pytest.fail(
            f"The URL {name!r} has no line in URL_TABLE ({__name__}): add one saying what its "
            "parameters name (NOTHING, PERSON, VILLAGE, a record...), get or post, and what an "
            "allowed request answers."
        )
    return URL_TABLE[name]


def url_for(name, pattern, world, role, in_scope):
    """The URL with its parameters filled from the world for the role, and whether the record
    it names is in the role's scope (None: the URL names no record)."""
    kwargs, record_in_scope = line_of(name).names.fill(world, role, in_scope)
    if set(kwargs) != set(pattern.pattern.converters):
        pytest.fail(
            f"The line of {name!r} in URL_TABLE fills {sorted(kwargs)}, its URL takes "
            f"{sorted(pattern.pattern.converters)}: say what its parameters name."
        )
    return reverse(name, kwargs=kwargs), record_in_scope


def expected_status(line, rule, role, record_in_scope):
    """What the table says: 403 without the right, 404 for a record out of scope, else what the
    URL answers when allowed."""
    if rule not in (PUBLIC, AUTHENTICATED) and not role_can(role, *rule):
        return 403
    if record_in_scope is False:
        return 404
    return line.answers


def test_every_url_has_a_rule_in_the_table():
    missing = [name for name, _p, callback in URLS if not hasattr(callback, "access_rule")]
    assert not missing, f"URLs without an access rule: {missing}"
    # and the rules name kinds and actions the table knows
    for name, _p, callback in URLS:
        rule = callback.access_rule
        if rule not in (PUBLIC, AUTHENTICATED):
            assert rule[0] in KINDS, f"{name} needs an unknown kind of record {rule[0]!r}"
            assert rule[1] in ACTIONS, f"{name} needs an unknown action {rule[1]!r}"


def test_every_url_has_one_line_in_url_table():
    names = [name for name, _p, _c in URLS]
    missing = [name for name in names if name not in URL_TABLE]
    assert not missing, f"URLs without a line in URL_TABLE: {missing}"
    stale = sorted(set(URL_TABLE) - set(names))
    assert not stale, f"Lines of URL_TABLE for URLs that no longer exist: {stale}"


def scopes_of(name):
    """A URL that names no record is asked once per role; one that names a record, once with a
    record in the role's scope and once with one out of it."""
    if isinstance(line_of(name).names, (Nothing, Secret)):
        return ("no_record",)
    return ("in_scope", "out_of_scope")


CASES = [
    (name, role, scope) for name, _p, _c in URLS for role in ROLES for scope in scopes_of(name)
]


@pytest.mark.parametrize(
    ("name", "role", "scope"), CASES, ids=[f"{n}-{r.value}-{s}" for n, r, s in CASES]
)
def test_permission_matrix(client, world, name, role, scope):
    pattern, callback = next((p, c) for n, p, c in URLS if n == name)
    line = line_of(name)
    line.names.prepare(world)
    if role == Role.NATIONAL_DIRECTOR:
        BreakGlass.objects.create(
            user=world.users[role],
            person=world.outsider,
            reason="Signalement grave transmis par le département",
            expires_at=timezone.now() + datetime.timedelta(minutes=30),
        )
    url, record_in_scope = url_for(name, pattern, world, role, scope == "in_scope")
    login(client, world.users[role])
    response = client.post(url) if line.post else client.get(url)
    expected = expected_status(line, callback.access_rule, role, record_in_scope)
    sent_to = dict(line.sends).get(role)
    if sent_to and expected == line.answers:
        expected, line = 302, Url(line.names, line.post, 302, sent_to)
    assert response.status_code == expected, (
        f"{role.value} on {url} ({scope}): {response.status_code}, table says {expected}"
    )
    if expected == 302 and line.to:
        assert response["Location"].startswith(line.to)
    # whatever the answer, nothing served to a logged-in user is kept by a cache
    assert_not_cached(response)


def assert_not_cached(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= directives, (
        f"{response.request['PATH_INFO']}: Cache-Control {response.get('Cache-Control')!r}"
    )


def first_allowed_role(rule):
    return next(
        (r for r in ROLES if rule in (PUBLIC, AUTHENTICATED) or role_can(r, *rule)), ROLES[0]
    )


@pytest.mark.parametrize("name", [n for n, _p, _c in URLS])
def test_personal_pages_are_not_cached(client, world, name):
    """Every page and download, as a role the table lets in, in scope: no-store, private."""
    pattern, callback = next((p, c) for n, p, c in URLS if n == name)
    line = line_of(name)
    line.names.prepare(world)
    role = first_allowed_role(callback.access_rule)
    if role == Role.NATIONAL_DIRECTOR:
        BreakGlass.objects.create(
            user=world.users[role],
            person=world.outsider,
            reason="Signalement grave transmis par le département",
            expires_at=timezone.now() + datetime.timedelta(minutes=30),
        )
    url, _in_scope = url_for(name, pattern, world, role, True)
    login(client, world.users[role])
    response = client.post(url) if line.post else client.get(url)
    assert response.status_code < 500
    assert_not_cached(response)


@pytest.mark.parametrize("name", [n for n, _p, _c in URLS])
def test_anonymous_is_sent_to_login_or_served_public_pages(client, world, name):
    pattern, callback = next((p, c) for n, p, c in URLS if n == name)
    line = line_of(name)
    # what the URL's record needs (a transmission, a qualified incident...): without it, the
    # world would name a record that only an earlier test of this worker had written
    line.names.prepare(world)
    # the URL as Léa's house parent reaches it
    url, record_in_scope = url_for(name, pattern, world, Role.HOUSE_PARENT, True)
    response = client.post(url) if line.post else client.get(url)
    if callback.access_rule == PUBLIC:
        assert response.status_code == (404 if record_in_scope is False else 200)
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
    """Every URL is asked by every role: twice (a record in scope, one out of it) when it names
    a record, once when it names none."""
    assert len(CASES) == sum(len(scopes_of(name)) for name, _p, _c in URLS) * len(ROLES)
    assert {name for name, _r, _s in CASES} == {name for name, _p, _c in URLS}
    with_records = [name for name, _p, _c in URLS if len(scopes_of(name)) == 2]
    assert all(URLS_BY_NAME[name].pattern.converters for name in with_records)
    assert len(URLS) >= 10


HREF = re.compile(r'(?:href|action|hx-post|hx-get)="(/[^"#?]*)')
GET_PAGES = [n for n, _p, _c in URLS if not URL_TABLE[n].post and URL_TABLE[n].answers == 200]


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_pages_offer_only_what_the_table_allows(client, world, role):
    """Every page a role reaches, in scope, links and posts only to URLs whose rule the table
    grants that role: no button that answers 403 (the links come from `{% url_if_allowed %}`)."""
    if role == Role.NATIONAL_DIRECTOR:
        BreakGlass.objects.create(
            user=world.users[role],
            person=world.outsider,
            reason="Signalement grave transmis par le département",
            expires_at=timezone.now() + datetime.timedelta(minutes=30),
        )
    login(client, world.users[role])
    offered = {}
    for name in GET_PAGES:
        pattern, callback = next((p, c) for n, p, c in URLS if n == name)
        if callback.access_rule not in (PUBLIC, AUTHENTICATED) and not role_can(
            role, *callback.access_rule
        ):
            continue
        line = line_of(name)
        line.names.prepare(world)
        url, in_scope = url_for(name, pattern, world, role, True)
        if in_scope is False:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for path in set(HREF.findall(response.content.decode())):
            try:
                match = resolve(path)
            except Resolver404:
                continue
            rule = getattr(match.func, "access_rule", PUBLIC)
            if rule not in (PUBLIC, AUTHENTICATED) and not role_can(role, *rule):
                offered.setdefault(path, url)
    assert not offered, f"{role.value} is offered what the table refuses: {offered}"
