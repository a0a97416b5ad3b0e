"""Priority-public flags that cannot contradict the data: the age publics derived on the consent
date (the one reference date of the flags and of the report's age table), only in the
départements where the programme's call makes them a priority; "Femme" from the recorded sex,
never typed (a data migration corrects the stored flags); attendance before consent refused
and not counted."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from ancrage.insertion import report
from ancrage.insertion.models import Activity, Attendance, Beneficiary, Programme
from ancrage.insertion.services.activity import record_activity
from ancrage.insertion.services.beneficiary import check_eligibility
from ancrage.insertion.services.programme import update_programme
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_years
from ancrage.organisation.models import EfopTerritory
from tests.conftest import login
from tests.insertion.factories import new_beneficiary
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date
CONSENT = D(2026, 3, 10)


@pytest.fixture
def me(o2r_files):
    return o2r_files.users[Role.O2R_COUNSELLOR]


def territory(name, departement):
    return EfopTerritory.objects.get_or_create(name=name, defaults={"departement": departement})[0]


def set_priorities(world, **priority_departements):
    """The world's programme, targeting both age publics, with these priority départements."""
    p = world.programme
    update_programme(
        p,
        name=p.name,
        call=p.call,
        region=p.region,
        departements=p.departements,
        start_date=p.start_date,
        end_date=p.end_date,
        agreement_amount=p.agreement_amount,
        consortium=p.consortium,
        services=list(p.services.all()),
        efop_territories=list(p.efop_territories.all()),
        target_publics=["under_26", "aged_55_plus"],
        priority_departements=priority_departements,
    )


def checked(
    world,
    me,
    *,
    birth_date=D(2004, 5, 1),
    sex="M",
    where=None,
    consent_on=CONSENT,
    checked_on=None,
    flags=(),
):
    person = PersonFactory(birth_date=birth_date, sex=sex)
    beneficiary = new_beneficiary(
        world.o2r_team, me, person=person, territory=where, consent_on=consent_on
    )
    check_eligibility(
        beneficiary,
        by=me,
        checked_on=checked_on or consent_on,
        registered=False,
        flags=list(flags),
    )
    return Beneficiary.objects.get(pk=beneficiary.pk)


# Under 26 where the call gives young people priority -------------------------------------------
def test_under_26_is_not_flagged_in_a_departement_without_priority_for_young_people(o2r_files, me):
    set_priorities(o2r_files, under_26=["49", "53", "72"])
    in_44 = checked(o2r_files, me, where=territory("44 Centre", "44"))
    in_72 = checked(o2r_files, me, where=territory("72 Sud", "72"))
    assert not in_44.under_26
    assert in_72.under_26


def test_55_plus_only_in_mayenne_and_sarthe_as_the_seed_call_says(o2r_files, me):
    set_priorities(o2r_files, under_26=["44", "49", "53", "72"], aged_55_plus=["53", "72"])
    born = D(1960, 1, 1)
    assert not checked(
        o2r_files, me, birth_date=born, where=territory("44 Centre", "44")
    ).aged_55_plus
    assert checked(o2r_files, me, birth_date=born, where=territory("53 Nord", "53")).aged_55_plus


def test_under_26_is_not_flagged_when_the_programme_does_not_target_young_people(o2r_files, me):
    set_priorities(o2r_files)
    Programme.objects.filter(pk=o2r_files.programme.pk).update(target_publics=["aged_55_plus"])
    assert not checked(o2r_files, me).under_26


def test_a_target_age_public_without_departements_is_a_priority_in_all_of_the_programmes(
    o2r_files, me
):
    set_priorities(o2r_files)
    assert checked(o2r_files, me, where=territory("44 Centre", "44")).under_26


def test_priority_departements_outside_the_programme_or_untargeted_are_refused(o2r_files):
    with pytest.raises(ValidationError) as error:
        set_priorities(o2r_files, under_26=["44", "85"])
    assert "85" in error.value.message_dict["departements_under_26"][0]
    p = o2r_files.programme
    with pytest.raises(ValidationError) as error:
        update_programme(
            p,
            name=p.name,
            call=p.call,
            region=p.region,
            departements=p.departements,
            start_date=p.start_date,
            end_date=p.end_date,
            agreement_amount=p.agreement_amount,
            consortium=p.consortium,
            services=list(p.services.all()),
            target_publics=["aged_55_plus"],
            priority_departements={"under_26": ["44"]},
        )
    assert "publics cibles" in error.value.message_dict["departements_under_26"][0]


def test_the_lead_sets_the_priority_departements_in_the_programme_form(client, o2r_files):
    login(client, o2r_files.users[Role.O2R_LEAD])
    p = o2r_files.programme
    url = reverse("insertion:programme_edit", args=[p.pk])
    data = {
        "name": p.name,
        "call": p.call,
        "region": p.region,
        "departements": p.departements,
        "start_date": p.start_date.isoformat(),
        "end_date": p.end_date.isoformat(),
        "agreement_amount": str(p.agreement_amount),
        "consortium": p.consortium_id,
        "services": list(p.services.values_list("pk", flat=True)),
        "efop_territories": list(p.efop_territories.values_list("pk", flat=True)),
        "target_publics": ["under_26", "aged_55_plus"],
        "departements_under_26": "44, 49, 53, 72",
        "departements_aged_55_plus": "53,72",
    }
    assert client.post(url, data).status_code == 302
    p.refresh_from_db()
    assert p.priority_departements == {
        "under_26": ["44", "49", "53", "72"],
        "aged_55_plus": ["53", "72"],
    }
    assert client.get(url).context["form"]["departements_aged_55_plus"].value() == "53,72"
    refused = client.post(url, {**data, "departements_under_26": "44,85"})
    assert refused.status_code == 422
    assert "85" in refused.context["form"].errors["departements_under_26"][0]


# One reference date: the consent date ------------------------------------------------------------
@pytest.mark.parametrize(
    ("birthday_offset", "under_26"),
    [(1, True), (0, False), (-1, False)],
    ids=["26-the-day-after-consent", "26-on-the-consent-day", "26-the-day-before"],
)
def test_under_26_is_the_age_on_the_consent_date_not_on_the_check(
    o2r_files, me, birthday_offset, under_26
):
    """The 26th birthday the day after, on, the day before the consent; the eligibility is
    checked 20 days later, after the birthday: the flag follows the consent date."""
    birth = add_years(add_days(CONSENT, birthday_offset), -26)
    b = checked(o2r_files, me, birth_date=birth, checked_on=add_days(CONSENT, 20))
    assert b.under_26 is under_26


def test_the_report_counts_a_person_under_26_in_both_tables_or_in_neither(o2r_files, me):
    """26 on the day after the consent, checked a month later: under 26 in the age table and in
    the priority table alike (before, the flag followed the check date and the table the
    consent date)."""
    set_priorities(o2r_files)
    checked(
        o2r_files,
        me,
        birth_date=add_years(add_days(CONSENT, 1), -26),
        checked_on=add_days(CONSENT, 30),
    )
    checked(o2r_files, me, birth_date=add_years(CONSENT, -26), checked_on=CONSENT)
    r = report.build([o2r_files.o2r_team.establishment_id], CONSENT, CONSENT)
    assert r.ages[0][-1] == 1  # under 26 in the age table
    assert dict(r.priority)["Moins de 26 ans en rupture"] == 1
    assert r.ages[1][-1] == 1  # the other, 26 that day


# "Femme" from the recorded sex -------------------------------------------------------------------
@pytest.mark.parametrize(("sex", "woman"), [("F", True), ("M", False), ("X", False)])
def test_the_woman_flag_is_derived_from_the_recorded_sex(o2r_files, me, sex, woman):
    assert checked(o2r_files, me, sex=sex).woman is woman


def test_the_woman_flag_cannot_be_typed(o2r_files, me):
    with pytest.raises(ValidationError) as error:
        checked(o2r_files, me, sex="M", flags=["woman"])
    assert "sexe" in error.value.message_dict["flags"][0]


def test_the_report_counts_women_as_the_age_table_does(o2r_files, me):
    women = [checked(o2r_files, me, sex="F") for _ in range(2)]
    checked(o2r_files, me, sex="M")
    # a flag stored wrongly (typed before the fix) does not change the count
    Beneficiary.objects.filter(pk=women[0].pk).update(woman=False)
    r = report.build([o2r_files.o2r_team.establishment_id], CONSENT, CONSENT)
    assert dict(r.priority)["Femme"] == 2 == sum(row[1] for row in r.ages)


def test_the_data_migration_derives_the_stored_flags(o2r_files, me):
    set_priorities(o2r_files)
    woman = checked(o2r_files, me, sex="F", birth_date=D(1990, 1, 1))
    young = checked(o2r_files, me, sex="M", birth_date=add_years(add_days(CONSENT, 1), -26))
    unchecked = new_beneficiary(o2r_files.o2r_team, me, consent_on=CONSENT)
    # as typed or derived before: "Femme" ticked for a man, missing for a woman; the age on the
    # check date instead of the consent date
    Beneficiary.objects.filter(pk=woman.pk).update(woman=False, qpv=True)
    Beneficiary.objects.filter(pk=young.pk).update(woman=True, under_26=False)
    migration = importlib.import_module(
        "ancrage.insertion.migrations.0007_derive_woman_and_age_flags"
    )
    migration.derive(apps, None)
    woman.refresh_from_db()
    young.refresh_from_db()
    unchecked.refresh_from_db()
    assert woman.woman and woman.qpv and not woman.under_26
    assert not young.woman and young.under_26
    assert not unchecked.woman, "flags are set by the eligibility check"


# Attendance before consent ----------------------------------------------------------------------
def test_attendance_before_consent_is_not_counted_in_the_report(o2r_files, me):
    """An attendance dated before the consent (recorded before the rule) is not a
    remobilisation; one on the consent day is."""
    early = checked(o2r_files, me, consent_on=D(2026, 3, 10))
    on_time = checked(o2r_files, me, consent_on=D(2026, 3, 5))
    activity = record_activity(
        team=o2r_files.o2r_team,
        by=me,
        format=Activity.Format.COLLECTIVE,
        kind="workshop",
        title="Atelier",
        date=D(2026, 3, 5),
        duration_minutes=60,
        attendees=[on_time],
    )
    Attendance.objects.create(activity=activity, beneficiary=early)
    r = report.build([o2r_files.o2r_team.establishment_id], D(2026, 3, 1), D(2026, 3, 31))
    assert dict(r.steps)["Personnes en remobilisation (au moins une activité)"] == 1
