"""Deterministic demo and scale data: villages with houses and staff of every role, children in
sibling groups with their parents and relatives, an O2R service with two teams.

Everything is written with bulk inserts so the same code fills the demo (a few hundred rows)
and the large scale (hundreds of thousands)."""

from __future__ import annotations

import random
import sys
import time as time_module
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker
from tqdm import tqdm

from ancrage.accounts.models import Membership, User
from ancrage.accounts.services import propose_membership
from ancrage.demo.accounting import seed_accounting
from ancrage.demo.daily import seed_daily
from ancrage.demo.families import seed_families
from ancrage.demo.o2r import seed_o2r
from ancrage.demo.participation import seed_participation
from ancrage.demo.ppe import seed_ppe
from ancrage.demo.privacy import seed_privacy
from ancrage.demo.safeguarding import seed_incidents
from ancrage.demo.staff import seed_staff
from ancrage.kernel.access import Role
from ancrage.kernel.sqlite.base import ANALYSIS_LIMIT
from ancrage.organisation.models import Consortium, EfopTerritory, Establishment, Organisation, Unit
from ancrage.people.models import (
    FamilyLink,
    Person,
    SiblingGroup,
    SiblingGroupMember,
    new_reference,
)
from ancrage.placements.models import (
    JudgeNotification,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
    Visit,
    VisitRight,
)
from ancrage.placements.services import accept_admission, register_admission_request

DEMO_PASSWORD = "ancrage-demo-2026"  # noqa: S105 (printed on purpose: demo accounts only)

HOUSE_NAMES = [
    "Les Tilleuls",
    "Les Cèdres",
    "Les Érables",
    "Les Noisetiers",
    "Les Charmes",
    "Les Peupliers",
    "Les Saules",
    "Les Frênes",
    "Les Châtaigniers",
    "Les Merisiers",
]

EFOP_TERRITORIES = [
    ("44 Centre", "44"),
    ("44 Nord", "44"),
    ("44 Sud", "44"),
    ("49 Centre", "49"),
    ("53 Nord", "53"),
    ("72 Nord", "72"),
    ("72 Sud", "72"),
    ("85 Sud", "85"),
]

VILLAGE_SITES = [
    ("Carquefou", "44470", "44", "44 Centre"),
    ("Changé", "72560", "72", "72 Sud"),
    ("Laval", "53000", "53", "53 Nord"),
    ("Angers", "49000", "49", "49 Centre"),
    ("Saint-Nazaire", "44600", "44", "44 Sud"),
]

# Real French communes (postcode, name), for birthplaces and addresses: most around the demo's
# villages (Loire-Atlantique, Sarthe, Maine-et-Loire, Mayenne, Vendée), a few further away.
COMMUNES = [
    ("44000", "Nantes"),
    ("44800", "Saint-Herblain"),
    ("44400", "Rezé"),
    ("44600", "Saint-Nazaire"),
    ("44700", "Orvault"),
    ("44120", "Vertou"),
    ("44470", "Carquefou"),
    ("44240", "La Chapelle-sur-Erdre"),
    ("44340", "Bouguenais"),
    ("44220", "Couëron"),
    ("44110", "Châteaubriant"),
    ("44150", "Ancenis-Saint-Géréon"),
    ("44190", "Clisson"),
    ("44210", "Pornic"),
    ("44350", "Guérande"),
    ("44260", "Savenay"),
    ("72000", "Le Mans"),
    ("72560", "Changé"),
    ("72700", "Allonnes"),
    ("72300", "Sablé-sur-Sarthe"),
    ("72200", "La Flèche"),
    ("72190", "Coulaines"),
    ("49000", "Angers"),
    ("49300", "Cholet"),
    ("49400", "Saumur"),
    ("53000", "Laval"),
    ("53100", "Mayenne"),
    ("85000", "La Roche-sur-Yon"),
    ("85300", "Challans"),
    ("35000", "Rennes"),
    ("56000", "Vannes"),
    ("37000", "Tours"),
    ("86000", "Poitiers"),
    ("75011", "Paris"),
    ("69003", "Lyon"),
    ("59000", "Lille"),
    ("33000", "Bordeaux"),
    ("13013", "Marseille"),
]


def real_place(drawn: str) -> tuple[str, str]:
    """A real commune (postcode, name) standing for a place the generator made up (its invented
    towns, such as "Sainte René", read false): the same drawn text gives the same commune, so
    the data stay deterministic and the generator's other draws are unchanged."""
    return COMMUNES[zlib.crc32(drawn.encode()) % len(COMMUNES)]


SEPARATION_EXPLANATION = (
    "Aucune maison ne pouvait accueillir toute la fratrie à son arrivée ; "
    "les enfants se retrouvent chaque jour à la maison commune."
)
ADMISSION_NEEDS = "Suivi orthophonique pour le plus jeune ; scolarité à organiser à la rentrée."

# One named demo account per role: (username, first name, last name, role).
DEMO_ACCOUNTS = [
    ("parent.sos", "Claire", "Bertin", Role.HOUSE_PARENT),
    ("aide.familiale", "Nadia", "Haddad", Role.FAMILY_AIDE),
    ("chef.service", "Julien", "Morel", Role.HEAD_OF_SERVICE),
    ("psychologue", "Anne", "Le Goff", Role.CLINICIAN),
    ("directrice", "Sophie", "Lambert", Role.ESTABLISHMENT_DIRECTOR),
    ("conseiller.o2r", "Karim", "Benali", Role.O2R_COUNSELLOR),
    ("chef.file.o2r", "Hélène", "Roussel", Role.O2R_LEAD),
    ("gestionnaire", "Marc", "Fontaine", Role.FINANCE),
    ("direction.nationale", "Isabelle", "Garnier", Role.NATIONAL_DIRECTOR),
    ("financeur", "Paul", "Vidal", Role.FUNDER),
    ("admin.tech", "Thomas", "Renaud", Role.TECH_ADMIN),
    ("jeune", "", "", Role.YOUTH),
    ("dpo", "Camille", "Perrin", Role.DPO),
    ("rh", "Laure", "Masson", Role.HR),
    ("intervenante.familles", "Élodie", "Marchand", Role.FAMILY_WORKER),
]
# An account whose membership is proposed, not yet confirmed: no right until "directrice"
# confirms it.
PROPOSED_ACCOUNT = "nouveau.psychologue"


@dataclass(frozen=True)
class Scale:
    villages: int
    houses_per_village: int
    # Children who left over the years, per village (history), beside those placed today.
    former_children_per_village: int
    o2r_teams: int
    # Aunts and uncles recorded in each former child's family (at least, at most): they make
    # the persons table as large as a national one (300,000 persons at large scale).
    extended_relatives: tuple[int, int] = (0, 0)
    # The association-wide totals of the large scale (incidents, O2R files) multiplied by this:
    # the other volumes already grow with the villages, houses and children.
    volume: int = 1
    # The demo's second village is not the first one's twin: smaller (`second_village_houses`),
    # full but for one bed, and with a longer waiting list (0: every village alike).
    second_village_houses: int = 0


SCALES = {
    "demo": Scale(
        villages=2,
        houses_per_village=10,
        former_children_per_village=12,
        o2r_teams=2,
        second_village_houses=7,
    ),
    # Between the two, for plans and query counts on a database seeded in minutes (the volumes
    # per house, per village and per child of the large scale, over 12 villages; the O2R data
    # of the demo).
    "moderate": Scale(
        villages=12,
        houses_per_village=10,
        former_children_per_village=450,
        o2r_teams=4,
        extended_relatives=(2, 3),
    ),
    "large": Scale(
        villages=100,
        houses_per_village=10,
        former_children_per_village=450,
        o2r_teams=20,
        extended_relatives=(2, 3),
    ),
    # Three times the large scale (villages, children, relatives, journals, incidents, O2R
    # files): the growth line of the bench (3× ÷ large, bench/run.py).
    "triple": Scale(
        villages=300,
        houses_per_village=10,
        former_children_per_village=450,
        o2r_teams=60,
        extended_relatives=(2, 3),
        volume=3,
    ),
}


class World:
    """Builds the data. Rows are accumulated and flushed in batches."""

    BATCH = 5000

    def __init__(
        self, scale: Scale, seed: int = 2026, quiet: bool = False, anchor: date | None = None
    ):
        self.scale = scale
        # Everything is laid out around one day (today by default), so ages, stays and the
        # arrivals and departures to come look right whenever the demo is loaded; two runs with
        # the same anchor give the same rows.
        self.anchor = anchor or timezone.localdate()
        self.splits = []  # (separated child, [brothers and sisters], their house)
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.quiet = quiet
        self.password = make_password(DEMO_PASSWORD)
        self.accounts: list[tuple[str, str, str]] = []

    # People ------------------------------------------------------------------------------
    def person(
        self, *, last_name, sex, birth_date, first_names=None, birth_name="", **extra
    ) -> Person:
        first = first_names or (
            self.fake.first_name_female()
            if sex == Person.Sex.FEMALE
            else self.fake.first_name_male()
        )
        if self.rng.random() < 0.25:
            second = (
                self.fake.first_name_female()
                if sex == Person.Sex.FEMALE
                else self.fake.first_name_male()
            )
            if second != first:
                first = f"{first} {second}" if self.rng.random() < 0.6 else f"{first}-{second}"
        person = Person(
            reference=new_reference(self.rng),
            first_names=first,
            last_name=last_name,
            birth_name=birth_name,
            birth_date=birth_date,
            sex=sex,
            birthplace=real_place(self.fake.city())[1],
            nationality="française"
            if self.rng.random() < 0.85
            else self.rng.choice(
                ["marocaine", "algérienne", "portugaise", "roumaine", "guinéenne", "afghane"]
            ),
            languages="français"
            if self.rng.random() < 0.85
            else self.rng.choice(
                ["français, arabe", "français, portugais", "roumain, français", "pachto, dari"]
            ),
            **extra,
        )
        person.refresh_search_keys()
        return person

    def family(
        self, size: int, youngest_age_days: tuple[int, int] = (365, 14 * 365), extended: int = 0
    ):
        """`size` children (the youngest aged within `youngest_age_days` on the anchor day), their
        mother, a father (a second one for the youngest child of some groups: half-siblings),
        sometimes a grandparent, and `extended` aunts and uncles. Parents are 18 to 40 years older
        than the eldest child. Returns (children, adults, links as (person, relative, kind))."""
        youngest = self.rng.randint(*youngest_age_days)
        ages_days = sorted(
            (youngest + i * self.rng.randint(300, 900) for i in range(size)), reverse=True
        )
        eldest_birth = self.anchor - timedelta(days=ages_days[0])

        def born_before(birth, low_years, high_years):
            return birth - timedelta(days=self.rng.randint(low_years * 365, high_years * 365))

        surname = self.fake.last_name()
        if self.rng.random() < 0.2:
            surname = f"{surname}-{self.fake.last_name()}"
        mother_birth_name = self.fake.last_name()
        married = self.rng.random() < 0.5
        mother = self.person(
            last_name=surname if married else mother_birth_name,
            birth_name=mother_birth_name if married else "",
            sex=Person.Sex.FEMALE,
            birth_date=born_before(eldest_birth, 18, 36),
            phone=self.fake.phone_number(),
            address=self.address(),
        )
        fathers = [
            self.person(
                last_name=surname,
                sex=Person.Sex.MALE,
                birth_date=born_before(eldest_birth, 19, 40),
                phone=self.fake.phone_number(),
                address=self.address(),
            )
        ]
        half_siblings = size >= 3 and self.rng.random() < 0.3
        if half_siblings:
            fathers.append(
                self.person(
                    last_name=self.fake.last_name(),
                    sex=Person.Sex.MALE,
                    birth_date=born_before(eldest_birth, 16, 35),
                )
            )
        adults = [mother, *fathers]
        grandparent = None
        if self.rng.random() < 0.4:
            grandparent = self.person(
                last_name=mother_birth_name,
                sex=Person.Sex.FEMALE,
                birth_date=born_before(mother.birth_date, 18, 32),
                phone=self.fake.phone_number(),
                address=self.address(),
            )
            adults.append(grandparent)
        kin = []
        for _ in range(extended):
            sex = self.rng.choice([Person.Sex.FEMALE, Person.Sex.MALE])
            kin.append(
                self.person(
                    last_name=self.rng.choice([surname, mother_birth_name]),
                    sex=sex,
                    birth_date=born_before(eldest_birth, 14, 45),
                )
            )
        adults.extend(kin)
        children, child_father = [], []
        for i, days in enumerate(ages_days):
            father = fathers[1] if half_siblings and i >= size - 1 else fathers[0]
            sex = self.rng.choice([Person.Sex.FEMALE, Person.Sex.MALE])
            children.append(
                self.person(
                    last_name=father.last_name,
                    sex=sex,
                    birth_date=self.anchor - timedelta(days=days),
                )
            )
            child_father.append(father)
        links = []
        K = FamilyLink.Kind
        for child, father in zip(children, child_father, strict=True):
            links.append((child, mother, K.MOTHER))
            links.append((child, father, K.FATHER))
            if grandparent:
                links.append((child, grandparent, K.GRANDPARENT))
            for relative in kin:
                links.append((child, relative, K.OTHER_RELATIVE))
        for i, a in enumerate(children):
            for j in range(i + 1, size):
                same_father = child_father[i] is child_father[j]
                links.append((a, children[j], K.SIBLING if same_father else K.HALF_SIBLING))
        return children, adults, links

    def houses_in(self, index: int) -> int:
        """The houses of the village at `index`."""
        if index == 1 and self.scale.second_village_houses:
            return self.scale.second_village_houses
        return self.scale.houses_per_village

    def full(self, village_index: int, house_index: int) -> int:
        """The beds the placement leaves free in a house: one in every third house, but in the
        demo's second village, full but for its first house's bed."""
        if village_index == 1 and self.scale.second_village_houses:
            return 1 if house_index == 0 else 0
        return 1 if house_index % 3 == 0 else 0

    def address(self) -> str:
        """A street drawn by the generator, in a real commune."""
        street, _invented = self.fake.address().split("\n", 1)
        postcode, commune = real_place(_invented)
        return f"{street}, {postcode} {commune}"

    # Build -------------------------------------------------------------------------------
    @transaction.atomic
    def build(self):
        organisation = Organisation.objects.create(
            name="Villages d'enfants Ancrage", kind=Organisation.Kind.ASSOCIATION, siren="775664261"
        )
        partner = Organisation.objects.create(
            name="Insertion Solidaire 44", kind=Organisation.Kind.ASSOCIATION, siren="812345672"
        )
        territories = {
            name: EfopTerritory.objects.create(name=name, departement=dep)
            for name, dep in EFOP_TERRITORIES
        }
        villages, houses = [], []
        for i in range(self.scale.villages):
            commune, postcode, dep, territory = VILLAGE_SITES[i % len(VILLAGE_SITES)]
            suffix = f" {i // len(VILLAGE_SITES) + 1}" if i >= len(VILLAGE_SITES) else ""
            villages.append(
                Establishment(
                    organisation=organisation,
                    kind=Establishment.Kind.VILLAGE,
                    name=f"Village d'enfants de {commune}{suffix}",
                    address=self.fake.street_address(),
                    postcode=postcode,
                    commune=commune,
                    departement=dep,
                    efop_territory=territories[territory],
                )
            )
        Establishment.objects.bulk_create(villages)
        for v, village in enumerate(villages):
            for h in range(self.houses_in(v)):
                capacity = 4 if h % 5 == 4 else 5
                houses.append(
                    Unit(
                        establishment=village,
                        kind=Unit.Kind.HOUSE,
                        name=f"Maison {HOUSE_NAMES[h % len(HOUSE_NAMES)]}"
                        + (f" {h // len(HOUSE_NAMES) + 1}" if h >= len(HOUSE_NAMES) else ""),
                        capacity=capacity,
                    )
                )
        Unit.objects.bulk_create(houses)
        o2r = Establishment.objects.create(
            organisation=organisation,
            kind=Establishment.Kind.O2R_SERVICE,
            name="Service O2R Loire-Atlantique",
            address="12 rue de la Paix",
            postcode="44000",
            commune="Nantes",
            departement="44",
            efop_territory=territories["44 Centre"],
        )
        team_names = ["Équipe Nantes Nord", "Équipe Saint-Nazaire"]
        teams = Unit.objects.bulk_create(
            [
                Unit(
                    establishment=o2r,
                    kind=Unit.Kind.O2R_TEAM,
                    name=team_names[t] if t < len(team_names) else f"Équipe {t + 1}",
                )
                for t in range(self.scale.o2r_teams)
            ]
        )
        family_service = Establishment.objects.create(
            organisation=organisation,
            kind=Establishment.Kind.FAMILY_STRENGTHENING,
            name="Service de renforcement familial Loire-Atlantique",
            address="3 place du Commerce",
            postcode="44000",
            commune="Nantes",
            departement="44",
        )
        family_team = Unit.objects.create(
            establishment=family_service, kind=Unit.Kind.TEAM, name="Équipe familles Nantes"
        )
        consortium = Consortium.objects.create(
            name="Consortium O2R Pays de la Loire", lead=organisation
        )
        consortium.members.set([organisation, partner])

        # Each step reads what the steps before it wrote (children by age and village, their
        # stays...): without statistics, PostgreSQL plans those reads inside the seeding
        # transaction as loops over whole tables (one took more than six minutes at the large
        # scale, on tables left with dead rows by an interrupted seed). The planner's statistics
        # are gathered again after each step that writes many rows.
        youth = self.place_children(villages, houses)
        analyze()
        with self.step("Équipes et comptes"):
            self.create_staff(organisation, villages, houses, o2r, teams, youth, family_team)
        with self.step("Vie des villages"):
            self.village_life(villages, houses)
        with self.step("PPE, rapports, révisions"):
            seed_ppe(self)
        analyze()
        seed_daily(self)  # its own progress bars (journal, appointments)
        analyze()
        with self.step("Signalements"):
            seed_incidents(self)
        seed_o2r(self, o2r, teams, consortium, partner, territories)
        analyze()
        seed_participation(self)  # children's voice (ancrage/demo/participation.py)
        seed_families(self, organisation)
        seed_privacy(self)
        seed_accounting(self)
        # Last, so that no seeder above takes the newcomer for a member of the team.
        self.propose_newcomer(villages[0])
        seed_staff(self)
        self.note("Validation de la transaction (contrôles des clés étrangères)…")

    def propose_newcomer(self, village):
        """A psychologist's account whose membership the technical administrator proposed and
        the village's director has still to confirm (`/compte/affectations/`)."""
        newcomer = User.objects.create(
            username=PROPOSED_ACCOUNT,
            first_name="Léon",
            last_name="Perrin",
            email=f"{PROPOSED_ACCOUNT}@ancrage.example",
            password=self.password,
        )
        propose_membership(
            Membership(
                user=newcomer,
                role=Role.CLINICIAN,
                establishment=village,
                start_date=self.anchor,
            ),
            User.objects.get(username="admin.tech"),
        )

    @contextmanager
    def step(self, label: str):
        """A step without a bar of its own: its name, then its time on stderr."""
        started = time_module.monotonic()
        if not self.quiet:
            sys.stderr.write(f"{label:<30} …")
            sys.stderr.flush()
        yield
        if not self.quiet:
            sys.stderr.write(f" {time_module.monotonic() - started:.1f} s\n")

    def note(self, text: str) -> None:
        if not self.quiet:
            sys.stderr.write(text + "\n")

    def progress(self, label: str, total: int) -> tqdm:
        """A step's progress bar on stderr, for the steps that write many rows (the seed can take
        minutes at large scale); nothing with `quiet`. Closed (or used as a context manager)
        when the step ends."""
        return tqdm(
            total=total,
            desc=label,
            file=sys.stderr,
            disable=self.quiet,
            bar_format="{desc:<30} [{bar:30}] {n_fmt}/{total_fmt} {elapsed}",
            ascii=".#",
        )

    def place_children(self, villages, houses):
        """Fill each house with sibling groups, leaving a few beds free; split some large
        groups across houses, as real life does; add children who left in earlier years."""
        by_village = {}
        for house in houses:
            by_village.setdefault(house.establishment_id, []).append(house)
        progress = self.progress("Enfants et familles", len(villages))
        persons, links, stays, groups = [], [], [], []
        youth = None
        occupied = {house.pk: 0 for house in houses}
        for v, village in enumerate(villages):
            village_houses = by_village[village.pk]
            for index, house in enumerate(village_houses):
                free = house.capacity - self.full(v, index) - occupied[house.pk]
                while free > 0:
                    size = min(free, self.rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5]))
                    # One group in four has one more child, living in the next house.
                    other = village_houses[(index + 1) % len(village_houses)]
                    split = (
                        size >= 2
                        and self.rng.random() < 0.25
                        and index + 1 < len(village_houses)
                        and occupied[other.pk] < other.capacity - 1
                    )
                    children, adults, family_links = self.family(size + split)
                    if split:
                        occupied[other.pk] += 1
                        separated = children[size]
                        self.splits.append((separated, children[:size], house))
                        days = (self.anchor - separated.birth_date).days
                        stays.append(
                            (
                                separated,
                                other,
                                self.anchor - timedelta(days=self.rng.randint(20, min(900, days))),
                            )
                        )
                    youngest_days = (self.anchor - children[size - 1].birth_date).days
                    start = self.anchor - timedelta(
                        days=self.rng.randint(20, min(2000, youngest_days))
                    )
                    for child in children[:size]:
                        stays.append((child, house, start))
                    persons.extend(children + adults)
                    links.extend(family_links)
                    groups.append(children)
                    free -= size
                    occupied[house.pk] += size
                    if (
                        youth is None
                        and children[0].age(self.anchor) is not None
                        and children[0].age(self.anchor) >= 16
                    ):
                        youth = children[0]
            low, high = self.scale.extended_relatives
            for _ in range(self.scale.former_children_per_village):
                since = self.rng.randint(2000, 15 * 365)
                children, adults, family_links = self.family(
                    self.rng.choice([1, 2, 3]),
                    youngest_age_days=(since + 30, since + 12 * 365),
                    extended=self.rng.randint(low, high) if high else 0,
                )
                house = self.rng.choice(village_houses)
                start = self.anchor - timedelta(days=since)
                end = start + timedelta(days=self.rng.randint(180, 6 * 365))
                for child in children:
                    stays.append((child, house, start, end))
                persons.extend(children + adults)
                links.extend(family_links)
                groups.append(children)
            progress.update()
            if len(persons) > self.BATCH:
                self.flush(persons, links, stays, groups)
                persons, links, stays, groups = [], [], [], []
        progress.close()
        self.flush(persons, links, stays, groups)
        if youth is None:
            youth = (
                Person.objects.filter(stays__end_date__isnull=True).order_by("birth_date").first()
            )
        return youth

    def flush(self, persons, links, stays, groups):
        Person.objects.bulk_create(persons, batch_size=2000)
        rows = []
        for person, relative, kind in links:
            rows.append(FamilyLink(person=person, relative=relative, kind=kind))
            inverse = {
                FamilyLink.Kind.MOTHER: FamilyLink.Kind.CHILD,
                FamilyLink.Kind.FATHER: FamilyLink.Kind.CHILD,
                FamilyLink.Kind.GRANDPARENT: FamilyLink.Kind.GRANDCHILD,
            }.get(kind, kind)
            rows.append(FamilyLink(person=relative, relative=person, kind=inverse))
        FamilyLink.objects.bulk_create(rows, batch_size=5000)
        stay_rows = []
        for item in stays:
            child, house, start, *rest = item
            end = rest[0] if rest else None
            stay_rows.append(
                Stay(
                    child=child,
                    unit=house,
                    start_date=start,
                    end_date=end,
                    exit_reason=self.rng.choice(
                        [
                            Stay.ExitReason.RETURN_TO_FAMILY,
                            Stay.ExitReason.MAJORITY,
                            Stay.ExitReason.AUTONOMY,
                        ]
                    )
                    if end
                    else "",
                )
            )
        measures = [self.measure_for(stay) for stay in stay_rows]
        ProtectionMeasure.objects.bulk_create(measures, batch_size=5000)
        for stay, measure in zip(stay_rows, measures, strict=True):
            stay.measure = measure
        Stay.objects.bulk_create(stay_rows, batch_size=5000)
        sibling_groups = [g for g in groups if len(g) >= 2]
        created = SiblingGroup.objects.bulk_create(
            [SiblingGroup(name=f"Fratrie {g[0].last_name}") for g in sibling_groups],
            batch_size=5000,
        )
        SiblingGroupMember.objects.bulk_create(
            [
                SiblingGroupMember(group=group, person=child)
                for group, children in zip(created, sibling_groups, strict=True)
                for child in children
            ],
            batch_size=5000,
        )

    def measure_for(self, stay: Stay) -> ProtectionMeasure:
        """The measure a stay is lived under: mostly judicial placements, some agreements with
        the family, support of young adults past 18."""
        village = stay.unit.establishment
        adult = stay.child.age(self.anchor) >= 18 and stay.end_date is None
        if adult:
            basis, authority = (
                ProtectionMeasure.LegalBasis.YOUNG_ADULT_SUPPORT,
                ProtectionMeasure.Authority.DEPARTMENT_PRESIDENT,
            )
        elif self.rng.random() < 0.8:
            basis, authority = (
                ProtectionMeasure.LegalBasis.JUDICIAL_PLACEMENT,
                ProtectionMeasure.Authority.JUVENILE_JUDGE,
            )
        else:
            basis, authority = (
                ProtectionMeasure.LegalBasis.ADMINISTRATIVE_AGREEMENT,
                ProtectionMeasure.Authority.DEPARTMENT_PRESIDENT,
            )
        start = max(
            stay.start_date - timedelta(days=self.rng.randint(0, 10)), stay.child.birth_date
        )
        return ProtectionMeasure(
            child=stay.child,
            establishment=village,
            legal_basis=basis,
            authority=authority,
            departement=village.departement,
            ase_referent_name=f"{self.fake.first_name()} {self.fake.last_name()}",
            ase_referent_contact=self.fake.phone_number(),
            start_date=start,
            end_date=stay.end_date,
            review_date=None
            if stay.end_date
            else self.anchor + timedelta(days=self.rng.randint(15, 700)),
        )

    def village_life(self, villages, houses):
        """What a head of service finds on the board: the justifications of the separated
        siblings with their judge notices, a waiting list, arrivals and departures to come."""
        heads = {
            m.establishment_id: m.user
            for m in Membership.objects.filter(role=Role.HEAD_OF_SERVICE).select_related("user")
        }
        stay_of = {
            s.child_id: s
            for s in Stay.objects.filter(
                end_date__isnull=True, child__in=[c for c, _s, _h in self.splits]
            )
        }
        separations, notices = [], []
        for index, (child, siblings, house) in enumerate(self.splits):
            stay = stay_of[child.pk]
            author = heads[house.establishment_id]
            for sibling in siblings:
                separations.append(
                    SiblingSeparation(
                        child=child,
                        sibling=sibling,
                        stay=stay,
                        reason=SiblingSeparation.Reason.NO_ROOM_TOGETHER,
                        explanation=SEPARATION_EXPLANATION,
                        author=author,
                    )
                )
            due = stay.start_date + timedelta(days=2)
            notices.append(
                JudgeNotification(
                    child=child,
                    establishment_id=house.establishment_id,
                    kind=JudgeNotification.Kind.SEPARATION,
                    event_date=stay.start_date,
                    due_date=due,
                    stay=stay,
                    # one in five is still to do: the board and the deadlines have work to show
                    sent_on=None if index % 5 == 0 else due - timedelta(days=1),
                    created_by=author,
                )
            )
        SiblingSeparation.objects.bulk_create(separations, batch_size=5000)
        JudgeNotification.objects.bulk_create(notices, batch_size=5000)
        if self.scale.villages > 10:
            return  # the waiting lists, movements and visits below are for the demo's eyes
        self.family_visits(villages, heads)
        by_village = {}
        for house in houses:
            by_village.setdefault(house.establishment_id, []).append(house)
        for v, village in enumerate(villages):
            head = heads[village.pk]
            requests = []
            waiting = [(1, 3, 2), (2, 2, 20), (3, 4, 45)]
            if v == 1 and self.scale.second_village_houses:
                waiting += [(2, 1, 60), (3, 2, 90)]  # the full village's longer waiting list
            for urgency, size, days_ago in [*waiting, (3, 1, 10)]:
                children, _adults, _links = self.family(size)
                requests.append(
                    register_admission_request(
                        establishment=village,
                        children=[
                            {
                                "reference": new_reference(self.rng),
                                "first_names": c.first_names,
                                "last_name": c.last_name,
                                "birth_date": c.birth_date,
                                "sex": c.sex,
                            }
                            for c in children
                        ],
                        by=head,
                        departement=village.departement,
                        urgency=urgency,
                        received_on=self.anchor - timedelta(days=days_ago),
                        ase_referent_name=f"{self.fake.first_name()} {self.fake.last_name()}",
                        ase_referent_contact=self.fake.phone_number(),
                        needs=ADMISSION_NEEDS,
                        visit_arrangements="Visites médiatisées de la mère un samedi sur deux.",
                        wished_start_date=self.anchor + timedelta(days=14),
                    )
                )
            # The single child's request is accepted: an arrival in a free bed in two weeks.
            single = requests[-1]
            free_house = next(
                h
                for h in by_village[village.pk]
                if Stay.objects.current(self.anchor + timedelta(days=14)).filter(unit=h).count()
                < h.capacity
            )
            accept_admission(
                single,
                houses={c.pk: free_house for c in single.children.all()},
                start_date=self.anchor + timedelta(days=14),
                by=head,
            )
            # Two of the eldest leave soon: majority and autonomy.
            leaving = (
                Stay.objects.filter(unit__establishment=village, end_date__isnull=True)
                .select_related("child")
                .order_by("child__birth_date")[:2]
            )
            for n, stay in enumerate(leaving):
                stay.end_date = self.anchor + timedelta(days=20 + 15 * n)
                stay.exit_reason = Stay.ExitReason.AUTONOMY if n else Stay.ExitReason.MAJORITY
                stay.save(update_fields=["end_date", "exit_reason"])

    def family_visits(self, villages, heads):
        """Each placed child's mother has a visit right (free, accompanied, mediated with a named
        third party, now and then suspended); visits held or cancelled in the last weeks, others
        planned in the next four."""
        paris = timezone.get_current_timezone()
        mothers = dict(
            FamilyLink.objects.filter(
                kind=FamilyLink.Kind.MOTHER,
                person__in=Stay.objects.current(self.anchor).values("child"),
            ).values_list("person_id", "relative_id")
        )
        village_of = dict(
            Stay.objects.current(self.anchor).values_list("child_id", "unit__establishment_id")
        )
        modes = [VisitRight.Mode.MEDIATED, VisitRight.Mode.ACCOMPANIED, VisitRight.Mode.FREE]
        rights, visits = [], []
        for n, (child_id, mother_id) in enumerate(sorted(mothers.items())):
            mode = VisitRight.Mode.SUSPENDED if n % 11 == 5 else modes[n % 3]
            right = VisitRight(
                child_id=child_id,
                relative_id=mother_id,
                mode=mode,
                third_party="Éducatrice du service de médiation familiale"
                if mode == VisitRight.Mode.MEDIATED
                else "",
                frequency=self.rng.choice(
                    ["Un samedi sur deux", "Une fois par mois", "Chaque mercredi après-midi"]
                ),
                overnight=mode == VisitRight.Mode.FREE and n % 2 == 0,
                start_date=self.anchor - timedelta(days=self.rng.randint(60, 700)),
            )
            rights.append(right)
            if mode == VisitRight.Mode.SUSPENDED:
                continue
            for weeks in (-3, -1, 1, 3):
                day = self.anchor + timedelta(days=7 * weeks + self.rng.randint(0, 3))
                starts_at = datetime.combine(day, time(14, 0), tzinfo=paris)
                past = weeks < 0
                cancelled = past and self.rng.random() < 0.2
                visits.append(
                    Visit(
                        right=right,
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(hours=2),
                        place="Salle des familles du village"
                        if mode != VisitRight.Mode.FREE
                        else "Au domicile de la mère",
                        status=Visit.Status.CANCELLED
                        if cancelled
                        else (Visit.Status.HELD if past else Visit.Status.PLANNED),
                        cancelled_by=Visit.CancelledBy.FAMILY if cancelled else "",
                        observations="Visite annulée la veille par la mère."
                        if cancelled
                        else ("Moment chaleureux ; l'enfant a montré ses cahiers." if past else ""),
                        recorded_by=heads[village_of[child_id]] if past else None,
                    )
                )
        VisitRight.objects.bulk_create(rights, batch_size=2000)
        Visit.objects.bulk_create(visits, batch_size=2000)

    def user(self, username, first_name, last_name, role, **place) -> User:
        user = User.objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@ancrage.example",
            password=self.password,
            person=place.pop("person", None),
        )
        Membership.objects.create(
            user=user,
            role=role,
            start_date=date(2024, 1, 1),
            status=Membership.Status.CONFIRMED,
            **place,
        )
        return user

    def create_staff(self, organisation, villages, houses, o2r, teams, youth, family_team):
        first_village = villages[0]
        first_house = next(h for h in houses if h.establishment_id == first_village.pk)
        named = {
            Role.HOUSE_PARENT: {"unit": first_house},
            Role.FAMILY_AIDE: {"unit": first_house},
            Role.HEAD_OF_SERVICE: {"establishment": first_village},
            Role.CLINICIAN: {"establishment": first_village},
            Role.ESTABLISHMENT_DIRECTOR: {"establishment": first_village},
            Role.O2R_COUNSELLOR: {"unit": teams[0]},
            Role.O2R_LEAD: {"establishment": o2r},
            Role.FINANCE: {"organisation": organisation},
            Role.NATIONAL_DIRECTOR: {"organisation": organisation},
            Role.FUNDER: {"organisation": organisation},
            Role.TECH_ADMIN: {"organisation": organisation},
            Role.YOUTH: {"person": youth},
            Role.DPO: {"organisation": organisation},
            Role.HR: {"organisation": organisation},
            Role.FAMILY_WORKER: {"unit": family_team},
        }
        for username, first, last, role in DEMO_ACCOUNTS:
            if role == Role.YOUTH:
                first, last = youth.first_names.split()[0].split("-")[0], youth.last_name
            self.user(username, first, last, role, **named[role])
            self.accounts.append(
                (
                    username,
                    str(Role(role).label),
                    str(
                        named[role].get("unit")
                        or named[role].get("establishment")
                        or named[role].get("organisation")
                        or youth
                    ),
                )
            )
        # Everyone else, generated: each house has a house parent and a family aide, each
        # village a head of service, a psychologist and a director; each O2R team a counsellor.
        users, memberships = [], []
        for house in houses:
            for role in (Role.HOUSE_PARENT, Role.FAMILY_AIDE):
                if house.pk == first_house.pk:
                    continue
                users.append((role, {"unit": house}))
        for village in villages[1:]:
            for role in (Role.HEAD_OF_SERVICE, Role.CLINICIAN, Role.ESTABLISHMENT_DIRECTOR):
                users.append((role, {"establishment": village}))
        for team in teams[1:]:
            users.append((Role.O2R_COUNSELLOR, {"unit": team}))
        rows = []
        for n, (_role, _place) in enumerate(users):
            first, last = self.fake.first_name(), self.fake.last_name()
            rows.append(
                User(
                    username=f"agent{n + 1:05d}",
                    first_name=first,
                    last_name=last,
                    email=f"agent{n + 1:05d}@ancrage.example",
                    password=self.password,
                )
            )
        User.objects.bulk_create(rows, batch_size=2000)
        for user, (role, place) in zip(rows, users, strict=True):
            memberships.append(
                Membership(
                    user=user,
                    role=role,
                    start_date=date(2024, 1, 1),
                    status=Membership.Status.CONFIRMED,
                    **place,
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=2000)


def seed(scale_name: str, *, quiet=False, anchor: date | None = None) -> World:
    world = World(SCALES[scale_name], quiet=quiet, anchor=anchor)
    world.build()
    analyze()
    return world


def analyze() -> None:
    """The planner's statistics of every table, once the data is loaded: SQLite has none until
    ANALYZE runs (its plans on a large file then loop over whole tables), and PostgreSQL's
    autovacuum would gather them only later.

    On SQLite every row is read: the backend's `analysis_limit` (kernel/sqlite/base.py) is for
    the short analyses of `PRAGMA optimize`; under it, ANALYZE reads the first 1,000 entries
    of each index and, on the large seed, took the 115,000 activities of a service for 1,001
    (docs/decisions.md, 2026-12-05).

    On PostgreSQL only the database's own tables are named: a bare ANALYZE also takes the
    cluster's shared catalogs (the roles' `pg_authid` among them), and inside one seed's
    transaction it held them until that seed committed, so a second database seeded at the same
    time waited for it (the large scale's seed behind the triple one's)."""
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            tables = connection.introspection.table_names(cursor)
            if tables:
                names = ", ".join(connection.ops.quote_name(table) for table in sorted(tables))
                cursor.execute(f"ANALYZE {names}")  # noqa: S608 (the database's own table names)
            return
        cursor.execute("PRAGMA analysis_limit=0")
        try:
            cursor.execute("ANALYZE")
        finally:
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
