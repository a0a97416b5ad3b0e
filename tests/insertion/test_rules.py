"""The O2R rules, each named after the rule it checks: the agreement, eligibility and its
5-month rule, derived age flags, the 9/12-month limit and its alerts, remuneration periods,
exits and follow-ups, attendance, and referrals from the villages."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ancrage.insertion.models import Activity, Beneficiary, Contact, Eligibility, VillageReferral
from ancrage.insertion.services.accompaniment import (
    add_remuneration,
    extend_accompaniment,
    limit_alert,
    open_accompaniment,
    record_barrier,
)
from ancrage.insertion.services.activity import record_activity
from ancrage.insertion.services.beneficiary import (
    check_eligibility,
    convert_contact,
    no_contact_since,
    record_exit,
)
from ancrage.insertion.services.outreach import log_outreach_action
from ancrage.insertion.services.programme import create_programme
from ancrage.insertion.services.referral import accept_referral, refer_from_village
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.organisation.models import Consortium
from ancrage.people.consents import withdraw_consent
from ancrage.people.models import Consent
from tests.insertion.factories import new_beneficiary, programme_kwargs
from tests.people.factories import PersonFactory

TODAY = timezone.localdate


@pytest.fixture
def o2r(o2r_files):
    return o2r_files


def counsellor(world):
    return world.users[Role.O2R_COUNSELLOR]


# Programme -----------------------------------------------------------------------------------
def test_agreement_under_150_000_euros_is_refused(o2r):
    with pytest.raises(ValidationError) as error:
        create_programme(
            **programme_kwargs(name="Trop petit", agreement_amount=Decimal("149999.99")),
            organisation=o2r.organisation,
        )
    assert "150 000 €" in error.value.message_dict["agreement_amount"][0]


def test_agreement_of_exactly_150_000_euros_over_3_years_is_accepted(o2r):
    start = datetime.date(2025, 9, 1)
    programme = create_programme(
        **programme_kwargs(name="Juste", start_date=start, end_date=start + relativedelta(years=3)),
        organisation=o2r.organisation,
    )
    assert programme.agreement_amount == Decimal("150000.00")


def test_agreement_longer_than_3_years_is_refused(o2r):
    start = datetime.date(2025, 9, 1)
    with pytest.raises(ValidationError) as error:
        create_programme(
            **programme_kwargs(
                name="Long",
                start_date=start,
                end_date=start + relativedelta(years=3) + datetime.timedelta(days=1),
            ),
            organisation=o2r.organisation,
        )
    assert "end_date" in error.value.message_dict


def test_programme_has_one_carrier_an_organisation_or_a_consortium(o2r):
    consortium = Consortium.objects.get(name="Consortium O2R 44")
    with pytest.raises(ValidationError) as error:
        create_programme(
            **programme_kwargs(name="Deux porteurs"),
            organisation=o2r.organisation,
            consortium=consortium,
        )
    assert "organisation" in error.value.message_dict


def test_programme_services_belong_to_its_carrier(o2r):
    with pytest.raises(ValidationError) as error:
        create_programme(
            **programme_kwargs(name="Service d'autrui"),
            organisation=o2r.other_organisation,
            services=[o2r.o2r_team.establishment],
        )
    assert "n'appartient pas" in error.value.message_dict["services"][0]


# Eligibility ---------------------------------------------------------------------------------
def check(world, beneficiary=None, **facts):
    return check_eligibility(beneficiary or world.beneficiary, by=counsellor(world), **facts)


def test_not_registered_with_france_travail_is_eligible_first(o2r):
    eligibility = check(o2r, checked_on=TODAY(), registered=False)
    assert eligibility.basis == Eligibility.Basis.NOT_REGISTERED


def test_registered_without_suitable_accompaniment_is_eligible(o2r):
    eligibility = check(o2r, checked_on=TODAY(), registered=True, suitable_accompaniment=False)
    assert eligibility.basis == Eligibility.Basis.NO_SUITABLE_ACCOMPANIMENT


def test_no_contact_for_exactly_5_months_is_eligible(o2r):
    on = datetime.date(2026, 11, 20)
    eligibility = check(
        o2r,
        checked_on=on,
        registered=True,
        suitable_accompaniment=True,
        last_contact_on=datetime.date(2026, 6, 20),
    )
    assert eligibility.basis == Eligibility.Basis.NO_RECENT_CONTACT


def test_contact_5_months_minus_one_day_ago_is_not_eligible_with_a_french_message(o2r):
    on = datetime.date(2026, 11, 20)
    with pytest.raises(ValidationError) as error:
        check(
            o2r,
            checked_on=on,
            registered=True,
            suitable_accompaniment=True,
            last_contact_on=datetime.date(2026, 6, 21),
        )
    assert "Non éligible" in error.value.message_dict["last_contact_on"][0]
    assert "21/06/2026" in error.value.message_dict["last_contact_on"][0]
    assert not Eligibility.objects.filter(beneficiary=o2r.beneficiary).exists()


def test_registered_and_accompanied_without_a_contact_date_is_refused(o2r):
    with pytest.raises(ValidationError) as error:
        check(o2r, checked_on=TODAY(), registered=True, suitable_accompaniment=True)
    assert "Non éligible" in error.value.message_dict["last_contact_on"][0]


def test_five_month_rule_at_month_end_uses_calendar_months():
    # 31 March + 5 months: 31 August; 30 September − 5 months is 30 April
    assert no_contact_since(datetime.date(2026, 4, 30), datetime.date(2026, 9, 30))
    assert not no_contact_since(datetime.date(2026, 5, 1), datetime.date(2026, 9, 30))


@pytest.mark.parametrize(
    ("last_contact_on", "on", "eligible"),
    [
        # 30 September + 5 months = 28 February (no 30 February): the day before, the day, after
        (datetime.date(2025, 9, 30), datetime.date(2026, 2, 27), False),
        (datetime.date(2025, 9, 30), datetime.date(2026, 2, 28), True),
        (datetime.date(2025, 9, 30), datetime.date(2026, 3, 1), True),
        # 31 August + 5 months = 31 January
        (datetime.date(2025, 8, 31), datetime.date(2026, 1, 30), False),
        (datetime.date(2025, 8, 31), datetime.date(2026, 1, 31), True),
        (datetime.date(2025, 8, 31), datetime.date(2026, 2, 1), True),
        # 30 September 2027 + 5 months = 29 February 2028 (a leap year)
        (datetime.date(2027, 9, 30), datetime.date(2028, 2, 28), False),
        (datetime.date(2027, 9, 30), datetime.date(2028, 2, 29), True),
        (datetime.date(2027, 9, 30), datetime.date(2028, 3, 1), True),
        # 28 February + 5 months = 28 July, not the end of July
        (datetime.date(2026, 2, 28), datetime.date(2026, 7, 27), False),
        (datetime.date(2026, 2, 28), datetime.date(2026, 7, 28), True),
        (datetime.date(2026, 2, 28), datetime.date(2026, 7, 29), True),
    ],
)
def test_no_contact_for_5_months_holds_from_the_last_contact_plus_5_months(
    last_contact_on, on, eligible
):
    """ "No regular contact in the last 5 months" (L5316-1): the 5 months are counted forward
    from the last contact with the French month rule, and the rule holds on the day they are
    reached."""
    assert no_contact_since(last_contact_on, on) is eligible


def test_last_contact_30_september_checked_on_28_february_is_eligible(o2r):
    eligibility = check(
        o2r,
        checked_on=datetime.date(2026, 2, 28),
        registered=True,
        suitable_accompaniment=True,
        last_contact_on=datetime.date(2025, 9, 30),
    )
    assert eligibility.basis == Eligibility.Basis.NO_RECENT_CONTACT


def test_last_contact_30_september_checked_on_27_february_is_not_eligible(o2r):
    with pytest.raises(ValidationError) as error:
        check(
            o2r,
            checked_on=datetime.date(2026, 2, 27),
            registered=True,
            suitable_accompaniment=True,
            last_contact_on=datetime.date(2025, 9, 30),
        )
    assert "30/09/2025" in error.value.message_dict["last_contact_on"][0]


# Priority publics -----------------------------------------------------------------------------
def with_birth(world, birth_date, consent_on=datetime.date(2026, 11, 20)):
    """A beneficiary who consented on `consent_on` (the age flags' reference date)."""
    person = PersonFactory(birth_date=birth_date)
    return new_beneficiary(world.o2r_team, counsellor(world), person=person, consent_on=consent_on)


def test_under_26_flag_is_derived_the_day_before_the_26th_birthday(o2r):
    on = datetime.date(2026, 11, 20)
    beneficiary = with_birth(o2r, datetime.date(2000, 11, 21))
    check(o2r, beneficiary, checked_on=on, registered=False)
    beneficiary.refresh_from_db()
    assert beneficiary.under_26 and not beneficiary.aged_55_plus


def test_under_26_flag_is_not_set_on_the_26th_birthday(o2r):
    on = datetime.date(2026, 11, 20)
    beneficiary = with_birth(o2r, datetime.date(2000, 11, 20))
    check(o2r, beneficiary, checked_on=on, registered=False)
    beneficiary.refresh_from_db()
    assert not beneficiary.under_26


def test_55_plus_flag_is_derived_on_the_55th_birthday_not_the_day_before(o2r):
    on = datetime.date(2026, 11, 20)
    turning = with_birth(o2r, datetime.date(1971, 11, 20))
    almost = with_birth(o2r, datetime.date(1971, 11, 21))
    check(o2r, turning, checked_on=on, registered=False)
    check(o2r, almost, checked_on=on, registered=False)
    turning.refresh_from_db()
    almost.refresh_from_db()
    assert turning.aged_55_plus
    assert not almost.aged_55_plus


def test_age_flags_cannot_be_typed(o2r):
    with pytest.raises(ValidationError) as error:
        check(o2r, checked_on=TODAY(), registered=False, flags=["under_26"])
    assert "date de naissance" in error.value.message_dict["flags"][0]


def test_typed_flags_are_recorded_and_unticked_ones_cleared(o2r):
    check(o2r, checked_on=TODAY(), registered=False, flags=["qpv", "no_stable_housing"])
    o2r.beneficiary.refresh_from_db()
    assert o2r.beneficiary.qpv and o2r.beneficiary.no_stable_housing
    check(o2r, checked_on=TODAY(), registered=False, flags=["zrr"])
    o2r.beneficiary.refresh_from_db()
    assert o2r.beneficiary.zrr and not o2r.beneficiary.qpv


# Accompaniment: 9 months, 12 with a reason ---------------------------------------------------
@pytest.fixture
def accompaniment(o2r):
    beneficiary = new_beneficiary(
        o2r.o2r_team, counsellor(o2r), consent_on=datetime.date(2026, 1, 10)
    )
    check(o2r, beneficiary, checked_on=datetime.date(2026, 1, 10), registered=False)
    return open_accompaniment(
        beneficiary,
        by=counsellor(o2r),
        start_date=datetime.date(2026, 1, 15),
        referent=counsellor(o2r),
    )


def test_accompaniment_needs_a_checked_eligibility(o2r):
    with pytest.raises(ValidationError, match="éligibilité"):
        open_accompaniment(
            o2r.beneficiary, by=counsellor(o2r), start_date=TODAY(), referent=counsellor(o2r)
        )


def test_accompaniment_limit_is_9_months_after_its_start(accompaniment):
    assert accompaniment.limit_date == datetime.date(2026, 10, 15)
    assert accompaniment.beneficiary.status == Beneficiary.Status.ACCOMPANIMENT


@pytest.mark.parametrize(
    ("today", "alert"),
    [
        (datetime.date(2026, 9, 14), None),  # 31 days before the limit
        (datetime.date(2026, 9, 15), "near"),  # 30 days before
        (datetime.date(2026, 10, 14), "near"),  # the day before the limit
        (datetime.date(2026, 10, 15), "near"),  # the day of the limit: last day allowed
        (datetime.date(2026, 10, 16), "over"),  # the day after
    ],
)
def test_nine_month_alert_around_the_limit(accompaniment, today, alert):
    assert limit_alert(accompaniment, today) == alert


def test_alert_lists_near_and_over_accompaniments(accompaniment, o2r):
    from ancrage.insertion.queries.accompaniment import alerts

    near, over = alerts(counsellor(o2r), datetime.date(2026, 10, 15))
    assert list(near) == [accompaniment] and not over.exists()
    near, over = alerts(counsellor(o2r), datetime.date(2026, 10, 16))
    assert list(over) == [accompaniment] and not near.exists()


@pytest.fixture
def ten_months_in(o2r):
    """An accompaniment started 10 months ago: its 9-month date passed a month ago, its
    12-month date is two months ahead (dates relative to today, so that the rules on the
    decision's date and on the 12 months passed hold whatever the day the tests run)."""
    start = add_months(TODAY(), -10)
    beneficiary = new_beneficiary(o2r.o2r_team, counsellor(o2r), consent_on=start)
    check(o2r, beneficiary, checked_on=start, registered=False)
    return open_accompaniment(
        beneficiary, by=counsellor(o2r), start_date=start, referent=counsellor(o2r)
    )


def test_extension_beyond_9_months_without_a_reason_is_refused(ten_months_in, o2r):
    a = ten_months_in
    with pytest.raises(ValidationError) as error:
        extend_accompaniment(
            a,
            by=counsellor(o2r),
            until=a.twelve_months_date,
            reason="  ",
            decided_on=add_days(a.nine_months_date, -14),
        )
    assert "motif" in error.value.message_dict["reason"][0]


def test_extension_to_exactly_12_months_with_a_reason_is_accepted(ten_months_in, o2r):
    a = ten_months_in
    extend_accompaniment(
        a,
        by=counsellor(o2r),
        until=a.twelve_months_date,
        reason="Entrée en formation dans 6 semaines",
        decided_on=add_days(a.nine_months_date, -14),
    )
    a.refresh_from_db()
    assert a.limit_date == add_months(a.start_date, 12)
    assert limit_alert(a, add_days(a.nine_months_date, 1)) is None


def test_extension_beyond_12_months_is_refused(ten_months_in, o2r):
    a = ten_months_in
    with pytest.raises(ValidationError) as error:
        extend_accompaniment(
            a,
            by=counsellor(o2r),
            until=add_days(a.twelve_months_date, 1),
            reason="Situation particulière",
            decided_on=add_days(a.nine_months_date, -14),
        )
    assert "12 mois" in error.value.message_dict["until"][0]


def test_remuneration_period_must_lie_within_the_accompaniment(accompaniment):
    add_remuneration(
        accompaniment, start_date=datetime.date(2026, 2, 1), end_date=datetime.date(2026, 10, 15)
    )
    with pytest.raises(ValidationError) as error:
        add_remuneration(
            accompaniment,
            start_date=datetime.date(2026, 1, 1),
            end_date=datetime.date(2026, 1, 20),
        )
    assert "comprise dans l'accompagnement" in error.value.message_dict["end_date"][0]


def test_barrier_keeps_its_dated_history(accompaniment, o2r):
    record_barrier(
        accompaniment,
        by=counsellor(o2r),
        kind="mobility",
        situation="Pas de permis",
        on=datetime.date(2026, 2, 1),
    )
    barrier = record_barrier(
        accompaniment,
        by=counsellor(o2r),
        kind="mobility",
        situation="Permis obtenu",
        status="resolved",
        on=datetime.date(2026, 6, 1),
    )
    assert barrier.status == "resolved"
    assert [u.situation for u in barrier.updates.all()] == ["Pas de permis", "Permis obtenu"]


# Exit and follow-ups ---------------------------------------------------------------------------
def test_exit_closes_the_accompaniment_and_schedules_follow_ups_at_3_and_6_months(
    accompaniment, o2r
):
    exit_ = record_exit(
        accompaniment.beneficiary,
        by=counsellor(o2r),
        date=datetime.date(2026, 8, 31),
        reason="training",
    )
    accompaniment.refresh_from_db()
    assert accompaniment.end_date == datetime.date(2026, 8, 31)
    assert [(f.months, f.due_date) for f in exit_.follow_ups.order_by("months")] == [
        (3, datetime.date(2026, 11, 30)),
        (6, datetime.date(2027, 2, 28)),
    ]
    assert accompaniment.beneficiary.status == Beneficiary.Status.EXITED


def test_exit_before_the_accompaniment_start_is_refused(accompaniment, o2r):
    with pytest.raises(ValidationError):
        record_exit(
            accompaniment.beneficiary,
            by=counsellor(o2r),
            date=datetime.date(2026, 1, 14),
            reason="moved",
        )


# Repérage -------------------------------------------------------------------------------------
def test_converting_a_contact_needs_a_recorded_consent(o2r):
    with pytest.raises(ValidationError) as error:
        convert_contact(
            o2r.contact,
            by=counsellor(o2r),
            consent_on=TODAY(),
            consent_how="",
            first_names="Karim",
            last_name="Dali",
        )
    assert "consent_how" in error.value.message_dict
    o2r.contact.refresh_from_db()
    assert o2r.contact.beneficiary is None


def test_converting_a_contact_keeps_it_as_the_beneficiarys_history(o2r):
    beneficiary = convert_contact(
        o2r.contact,
        by=counsellor(o2r),
        consent_on=TODAY(),
        consent_how="Accord oral",
        first_names="Karim",
        last_name="Dali",
    )
    assert list(beneficiary.contacts.all()) == [o2r.contact]
    assert beneficiary.person.full_name == "Karim Dali"
    assert beneficiary.consent_by == counsellor(o2r)


def test_converting_onto_an_existing_person_matches_them(o2r):
    person = PersonFactory(first_names="Karim", last_name="Dali")
    beneficiary = convert_contact(
        o2r.contact, by=counsellor(o2r), consent_on=TODAY(), consent_how="Oral", person=person
    )
    assert beneficiary.person == person


def test_a_future_outreach_action_is_refused(o2r):
    with pytest.raises(ValidationError) as error:
        log_outreach_action(
            team=o2r.o2r_team,
            by=counsellor(o2r),
            date=TODAY() + datetime.timedelta(days=1),
            kind="street_work",
            place="Gare",
            commune="Nantes",
            efop_territory=o2r.territory,
            people_met=3,
        )
    assert "date" in error.value.message_dict


def test_individual_activity_has_one_person_and_collective_several(o2r):
    other = new_beneficiary(o2r.o2r_team, counsellor(o2r))
    with pytest.raises(ValidationError) as error:
        record_activity(
            team=o2r.o2r_team,
            by=counsellor(o2r),
            format=Activity.Format.INDIVIDUAL,
            kind="interview",
            title="Entretien",
            date=TODAY(),
            duration_minutes=45,
            attendees=[o2r.beneficiary, other],
        )
    assert "attendees" in error.value.message_dict
    activity = record_activity(
        team=o2r.o2r_team,
        by=counsellor(o2r),
        format=Activity.Format.COLLECTIVE,
        kind="workshop",
        title="Atelier CV",
        date=TODAY(),
        duration_minutes=120,
        attendees=[o2r.beneficiary, other],
    )
    assert activity.attendance.count() == 2


def test_activity_attendee_of_another_member_is_refused(o2r):
    with pytest.raises(ValidationError) as error:
        record_activity(
            team=o2r.o2r_team,
            by=counsellor(o2r),
            format=Activity.Format.INDIVIDUAL,
            kind="interview",
            title="Entretien",
            date=TODAY(),
            duration_minutes=45,
            attendees=[o2r.other_beneficiary],
        )
    assert "attendees" in error.value.message_dict


# From the villages ------------------------------------------------------------------------------
def test_referral_from_a_village_needs_16_years(o2r):
    young = PersonFactory(birth_date=TODAY() - relativedelta(years=16) + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        refer_from_village(
            young,
            village=o2r.village,
            service=o2r.o2r_team.establishment,
            by=o2r.users[Role.HEAD_OF_SERVICE],
            consent_on=TODAY(),
            consent_how="Entretien",
            consent_text="Accord",
        )
    assert "16 ans" in error.value.messages[0]


def test_accepted_referral_is_a_beneficiary_on_the_same_person_flagged_left_child_protection(o2r):
    beneficiary = accept_referral(
        o2r.referral,
        team=o2r.o2r_team,
        by=counsellor(o2r),
        commune="Nantes",
        efop_territory=o2r.territory,
    )
    assert beneficiary.person == o2r.referral.person
    assert beneficiary.left_child_protection
    assert beneficiary.source == Beneficiary.Source.VILLAGE
    check(o2r, beneficiary, checked_on=TODAY(), registered=False, flags=[])
    beneficiary.refresh_from_db()
    assert beneficiary.left_child_protection, "the eligibility check keeps the village's flag"
    with pytest.raises(ValidationError, match="déjà été traitée"):
        accept_referral(
            o2r.referral,
            team=o2r.o2r_team,
            by=counsellor(o2r),
            commune="Nantes",
            efop_territory=o2r.territory,
        )


def test_referral_consent_is_a_consent_to_share_with_the_o2r_service(o2r):
    """The village's referral records the young person's consent as one of their consents: kind
    "sharing with a partner", the service its partner, with its date, form and terms."""
    consent = o2r.referral.consent
    assert consent.kind == Consent.Kind.PARTNER_SHARING
    assert consent.person == o2r.referral.person
    assert consent.partner == o2r.referral.service
    assert consent.given_on == TODAY()
    assert consent.form == "Entretien avec la cheffe de service"
    assert consent.terms == "Transmettre son nom et son âge au service O2R."
    assert (
        Consent.objects.in_force()
        .sharing_with(o2r.referral.service_id)
        .filter(person=o2r.referral.person)
        .exists()
    )


def test_withdrawn_sharing_consent_stops_the_referral_being_welcomed(o2r):
    withdraw_consent(
        o2r.users[Role.HEAD_OF_SERVICE], o2r.referral.consent, "Le jeune, en entretien."
    )
    with pytest.raises(ValidationError, match="retiré son consentement"):
        accept_referral(
            o2r.referral,
            team=o2r.o2r_team,
            by=counsellor(o2r),
            commune="Nantes",
            efop_territory=o2r.territory,
        )
    assert not Beneficiary.objects.filter(person=o2r.referral.person, source="village").exists()


def test_referral_without_terms_is_refused_at_the_field_and_records_no_consent(o2r):
    before = Consent.objects.count()
    with pytest.raises(ValidationError) as error:
        refer_from_village(
            o2r.referral.person,
            village=o2r.village,
            service=o2r.o2r_team.establishment,
            by=o2r.users[Role.HEAD_OF_SERVICE],
            consent_on=TODAY(),
            consent_how="Entretien",
            consent_text=" ",
        )
    assert "consent_text" in error.value.message_dict
    assert Consent.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_existing_referral_consents_become_sharing_consents_and_back(world):
    executor = MigrationExecutor(connection)
    before = [("insertion", "0017_beneficiary_situation")]
    after = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    OldReferral = apps.get_model("insertion", "VillageReferral")
    head = world.users[Role.HEAD_OF_SERVICE]
    old = OldReferral.objects.create(
        person_id=world.child.pk,
        village_id=world.village.pk,
        service_id=world.village.pk,
        referred_by_id=head.pk,
        consent_on=datetime.date(2026, 3, 2),
        consent_how="Entretien",
        consent_text="Transmettre son nom au service O2R.",
    )
    MigrationExecutor(connection).migrate(after)
    consent = VillageReferral.objects.get(pk=old.pk).consent
    assert (consent.kind, consent.person_id, consent.partner_id) == (
        Consent.Kind.PARTNER_SHARING,
        world.child.pk,
        world.village.pk,
    )
    assert (consent.given_on, consent.form, consent.terms) == (
        datetime.date(2026, 3, 2),
        "Entretien",
        "Transmettre son nom au service O2R.",
    )
    assert consent.recorded_by_id == head.pk and consent.in_force_on(TODAY())
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model("insertion", "VillageReferral")
    assert back.objects.get(pk=old.pk).consent_how == "Entretien"
    MigrationExecutor(connection).migrate(after)


def test_contacts_may_stay_anonymous(o2r):
    assert Contact.objects.get(pk=o2r.contact.pk).beneficiary is None


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-1, False), (0, True), (1, True)], ids=["day-before", "day", "after"]
)
def test_attendance_before_the_persons_consent_is_refused_at_the_field(o2r, offset, accepted):
    consent_on = TODAY() - datetime.timedelta(days=30)
    late = new_beneficiary(o2r.o2r_team, counsellor(o2r), consent_on=consent_on)
    facts = {
        "team": o2r.o2r_team,
        "by": counsellor(o2r),
        "format": Activity.Format.COLLECTIVE,
        "kind": "workshop",
        "title": "Atelier CV",
        "date": add_days(consent_on, offset),
        "duration_minutes": 90,
        "attendees": [late],
    }
    if accepted:
        assert record_activity(**facts).attendance.count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            record_activity(**facts)
        message = error.value.message_dict["attendees"][0]
        assert "antérieure au consentement" in message and str(late.person) in message
        assert not Activity.objects.filter(title="Atelier CV").exists()
