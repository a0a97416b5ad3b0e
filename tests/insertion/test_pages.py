"""The O2R pages: what they show, their forms (bad input at the field, nothing saved), and their
SQL query counts pinned, at two data sizes for the lists."""

import datetime

import pytest
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from ancrage.insertion.models import Accompaniment, Activity, Beneficiary, Contact, OutreachAction
from ancrage.insertion.services.accompaniment import (
    add_action,
    add_objective,
    open_accompaniment,
    record_barrier,
    refer_to_partner,
)
from ancrage.insertion.services.activity import record_activity
from ancrage.insertion.services.beneficiary import check_eligibility
from ancrage.insertion.services.outreach import log_outreach_action
from ancrage.kernel.access import Role
from tests.conftest import login
from tests.insertion.factories import new_beneficiary

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def o2r(o2r_files):
    return o2r_files


@pytest.fixture
def counsellor(client, o2r):
    login(client, o2r.users[Role.O2R_COUNSELLOR])
    return o2r.users[Role.O2R_COUNSELLOR]


def more_files(world, n):
    """n more beneficiaries of the counsellor's team, each with an accompaniment, an activity
    and an outreach action with a contact."""
    me = world.users[Role.O2R_COUNSELLOR]
    for _ in range(n):
        b = new_beneficiary(world.o2r_team, me)
        check_eligibility(b, by=me, checked_on=TODAY(), registered=False)
        open_accompaniment(b, by=me, start_date=TODAY(), referent=me)
        record_activity(
            team=world.o2r_team,
            by=me,
            format="individual",
            kind="interview",
            title="Entretien",
            date=TODAY(),
            duration_minutes=30,
            attendees=[b],
        )
        log_outreach_action(
            team=world.o2r_team,
            by=me,
            date=TODAY(),
            kind="street_work",
            place="Gare",
            commune="Nantes",
            efop_territory=world.territory,
            people_met=4,
        )


# The home's counts of files at each step and of contacts are one query on the teams' counts
# (`insertion.tallies`, 2026-12-05; they were two counts of the rows): one query fewer.
PINNED = {
    "insertion:home": 14,
    "insertion:outreach_list": 5,
    "insertion:contacts": 6,
    "insertion:beneficiaries": 9,
    "insertion:activities": 5,
    # the inline forms' territory options, read once (the forms had no fields before 2026-12-01)
    "insertion:referrals": 7,
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_lists_read_a_fixed_number_of_queries_at_two_sizes(
    client, o2r, counsellor, django_assert_num_queries, name
):
    with django_assert_num_queries(PINNED[name]):
        assert client.get(reverse(name)).status_code == 200
    more_files(o2r, 3 if name != "insertion:beneficiaries" else 55)
    with django_assert_num_queries(PINNED[name]):
        assert client.get(reverse(name)).status_code == 200


def test_beneficiary_file_reads_a_fixed_number_of_queries(
    client, o2r, counsellor, django_assert_num_queries
):
    me = counsellor
    b = o2r.beneficiary
    check_eligibility(b, by=me, checked_on=TODAY(), registered=False, flags=["qpv"])
    accompaniment = open_accompaniment(b, by=me, start_date=TODAY(), referent=me)
    url = reverse("insertion:beneficiary", args=[b.pk])
    # no barrier yet: their history is not read (one query lists the open objectives for the
    # "add an action" form)
    with django_assert_num_queries(14):
        page = client.get(url)
    for kind in ("mobility", "housing", "digital"):
        record_barrier(accompaniment, by=me, kind=kind, situation="À voir")
    objective = add_objective(accompaniment, text="Passer le code")
    for text in ("Réviser le code", "S'inscrire à l'examen"):
        add_action(accompaniment, objective=objective, text=text, actor="beneficiary")
    refer_to_partner(accompaniment, date=TODAY(), partner="CCAS", purpose="Droits")
    # barrier updates and the objectives' actions are one prefetch query each
    with django_assert_num_queries(16):
        page = client.get(url)
    content = page.content.decode()
    assert "QPV" in content and "Mobilité" in content and "CCAS" in content
    assert "Réviser le code" in content


def listed(response) -> list:
    """The beneficiaries a list page shows (its rows are plain values), in its order."""
    pks = [row["pk"] for row in response.context["beneficiaries"]]
    found = Beneficiary.objects.select_related("person").in_bulk(pks)
    return [found[pk] for pk in pks]


def test_the_beneficiary_list_filters_by_team_status_flag_and_territory(client, o2r, counsellor):
    check_eligibility(
        o2r.beneficiary, by=counsellor, checked_on=TODAY(), registered=False, flags=["zrr"]
    )
    url = reverse("insertion:beneficiaries")
    rows = listed(client.get(url, {"flag": "zrr"}))
    assert rows == [o2r.beneficiary]
    assert listed(client.get(url, {"status": "exited"})) != []
    assert o2r.beneficiary not in listed(client.get(url, {"status": "exited"}))
    assert o2r.beneficiary in listed(
        client.get(url, {"team": o2r.o2r_team.pk, "territory": o2r.territory.pk})
    )


def test_the_beneficiary_list_is_paginated(client, o2r, counsellor):
    more_files(o2r, 50)
    url = reverse("insertion:beneficiaries")
    first = client.get(url)
    assert len(first.context["beneficiaries"]) == 50
    second = client.get(url, {"page": 2})
    assert len(second.context["beneficiaries"]) == first.context["page"].paginator.count - 50


def test_a_counsellor_logs_an_outreach_action(client, o2r, counsellor):
    response = client.post(
        reverse("insertion:outreach_add"),
        {
            "date": TODAY().isoformat(),
            "kind": "street_work",
            "place": "Place du Commerce",
            "commune": "Nantes",
            "efop_territory": o2r.territory.pk,
            "partners": "Club de prévention",
            "people_met": 12,
        },
    )
    assert response.status_code == 302
    action = OutreachAction.objects.get(place="Place du Commerce")
    assert action.team == o2r.o2r_team and action.programme == o2r.programme


def test_bad_outreach_input_is_shown_at_the_field_and_nothing_saved(client, o2r, counsellor):
    response = client.post(
        reverse("insertion:outreach_add"),
        {
            "date": (TODAY() + datetime.timedelta(days=2)).isoformat(),
            "kind": "street_work",
            "place": "Gare",
            "commune": "Nantes",
            "efop_territory": o2r.territory.pk,
            "people_met": -1,
        },
    )
    assert response.status_code == 422
    assert "people_met" in response.context["form"].errors
    response = client.post(
        reverse("insertion:outreach_add"),
        {
            "date": (TODAY() + datetime.timedelta(days=2)).isoformat(),
            "kind": "street_work",
            "place": "Gare",
            "commune": "Nantes",
            "efop_territory": o2r.territory.pk,
            "people_met": 3,
        },
    )
    assert response.status_code == 422
    assert "date" in response.context["form"].errors
    assert not OutreachAction.objects.filter(place="Gare").exists()


def test_a_counsellor_records_an_anonymous_contact_and_converts_it_with_consent(
    client, o2r, counsellor
):
    response = client.post(
        reverse("insertion:contact_add"),
        {
            "met_on": TODAY().isoformat(),
            "nickname": "Le rappeur",
            "age_bracket": "18_25",
            "sex": "M",
            "commune": "Rezé",
            "efop_territory": o2r.territory.pk,
            "next_step": "appointment",
            "next_step_on": TODAY().isoformat(),
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get(nickname="Le rappeur")
    url = reverse("insertion:contact_convert", args=[contact.pk])
    refused = client.post(
        url,
        {
            "first_names": "Yanis",
            "last_name": "Ferré",
            "sex": "M",
            "consent_on": TODAY().isoformat(),
            "consent_how": "",
        },
    )
    assert refused.status_code == 422 and "consent_how" in refused.context["form"].errors
    response = client.post(
        url,
        {
            "first_names": "Yanis",
            "last_name": "Ferré",
            "sex": "M",
            "consent_on": TODAY().isoformat(),
            "consent_how": "Accord oral après lecture de la notice",
        },
    )
    beneficiary = Beneficiary.objects.get(person__last_name="Ferré")
    assert response["Location"] == reverse("insertion:eligibility", args=[beneficiary.pk])
    contact.refresh_from_db()
    assert contact.beneficiary == beneficiary


def test_eligibility_refusal_is_shown_in_french_at_the_field(client, o2r, counsellor):
    url = reverse("insertion:eligibility", args=[o2r.beneficiary.pk])
    response = client.post(
        url,
        {
            "checked_on": TODAY().isoformat(),
            "registered": "on",
            "suitable_accompaniment": "on",
            "last_contact_on": (TODAY() - datetime.timedelta(days=30)).isoformat(),
            "lock_version": o2r.beneficiary.lock_version,  # the version the form was built from
        },
    )
    assert response.status_code == 422
    assert "Non éligible" in response.context["form"].errors["last_contact_on"][0]


def test_open_extend_and_exit_from_the_file(client, o2r, counsellor):
    b = o2r.beneficiary
    check_eligibility(b, by=counsellor, checked_on=TODAY(), registered=False)
    response = client.post(
        reverse("insertion:accompaniment_open", args=[b.pk]),
        {"start_date": TODAY().isoformat(), "referent": counsellor.pk},
    )
    assert response.status_code == 302
    accompaniment = Accompaniment.objects.get(beneficiary=b)
    refused = client.post(
        reverse("insertion:extend", args=[b.pk]),
        {
            "extend-until": (accompaniment.limit_date + datetime.timedelta(days=30)).isoformat(),
            "extend-reason": "",
            "extend-lock_version": accompaniment.lock_version,  # as the form was built
        },
    )
    assert refused.status_code == 422
    assert "motif" in refused.context["forms"]["extend"].errors["reason"][0]
    # No outcome chosen in advance, no date assumed, the form closed until opened.
    file_page = client.get(reverse("insertion:beneficiary", args=[b.pk])).content.decode()
    assert '<option value="" selected>Choisir le motif</option>' in file_page
    assert '<input type="date" name="exit-date" required id="id_exit-date">' in file_page
    assert '<details class="exit-form">' in file_page
    exit_data = {"exit-date": TODAY().isoformat(), "exit-reason": "sustainable_job"}
    # An exit cannot be undone: the page first says what will happen, nothing is saved.
    response = client.post(reverse("insertion:exit", args=[b.pk]), exit_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "les suivis à 3 et 6 mois sont programmés" in page and "Emploi durable" in page
    b.refresh_from_db()
    assert b.status != Beneficiary.Status.EXITED
    # "Back to the form": the file again, the exit form open with what was typed.
    response = client.post(
        reverse("insertion:exit", args=[b.pk]), {**exit_data, "back_to_form": "1"}
    )
    assert response.context["forms"]["exit"]["reason"].value() == "sustainable_job"
    response = client.post(reverse("insertion:exit", args=[b.pk]), {**exit_data, "confirmed": "1"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.status == Beneficiary.Status.EXITED


def test_a_counsellor_records_a_collective_activity_with_attendance(client, o2r, counsellor):
    other = new_beneficiary(o2r.o2r_team, counsellor)
    response = client.post(
        reverse("insertion:activity_add"),
        {
            "title": "Atelier CV",
            "format": "collective",
            "kind": "workshop",
            "date": TODAY().isoformat(),
            "duration_minutes": 120,
            "attendees": [o2r.beneficiary.pk, other.pk],
        },
    )
    assert response.status_code == 302
    assert Activity.objects.get(title="Atelier CV").attendance.count() == 2


def test_the_lead_reads_but_does_not_write(client, o2r):
    login(client, o2r.users[Role.O2R_LEAD])
    assert (
        client.get(reverse("insertion:beneficiary", args=[o2r.beneficiary.pk])).status_code == 200
    )
    assert client.get(reverse("insertion:outreach_add")).status_code == 403


def test_the_home_shows_the_programme_its_carrier_teams_and_counsellors(client, o2r, counsellor):
    content = client.get(reverse("insertion:home")).content.decode()
    assert "O2R Pays de la Loire 2025-2028" in content
    assert "Consortium O2R 44 (chef de file : Villages d" in content
    assert "150" in content and "000,00 €" in content
    assert "Moins de 26 ans en rupture, 55 ans et plus" in content
    assert o2r.o2r_team.name in content
    assert counsellor.get_full_name() in content


def test_the_beneficiary_list_finds_a_name_and_sorts_alphabetically(client, o2r, counsellor):
    from tests.insertion.factories import new_beneficiary

    # Surnames no generated name starts with, beside the world's other beneficiaries.
    names = [
        ("Émile", "Zyzola"),
        ("Anaïs", "Écuyerxe"),
        ("Bruno", "Qimartin"),
        ("Alice", "Qimartin"),
    ]
    made = {
        first: new_beneficiary(o2r.o2r_team, counsellor, first_names=first, last_name=last)
        for first, last in names
    }
    url = reverse("insertion:beneficiaries")
    order = [b.person.last_name for b in listed(client.get(url))]
    # accents folded: Écuyerxe among the E, Qimartin before Zyzola
    assert order.index("Écuyerxe") < order.index("Qimartin") < order.index("Zyzola")
    assert [b.person.last_name_key for b in listed(client.get(url))] == sorted(
        b.person.last_name_key for b in listed(client.get(url))
    )
    found = listed(client.get(url, {"q": "qimartin"}))
    assert found == [made["Alice"], made["Bruno"]]  # first names in order
    assert listed(client.get(url, {"q": "ecuyerx"})) == [made["Anaïs"]]
    assert listed(client.get(url, {"q": "qi"})) == [made["Alice"], made["Bruno"]]
    assert listed(client.get(url, {"q": "zyzola emile"})) == [made["Émile"]]
    assert listed(client.get(url, {"q": "xqzw"})) == []
    # a person of that name outside the counsellor's scope stays out of the results
    from ancrage.people.models import Person

    outsider = Person.objects.create(first_names="Marc", last_name="Qimartin")
    assert outsider.pk not in [b.person_id for b in listed(client.get(url, {"q": "qimartin"}))]


def _outreach(o2r):
    return {
        "date": TODAY().isoformat(),
        "kind": "street_work",
        "place": "Place du Commerce",
        "commune": "Nantes",
        "efop_territory": o2r.territory.pk,
        "people_met": 12,
    }


def _contact(o2r):
    return {
        "met_on": TODAY().isoformat(),
        "nickname": "Le rappeur",
        "age_bracket": "18_25",
        "sex": "M",
        "commune": "Rezé",
        "efop_territory": o2r.territory.pk,
        "next_step": "appointment",
        "next_step_on": TODAY().isoformat(),
    }


def _activity(o2r):
    return {
        "title": "Atelier CV",
        "format": "collective",
        "kind": "workshop",
        "date": TODAY().isoformat(),
        "duration_minutes": 120,
        "attendees": [o2r.beneficiary.pk],
    }


def _nothing(o2r):
    return {}


def _accept(o2r):
    return {"commune": "Nantes", "efop_territory": o2r.territory.pk}


def _refer(o2r):
    return {
        "service": o2r.o2r_team.establishment.pk,
        "consent_on": TODAY().isoformat(),
        "consent_how": "Entretien",
        "consent_text": "Être contactée par le service O2R",
    }


# The counsellor's team and the referring village come from the memberships already read
# (kernel.scopes.Reach's places), not from a query of their own: one query fewer on each than
# on 2026-12-01 (outreach_add GET 9, contact_add GET 10 for a team without outreach actions,
# activity_add GET 11, referral_accept valid 19, refer valid 15). The programme's choice on the
# outreach and contact forms (a service may run two programmes) reads the service's programmes:
# one query more on their pages, and a contact's programme one more when it is saved. A referral's
# consent is a `people.Consent` of its own (2026-12-05): its row and its change audit are written
# when the referral is sent (three queries more). Every valid write to a programme's records
# records its change for the report's summaries (one insert; a referral sent by a village is not
# one until the service accepts it). The teams' counts (`insertion.tallies`, 2026-12-05) are one
# upsert per count a write moves: a contact not yet a beneficiary two (contacts, and not yet
# beneficiaries), an accepted referral one (a file at its first step).
WRITE_PAGES = {
    # name: (URL, POST data or None for a GET, user role, status, queries)
    "outreach_add GET": ("insertion:outreach_add", None, Role.O2R_COUNSELLOR, 200, 6),
    "outreach_add valid": ("insertion:outreach_add", _outreach, Role.O2R_COUNSELLOR, 302, 10),
    "contact_add GET": ("insertion:contact_add", None, Role.O2R_COUNSELLOR, 200, 7),
    "contact_add valid": ("insertion:contact_add", _contact, Role.O2R_COUNSELLOR, 302, 12),
    "activity_add GET": ("insertion:activity_add", None, Role.O2R_COUNSELLOR, 200, 7),
    "activity_add valid": ("insertion:activity_add", _activity, Role.O2R_COUNSELLOR, 302, 10),
    "referral_accept refused": (
        "insertion:referral_accept",
        _nothing,
        Role.O2R_COUNSELLOR,
        422,
        8,
    ),
    "referral_accept valid": ("insertion:referral_accept", _accept, Role.O2R_COUNSELLOR, 302, 17),
    "refer GET": ("insertion:refer", None, Role.HEAD_OF_SERVICE, 200, 7),
    "refer valid": ("insertion:refer", _refer, Role.HEAD_OF_SERVICE, 302, 14),
}


@pytest.mark.parametrize("name", sorted(WRITE_PAGES))
def test_o2r_write_pages_read_a_fixed_number_of_queries(
    client, o2r, name, django_assert_num_queries
):
    url_name, data, role, status, queries = WRITE_PAGES[name]
    if url_name == "insertion:refer":
        child = o2r.child
        child.birth_date = TODAY().replace(year=TODAY().year - 16)
        child.save()
        args = [child.reference]
    elif url_name == "insertion:referral_accept":
        args = [o2r.referral.pk]
    else:
        args = []
    login(client, o2r.users[role])
    client.get("/")
    url = reverse(url_name, args=args)
    with django_assert_num_queries(queries):
        response = client.get(url) if data is None else client.post(url, data(o2r))
    assert response.status_code == status


def test_the_team_and_the_village_written_for_are_the_users(client, o2r):
    """The places taken from the memberships in memory are the user's own."""
    login(client, o2r.users[Role.O2R_COUNSELLOR])
    client.post(reverse("insertion:referral_accept", args=[o2r.referral.pk]), _accept(o2r))
    o2r.referral.refresh_from_db()
    assert o2r.referral.beneficiary.team == o2r.o2r_team
    child = o2r.child
    child.birth_date = TODAY().replace(year=TODAY().year - 16)
    child.save()
    login(client, o2r.users[Role.HEAD_OF_SERVICE])
    client.post(reverse("insertion:refer", args=[child.reference]), _refer(o2r))
    assert child.o2r_referrals.get().village == o2r.village


def _overdue(world, n):
    """n more beneficiaries whose accompaniment is past its limit (their names are alerts)."""
    more_files(world, n)
    from ancrage.kernel.calendar import add_days

    Accompaniment.objects.filter(end_date__isnull=True).update(limit_date=add_days(TODAY(), -3))


def test_the_home_reads_a_fixed_number_of_queries_whatever_the_number_of_alerts(
    client, o2r, counsellor, django_assert_num_queries
):
    _overdue(o2r, 3)
    # a count per block (over, near, follow-ups), a page of names for a block whose count is
    # not zero (here: over), the reads of those names written in one query
    with django_assert_num_queries(PINNED["insertion:home"] + 2):
        assert client.get(reverse("insertion:home")).status_code == 200
    _overdue(o2r, 40)
    with django_assert_num_queries(PINNED["insertion:home"] + 2):
        assert client.get(reverse("insertion:home")).status_code == 200


def test_the_home_counts_every_alert_and_names_one_page_of_them(client, o2r, counsellor):
    from ancrage.insertion.queries.programme import ALERT_PAGE_SIZE

    _overdue(o2r, ALERT_PAGE_SIZE + 5)
    total = Accompaniment.objects.filter(
        end_date__isnull=True, beneficiary__team=o2r.o2r_team
    ).count()
    first = client.get(reverse("insertion:home"))
    assert len(first.context["over"]) == ALERT_PAGE_SIZE
    assert first.context["over_page"].paginator.count == total
    assert f"{total} sorties à enregistrer" in first.content.decode()
    assert "depassees=2" in first.content.decode()
    second = client.get(reverse("insertion:home"), {"depassees": 2})
    shown = {a.pk for a in first.context["over"]} | {a.pk for a in second.context["over"]}
    assert len(shown) == total


def test_the_home_records_a_read_for_the_names_it_shows_and_no_other(client, o2r, counsellor):
    from ancrage.insertion.queries.programme import ALERT_PAGE_SIZE
    from ancrage.kernel.models import AccessEvent

    _overdue(o2r, ALERT_PAGE_SIZE + 5)
    page = client.get(reverse("insertion:home"))
    content = page.content.decode()
    shown = {a.beneficiary.person for a in page.context["over"] + page.context["near"]} | {
        f.exit.beneficiary.person for f in page.context["follow_ups"]
    }
    assert all(p.full_name in content for p in shown)
    recorded = list(
        AccessEvent.objects.filter(user=counsellor, what="insertion.home").values_list(
            "person_id", flat=True
        )
    )
    assert sorted(recorded) == sorted(p.pk for p in shown)
    assert len(recorded) <= 3 * ALERT_PAGE_SIZE


@pytest.mark.parametrize("role", [Role.O2R_COUNSELLOR, Role.O2R_LEAD])
def test_the_contacts_list_reads_its_order_from_an_index_not_a_sort(o2r, role):
    from ancrage.insertion.queries.outreach import contacts_in_order

    with transaction.atomic():
        if connection.vendor == "postgresql":
            # In this near-empty test database PostgreSQL may prefer reading the few contacts
            # whole and sorting them (plans then vary with the statistics); with sequential
            # scans and sorts priced out, it reads them in order only if an index gives that
            # order, which is what this test proves (the bench shows the plan at scale).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute("SET LOCAL enable_sort = off")
        plan = contacts_in_order(o2r.users[role]).explain()
    assert "contact_team_order_idx" in plan or "contact_service_order_idx" in plan
    if connection.vendor == "sqlite":
        assert "TEMP B-TREE" not in plan.upper()
    else:
        # PostgreSQL estimates one row in this near-empty test database and may sort that row
        # after its joins; the contacts themselves are still read from the index in order
        assert "Sort Key: insertion_contact" not in plan.split("Index Scan using contact_")[-1]
