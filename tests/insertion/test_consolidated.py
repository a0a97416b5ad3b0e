"""The chef de file's consolidated report: the programme with a column per consortium member,
counts only, over the agreement's fixed periods; compared with a fixture worked out by hand."""

import datetime

import pytest
from django.urls import reverse

from ancrage.accounts.models import User
from ancrage.insertion import jobs, report
from ancrage.insertion.periods import periods
from ancrage.insertion.queries.report import report_scope
from ancrage.insertion.services.accompaniment import open_accompaniment
from ancrage.insertion.services.beneficiary import check_eligibility, record_exit
from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import MASK, intervals, protect
from ancrage.organisation.models import EfopTerritory
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import login
from tests.insertion.factories import new_beneficiary

pytestmark = pytest.mark.django_db
D = datetime.date
QUARTER = {"period": "2026t2"}  # 1 April to 30 June 2026
START, END = D(2026, 4, 1), D(2026, 6, 30)
REASONS = [
    "sustainable_job",
    "short_job",
    "training",
    "mainstream",
    "other_scheme",
    "moved",
    "lost_contact",
    "other",
]


@pytest.fixture
def consortium(o2r_files):
    """Two members, three territories, the second quarter of 2026 (the o2r_files records are
    all later). Member A (the lead, the world's team): 4 women born 2003 in 44 Centre and 5 men
    born 1990 in 44 Nord, consent 15 April; the 5 men accompanied from 4 May; 4 people who
    entered on 15 January (44 Centre) leave in May, one for each of the first four reasons.
    The 4 who left are men born 2002. A woman born 1990 (72 Sud) entered on 1 February and is
    accompanied from 1 March. Member B (the partner): 3 women born 1970 in 72 Sud, consent 15
    April; 4 women born 1980 who entered on 15 January (2 in 72 Sud, 2 in 44 Nord) leave in June,
    one for each of the last four reasons; one more entered in January and left on 31 March."""
    w = o2r_files
    centre = w.territory
    nord = EfopTerritory.objects.create(name="44 Nord", departement="44")
    sud = EfopTerritory.objects.create(name="72 Sud", departement="72")
    w.programme.efop_territories.add(nord, sud)
    a_user, b_user = w.users[Role.O2R_COUNSELLOR], w.partner_counsellor

    def entrant(team, by, territory, sex, birth):
        b = new_beneficiary(
            team, by, territory=territory, consent_on=D(2026, 4, 15), sex=sex, birth_date=birth
        )
        check_eligibility(b, by=by, checked_on=D(2026, 4, 15), registered=False)
        return b

    for _ in range(4):
        entrant(w.o2r_team, a_user, centre, "F", D(2003, 1, 1))
    for _ in range(5):
        b = entrant(w.o2r_team, a_user, nord, "M", D(1990, 5, 5))
        open_accompaniment(b, by=a_user, start_date=D(2026, 5, 4), referent=a_user)
    for _ in range(3):
        entrant(w.partner_team, b_user, sud, "F", D(1970, 1, 1))
    earlier = [(w.o2r_team, a_user, centre, D(2026, 5, 20))] * 4 + [
        (w.partner_team, b_user, sud, D(2026, 6, 10)),
        (w.partner_team, b_user, sud, D(2026, 6, 10)),
        (w.partner_team, b_user, nord, D(2026, 6, 10)),
        (w.partner_team, b_user, nord, D(2026, 6, 10)),
    ]
    for reason, (team, by, territory, day) in zip(REASONS, earlier, strict=True):
        sex, birth = ("M", D(2002, 5, 4)) if team == w.o2r_team else ("F", D(1980, 3, 3))
        b = new_beneficiary(
            team, by, territory=territory, consent_on=D(2026, 1, 15), sex=sex, birth_date=birth
        )
        record_exit(b, by=by, date=day, reason=reason)
    # entered in February, accompanied from 1 March and still: in A's active file, no exit
    running = new_beneficiary(
        w.o2r_team,
        a_user,
        territory=sud,
        consent_on=D(2026, 2, 1),
        sex="F",
        birth_date=D(1990, 5, 5),
    )
    check_eligibility(running, by=a_user, checked_on=D(2026, 2, 1), registered=False)
    open_accompaniment(running, by=a_user, start_date=D(2026, 3, 1), referent=a_user)
    # entered and left before the period: in no table
    gone = new_beneficiary(w.partner_team, b_user, territory=sud, consent_on=D(2026, 1, 15))
    record_exit(gone, by=b_user, date=D(2026, 3, 31), reason="moved")
    return w


# The fixture's expected figures, by hand: (member A, member B, programme).
EXPECTED_STEPS = [
    ("Actions de repérage", 0, 0, 0),
    ("Personnes rencontrées", 0, 0, 0),
    ("Contacts", 9, 3, 12),
    ("Nouveaux bénéficiaires", 9, 3, 12),
    ("Personnes en remobilisation (au moins une activité)", 0, 0, 0),
    ("Accompagnements commencés", 5, 0, 5),
    ("Sorties", 4, 4, 8),
    ("Accompagnements au-delà de leur échéance (9 mois, 12 avec prolongation)", 0, 0, 0),
]
EXPECTED_EXITS = [1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1], [1] * 8
# (territory, contacts, beneficiaries, accompaniments, exits)
EXPECTED_TERRITORIES = (
    [("44 Centre", 4, 4, 0, 4), ("44 Nord", 5, 5, 5, 0), ("72 Sud", 0, 0, 0, 0)],
    [("44 Centre", 0, 0, 0, 0), ("44 Nord", 0, 0, 0, 2), ("72 Sud", 3, 3, 0, 2)],
    [("44 Centre", 4, 4, 0, 4), ("44 Nord", 5, 5, 5, 2), ("72 Sud", 3, 3, 0, 2)],
)
# (female, male, unknown, total) for under 26, 26-44, 45-54, 55+, unknown age
EXPECTED_AGES = (
    [(4, 0, 0, 4), (0, 5, 0, 5), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)],
    [(0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (3, 0, 0, 3), (0, 0, 0, 0)],
    [(4, 0, 0, 4), (0, 5, 0, 5), (0, 0, 0, 0), (3, 0, 0, 3), (0, 0, 0, 0)],
)
EXPECTED_PRIORITY = {  # the non-zero ones
    "Moins de 26 ans en rupture": (4, 0, 4),
    "55 ans et plus": (0, 3, 3),
    "Femme": (4, 3, 7),
}
# (median days, people): contact to consent (same day), consent to start (15 April → 4 May)
EXPECTED_DELAYS = ([(0, 9), (19, 5), (None, 0)], [(0, 3), (None, 0), (None, 0)])


# The active file (entered before 1 April; accompanied or leaving during the quarter).
EXPECTED_ACTIVE_TERRITORIES = (
    [("44 Centre", 4), ("44 Nord", 0), ("72 Sud", 1)],
    [("44 Centre", 0), ("44 Nord", 2), ("72 Sud", 2)],
    [("44 Centre", 4), ("44 Nord", 2), ("72 Sud", 3)],
)
EXPECTED_ACTIVE_AGES = (
    [(0, 4, 0, 4), (1, 0, 0, 1), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0)],
    [(0, 0, 0, 0), (0, 0, 0, 0), (4, 0, 0, 4), (0, 0, 0, 0), (0, 0, 0, 0)],
    [(0, 4, 0, 4), (1, 0, 0, 1), (4, 0, 0, 4), (0, 0, 0, 0), (0, 0, 0, 0)],
)


def members_of(world):
    return report_scope(world.users[Role.O2R_LEAD], world.programme).members


def test_consolidated_figures_equal_the_fixture_worked_out_by_hand(consortium):
    parts, whole = report.member_reports(members_of(consortium), START, END)
    reports = [*parts, whole]
    for i, (label, *counts) in enumerate(EXPECTED_STEPS):
        assert [r.steps[i] for r in reports] == [(label, n) for n in counts], label
    for r, expected in zip(reports, EXPECTED_EXITS, strict=True):
        assert [n for _label, n in r.exits] == expected
    for r, expected in zip(reports, EXPECTED_TERRITORIES, strict=True):
        assert r.territories == expected
    for r, expected in zip(reports, EXPECTED_AGES, strict=True):
        assert [row[1:] for row in r.ages] == expected
    for k, r in enumerate(reports):
        priority = dict(r.priority)
        assert {label: priority[label] for label in EXPECTED_PRIORITY} == {
            label: counts[k] for label, counts in EXPECTED_PRIORITY.items()
        }
        assert sum(priority.values()) == sum(c[k] for c in EXPECTED_PRIORITY.values())
    assert [row[1:] for row in parts[0].delays] == EXPECTED_DELAYS[0]
    assert [row[1:] for row in parts[1].delays] == EXPECTED_DELAYS[1]


def test_consolidated_publication_masks_the_4_and_nothing_can_be_recomputed(consortium):
    members = members_of(consortium)
    published = report.build_consolidated(members, START, END)
    parts, whole = report.member_reports(members, START, END)
    raw = [*parts, whole]
    shown = [*published.reports, published.programme]
    for before, after in zip(raw, shown, strict=True):
        for table in ("steps", "exits", "priority"):
            for (label, n), (label_after, m) in zip(
                getattr(before, table), getattr(after, table), strict=True
            ):
                assert label == label_after
                assert m == (MASK if 0 < n < 5 else m)
                assert m in (MASK, n)
        for row, row_after in zip(before.territories, after.territories, strict=False):
            for n, m in zip(row[1:], row_after[1:], strict=True):
                assert m in (MASK, n) and (m == MASK or not 0 < n < 5)
    # the cell of exactly 4: member A's new beneficiaries in 44 Centre
    assert published.reports[0].territories[0][2] == MASK
    assert published.reports[0].ages[0][1] == MASK
    # the proof on the report itself: every masked cell keeps an interval reaching 5
    tables, links, sums = [], [], []
    for prefix, r in [*enumerate(parts), ("programme", whole)]:
        t, lk, sm = r.disclosure_tables(prefix)
        tables += t
        links += lk
        sums += sm
    publication = protect(tables, links, sums + report.member_sums(tables, len(parts)))
    for ref, (low, high) in intervals(publication).items():
        assert high - low >= 1 - 1e-6, ref
        if publication.values[ref] < 5:
            assert high >= 5 - 1e-6, ref


def test_consolidated_the_lead_member_reads_the_programme_with_a_column_per_member(
    client, consortium, django_assert_num_queries
):
    lead = consortium.users[Role.O2R_LEAD]
    scope = report_scope(lead, consortium.programme)
    assert scope.consolidated
    login(client, lead)
    # 36 before the situation and pathway tables: 6 grouped queries more per report (3 reports);
    # one more each for the remobilised and the overruns (no longer one query); no stored summary
    # yet: looked up, the programme's count of changes, the summary stored
    with django_assert_num_queries(60):
        page = client.get(reverse("insertion:report"), QUARTER)
    assert page.status_code == 200
    assert page.context["consolidated"]
    content = page.content.decode()
    assert "Insertion Solidaire 44" in content
    assert "Rapport consolidé du programme" in content
    # counts only: no other member's beneficiary is named, no read is recorded
    assert consortium.other_beneficiary.person.last_name not in content
    from ancrage.kernel.models import AccessEvent

    assert not AccessEvent.objects.filter(user=lead).exists()


def test_consolidated_a_member_lead_reads_only_its_own_service(client, consortium):
    partner_lead = UserFactory(username="cheffe-partenaire")
    MembershipFactory(
        user=partner_lead,
        role=Role.O2R_LEAD,
        establishment=consortium.partner_team.establishment,
        start_date=D(2024, 1, 1),
    )
    partner_lead = User.objects.get(pk=partner_lead.pk)
    scope = report_scope(partner_lead, consortium.programme)
    assert not scope.consolidated
    assert scope.own_service_ids == [consortium.partner_team.establishment_id]
    login(client, partner_lead)
    page = client.get(reverse("insertion:report"), QUARTER)
    assert page.status_code == 200
    assert not page.context["consolidated"]
    assert [n for _label, n in page.context["report"].steps][2] == MASK  # 3 contacts
    assert page.context["form"].fields["view"].choices == [("service", "Mon service")]


def test_consolidated_report_refuses_free_dates_at_the_field(client, consortium):
    login(client, consortium.users[Role.O2R_LEAD])
    page = client.get(
        reverse("insertion:report"),
        {"view": "programme", "start": "2026-04-01", "end": "2026-04-02"},
    )
    assert page.status_code == 422
    assert "choisissez une période" in page.context["form"].errors["start"][0]


def test_consolidated_the_operator_chooses_free_dates_on_its_own_service(client, consortium):
    login(client, consortium.users[Role.O2R_LEAD])
    page = client.get(
        reverse("insertion:report"), {"view": "service", "start": "2026-04-15", "end": "2026-04-15"}
    )
    assert page.status_code == 200
    choice = page.context["choice"]
    assert (choice.start, choice.end, choice.period_label) == (D(2026, 4, 15), D(2026, 4, 15), None)


def test_consolidated_periods_are_the_agreement_years_their_quarters_and_calendar_ones(o2r_files):
    programme = o2r_files.programme
    programme.start_date, programme.end_date = D(2025, 7, 23), D(2028, 7, 22)
    found = {p.key: (p.start, p.end) for p in periods(programme)}
    assert found["a1"] == (D(2025, 7, 23), D(2026, 7, 22))
    assert found["a1t1"] == (D(2025, 7, 23), D(2025, 10, 22))
    assert found["a1t4"] == (D(2026, 4, 23), D(2026, 7, 22))
    assert found["a3"] == (D(2027, 7, 23), D(2028, 7, 22))
    assert "a4" not in found
    assert found["2026"] == (D(2026, 1, 1), D(2026, 12, 31))
    assert found["2026t2"] == (D(2026, 4, 1), D(2026, 6, 30))
    assert "2025t2" not in found  # before the agreement
    assert found["2025t3"] == (D(2025, 7, 1), D(2025, 9, 30))
    assert "2028t4" not in found


def test_consolidated_an_export_keeps_the_fixed_period(consortium):
    lead = consortium.users[Role.O2R_LEAD]
    form = jobs.report_form(lead, jobs.report_params(QUARTER))
    assert form.is_valid(), form.errors
    choice = jobs.chosen(form)
    assert (choice.view, choice.start, choice.end) == ("programme", START, END)


def test_active_file_figures_equal_the_fixture_worked_out_by_hand(consortium):
    parts, whole = report.member_reports(members_of(consortium), START, END)
    reports = [*parts, whole]
    for r, expected in zip(reports, EXPECTED_ACTIVE_TERRITORIES, strict=True):
        assert r.active_territories == expected
    for r, expected in zip(reports, EXPECTED_ACTIVE_AGES, strict=True):
        assert [row[1:] for row in r.active_ages] == expected
    for r, expected in zip(reports, EXPECTED_EXITS, strict=True):
        # every exit of the quarter is an earlier entrant's: none of the entrants left
        assert [n for _label, n in r.exits_active] == expected
        assert [n for _label, n in r.exits_entrants] == [0] * 8


def test_active_file_is_published_with_its_total_and_the_5_shown(consortium):
    published = report.build_consolidated(members_of(consortium), START, END)
    a = published.reports[0]
    # member A's active file: 4 in 44 Centre (masked), 1 in 72 Sud (masked), total 5
    assert a.active_territories[0][1] == MASK
    assert a.active_territories[2][1] == MASK
    assert [n for _label, n in a.exits_active] == [MASK] * 4 + [0] * 4


def test_active_file_tables_on_the_page_and_in_the_workbook(client, consortium):
    from io import BytesIO

    from openpyxl import load_workbook

    login(client, consortium.users[Role.O2R_LEAD])
    page = client.get(reverse("insertion:report"), QUARTER)
    assert "File active : entrés avant la période" in page.content.decode()
    figures = page.context["report"]
    book = load_workbook(BytesIO(report.to_xlsx(figures)))
    assert "File active" in book.sheetnames and "Sorties file active" in book.sheetnames
