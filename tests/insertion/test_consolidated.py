"""The chef de file's consolidated report: the programme with a column per consortium member,
counts only, over the agreement's fixed periods; compared with a fixture worked out by hand."""

import datetime
import re
from decimal import Decimal as H

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
    publication = protect(*report.consolidated_disclosure(parts, whole))
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
    # 54 before the content tables: 6 more per report (activities, remobilised people,
    # accompaniments, trainee pay, exits by reason and territory, the territories' départements)
    # one more each for the remobilised and the overruns (no longer one query); no stored summary
    # yet: looked up, the programme's count of changes, the summary stored
    with django_assert_num_queries(75):
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


@pytest.fixture
def consortium_content(consortium):
    """The consortium's quarter with remobilisation, an extension and paid trainee periods (the
    tables of the report's content). Member A: a collective activity on 12 May (120 minutes) with
    the 5 men of 44 Nord (entrants) and the woman accompanied from 1 March (entered before); an
    individual one on 13 May (45 minutes) with the first of the 5 men; an individual one on 2
    June (60 minutes) with the first woman of 44 Centre. The accompanied woman's accompaniment
    extended on 15 June; paid trainee periods: the second man of 44 Nord from 1 June to 31
    August, the accompanied woman from 10 to 31 March (before the quarter), from 10 to 30 April
    and from 1 June to 15 July. Member B: a collective activity on 5 June (90 minutes) with its
    3 women of 72 Sud."""
    from unittest import mock

    from ancrage.insertion.models import Beneficiary
    from ancrage.insertion.services.accompaniment import add_remuneration, extend_accompaniment
    from ancrage.insertion.services.activity import record_activity

    w = consortium
    a_user, b_user = w.users[Role.O2R_COUNSELLOR], w.partner_counsellor
    april = Beneficiary.objects.filter(consent_on=D(2026, 4, 15)).order_by("pk")
    nord = list(april.filter(team=w.o2r_team, efop_territory__name="44 Nord"))
    centre = list(april.filter(team=w.o2r_team, efop_territory__name="44 Centre"))
    sud = list(april.filter(team=w.partner_team))
    running = Beneficiary.objects.get(team=w.o2r_team, consent_on=D(2026, 2, 1))
    assert (len(nord), len(centre), len(sud)) == (5, 4, 3)

    def activity(team, by, form, day, minutes, people):
        record_activity(
            team=team,
            by=by,
            format=form,
            kind="workshop" if form == "collective" else "interview",
            title="Atelier" if form == "collective" else "Entretien",
            date=day,
            duration_minutes=minutes,
            attendees=people,
        )

    activity(w.o2r_team, a_user, "collective", D(2026, 5, 12), 120, [*nord, running])
    activity(w.o2r_team, a_user, "individual", D(2026, 5, 13), 45, [nord[0]])
    activity(w.o2r_team, a_user, "individual", D(2026, 6, 2), 60, [centre[0]])
    activity(w.partner_team, b_user, "collective", D(2026, 6, 5), 90, sud)
    # the extension is decided on 15 June, as the service sees that day
    with mock.patch("django.utils.timezone.localdate", return_value=D(2026, 6, 15)):
        extend_accompaniment(
            running.accompaniment,
            by=a_user,
            until=D(2027, 2, 1),
            reason="Entrée en formation attendue",
            decided_on=D(2026, 6, 15),
        )
    add_remuneration(nord[1].accompaniment, start_date=D(2026, 6, 1), end_date=D(2026, 8, 31))
    for first, last in [
        (D(2026, 3, 10), D(2026, 3, 31)),
        (D(2026, 4, 10), D(2026, 4, 30)),
        (D(2026, 6, 1), D(2026, 7, 15)),
    ]:
        add_remuneration(running.accompaniment, start_date=first, end_date=last)
    return w


# The content tables, by hand: (member A, member B, programme).
# Activities by form (count, hours): A: two individual (45 + 60 min = 1.75 h), one collective
# (2 h), 3 in all (225 min = 3.75 h); B: one collective (90 min = 1.5 h).
EXPECTED_ACTIVITIES = (
    [("Individuelle", 2, H("1.75")), ("Collective", 1, H("2.00")), ("Total", 3, H("3.75"))],
    [("Individuelle", 0, H("0.00")), ("Collective", 1, H("1.50")), ("Total", 1, H("1.50"))],
    [("Individuelle", 2, H("1.75")), ("Collective", 2, H("3.50")), ("Total", 4, H("5.25"))],
)
# People remobilised by the forms they attended, (entrants, entered before, total): A: the
# first man of 44 Nord both, the 4 others collective only, the accompanied woman (entered in
# February) collective only, the first woman of 44 Centre individual only: 6 + 1 = 7, the
# step "remobilisation"; B: its 3 women collective only.
EXPECTED_REMOBILISED = (
    [(1, 0, 1), (4, 1, 5), (1, 0, 1), (6, 1, 7)],
    [(0, 0, 0), (3, 0, 3), (0, 0, 0), (3, 0, 3)],
    [(1, 0, 1), (7, 1, 8), (1, 0, 1), (9, 1, 10)],
)
# Accompaniments (entrants, active file, total): started (the 5 men, 4 May), running (the 5 men
# and the woman accompanied from 1 March), extended (hers, on 15 June), past their limit (none).
EXPECTED_ACCOMPANIMENTS = (
    [(5, 0, 5), (5, 1, 6), (0, 1, 1), (0, 0, 0)],
    [(0, 0, 0)] * 4,
    [(5, 0, 5), (5, 1, 6), (0, 1, 1), (0, 0, 0)],
)
# Paid trainee periods running in the quarter (entrants, active file, total): people (the
# second man; the woman), periods (his one; her April and June ones, not March's).
EXPECTED_REMUNERATIONS = ([(1, 1, 2), (1, 2, 3)], [(0, 0, 0)] * 2, [(1, 1, 2), (1, 2, 3)])
# Exits by reason (the 8 reasons in order) x territory (44 Centre, 44 Nord, 72 Sud), with the
# row totals: A's four in 44 Centre (reasons 1 to 4, May); B's two in 72 Sud (reasons 5, 6)
# and two in 44 Nord (7, 8, June). Last row: the column totals and the grand total.
EXPECTED_EXITS_BY_TERRITORY = (
    [(1, 0, 0, 1)] * 4 + [(0, 0, 0, 0)] * 4 + [(4, 0, 0, 4)],
    [(0, 0, 0, 0)] * 4 + [(0, 0, 1, 1)] * 2 + [(0, 1, 0, 1)] * 2 + [(0, 2, 2, 4)],
    [(1, 0, 0, 1)] * 4 + [(0, 0, 1, 1)] * 2 + [(0, 1, 0, 1)] * 2 + [(4, 2, 2, 8)],
)
# By département (contacts, beneficiaries, accompaniments, exits, active file): 44 is 44 Centre
# + 44 Nord, 72 is 72 Sud (EXPECTED_TERRITORIES and EXPECTED_ACTIVE_TERRITORIES summed); the
# total row last.
EXPECTED_DEPARTEMENTS = (
    [("44", 9, 9, 5, 4, 4), ("72", 0, 0, 0, 0, 1), ("Total", 9, 9, 5, 4, 5)],
    [("44", 0, 0, 0, 2, 2), ("72", 3, 3, 0, 2, 2), ("Total", 3, 3, 0, 4, 4)],
    [("44", 9, 9, 5, 6, 6), ("72", 3, 3, 0, 2, 3), ("Total", 12, 12, 5, 8, 9)],
)
# Eligibility basis (not registered, registered without suitable accompaniment, no contact for
# 5 months, not recorded, total): every entrant was checked "not registered"; in the active
# file, only the woman entered in February was checked, the 4 who left were never.
EXPECTED_ELIGIBILITY = ([9, 0, 0, 0, 9], [3, 0, 0, 0, 3], [12, 0, 0, 0, 12])
EXPECTED_ACTIVE_ELIGIBILITY = ([1, 0, 0, 4, 5], [0, 0, 0, 4, 4], [1, 0, 0, 8, 9])


def unmasked(figures):
    """The report read through a publication that masks nothing: the raw figures in the
    published shape (with their totals)."""
    from ancrage.kernel.disclosure import Publication

    tables, _links, _sums = figures.disclosure_tables()
    everything = Publication(
        {t.key: t for t in tables}, {k: v for t in tables for k, v in t.cells().items()}
    )
    return figures.read(everything)


def content_of(figures) -> dict:
    """{grid name: its rows with their totals} of a report, unmasked."""
    return {g.name: g for g in unmasked(figures).content}


def test_content_tables_equal_the_fixture_worked_out_by_hand(consortium_content):
    parts, whole = report.member_reports(members_of(consortium_content), START, END)
    for k, r in enumerate([*parts, whole]):
        grids = content_of(r)
        assert grids["activities"].rows == EXPECTED_ACTIVITIES[k]
        assert [row[1:] for row in grids["remobilised"].rows] == EXPECTED_REMOBILISED[k]
        assert r.steps[4][1] == EXPECTED_REMOBILISED[k][-1][-1]  # the step, the same people
        assert [row[1:] for row in grids["accompaniments"].rows] == EXPECTED_ACCOMPANIMENTS[k]
        assert [row[1:] for row in grids["remunerations"].rows] == EXPECTED_REMUNERATIONS[k]
        assert grids["exits_by_territory"].header()[1:] == [
            "44 Centre",
            "44 Nord",
            "72 Sud",
            "Total",
        ]
        assert [row[1:] for row in grids["exits_by_territory"].rows] == (
            EXPECTED_EXITS_BY_TERRITORY[k]
        )
        assert grids["departements"].rows == EXPECTED_DEPARTEMENTS[k]
        eligibility = {name: rows for name, _title, rows in r.situation}["eligibility__basis"]
        assert [n for _label, n in eligibility] == EXPECTED_ELIGIBILITY[k]
        active = {name: rows for name, _t, rows in r.active_situation}["eligibility__basis"]
        assert [n for _label, n in active] == EXPECTED_ACTIVE_ELIGIBILITY[k]


def test_content_tables_of_the_first_fixture_have_no_remobilisation_nor_pay(consortium):
    """Without the activities, the extension and the pay: zeros there, the same exits and
    départements (they come from the first fixture alone)."""
    parts, whole = report.member_reports(members_of(consortium), START, END)
    for k, r in enumerate([*parts, whole]):
        grids = content_of(r)
        assert [row[1] for row in grids["activities"].rows] == [0, 0, 0]
        assert [row[1:] for row in grids["remobilised"].rows] == [(0, 0, 0)] * 4
        assert [row[1:] for row in grids["accompaniments"].rows][2] == (0, 0, 0)
        assert [row[1:] for row in grids["remunerations"].rows] == [(0, 0, 0)] * 2
        assert grids["departements"].rows == EXPECTED_DEPARTEMENTS[k]


def test_content_tables_are_published_through_the_disclosure_control(consortium_content):
    members = members_of(consortium_content)
    published = report.build_consolidated(members, START, END)
    parts, whole = report.member_reports(members, START, END)
    for raw, shown in zip([*parts, whole], [*published.reports, published.programme], strict=True):
        before = content_of(raw)
        for grid in shown.content:
            for row, row_before in zip(grid.rows, before[grid.name].rows, strict=True):
                for m, n in zip(row[1:], row_before[1:], strict=True):
                    assert m in (MASK, n), grid.name
                    if isinstance(n, int) and 0 < n < 5:
                        assert m == MASK, (grid.name, row)
    a = {g.name: g for g in published.reports[0].content}
    # the cell of exactly 4: A's entrants remobilised by collective activities only
    assert a["remobilised"].rows[1][1] == MASK
    # a masked count hides its hours: B's one collective activity
    b = {g.name: g for g in published.reports[1].content}
    assert b["activities"].rows[1][1:] == (MASK, MASK)
    # the proof over the whole report, content tables included (links and département sums)
    publication = protect(*report.consolidated_disclosure(parts, whole))
    assert any(ref[0][1] == "exits_by_territory" for ref in publication.masked)
    for ref, (low, high) in intervals(publication).items():
        assert high - low >= 1 - 1e-6, ref
        if publication.values[ref] < 5:
            assert high >= 5 - 1e-6, ref


def test_content_tables_on_the_page_and_in_the_workbook_and_the_csv(client, consortium_content):
    import csv
    import io
    import zipfile
    from io import BytesIO

    from openpyxl import load_workbook

    from ancrage.kernel.disclosure import FOOTNOTE

    login(client, consortium_content.users[Role.O2R_LEAD])
    page = client.get(reverse("insertion:report"), QUARTER)
    content = page.content.decode()
    for title in [
        "Activités de remobilisation de la période, par forme, par membre",
        "Personnes en remobilisation, par forme des activités suivies, par membre",
        "Prolongés au-delà de 9 mois",
        "Périodes rémunérées comme stagiaire de la formation professionnelle, par membre",
        "Par département, par membre",
        "Sorties par motif et territoire EFOP, par membre",
        "Motif d&#x27;éligibilité",
    ]:
        assert title in content, title
    figures = page.context["report"]
    book = load_workbook(BytesIO(report.to_xlsx(figures)))
    sheet = book["Remobilisation, personnes"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == ("Activités suivies", "Colonne")
    collective = next(r for r in rows if r[:2] == ("Collectives seulement", "Entrants"))
    assert collective[2] == MASK  # A's 4
    assert rows[-1][0] == str(FOOTNOTE)
    hours = next(
        r for r in book["Remobilisation, activités"].iter_rows(values_only=True) if r[1] == "Heures"
    )
    assert all(cell == MASK or isinstance(cell, int | float) for cell in hours[2:])
    # unmasked (a report read through a publication that masks nothing), the hours are numbers
    _parts, whole = report.member_reports(members_of(consortium_content), START, END)
    raw = load_workbook(BytesIO(report.to_xlsx(unmasked(whole))))["Remobilisation, activités"]
    assert [r[:3] for r in raw.iter_rows(min_row=3, max_row=5, values_only=True)] == [
        ("Individuelle", 2, 1.75),
        ("Collective", 2, 3.5),
        ("Total", 4, 5.25),
    ]
    archive = zipfile.ZipFile(io.BytesIO(report.to_csv_zip(figures)))
    name = next(n for n in archive.namelist() if n.endswith("sorties-par-territoire.csv"))
    lines = list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))
    assert lines[1] == ["Motif de sortie", "Colonne", *figures.members, "Programme"]
    assert lines[-1] == [str(FOOTNOTE)]
    assert any(MASK in line[2:] for line in lines[2:-2])


def test_content_tables_a_members_staff_read_their_own_part_without_member_columns(
    client, consortium_content
):
    partner_lead = UserFactory(username="cheffe-partenaire")
    MembershipFactory(
        user=partner_lead,
        role=Role.O2R_LEAD,
        establishment=consortium_content.partner_team.establishment,
        start_date=D(2024, 1, 1),
    )
    login(client, User.objects.get(pk=partner_lead.pk))
    page = client.get(reverse("insertion:report"), QUARTER)
    figures = page.context["report"]
    assert not isinstance(figures, report.Consolidated)
    cross = next(g for g in figures.content if g.name == "exits_by_territory")
    # B's exits only: its territories (44 Nord, 72 Sud), its 4 exits, each a cell of 1 (masked)
    assert cross.header() == ["Motif de sortie", "44 Nord", "72 Sud", "Total"]
    assert [row[0] for row in cross.rows][-1] == "Total"
    assert all(cell in (0, MASK) for row in cross.rows[:-1] for cell in row[1:])
    assert "Sorties par motif et territoire EFOP" in page.content.decode()


def test_charts_show_whole_labels_with_their_title_and_figures_beside(client, consortium):
    long = "Inscription France Travail, mission locale ou Cap emploi"
    drawn = report.chart("c", "Sorties par motif", [(long, 3), ("Formation", 12)])
    assert " ".join(line for _y, line in drawn["bars"][0]["lines"]) == long
    assert len(drawn["bars"][0]["lines"]) == 2  # wrapped, not cut
    assert drawn["height"] > 2 * 24  # the wrapped label's row is taller
    login(client, consortium.users[Role.O2R_LEAD])
    content = client.get(reverse("insertion:report"), QUARTER).content.decode()
    svg = content[
        content.index('id="chart-exits-t"') : content.index(
            "</svg>", content.index('id="chart-exits-t"')
        )
    ]
    drawn_text = " ".join(re.findall(r'font-size="12">([^<]*)</text>', svg))
    assert long in drawn_text  # the whole label, on two lines
    assert f'font-size="12">{long}<' not in svg
    assert "Sorties par motif : les chiffres" in content
