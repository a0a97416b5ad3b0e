"""The O2R lead creates and corrects the programme in the product, under the call's rules
(at least 150 000 €, 3 years at most, one carrier, services of the carrier); the technical
administrator reads it in the admin site."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ancrage.insertion.models import Programme
from ancrage.insertion.services.programme import create_programme
from ancrage.kernel.access import Role
from tests.conftest import login
from tests.insertion.factories import add_other_programme, programme_kwargs

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def lead(client, o2r_files):
    login(client, o2r_files.users[Role.O2R_LEAD])
    return o2r_files


def form_data(world, **overrides):
    data = {
        "name": "O2R Sarthe 2026-2029",
        "call": "AMI DREETS Pays de la Loire O2R 2026",
        "region": "Pays de la Loire",
        "departements": "72, 53",
        "start_date": "2026-01-01",
        "end_date": "2028-12-31",
        "agreement_amount": "180000.00",
        "organisation": world.organisation.pk,
        "services": [world.o2r_team.establishment_id],
        "efop_territories": [world.territory.pk],
        "target_publics": ["woman", "qpv"],
    }
    data.update(overrides)
    return data


def test_the_lead_creates_a_programme_from_the_form(client, lead, django_assert_num_queries):
    with django_assert_num_queries(8):
        page = client.get(reverse("insertion:programme_add"))
    assert page.status_code == 200
    response = client.post(reverse("insertion:programme_add"), form_data(lead))
    assert response.status_code == 302
    programme = Programme.objects.get(name="O2R Sarthe 2026-2029")
    assert programme.departements == "72,53"
    assert programme.organisation == lead.organisation and programme.consortium is None
    assert list(programme.services.all()) == [lead.o2r_team.establishment]
    assert programme.target_publics == ["woman", "qpv"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"agreement_amount": "149999.99"}, "agreement_amount"),
        ({"end_date": "2029-01-02"}, "end_date"),
        ({"end_date": "2025-12-31"}, "end_date"),
        ({"organisation": ""}, "organisation"),
        ({"name": "o2r pays de la loire 2025-2028"}, "name"),
    ],
    ids=["under-150000", "over-3-years", "end-before-start", "no-carrier", "name-taken"],
)
def test_a_programme_against_the_calls_rules_is_refused_at_the_field(
    client, lead, overrides, field
):
    response = client.post(reverse("insertion:programme_add"), form_data(lead, **overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert Programme.objects.count() == 1


def test_both_carriers_at_once_are_refused(client, lead):
    consortium = lead.programme.consortium
    response = client.post(
        reverse("insertion:programme_add"), form_data(lead, consortium=consortium.pk)
    )
    assert response.status_code == 422
    assert "organisation" in response.context["form"].errors


def test_a_service_of_another_carrier_is_refused(lead):
    with pytest.raises(ValidationError) as error:
        create_programme(
            **programme_kwargs(name="Autre"),
            organisation=lead.organisation,
            services=[lead.partner_team.establishment],
        )
    assert "services" in error.value.message_dict


def test_the_lead_corrects_the_programme_under_the_same_rules(client, lead):
    url = reverse("insertion:programme_edit", args=[lead.programme.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["name"].value() == lead.programme.name
    data = form_data(
        lead,
        name=lead.programme.name,
        organisation="",
        consortium=lead.programme.consortium_id,
        services=[lead.o2r_team.establishment_id, lead.partner_team.establishment_id],
        agreement_amount="100000",
    )
    assert client.post(url, data).status_code == 422
    lead.programme.refresh_from_db()
    assert lead.programme.agreement_amount == 150_000
    data["agreement_amount"] = "210000"
    assert client.post(url, data).status_code == 302
    lead.programme.refresh_from_db()
    assert lead.programme.agreement_amount == 210_000
    assert lead.programme.services.count() == 2


def test_another_services_programme_is_not_found_and_the_counsellor_may_not_edit(client, lead):
    add_other_programme(lead)
    other = reverse("insertion:programme_edit", args=[lead.other_programme.pk])
    assert client.get(other).status_code == 404
    login(client, lead.users[Role.O2R_COUNSELLOR])
    mine = reverse("insertion:programme_edit", args=[lead.programme.pk])
    assert client.get(mine).status_code == 403


def test_the_home_links_the_lead_to_the_programme_form(client, lead):
    content = client.get(reverse("insertion:home")).content.decode()
    assert reverse("insertion:programme_add") in content
    assert reverse("insertion:programme_edit", args=[lead.programme.pk]) in content


def test_the_technical_administrator_reads_programmes_in_the_admin_only(client, o2r_files):
    login(client, o2r_files.users[Role.TECH_ADMIN])
    listing = client.get(reverse("admin:insertion_programme_changelist"))
    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 1
    assert client.get(reverse("admin:insertion_programme_add")).status_code == 403
