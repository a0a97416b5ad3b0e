"""The activity report read from its stored summary is exactly the report built from scratch:
after any sequence of writes through the services, and after each kind of write (a service that
forgets to record its change leaves a stale summary, and these tests fail)."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ancrage.insertion import report, summary
from ancrage.insertion.models import (
    Accompaniment,
    Activity,
    Barrier,
    Beneficiary,
    Exit,
    FollowUp,
    OutreachAction,
    ReportChange,
    ReportSummary,
)
from ancrage.insertion.queries.report import report_scope, report_views
from ancrage.insertion.services.accompaniment import (
    extend_accompaniment,
    open_accompaniment,
    record_barrier,
)
from ancrage.insertion.services.activity import record_activity
from ancrage.insertion.services.beneficiary import (
    check_eligibility,
    record_exit,
    record_follow_up,
    record_situation,
)
from ancrage.insertion.services.outreach import log_outreach_action, record_contact
from ancrage.insertion.services.programme import set_target
from ancrage.kernel.access import Role
from ancrage.people.services import update_identity
from ancrage.privacy.contributions import anonymise_insertion, anonymise_person
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import login
from tests.insertion.factories import new_beneficiary

pytestmark = pytest.mark.django_db
D = datetime.date
# Fixed periods around the writes: the second quarter of 2026 and the calendar year.
PERIODS = [(D(2026, 4, 1), D(2026, 6, 30)), (D(2026, 1, 1), D(2026, 12, 31))]
DAYS = [D(2026, 1, 20), D(2026, 3, 31), D(2026, 4, 1), D(2026, 5, 10), D(2026, 6, 30)]


def views(world):
    """(members, consolidated) for the programme's report and each member's service report."""
    members = report_scope(world.users[Role.O2R_LEAD], world.programme).members
    return [(members, True)] + [([("", ids)], False) for _name, ids in members]


def from_scratch(world, members, consolidated, start, end):
    if consolidated:
        return report.build_consolidated(members, start, end, programme=world.programme)
    return report.build(members[0][1], start, end, programme=world.programme).published()


def read(world, members, consolidated, start, end):
    return summary.published(world.programme, members, start, end, consolidated=consolidated)


def assert_summaries_exact(world):
    for members, consolidated in views(world):
        for start, end in PERIODS:
            stored = summary.encode(read(world, members, consolidated, start, end))
            built = summary.encode(from_scratch(world, members, consolidated, start, end))
            assert stored == built, (consolidated, start, end)


class Writer:
    """Writes through the services, each picking its record among the world's."""

    def __init__(self, world):
        self.w = world
        self.sides = [
            (world.o2r_team, world.users[Role.O2R_COUNSELLOR]),
            (world.partner_team, world.partner_counsellor),
        ]

    def side(self, n):
        return self.sides[n % 2]

    def beneficiaries(self, **filters):
        return list(
            Beneficiary.objects.filter(programme=self.w.programme, **filters).order_by("pk")
        )

    def pick(self, items, n):
        return items[n % len(items)] if items else None

    def beneficiary(self, n, day, sex, birth):
        team, by = self.side(n)
        b = new_beneficiary(
            team, by, territory=self.w.territory, consent_on=day, sex=sex, birth_date=birth
        )
        check_eligibility(b, by=by, checked_on=day, registered=False)
        return b

    def contact(self, n, day):
        team, by = self.side(n)
        return record_contact(
            team=team,
            by=by,
            met_on=day,
            nickname="Lou",
            commune="Nantes",
            efop_territory=self.w.territory,
            age_bracket="18_25",
        )

    def outreach(self, n, day):
        team, by = self.side(n)
        return log_outreach_action(
            team=team,
            by=by,
            date=day,
            kind=OutreachAction.Kind.STREET_WORK,
            place="Gare",
            commune="Nantes",
            efop_territory=self.w.territory,
            people_met=n % 7 + 1,
        )

    def eligibility(self, n, day):
        b = self.pick(self.beneficiaries(), n)
        if b is None:
            return None
        return check_eligibility(
            b, by=self.side(0)[1], checked_on=max(day, b.consent_on), registered=False
        )

    def accompaniment(self, n, day):
        b = self.pick(
            self.beneficiaries(
                accompaniment__isnull=True, exit__isnull=True, eligibility__isnull=False
            ),
            n,
        )
        if b is None:
            return None
        team, by = self.sides[0] if b.team_id == self.sides[0][0].pk else self.sides[1]
        return open_accompaniment(b, by=by, start_date=max(day, b.consent_on), referent=by)

    def exit(self, n, day):
        b = self.pick(self.beneficiaries(exit__isnull=True), n)
        if b is None:
            return None
        start = Accompaniment.objects.filter(beneficiary=b).values_list("start_date", flat=True)
        on = max([day, b.consent_on, *start])
        reason = Exit.Reason.values[n % len(Exit.Reason.values)]
        return record_exit(b, by=self.side(0)[1], date=on, reason=reason)

    def activity(self, n, day):
        team, by = self.side(n)
        people = [
            b
            for b in self.beneficiaries(service_id=team.establishment_id, consent_on__lte=day)
            if b.team_id == team.pk
        ]
        if not people:
            return None
        return record_activity(
            team=team,
            by=by,
            format=Activity.Format.COLLECTIVE,
            kind=Activity.Kind.WORKSHOP,
            title="Atelier CV",
            date=day,
            duration_minutes=90,
            attendees=people[: n % 3 + 1],
        )

    def extension(self, n, day):
        a = self.pick(
            list(Accompaniment.objects.filter(end_date__isnull=True, extended_on__isnull=True)),
            n,
        )
        if a is None:
            return None
        return extend_accompaniment(
            a,
            by=self.side(0)[1],
            until=a.twelve_months_date,
            reason="Situation particulière",
            decided_on=a.start_date,
        )

    def barrier(self, n, day):
        a = self.pick(list(Accompaniment.objects.order_by("pk")), n)
        if a is None:
            return None
        kind = Barrier.Kind.values[n % len(Barrier.Kind.values)]
        status = Barrier.Status.values[n % len(Barrier.Status.values)]
        return record_barrier(
            a, by=self.side(0)[1], kind=kind, situation="Vu", status=status, on=a.start_date
        )

    def follow_up(self, n, day):
        f = self.pick(list(FollowUp.objects.filter(recorded_on__isnull=True).order_by("pk")), n)
        if f is None:
            return None
        situation = FollowUp.Situation.values[n % len(FollowUp.Situation.values)]
        return record_follow_up(f, recorded_on=f.exit.date, situation=situation)

    def situation(self, n, day):
        b = self.pick(self.beneficiaries(), n)
        if b is None:
            return None
        return record_situation(b, housing=["", "own", "family"][n % 3])

    def identity(self, n, day):
        b = self.pick(self.beneficiaries(), n)
        if b is None:
            return None
        person = b.person
        return update_identity(
            person,
            {"birth_date": D(1960 + n % 45, 3, 3), "sex": ["F", "M"][n % 2]},
        )

    def territory(self, n, day):
        # what the administration's form does: the model saved whole
        territory = self.w.territory
        territory.name = ["44 Centre", "44 Centre-Loire", "Estuaire"][n % 3]
        territory.departement = ["44", "49"][n % 2]
        territory.save()
        return territory

    def person_whole(self, n, day):
        # a save of every field of a beneficiary's person (no `update_fields`)
        b = self.pick(self.beneficiaries(), n)
        if b is None:
            return None
        person = b.person
        person.birth_date = D(1970 + n % 40, 9, 9)
        person.sex = ["M", "F"][n % 2]
        person.save()
        return person

    def target(self, n, day):
        return set_target(
            self.w.programme,
            organisation=self.side(n)[0].establishment.organisation,
            year=1,
            reached=n,
        )

    def anonymisation(self, n, day):
        b = self.pick(self.beneficiaries(), n)
        if b is None:
            return None
        anonymise_person(b.person_id)
        return anonymise_insertion(b.person_id)


WRITES = [
    "beneficiary",
    "contact",
    "outreach",
    "eligibility",
    "accompaniment",
    "exit",
    "activity",
    "extension",
    "barrier",
    "follow_up",
    "situation",
    "identity",
    "anonymisation",
    "territory",
    "person_whole",
]


def write(writer, kind, n, day):
    """The write, or None when the services refuse it (nothing written: a rule of theirs)."""
    try:
        with transaction.atomic():
            if kind == "beneficiary":
                return writer.beneficiary(n, day, ["F", "M"][n % 2], D(1965 + n % 40, 6, 6))
            return getattr(writer, kind)(n, day)
    except ValidationError:
        return None


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(WRITES), st.integers(0, 50), st.sampled_from(DAYS)),
        min_size=1,
        max_size=10,
    )
)
def test_summary_after_random_writes_equals_the_report_built_from_scratch(o2r_files, steps):
    with transaction.atomic():
        writer = Writer(o2r_files)
        # a few files to start with, and every summary stored before the writes
        for n, day in enumerate(DAYS[:3]):
            writer.beneficiary(n, day, "F", D(2003, 1, 1))
        for members, consolidated in views(o2r_files):
            for start, end in PERIODS:
                read(o2r_files, members, consolidated, start, end)
        for kind, n, day in steps:
            write(writer, kind, n, day)
        assert_summaries_exact(o2r_files)
        # the inequalities the disclosure control is told hold whatever the services wrote
        members = views(o2r_files)[0][0]
        for start, end in PERIODS:
            parts, whole = report.member_reports(members, start, end, programme=o2r_files.programme)
            for part in [*parts, whole]:
                tables, _links, _sums = part.disclosure_tables()
                bounds = part.disclosure_bounds()
                assert report.holding(tables, bounds) == bounds
        transaction.set_rollback(True)


@pytest.fixture
def started(o2r_files):
    """Files on both sides, one accompanied and one that left (its follow-ups due), and every
    summary stored."""
    writer = Writer(o2r_files)
    for n, day in enumerate(DAYS):
        writer.beneficiary(n, day, ["F", "M"][n % 2], D(1980 + n, 1, 1))
    writer.accompaniment(0, D(2026, 4, 2))
    writer.exit(1, D(2026, 5, 2))
    for members, consolidated in views(o2r_files):
        for start, end in PERIODS:
            read(o2r_files, members, consolidated, start, end)
    assert ReportSummary.objects.count() == len(views(o2r_files)) * len(PERIODS)
    return writer


@pytest.mark.parametrize("kind", [*WRITES, "target"])
def test_summary_each_kind_of_write_makes_the_stored_report_stale(started, kind):
    programme = started.w.programme
    before = summary.changes(programme.pk)
    assert write(started, kind, 3, D(2026, 5, 20)) is not None or kind == "anonymisation", kind
    assert summary.changes(programme.pk) > before, f"{kind} recorded no change"
    assert_summaries_exact(started.w)


def test_summary_read_when_current_is_one_query(started, django_assert_num_queries):
    members, consolidated = views(started.w)[0]
    with django_assert_num_queries(1):
        figures = read(started.w, members, consolidated, *PERIODS[0])
    assert figures.members == [name for name, _ids in members]


def test_summary_refresh_rebuilds_the_stale_ones_and_folds_the_changes(started):
    started.exit(0, D(2026, 6, 1))
    stored = ReportSummary.objects.count()
    out = StringIO()
    call_command("o2r_report_summaries", stdout=out)
    assert f"{stored} synthèses recalculées." in out.getvalue()
    assert not ReportChange.objects.exists()
    # current again: no rebuild, and the folded count still moves with the next write
    assert summary.refresh_stale() == 0
    before = summary.changes(started.w.programme.pk)
    started.outreach(1, D(2026, 6, 2))
    assert summary.changes(started.w.programme.pk) == before + 1
    assert_summaries_exact(started.w)


def test_summary_of_other_code_is_not_read(started):
    for stored in ReportSummary.objects.all():
        stored.key = "0" * 16 + stored.key[16:]
        stored.save(update_fields=["key"])
    members, consolidated = views(started.w)[0]
    read(started.w, members, consolidated, *PERIODS[0])
    summary.refresh_stale()
    assert not ReportSummary.objects.exclude(key__startswith=summary.FINGERPRINT).exists()


def test_summary_prebuilt_for_the_current_periods_of_every_view(o2r_files):
    today = timezone.localdate()
    programme = o2r_files.programme
    current = summary.current_periods(programme, today)
    # the agreement year and its quarter, the calendar year and its quarter
    assert len(current) == 4 and all(p.start <= today <= p.end for p in current)
    # the programme's (lead and funder), each member's service
    prebuilt = report_views(programme)
    assert len(prebuilt) == 3
    assert summary.prebuild(today) == len(prebuilt) * len(current)
    assert summary.prebuild(today) == 0  # stored and current: nothing more
    for members, consolidated in prebuilt:
        for period in current:
            stored = summary.encode(
                read(o2r_files, members, consolidated, period.start, period.end)
            )
            built = summary.encode(
                from_scratch(o2r_files, members, consolidated, period.start, period.end)
            )
            assert stored == built
    # a write makes them stale: rebuilt by refresh_stale, not built again by prebuild
    Writer(o2r_files).outreach(1, today)
    assert summary.refresh_stale() == len(prebuilt) * len(current)
    assert summary.prebuild(today) == 0


def test_summary_prebuilt_the_first_opening_of_every_reader_builds_nothing(
    o2r_files, client, monkeypatch
):
    partner_lead = UserFactory(username="cheffe-partenaire")
    MembershipFactory(
        user=partner_lead,
        role=Role.O2R_LEAD,
        establishment=o2r_files.partner_team.establishment,
        start_date=D(2024, 1, 1),
    )
    partner_lead = type(partner_lead).objects.get(pk=partner_lead.pk)
    out = StringIO()
    call_command("o2r_report_summaries", stdout=out)
    assert "12 synthèses préparées pour les périodes en cours." in out.getvalue()

    def no_build(*args, **kwargs):
        raise AssertionError("a reader built a report")

    monkeypatch.setattr(summary, "_build", no_build)
    today = timezone.localdate()
    for user in (o2r_files.users[Role.O2R_LEAD], o2r_files.users[Role.FUNDER], partner_lead):
        login(client, user)
        for view in ("programme", "service"):
            for period in summary.current_periods(o2r_files.programme, today):
                page = client.get(reverse("insertion:report"), {"view": view, "period": period.key})
                # a view the reader does not have is refused at the field (422)
                assert page.status_code in (200, 422), (user, view)
                if page.status_code == 200:
                    assert page.context["report"] is not None
        client.get(reverse("insertion:report"))  # the page as it first opens
        client.logout()


def test_summary_prebuild_is_part_of_the_worker_task(o2r_files):
    from ancrage.insertion.tasks import refresh_report_summaries

    refresh_report_summaries.call()
    views = len(report_views(o2r_files.programme))
    periods = len(summary.current_periods(o2r_files.programme, timezone.localdate()))
    assert ReportSummary.objects.count() == views * periods


def admin_form(page) -> dict:
    """The data the administration's change form posts back as it is (every field, every
    inline), to be changed before posting."""
    data = {}

    def add(form):
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            if value is True:
                value = "on"
            data[bound.html_name] = value if isinstance(value, list) else str(value)

    add(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


@pytest.mark.parametrize(
    "changes", [{"name": "44 Centre-Loire"}, {"departement": "49"}], ids=["name", "departement"]
)
def test_summary_admin_edit_of_a_territory_makes_the_stored_report_stale(started, client, changes):
    territory = started.w.territory
    login(client, started.w.users[Role.TECH_ADMIN])
    url = reverse("admin:organisation_efopterritory_change", args=[territory.pk])
    before = summary.changes(started.w.programme.pk)
    page = client.post(url, {**admin_form(client.get(url)), **changes})
    assert page.status_code == 302, page.context["adminform"].form.errors
    assert summary.changes(started.w.programme.pk) > before
    assert_summaries_exact(started.w)


def test_summary_admin_edit_of_a_service_makes_the_stored_report_stale(started, client):
    # the partner's service moved to the lead's organisation: one member reports both services
    service = started.w.partner_team.establishment
    login(client, started.w.users[Role.TECH_ADMIN])
    url = reverse("admin:organisation_establishment_change", args=[service.pk])
    before = summary.changes(started.w.programme.pk)
    data = admin_form(client.get(url))
    data["organisation"] = str(started.w.organisation.pk)
    page = client.post(url, data)
    assert page.status_code == 302, page.context["adminform"].form.errors
    assert summary.changes(started.w.programme.pk) > before
    assert len(views(started.w)) == 2  # the programme's and the one member's
    assert_summaries_exact(started.w)


@pytest.mark.parametrize(
    "model", ["insertion_programme", "people_person"], ids=["programme", "person"]
)
def test_summary_the_administration_cannot_write_a_counted_o2r_record(started, client, model):
    # Programmes and persons are written through their services only (which record the
    # change): the administration's change form refuses to save them.
    login(client, started.w.users[Role.TECH_ADMIN])
    record = started.w.programme if model == "insertion_programme" else started.w.beneficiary_person
    before = summary.changes(started.w.programme.pk)
    page = client.post(
        reverse(f"admin:{model}_change", args=[record.pk]), {"name": "Autre", "sex": "F"}
    )
    assert page.status_code in (403, 404)
    assert client.post(reverse(f"admin:{model}_delete", args=[record.pk])).status_code in (
        403,
        404,
    )
    assert summary.changes(started.w.programme.pk) == before
