"""Shared fixtures: a small world with two villages, an O2R service, one user per role, and
helpers to log in with a verified second factor."""

import datetime
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db.backends.signals import connection_created
from django.dispatch import receiver
from django.template import TemplateSyntaxError, engines
from django.template.context import BaseContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import settings as hypothesis_settings

import ancrage
from ancrage.accounts.models import User
from ancrage.kernel.access import Role
from ancrage.people.models import FamilyLink, Person, SiblingGroup, SiblingGroupMember
from ancrage.people.services import link_relatives
from ancrage.placements.models import JudgeNotification
from ancrage.placements.services import register_admission_request
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.organisation.factories import (
    FamilyTeamFactory,
    HouseFactory,
    O2RTeamFactory,
    OrganisationFactory,
    VillageFactory,
)
from tests.people.factories import PersonFactory, StayFactory

PASSWORD = "mot-de-passe-de-test-2026"

# Property tests check behaviour, never speed: no per-example deadline (a loaded CI machine made
# the 200 ms default fail a correct search test). Speed is measured by `make bench`.
hypothesis_settings.register_profile("ancrage", deadline=None)
hypothesis_settings.load_profile("ancrage")
ANCRAGE_DIR = str(Path(ancrage.__file__).resolve().parent)


class UndefinedTemplateVariable(str):
    """The templates' `string_if_invalid` during the tests: a variable that a template of Ancrage
    names and the view did not give fails the test, instead of printing nothing. Third-party
    templates (the admin site's) keep Django's silence."""

    def __mod__(self, variable):
        frame = sys._getframe(1)
        while frame is not None:
            context = frame.f_locals.get("context")
            if isinstance(context, BaseContext) and getattr(context, "template", None):
                if not str(context.template.origin.name).startswith(ANCRAGE_DIR):
                    return ""
                break
            frame = frame.f_back
        raise TemplateSyntaxError(f"Undefined template variable: {variable}")


@receiver(connection_created)
def unordered_selects_come_back_reversed(sender, connection, **kwargs):
    """On SQLite, a SELECT without ORDER BY returns its rows in reverse order during the tests: a
    page or a test that relies on the order of an unordered queryset fails here, instead of
    depending on the database's whim (PostgreSQL gives no order either)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA reverse_unordered_selects = ON")


@pytest.fixture(autouse=True, scope="session")
def undefined_template_variables_fail():
    engine = engines["django"].engine
    engine.string_if_invalid = UndefinedTemplateVariable("%s")
    yield
    engine.string_if_invalid = ""


def login(client, user: User, *, verified: bool = True):
    """Log `user` in; with `verified`, as if they had typed their second factor."""
    client.force_login(user)
    if verified:
        device, _ = TOTPDevice.objects.get_or_create(
            user=user, name="test", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@dataclass
class World:
    organisation: object
    other_organisation: object
    village: object
    other_village: object
    house: object
    second_house: object
    other_house: object
    o2r_team: object
    child: Person  # lives in `house`
    sibling: Person  # the child's brother, in `second_house` of the same village
    mother: Person
    former_child: Person  # left `house` last year
    outsider: Person  # lives in `other_village`
    outsider_sibling: Person
    stranger: Person  # belongs to another organisation's village
    foreign_village: object = None
    family_team: object = None  # a team of the organisation's family-strengthening service
    group: SiblingGroup = None
    outsider_group: SiblingGroup = None
    admission: object = None  # waiting for `village`
    other_admission: object = None  # waiting for `other_village`
    notice: object = None  # a judge notice of `village`
    other_notice: object = None
    users: dict = field(default_factory=dict)
    # Filled by the `case_files` fixture: Léa's records, and the outsider's.
    visit_right: object = None
    visit: object = None
    other_visit_right: object = None
    other_visit: object = None
    measure: object = None
    other_measure: object = None
    document: object = None
    other_document: object = None
    # Filled by the `incidents` fixture: an incident in `village` reported by the house parent
    # about Léa, and one in another organisation's village.
    incident: object = None
    other_incident: object = None
    # Filled by the `o2r_files` fixture (tests/insertion/factories.py: build_o2r).
    programme: object = None
    territory: object = None
    partner_team: object = None
    partner_counsellor: object = None
    beneficiary: object = None
    beneficiary_person: Person = None
    other_beneficiary: object = None
    other_beneficiary_person: Person = None
    contact: object = None
    other_contact: object = None
    follow_up: object = None
    other_follow_up: object = None
    referral: object = None
    other_referral: object = None
    # Filled by add_proposed_memberships: a house parent's membership proposed by the technical
    # administrator in Léa's house, and one in another organisation's village.
    proposed_membership: object = None
    other_proposed_membership: object = None


@pytest.fixture
def world(db):
    return build_world()


def build_world() -> World:
    """The world of the `world` fixture (also built once per module by the permission matrix)."""
    organisation = OrganisationFactory()
    other_organisation = OrganisationFactory(name="Autre association")
    village = VillageFactory(organisation=organisation, name="Village des Coteaux")
    other_village = VillageFactory(organisation=organisation, name="Village du Lac")
    foreign_village = VillageFactory(organisation=other_organisation, name="Village lointain")
    house = HouseFactory(establishment=village, name="Maison des Tilleuls")
    second_house = HouseFactory(establishment=village, name="Maison des Cèdres")
    other_house = HouseFactory(establishment=other_village, name="Maison du Lac")
    foreign_house = HouseFactory(establishment=foreign_village, name="Maison lointaine")
    o2r_team = O2RTeamFactory(establishment__organisation=organisation)
    family_team = FamilyTeamFactory(
        establishment__organisation=organisation, name="Équipe familles Nord"
    )

    child = PersonFactory(first_names="Léa", last_name="Martin")
    sibling = PersonFactory(first_names="Hugo", last_name="Martin", sex=Person.Sex.MALE)
    mother = PersonFactory(
        first_names="Sandrine",
        last_name="Martin",
        birth_name="Dubois",
        birth_date=datetime.date(1985, 3, 2),
    )
    former_child = PersonFactory(first_names="Inès", last_name="Roux")
    outsider = PersonFactory(first_names="Zoé", last_name="Petit")
    outsider_sibling = PersonFactory(first_names="Noé", last_name="Petit", sex=Person.Sex.MALE)
    stranger = PersonFactory(first_names="Yanis", last_name="Lointain", sex=Person.Sex.MALE)
    StayFactory(child=child, unit=house)
    StayFactory(child=sibling, unit=second_house)
    StayFactory(
        child=former_child,
        unit=house,
        start_date=datetime.date.today() - datetime.timedelta(days=900),
        end_date=datetime.date.today() - datetime.timedelta(days=300),
        exit_reason="return_to_family",
    )
    StayFactory(child=outsider, unit=other_house)
    StayFactory(child=outsider_sibling, unit=other_house)
    StayFactory(child=stranger, unit=foreign_house)
    link_relatives(child, sibling, FamilyLink.Kind.SIBLING)
    link_relatives(child, mother, FamilyLink.Kind.MOTHER)
    link_relatives(outsider, outsider_sibling, FamilyLink.Kind.SIBLING)

    w = World(
        organisation=organisation,
        other_organisation=other_organisation,
        village=village,
        other_village=other_village,
        house=house,
        second_house=second_house,
        other_house=other_house,
        o2r_team=o2r_team,
        child=child,
        sibling=sibling,
        mother=mother,
        former_child=former_child,
        outsider=outsider,
        outsider_sibling=outsider_sibling,
        stranger=stranger,
    )
    w.foreign_village = foreign_village
    w.family_team = family_team
    w.group = SiblingGroupMember.objects.get(person=child).group
    w.outsider_group = SiblingGroupMember.objects.get(person=outsider).group
    places = {
        Role.HOUSE_PARENT: {"unit": house},
        Role.FAMILY_AIDE: {"unit": house},
        Role.HEAD_OF_SERVICE: {"establishment": village},
        Role.CLINICIAN: {"establishment": village},
        Role.ESTABLISHMENT_DIRECTOR: {"establishment": village},
        Role.O2R_COUNSELLOR: {"unit": o2r_team},
        Role.O2R_LEAD: {"establishment": o2r_team.establishment},
        Role.FINANCE: {"organisation": organisation},
        Role.NATIONAL_DIRECTOR: {"organisation": organisation},
        Role.FUNDER: {"organisation": organisation},
        Role.TECH_ADMIN: {"organisation": organisation},
        Role.YOUTH: {},
        Role.DPO: {"organisation": organisation},
        Role.HR: {"organisation": organisation},
        Role.FAMILY_WORKER: {"unit": family_team},
    }
    for role, place in places.items():
        # Fixed names: tests check that children's names stay out of pages and documents, and a
        # staff member drawn at random could be called "Martin" like Léa.
        user = UserFactory(
            username=role.value,
            first_name="Agent",
            last_name=role.value.replace("_", "-").capitalize(),
            person=child if role == Role.YOUTH else None,
        )
        user.save()
        MembershipFactory(user=user, role=role, start_date=datetime.date(2024, 1, 1), **place)
        w.users[role] = User.objects.get(pk=user.pk)
    head = w.users[Role.HEAD_OF_SERVICE]
    w.admission = register_admission_request(
        establishment=village,
        children=[
            {"first_names": "Ambre", "last_name": "Lefort", "birth_date": datetime.date(2016, 4, 2)}
        ],
        by=head,
        departement="44",
    )
    w.other_admission = register_admission_request(
        establishment=other_village,
        children=[
            {"first_names": "Basile", "last_name": "Nadal", "birth_date": datetime.date(2015, 1, 9)}
        ],
        by=head,
        departement="49",
    )
    today = datetime.date.today()
    w.notice = JudgeNotification.objects.create(
        child=child,
        establishment=village,
        kind="separation",
        event_date=today,
        due_date=today,
        created_by=head,
    )
    w.other_notice = JudgeNotification.objects.create(
        child=outsider,
        establishment=other_village,
        kind="separation",
        event_date=today,
        due_date=today,
        created_by=head,
    )
    return w


def add_proposed_memberships(world):
    """Two memberships proposed by the technical administrator and not yet in force: a house
    parent for Léa's house, a head of service for another organisation's village."""
    from ancrage.accounts.models import Membership
    from ancrage.accounts.services import propose_membership

    admin = world.users[Role.TECH_ADMIN]
    for attr, place, role in (
        ("proposed_membership", {"unit": world.house}, Role.HOUSE_PARENT),
        (
            "other_proposed_membership",
            {"establishment": world.foreign_village},
            Role.HEAD_OF_SERVICE,
        ),
    ):
        user = UserFactory(first_name="Agent", last_name="Nouveau")
        membership = Membership(user=user, role=role, start_date=datetime.date(2024, 1, 1), **place)
        propose_membership(membership, admin)
        setattr(world, attr, membership)
    return world


@pytest.fixture
def case_files(world):
    return add_case_files(world)


def add_case_files(world):
    """Records attached to a child's file, for Léa (`child`) and for the outsider: a visit right
    and a planned visit, a protection measure with its judgment (a real, tiny PDF)."""
    from django.utils import timezone

    from ancrage.placements.services import (
        attach_document,
        plan_visit,
        record_measure,
        set_visit_right,
    )
    from tests.placements.factories import tiny_pdf, upload

    head = world.users[Role.HEAD_OF_SERVICE]
    today = datetime.date.today()
    soon = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    for prefix, child, relative, village in (
        ("", world.child, world.mother, world.village),
        ("other_", world.outsider, world.outsider_sibling, world.other_village),
    ):
        right = set_visit_right(
            child,
            relative,
            "mediated",
            third_party="Point rencontre de l'UDAF",
            frequency="Un samedi sur deux",
            start_date=today - datetime.timedelta(days=60),
            by=head,
        )
        setattr(world, f"{prefix}visit_right", right)
        visit = plan_visit(
            right, soon, soon + datetime.timedelta(hours=2), "Maison commune", by=head
        )
        setattr(world, f"{prefix}visit", visit)
        measure = record_measure(
            child=child,
            by=head,
            establishment=village,
            legal_basis="judicial_placement",
            authority="juvenile_judge",
            departement=village.departement,
            start_date=today - datetime.timedelta(days=200),
        )
        setattr(world, f"{prefix}measure", measure)
        document = attach_document(measure, "judgment", upload("jugement.pdf", tiny_pdf()), by=head)
        setattr(world, f"{prefix}document", document)
    return world


@pytest.fixture
def incidents(world):
    return add_incidents(world)


def add_incidents(world):
    """A safeguarding incident in `village`, reported by Léa's house parent (Léa a victim, her
    brother a witness), and one in the other organisation's village."""
    from django.utils import timezone

    from ancrage.safeguarding.models import Incident
    from ancrage.safeguarding.services import report_incident

    world.incident = report_incident(
        establishment=world.village,
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        place="Salle commune de la maison des Tilleuls",
        narrative="Léa a été bousculée violemment pendant le goûter.",
        adults_involved="Un intervenant extérieur présent",
        immediate_measures="Léa a été mise à l'abri et examinée par l'infirmière.",
        children=[(world.child, "victim"), (world.sibling, "witness")],
        by=world.users[Role.HOUSE_PARENT],
    )
    world.other_incident = Incident.objects.create(
        establishment=world.foreign_village,
        occurred_at=timezone.now() - datetime.timedelta(days=1),
        place="Jardin",
        narrative="Fugue signalée à la gendarmerie.",
        reporter=UserFactory(username="autre-association"),
    )
    world.other_incident.involved.create(person=world.stranger, role="victim")
    return world


@pytest.fixture
def o2r_files(world):
    """An O2R programme carried by a consortium: files in the world's O2R team and in a
    partner's service (out of scope for the world's O2R users)."""
    from tests.insertion.factories import build_o2r

    return build_o2r(world)


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path):
    """Uploaded documents go to a temporary folder, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "documents"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings, request):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    """Tests of concurrency and locking need PostgreSQL's row locks (SQLite locks the whole
    file): they run in the PostgreSQL pass of `.ci/run` and are left out of the SQLite pass,
    which says so in its header."""
    if _on_postgresql():
        return
    postgres_only = [item for item in items if item.get_closest_marker("postgres")]
    if postgres_only:
        config.hook.pytest_deselected(items=postgres_only)
        items[:] = [item for item in items if not item.get_closest_marker("postgres")]


def pytest_report_header(config):
    if not _on_postgresql():
        return (
            "SQLite: tests marked postgres (concurrency, locking) run in the PostgreSQL pass only"
        )
    return None


def run_worker(*args: str) -> None:
    """Run `ancrage worker --batch` in the test process, on the configured backend (the database
    backend in the tests): every job waiting is run by the real worker, then it stops. The
    worker installs its own signal handlers; the test runner's come back afterwards. Tests that
    run it are marked `django_db(transaction=True)`: the worker commits as it would in
    production."""
    import signal

    from django.core.management import call_command

    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in signals}
    try:
        call_command("worker", "--batch", *args, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)


def export_through_job(client, url, data):
    """POST an export button, follow it to its job page, run the worker, and download the file:
    (the job page once finished, the file's response)."""
    from django.urls import reverse

    from ancrage.kernel.models import Job

    started = client.post(url, data)
    assert started.status_code == 302, started
    job = Job.objects.get(pk=started["Location"].rstrip("/").rsplit("/", 1)[1])
    assert started["Location"] == reverse("web:job", args=[job.pk])
    run_worker()
    page = client.get(started["Location"])
    return page, client.get(reverse("web:job_file", args=[job.pk]))
