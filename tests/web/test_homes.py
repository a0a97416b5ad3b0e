"""The home of each role (ancrage/web/homes.py): what each user does first thing in the morning,
scoped, every name shown recorded, a fixed number of queries per role."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from ancrage.accounting.books import create_default_categories, import_fec
from ancrage.accounting.models import AllocatedAmount, LedgerLine, Section, TimeSheet
from ancrage.care.services import ppe as ppe_services
from ancrage.care.services.journal import write_entry
from ancrage.insertion import report
from ancrage.insertion.models import Beneficiary
from ancrage.insertion.periods import periods
from ancrage.insertion.queries.programme import user_service_ids
from ancrage.insertion.queries.report import year_progress
from ancrage.insertion.services.programme import set_target
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.kernel.models import AccessEvent
from ancrage.web.homes import HOME_READ, main_role
from tests.accounting.factories import add_sections, balanced_entry, contract, fec_file, sheet
from tests.accounts.factories import MembershipFactory
from tests.care.factories_daily import AppointmentFactory
from tests.conftest import login
from tests.people.factories import PersonFactory, StayFactory

# The queries of each role's home (second request of the session), whatever the number of
# children, appointments, entries, notices or villages.
# The homes of a house or a village: their establishments are those the memberships loaded
# (organisation.queries.establishment_list), no longer read by the board, the overdue
# deadlines, what waits for the village and the safeguarding block's links: house 14 to 13,
# head of service 19 to 15, clinician 12 to 10, director 21 to 17 (2026-12-06).
# The judge notices waiting: their children's ids read first (one query), then the notices of
# those the scope names, asked by id (its SQL kept per user) rather than about a query (compiled
# again on each home, about 5 ms): one more query for the homes that show them (2026-12-06).
HOME_QUERIES = {
    Role.HOUSE_PARENT: 13,
    Role.FAMILY_AIDE: 13,
    Role.HEAD_OF_SERVICE: 16,
    Role.CLINICIAN: 11,
    Role.ESTABLISHMENT_DIRECTOR: 18,  # the staff flags read the code of conduct in force first
    # The homes that do not show the occupancy board no longer read it (2 queries, 2026-12-05).
    Role.O2R_COUNSELLOR: 10,
    # the O2R lead: 10 before the agreement year against its targets; the pathway from the
    # teams' stored counts (one query, 2026-12-05; it counted files and contacts in two)
    Role.O2R_LEAD: 12,
    # The organisation's homes (national, finance, admin): the totals in 3 aggregate queries,
    # the page of villages with its figures in 2 (count, page), the other establishments in 1,
    # against the board's 2 (2026-12-05): the same number whatever the number of villages.
    Role.FINANCE: 14,
    # staff: the organisation's totals and its ten establishments needing action, 2 to 4 queries
    # (no staff present: the code in force and the totals), 17 instead of 18 (2026-12-05)
    Role.NATIONAL_DIRECTOR: 17,
    Role.FUNDER: 6,
    Role.TECH_ADMIN: 11,
    Role.DPO: 9,
    Role.HR: 7,  # the staff block as the national director's: 8 before (2026-12-05)
    Role.FAMILY_WORKER: 8,  # with the family follow-ups due (families on the échéancier)
}


def _home(client, user):
    login(client, user)
    client.get("/")  # the session's first request (the one measured comes after it)
    return client.get("/")


@pytest.fixture
def house_day(world, case_files, incidents):
    """Léa's house today: an appointment today and one in three days, a PPE action due in five
    days, two journal entries (one about Léa, one about the house)."""
    parent = world.users[Role.HOUSE_PARENT]
    now = timezone.localtime().replace(microsecond=0)
    today_at = now.replace(hour=23, minute=0) if now.hour < 23 else now
    AppointmentFactory(
        child=world.child,
        created_by=parent,
        starts_at=today_at,
        ends_at=today_at + datetime.timedelta(minutes=30),
        place="Cabinet de l'orthophoniste",
    )
    AppointmentFactory(
        child=world.child,
        created_by=parent,
        starts_at=now + datetime.timedelta(days=3),
        ends_at=now + datetime.timedelta(days=3, hours=1),
        place="Collège Jules-Verne",
    )
    head = world.users[Role.HEAD_OF_SERVICE]
    ppe_services.add_objective(
        world.child,
        head,
        domain="schooling",
        title="Reprendre confiance en classe",
        action={
            "description": "Rencontrer la professeure principale",
            "actor": "house_staff",
            "due_date": timezone.localdate() + datetime.timedelta(days=5),
        },
    )
    ppe_services.validate_draft(world.child, head, child_views="Je veux bien.")
    write_entry(
        house=world.house, child=world.child, level="house_team", text="Bonne nuit.", by=parent
    )
    write_entry(house=world.house, child=None, level="house_team", text="Chaudière.", by=parent)
    return world


@pytest.mark.parametrize("role", list(HOME_QUERIES), ids=str)
def test_each_role_home_reads_a_fixed_number_of_queries(
    client, house_day, o2r_files, role, django_assert_num_queries
):
    user = house_day.users[role]
    login(client, user)
    client.get("/")
    with django_assert_num_queries(HOME_QUERIES[role]):
        assert client.get("/").status_code == 200


def test_the_house_home_reads_the_same_queries_with_more_children_and_entries(
    client, house_day, django_assert_num_queries
):
    parent = house_day.users[Role.HOUSE_PARENT]
    for n in range(3):
        child = PersonFactory(first_names=f"Enfant{n}")
        StayFactory(child=child, unit=house_day.house)
        AppointmentFactory(child=child, created_by=parent)
        write_entry(house=house_day.house, child=child, level="house_team", text="Ok.", by=parent)
    login(client, parent)
    client.get("/")
    with django_assert_num_queries(HOME_QUERIES[Role.HOUSE_PARENT]):
        client.get("/")


def test_the_house_parent_home_is_her_house_with_first_names_and_ages(client, house_day):
    page = _home(client, house_day.users[Role.HOUSE_PARENT]).content.decode()
    assert "Ma maison · Maison des Tilleuls" in page
    age = house_day.child.age()
    assert f">Léa</a>, {age} an" in page
    # her brother lives in the other house of the village; the former child left last year
    assert "Hugo" not in page.split("Mes affectations")[0].split("Occupation du village")[0]
    assert "Inès" not in page


def test_the_house_parent_home_shows_today_this_week_ppe_actions_and_the_journal(client, house_day):
    page = _home(client, house_day.users[Role.HOUSE_PARENT]).content.decode()
    today_block = page.split("Rendez-vous aujourd'hui")[1].split("Dans les sept jours")[0]
    assert "Cabinet de l&#x27;orthophoniste" in today_block  # a value: escaped
    week_block = page.split("Dans les sept jours")[1]
    assert "Collège Jules-Verne" in week_block
    assert "Rencontrer la professeure principale" in page
    assert "Bonne nuit." in page and "Chaudière." in page
    # the box to write an entry posts to the house's journal
    assert f'action="/maisons/{house_day.house.pk}/journal/"' in page
    # and the link to report an incident in her village
    assert f"/villages/{house_day.village.pk}/signalements/nouveau/" in page


def test_the_house_home_records_a_read_of_each_child_it_names(client, house_day):
    parent = house_day.users[Role.HOUSE_PARENT]
    _home(client, parent)
    read = set(
        AccessEvent.objects.filter(user=parent, what=HOME_READ).values_list("person", flat=True)
    )
    assert read == {house_day.child.pk}


def test_the_house_parent_home_puts_the_village_occupancy_behind_a_disclosure(client, house_day):
    page = _home(client, house_day.users[Role.HOUSE_PARENT]).content.decode()
    assert page.index("Ma maison") < page.index('<details class="board-more">')


def test_the_head_of_service_home_links_what_waits_to_its_action(client, house_day):
    head = house_day.users[Role.HEAD_OF_SERVICE]
    page = _home(client, head).content.decode()
    todo = page.split('id="todo-title"')[1].split("</section>")[0]
    village = house_day.village.pk
    assert f'href="/villages/{village}/admissions/">1 demande d\'admission en attente' in todo
    assert f'href="/villages/{village}/signalements/?state=open">1 signalement à qualifier' in todo
    assert "Informer le juge : Léa Martin" in todo
    # the other village's admission and notice are not theirs
    assert "Zoé" not in todo
    assert set(
        AccessEvent.objects.filter(user=head, what=HOME_READ).values_list("person", flat=True)
    ) == {house_day.child.pk}


def test_the_counsellor_home_is_the_caseload_with_its_alerts(client, o2r_files):
    counsellor = o2r_files.users[Role.O2R_COUNSELLOR]
    page = _home(client, counsellor).content.decode()
    caseload = Beneficiary.objects.visible_to(counsellor).count()
    assert caseload >= 1
    assert f"Mon portefeuille : {caseload} bénéficiaire" in page
    assert "après sortie à faire" in page
    # no occupancy table of the O2R team
    assert "Occupation" not in page


def test_the_o2r_lead_home_says_no_target_is_entered_and_links_to_the_targets(client, o2r_files):
    page = _home(client, o2r_files.users[Role.O2R_LEAD]).content.decode()
    assert "Le programme face à ses objectifs" in page
    assert "Année 2 de la convention" in page  # the programme started 500 days ago
    assert "Aucun objectif n'est saisi pour votre service" in page
    assert f'href="/o2r/programmes/{o2r_files.programme.pk}/objectifs/"' in page
    # the pathway today stays below, a bar per step
    assert page.count('class="funnel-bar"') == 4


def test_the_o2r_lead_home_charts_the_agreement_year_against_its_targets(client, o2r_files):
    lead = o2r_files.users[Role.O2R_LEAD]
    programme = o2r_files.programme
    set_target(programme, organisation=o2r_files.organisation, year=2, reached=4, positive_exits=2)
    # the partner's target is not the lead's service's
    partner = o2r_files.partner_team.establishment.organisation
    set_target(programme, organisation=partner, year=2, reached=99)
    year = next(p for p in periods(programme) if p.key == "a2")
    own = sorted(user_service_ids(lead))
    achieved = [n for _label, n in report.build(own, year.start, year.end, programme).targets]
    assert achieved[0] >= 1 and achieved[3] >= 1  # a contact met today, a training exit

    [progress] = year_progress(lead, timezone.localdate())
    assert progress.period == year
    assert [row[2] for row in progress.rows] == achieved  # counted as the report counts them
    assert [row[1] for row in progress.rows] == [4, None, None, 2]

    page = _home(client, lead).content.decode()
    chart = page.split('class="target-chart"')[1].split("</figure>")[0]
    assert f"{programme.name}</strong> · Année 2 de la convention" in chart
    # full labels, one bar each, the figures in words and in the table beside
    for label in ("Personnes repérées", "Personnes remobilisées", "Sorties positives"):
        assert f'<span class="target-label">{label}</span>' in chart
        assert f'<th scope="row">{label}</th>' in chart
    assert chart.count('class="target-bar"') == 4
    percent = round(100 * achieved[0] / 4)
    assert f"{achieved[0]} sur un objectif de 4 ({percent} %)" in chart
    assert f'<rect width="{min(percent, 100)}"' in chart
    assert f"{achieved[1]} · pas d'objectif saisi" in chart
    # the partner's target (99) is not the lead's: nowhere in the text read (ids in links aside)
    assert not re.search(r"\b99\b", re.sub(r"<[^>]*>", " ", chart))


def test_the_funder_home_lists_its_reports(client, o2r_files):
    page = _home(client, o2r_files.users[Role.FUNDER]).content.decode()
    assert f"/o2r/rapport/?programme={o2r_files.programme.pk}" in page
    assert o2r_files.programme.name in page


def test_the_national_director_home_has_one_line_per_village_not_per_house(client, house_day):
    page = _home(client, house_day.users[Role.NATIONAL_DIRECTOR]).content.decode()
    assert "Village des Coteaux" in page and "Village du Lac" in page
    assert "Maison des Tilleuls" not in page
    assert "Village lointain" not in page


def test_the_finance_home_shows_its_sections_and_the_months_to_close(client, world):
    page = _home(client, world.users[Role.FINANCE]).content.decode()
    assert "Mois à arrêter" in page
    assert "Ni feuille de temps à approuver ni écriture importée" in page
    assert "Maison des Tilleuls" not in page


@pytest.fixture
def closing(world):
    """Three months of books: the previous month has a time sheet submitted and lines the
    allocation has not reached; the month before, a sheet approved and its lines allocated;
    the month before that, lines not allocated. Another organisation's sheet and lines beside."""
    sections = add_sections(world)
    create_default_categories(world.organisation)
    finance, head = world.users[Role.FINANCE], world.users[Role.HEAD_OF_SERVICE]
    first = timezone.localdate().replace(day=1)
    world.months = [calendar.add_months(first, -n) for n in (1, 2, 3)]
    previous, before, oldest = world.months
    parent, aide = world.users[Role.HOUSE_PARENT], world.users[Role.FAMILY_AIDE]
    for user in (parent, aide):
        contract(user, world.organisation)
    village = sections["village"]
    sheet(parent, {village: "150"}, month=previous, status=TimeSheet.Status.SUBMITTED)
    sheet(aide, {village: "150"}, month=previous, status=TimeSheet.Status.SUBMITTED)
    sheet(
        parent, {village: "150"}, month=before, status=TimeSheet.Status.APPROVED, approved_by=head
    )
    rows = []
    for n, month in enumerate(world.months):
        day = month.replace(day=10).strftime("%Y%m%d")
        rows += balanced_entry(n + 1, day, "606100", "100,00", code=village.code)
    import_fec(world.organisation, finance, fec_file(rows, analytic=True), "fec.txt")
    for line in LedgerLine.objects.filter(entry_date__month=before.month, account_number="606100"):
        AllocatedAmount.objects.create(
            organisation=world.organisation,
            line=line,
            section=village,
            month=before,
            amount=line.amount,
            method=AllocatedAmount.Method.CODE,
        )
    return world


def test_the_finance_home_lists_the_months_to_close_each_with_its_action(
    client, closing, django_assert_num_queries
):
    finance = closing.users[Role.FINANCE]
    previous, before, oldest = closing.months
    login(client, finance)
    client.get("/")
    # the same queries as without sections: they are counted, not listed
    with django_assert_num_queries(HOME_QUERIES[Role.FINANCE]):
        page = client.get("/").content.decode()
    reached = Section.objects.visible_to(finance).count()
    assert reached >= 4
    assert f"{reached} sections analytiques" in page
    block = page.split('id="closing-title"')[1].split("</ul>")[0]
    items = block.split("<li>")[1:]
    # the latest first, a month without sheet nor line left out
    assert [item.split("</strong>")[0] for item in items] == [
        f"<strong>{date_format(m, 'F Y')}" for m in (previous, before, oldest)
    ]
    assert 'href="/comptabilite/temps/a-approuver/">2 feuilles de temps à approuver</a>' in items[0]
    figures = f'href="/comptabilite/repartition/?annee={previous.year}">1 écriture non répartie'
    assert figures in items[0]
    # its sheet approved and its lines allocated: nothing waits
    assert "aucune feuille de temps à approuver, écritures réparties" in items[1]
    assert "à approuver</a>" not in items[1] and "non répartie" not in items[1]
    assert f'?annee={oldest.year}">1 écriture non répartie' in items[2]
    assert "feuille" not in items[2]


def test_the_dpo_home_counts_requests_runs_and_holds(client, world):
    page = _home(client, world.users[Role.DPO]).content.decode()
    assert re.search(r"0 demandes? d'accès en cours", page)
    assert re.search(r"0 passages? de conservation à approuver", page)


def test_a_young_person_home_is_her_space(client, world):
    login(client, world.users[Role.YOUTH])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/mon-espace/"


def test_the_home_is_built_for_the_role_closest_to_the_children(world):
    user = world.users[Role.HEAD_OF_SERVICE]
    MembershipFactory(
        user=user, role=Role.HOUSE_PARENT, unit=world.house, start_date=datetime.date(2024, 1, 1)
    )
    assert main_role(user.memberships.all()) == Role.HOUSE_PARENT
    assert main_role([]) is None


def test_a_head_of_a_family_service_opens_on_the_families(client, world):
    user = world.users[Role.HEAD_OF_SERVICE]
    user.memberships.update(establishment=world.family_team.establishment)
    page = _home(client, user).content.decode()
    assert "Les familles" in page
    assert "Ce qui vous attend" not in page
