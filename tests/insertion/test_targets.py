"""Targets vs achieved: the chef de file enters the agreement's yearly targets per member; the
report of an agreement year shows each target beside what was done (consolidated and per
member), the achieved counts under the same disclosure control as the other tables."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ancrage.insertion import jobs, report
from ancrage.insertion.models import Target
from ancrage.insertion.periods import periods
from ancrage.insertion.services.programme import set_target
from ancrage.kernel.access import Role
from ancrage.kernel.disclosure import MASK
from ancrage.kernel.versions import StaleEdit
from tests.conftest import login
from tests.insertion.test_consolidated import consortium, members_of  # noqa: F401

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR_1 = {"period": "a1"}


def year_1(programme):
    return next(p for p in periods(programme) if p.key == "a1")


def members(world):
    lead = world.organisation
    partner = world.partner_team.establishment.organisation
    return lead, partner


def test_targets_achieved_equal_the_fixture_worked_out_by_hand(consortium):  # noqa: F811
    """Agreement year 1 (23 July 2025 to 22 July 2026 for a programme that started 500 days
    ago): member A met 14 people (9 entrants, 4 who left in May, the one accompanied from 1
    March), started 6 accompaniments, and its 4 exits are all positive (job, short job,
    training, France Travail); member B met 8, started none, and its 5 exits are none positive."""
    period = year_1(consortium.programme)
    assert period.start <= D(2026, 1, 15) and D(2026, 6, 30) <= period.end
    parts, whole = report.member_reports(
        members_of(consortium), period.start, period.end, programme=consortium.programme
    )
    labels = [label for label, _n in parts[0].targets]
    assert labels == [
        "Personnes repérées",
        "Personnes remobilisées",
        "Personnes accompagnées",
        "Sorties positives",
    ]
    assert [n for _l, n in parts[0].targets] == [14, 0, 6, 4]
    assert [n for _l, n in parts[1].targets] == [8, 0, 0, 0]
    assert [n for _l, n in whole.targets] == [22, 0, 6, 4]


def test_targets_the_report_shows_each_target_beside_what_was_done(client, consortium):  # noqa: F811
    lead, partner = members(consortium)
    set_target(consortium.programme, organisation=lead, year=1, reached=20, accompanied=12)
    set_target(consortium.programme, organisation=partner, year=1, reached=10, positive_exits=3)
    login(client, consortium.users[Role.O2R_LEAD])
    page = client.get(reverse("insertion:report"), YEAR_1)
    assert page.status_code == 200
    sections = dict(page.context["progress"])
    a, b, programme = (sections[name] for name in [lead.name, partner.name, "Programme"])
    # member A: 14 met of 20 (70 %), 6 accompaniments of 12 (50 %) unless masked
    assert [row[:2] for row in a] == [
        ("Personnes repérées", 20),
        ("Personnes remobilisées", None),
        ("Personnes accompagnées", 12),
        ("Sorties positives", None),
    ]
    assert a[0][2:] in [(14, 70), (MASK, None)]
    assert a[2][2:] in [(6, 50), (MASK, None)]
    assert a[3][2:] == (MASK, None)  # 4 positive exits: a cell of 1 to 4
    assert b[3][1:] == (3, 0, 0)  # none of B's exits is positive: 0 % of 3
    # the programme's target is the sum of the members'
    assert [row[1] for row in programme] == [30, None, 12, 3]
    content = page.content.decode()
    assert "Objectifs de la convention et réalisé" in content
    # every achieved count shown is the steps table's own published cell
    shown = page.context["report"]
    steps = [dict(r.steps) for r in [*shown.reports, shown.programme]]
    for rows, step in zip([a, b, programme], steps, strict=True):
        assert rows[0][2] == step["Contacts"]
        assert rows[2][2] == step["Accompagnements commencés"]


def test_targets_a_quarter_shows_no_target(client, consortium):  # noqa: F811
    set_target(consortium.programme, organisation=consortium.organisation, year=1, reached=20)
    login(client, consortium.users[Role.O2R_LEAD])
    page = client.get(reverse("insertion:report"), {"period": "2026t2"})
    assert page.context["progress"] == []
    assert "choisissez une année de la convention" in page.content.decode()


def test_targets_a_members_staff_read_their_own_target(consortium):  # noqa: F811
    from ancrage.accounts.models import User
    from tests.accounts.factories import MembershipFactory, UserFactory

    partner = consortium.partner_team.establishment.organisation
    set_target(consortium.programme, organisation=partner, year=1, reached=16)
    partner_lead = UserFactory(username="cheffe-partenaire")
    MembershipFactory(
        user=partner_lead,
        role=Role.O2R_LEAD,
        establishment=consortium.partner_team.establishment,
        start_date=D(2024, 1, 1),
    )
    form = jobs.report_form(User.objects.get(pk=partner_lead.pk), jobs.report_params(YEAR_1))
    assert form.is_valid(), form.errors
    figures = jobs.figures(jobs.chosen(form))
    assert not isinstance(figures, report.Consolidated)
    # member B met 8 people of the 16 targeted: 50 %
    assert figures.progress()[0] == ("Personnes repérées", 16, 8, 50)


def test_targets_are_in_the_workbook_with_the_definitions(consortium):  # noqa: F811
    from io import BytesIO

    from openpyxl import load_workbook

    set_target(consortium.programme, organisation=consortium.organisation, year=1, reached=20)
    form = jobs.report_form(consortium.users[Role.O2R_LEAD], jobs.report_params(YEAR_1))
    assert form.is_valid()
    book = load_workbook(BytesIO(report.to_xlsx(jobs.figures(jobs.chosen(form)))))
    rows = list(book["Objectifs"].iter_rows(values_only=True))
    assert rows[2][:3] == (consortium.organisation.name, "Personnes repérées", 20)
    definitions = [row[0] for row in book["Définitions"].iter_rows(values_only=True)]
    assert "Sortie positive" in definitions
    period = year_1(consortium.programme)
    assert book["Étapes"]["B1"].value.date() == period.start  # a real date


def test_targets_only_the_chef_de_file_enters_them(client, consortium):  # noqa: F811
    from ancrage.insertion.queries.programme import led_programme
    from tests.accounts.factories import MembershipFactory, UserFactory

    partner_lead = UserFactory(username="cheffe-partenaire")
    MembershipFactory(
        user=partner_lead,
        role=Role.O2R_LEAD,
        establishment=consortium.partner_team.establishment,
        start_date=D(2024, 1, 1),
    )
    from ancrage.accounts.models import User

    partner_lead = User.objects.get(pk=partner_lead.pk)
    with pytest.raises(PermissionDenied):
        led_programme(partner_lead, consortium.programme.pk)
    login(client, partner_lead)
    url = reverse("insertion:targets", args=[consortium.programme.pk])
    assert client.get(url).status_code == 403


def test_targets_page_saves_a_members_year(client, consortium, django_assert_num_queries):  # noqa: F811
    login(client, consortium.users[Role.O2R_LEAD])
    url = reverse("insertion:targets", args=[consortium.programme.pk])
    with django_assert_num_queries(10):
        page = client.get(url)
    assert page.status_code == 200
    partner = consortium.partner_team.establishment.organisation
    answer = client.post(
        url,
        {
            "year": "2",
            "organisation": str(partner.pk),
            "reached": "40",
            "remobilised": "",
            "accompanied": "25",
            "positive_exits": "10",
        },
    )
    assert answer.status_code == 302
    target = Target.objects.get(programme=consortium.programme, organisation=partner, year=2)
    assert (target.reached, target.remobilised, target.accompanied, target.positive_exits) == (
        40,
        None,
        25,
        10,
    )
    refused = client.post(url, {"year": "2", "organisation": str(partner.pk), "reached": "-3"})
    assert refused.status_code == 422
    assert refused.context["form"].errors["reached"]


def test_targets_two_people_saving_one_year_never_overwrite_each_other(consortium):  # noqa: F811
    first = set_target(
        consortium.programme, organisation=consortium.organisation, year=1, reached=20
    )
    seen = first.lock_version
    set_target(
        consortium.programme, organisation=consortium.organisation, year=1, version=seen, reached=25
    )
    with pytest.raises(StaleEdit):
        set_target(
            consortium.programme,
            organisation=consortium.organisation,
            year=1,
            version=seen,
            reached=30,
        )
    assert Target.objects.get(year=1, organisation=consortium.organisation).reached == 25


def test_targets_refuse_a_year_outside_the_agreement_and_a_non_member(consortium):  # noqa: F811
    from django.core.exceptions import ValidationError

    from tests.organisation.factories import OrganisationFactory

    with pytest.raises(ValidationError) as error:
        set_target(consortium.programme, organisation=OrganisationFactory(name="Autre"), year=4)
    assert set(error.value.message_dict) == {"organisation", "year"}
