"""`ancrage seed --scale demo`: deterministic, realistic, consistent with every rule."""

import datetime
import hashlib
import re
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from ancrage.accounts.models import Membership, MembershipEvent, User
from ancrage.care.models import PPE, Review, SituationReport
from ancrage.care.models.agenda import Appointment
from ancrage.care.models.autonomy import AutonomyProject
from ancrage.care.models.journal import JournalEntry
from ancrage.demo.accounting import clear_accounting
from ancrage.demo.o2r import clear_o2r
from ancrage.demo.safeguarding import FITS, HOUSE_EVENTS
from ancrage.demo.seeding import COMMUNES, DEMO_ACCOUNTS, DEMO_PASSWORD, SCALES, seed
from ancrage.families.models import FamilyCase
from ancrage.kernel.access import Role
from ancrage.organisation.models import Consortium, EfopTerritory, Establishment, Organisation, Unit
from ancrage.participation.models import (
    Concern,
    Consultation,
    Council,
    CouncilDocument,
    CouncilMember,
    Election,
    Meeting,
    YouthMessage,
)
from ancrage.people.models import Consent, FamilyLink, Person, SiblingGroup, SiblingGroupMember
from ancrage.people.services import inverse_kind
from ancrage.placements.models import (
    AdmissionRequest,
    JudgeNotification,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
    Visit,
    VisitRight,
)
from ancrage.privacy.models import Hold, SubjectRequest
from ancrage.safeguarding.models import Incident
from ancrage.staff.models import (
    Attestation,
    CodeOfConduct,
    CodeSignature,
    Course,
    StaffMember,
    Standing,
    Training,
)


def fingerprint():
    rows = Person.objects.order_by("reference").values_list(
        "reference", "first_names", "last_name", "birth_date"
    )
    links = FamilyLink.objects.order_by("person__reference", "relative__reference").values_list(
        "person__reference", "relative__reference", "kind"
    )
    return hashlib.sha256(repr((list(rows), list(links))).encode()).hexdigest()


@pytest.fixture
def demo(db):
    return seed("demo", quiet=True)


def test_demo_has_two_villages_of_ten_and_seven_houses_and_an_o2r_service_with_two_teams(demo):
    villages = Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).order_by("pk")
    assert villages.count() == SCALES["demo"].villages == 2
    assert [v.units.filter(kind=Unit.Kind.HOUSE).count() for v in villages] == [10, 7]
    o2r = Establishment.objects.get(name="Service O2R Loire-Atlantique")
    assert o2r.units.filter(kind=Unit.Kind.O2R_TEAM).count() == 2


def test_demo_has_staff_of_every_role_and_one_named_account_per_role(demo):
    assert {m.role for m in Membership.objects.all()} == set(Role)
    for username, _first, _last, role in DEMO_ACCOUNTS:
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        assert user.roles == {role}
    # every house has a house parent and a family aide
    for house in Unit.objects.houses():
        roles = set(house.memberships.values_list("role", flat=True))
        assert roles == {Role.HOUSE_PARENT, Role.FAMILY_AIDE}, house


def test_demo_never_overfills_a_house(demo):
    for house in Unit.objects.houses():
        assert Stay.objects.current(demo.anchor).filter(unit=house).count() <= house.capacity


def test_demo_children_live_in_sibling_groups_with_parents(demo):
    placed = Person.objects.filter(pk__in=Stay.objects.current(demo.anchor).values("child"))
    assert placed.count() > 60
    in_groups = placed.filter(sibling_membership__isnull=False).count()
    assert in_groups / placed.count() > 0.6
    for child in placed:
        kinds = set(FamilyLink.objects.filter(person=child).values_list("kind", flat=True))
        assert FamilyLink.Kind.MOTHER in kinds, child
    # some brothers and sisters live in another house: the sibling rule has cases to show
    split = 0
    for group_id in SiblingGroupMember.objects.values_list("group_id", flat=True).distinct():
        units = set(
            Stay.objects.current(demo.anchor)
            .filter(child__sibling_membership__group_id=group_id)
            .values_list("unit_id", flat=True)
        )
        split += len(units) > 1
    assert split >= 1


def test_demo_family_links_are_symmetric(demo):
    links = {
        (p, r): k for p, r, k in FamilyLink.objects.values_list("person_id", "relative_id", "kind")
    }
    sexes = dict(Person.objects.values_list("pk", "sex"))
    for (person, relative), kind in links.items():
        assert (relative, person) in links
        expected = inverse_kind(kind, Person(sex=sexes[person]))
        assert links[(relative, person)] == expected


def test_demo_parents_are_older_than_their_children_and_children_born_before_arriving(demo):
    for link in FamilyLink.objects.filter(kind__in=["mother", "father"]).select_related(
        "person", "relative"
    ):
        assert link.relative.age(link.person.birth_date) >= 15
    for stay in Stay.objects.select_related("child"):
        assert stay.child.birth_date <= stay.start_date


def test_demo_youth_account_is_a_placed_young_person_of_sixteen_or_more(demo):
    youth = User.objects.get(username="jeune")
    assert youth.person.age(demo.anchor) >= 16
    assert Stay.objects.current(demo.anchor).filter(child=youth.person).exists()


def test_seed_is_deterministic(db):
    anchor = datetime.date(2026, 9, 1)
    seed("demo", quiet=True, anchor=anchor)
    first = fingerprint()
    clear_accounting()
    clear_o2r()
    for model in (
        FamilyCase,  # its household goes with it
        Hold,  # the demo's data-protection records (ancrage/demo/privacy.py)
        SubjectRequest,
        Consent,
        Concern,  # a young person's concern keeps its incident
        YouthMessage,
        Consultation,  # its questions, counts, codes and who answered go with it
        CouncilDocument,
        CouncilMember,
        Election,
        Meeting,  # its opinions go with it
        Council,
        Review,
        PPE,
        SituationReport,
        JournalEntry,
        Appointment,
        AutonomyProject,
        Incident,  # its children, history, actions and declaration go with it
        Visit,
        VisitRight,
        JudgeNotification,
        SiblingSeparation,
        Stay,
        ProtectionMeasure,
        AdmissionRequest,
        Standing,  # the staff summary points at the latest attestation (RESTRICT)
        Attestation,
        Training,
        Course,
        CodeSignature,
        CodeOfConduct,
        StaffMember,
        MembershipEvent,  # kept when a membership goes: deleted first here
        Membership,
        SiblingGroupMember,
        SiblingGroup,
        FamilyLink,
        LogEntry,
        User,
        Person,
        Unit,
        Establishment,
        Consortium,
        Organisation,
        EfopTerritory,
    ):
        model.objects.all().delete()
    seed("demo", quiet=True, anchor=anchor)
    assert fingerprint() == first


def test_seed_command_prints_the_demo_accounts_and_refuses_a_full_database(db, capsys):
    out = StringIO()
    call_command("seed", "--scale", "demo", "--quiet", stdout=out)
    assert capsys.readouterr().err == ""  # --quiet: no progress bar, no step
    text = out.getvalue()
    assert DEMO_PASSWORD in text
    for username, *_ in DEMO_ACCOUNTS:
        assert username in text
    with pytest.raises(CommandError):
        call_command("seed", "--scale", "demo", "--quiet", stdout=StringIO())
    out = StringIO()
    call_command("seed", "--scale", "demo", "--if-empty", stdout=out)
    assert "rien à charger" in out.getvalue()
    # two villages, the O2R service, the consortium partner's O2R service and the
    # family-strengthening service
    assert Establishment.objects.annotate(n=Count("units")).count() == 5


def test_seed_command_shows_its_steps_with_progress_bars_and_timings(db, capsys):
    out = StringIO()
    call_command("seed", "--scale", "demo", stdout=out)
    progress = capsys.readouterr().err
    # the steps without a bar: their label, then their time
    for label in ("Équipes et comptes", "Vie des villages", "PPE, rapports, révisions"):
        assert re.search(rf"{label} +… \d+\.\d s\n", progress), label
    # the steps that write many rows: a tqdm bar each, left full on its line
    for label in ("Enfants et familles", "Journal", "Rendez-vous", "O2R : activités"):
        assert re.search(rf"{label}[^\r\n]* \[#{{30}}\] (\d+)/\1 ", progress), label
    assert "Validation de la transaction" in progress
    assert re.search(r"Données « demo » chargées en \d+\.\d s\.", out.getvalue())


def test_demo_shows_a_realistic_village_board(demo):
    """Measures for every placed child, justified separations with their judge notices, a
    waiting list, an arrival and departures to come."""
    placed = Stay.objects.current(demo.anchor)
    assert not placed.filter(measure__isnull=True).exists()
    assert ProtectionMeasure.objects.filter(legal_basis="judicial_placement").exists()
    assert SiblingSeparation.objects.count() >= 1
    assert JudgeNotification.objects.filter(kind="separation").count() == len(demo.splits)
    assert JudgeNotification.objects.pending().exists()
    villages = Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).order_by("pk")
    for village, on_the_list in zip(villages, (3, 5), strict=True):
        waiting = AdmissionRequest.objects.filter(establishment=village, status="waiting")
        assert waiting.count() == on_the_list
        assert waiting.first().urgency == AdmissionRequest.Urgency.EMERGENCY
        assert Stay.objects.filter(unit__establishment=village, start_date__gt=demo.anchor).exists()
        assert (
            Stay.objects.filter(unit__establishment=village, end_date__gt=demo.anchor).count() == 2
        )


def test_demo_has_family_visits_held_cancelled_and_planned(demo):
    assert VisitRight.objects.filter(mode="mediated").exclude(third_party="").exists()
    assert VisitRight.objects.filter(mode="suspended").exists()
    assert not Visit.objects.filter(right__mode="suspended").exists()
    statuses = set(Visit.objects.values_list("status", flat=True))
    assert statuses == {"planned", "held", "cancelled"}
    assert not Visit.objects.filter(status="held", starts_at__date__gt=demo.anchor).exists()
    assert not Visit.objects.filter(status="cancelled", cancelled_by="").exists()


def test_demo_has_a_membership_proposed_for_the_director_to_confirm(demo):
    from ancrage.accounts.queries import memberships_to_confirm
    from ancrage.demo.seeding import PROPOSED_ACCOUNT

    newcomer = User.objects.get(username=PROPOSED_ACCOUNT)
    assert newcomer.roles == set()  # proposed: no right yet
    director = User.objects.get(username="directrice")
    assert [m.user for m in memberships_to_confirm(director)] == [newcomer]
    # every named demo account's membership is confirmed
    assert not Membership.objects.filter(
        user__username__in=[a[0] for a in DEMO_ACCOUNTS], status="proposed"
    ).exists()


def test_the_seed_leaves_the_planner_statistics_of_every_table(demo):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'people_person'")
        else:
            cursor.execute("SELECT count(*) FROM pg_class WHERE relname = 'people_person'")
            cursor.execute(
                "SELECT count(*) FROM pg_class WHERE relname = 'people_person' AND reltuples > 0"
            )
        assert cursor.fetchone()[0] >= 1


@pytest.mark.django_db
def test_the_seeds_statistics_count_every_row_past_the_optimisations_limit():
    """The seed's ANALYZE reads every row: on SQLite the backend's analysis_limit (1,000
    entries per index, for PRAGMA optimize) would have taken 1,500 events of one user for
    about 1,000 per user, and the planner would have chosen that index as if selective."""
    from django.db import connection

    from ancrage.demo.seeding import analyze
    from ancrage.kernel.models import AccessEvent
    from ancrage.kernel.sqlite.base import ANALYSIS_LIMIT

    user = User.objects.create(username="lecteur")
    person = Person.objects.create(first_names="Lou", last_name="Bernard")
    rows = ANALYSIS_LIMIT + 500
    AccessEvent.objects.bulk_create(
        [AccessEvent(user=user, person=person, action="view", what="fiche") for _ in range(rows)]
    )
    analyze()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'core_accessevent' AND idx IN "
                "(SELECT name FROM pragma_index_list('core_accessevent') WHERE name LIKE "
                "'%user_id%')"
            )
            stats = {row[0] for row in cursor.fetchall()}
            # rows in the table, rows per user: every one counted
            assert stats == {f"{rows} {rows}"}
            cursor.execute("PRAGMA analysis_limit")
            assert cursor.fetchone()[0] == ANALYSIS_LIMIT  # the connection's own kept
        else:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'core_accessevent'")
            assert cursor.fetchone()[0] == rows


def test_demo_villages_differ_in_size_occupancy_and_waiting_list(demo):
    first, second = Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).order_by("pk")

    def free_beds(village):
        houses = Unit.objects.houses().filter(establishment=village)
        capacity = sum(h.capacity for h in houses)
        return capacity - Stay.objects.current(demo.anchor).filter(unit__in=houses).count()

    # the first leaves a bed free in every third house, the second is full but for one bed
    assert free_beds(first) >= 3
    assert free_beds(second) <= 1
    assert (
        AdmissionRequest.objects.filter(establishment=second, status="waiting").count()
        > AdmissionRequest.objects.filter(establishment=first, status="waiting").count()
    )


def test_demo_places_are_real_communes(demo):
    """No invented town ("Sainte DavidVille"): birthplaces and the postcode and commune of each
    address come from the list of real communes."""
    communes = {name for _postcode, name in COMMUNES}
    lines = {f"{postcode} {name}" for postcode, name in COMMUNES}
    people = Person.objects.exclude(birthplace="")
    assert people.exists()
    assert set(people.values_list("birthplace", flat=True)) <= communes
    addresses = Person.objects.exclude(address="").values_list("address", flat=True)
    assert addresses
    for address in addresses:
        assert address.rsplit(", ", 1)[1] in lines, address


def test_demo_incident_stories_fit_the_children_they_name(demo):
    """An adolescent girl's story names an adolescent girl; a runaway from middle school is old
    enough for it; a fight on the way back from school names no toddler."""
    for category, (low, high, sex) in FITS.items():
        for incident in Incident.objects.filter(category=category).prefetch_related(
            "involved__person"
        ):
            victims = [c.person for c in incident.involved.all() if c.role == "victim"]
            for person in victims:
                # ages on the day the demo is laid out around (the seeder's rule)
                age = person.age(demo.anchor)
                assert low <= age <= high, (category, age)
                assert sex is None or person.sex == sex, (category, person.sex)


def test_demo_house_events_name_no_child(demo):
    """A night without a qualified adult or the heating down happened to a house: no child is
    named as its victim, witness or author."""
    events = Incident.objects.filter(category__in=HOUSE_EVENTS)
    assert events.exists()
    assert not events.filter(involved__isnull=False).exists()
    # the other stories still name their child
    assert (
        not Incident.objects.exclude(category__in=HOUSE_EVENTS)
        .exclude(category="")
        .filter(involved__isnull=True)
        .exists()
    )


def test_demo_journal_notes_fit_the_child_they_are_about(demo):
    for entry in JournalEntry.objects.filter(
        child__isnull=False, level="house_team"
    ).select_related("child"):
        if entry.child.sex == "M":
            assert "seule" not in entry.text and "rentrée" not in entry.text, entry.text
        if entry.child.sex == "F":
            assert "rentré fatigué" not in entry.text, entry.text
        assert "·" not in entry.text, entry.text


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_seeds_analyze_leaves_the_clusters_shared_catalogs_alone():
    """On PostgreSQL the seed's ANALYZE names the database's own tables: a bare ANALYZE takes the
    shared catalogs too (the roles' pg_authid), and inside one seed's transaction it held them
    until that seed committed, so a second database seeded beside it waited behind it."""
    from django.db import connection

    from ancrage.demo.seeding import analyze

    Person.objects.create(first_names="Lou", last_name="Bernard")
    analyze()  # inside the test's transaction, as inside the seed's
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = pg_backend_pid() AND c.relisshared"
        )
        assert cursor.fetchall() == []
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'people_person'")
        assert cursor.fetchone()[0] >= 1
