"""The register of processing activities (art. 30), generated from the product: its retention
read from the rules, its security measures from the settings; the PDF for the DPO; the DPIA
page."""

from django.urls import reverse

from ancrage.families import personal_data as families_data
from ancrage.kernel import personal_data
from ancrage.kernel.access import Role
from ancrage.participation import personal_data as participation_data
from ancrage.privacy import register
from ancrage.privacy.models import Framework, RetentionRule
from ancrage.staff import personal_data as staff_data
from tests.conftest import login


def test_every_retention_framework_has_its_processing_in_the_register(db):
    covered = {framework for p in personal_data.processings() for framework in p.frameworks}
    assert covered == set(Framework.values)


def test_each_processing_is_declared_once_by_the_app_that_does_it(db):
    """The apps above privacy declare their entry in their own personal_data.py; privacy
    declares the case files' and the traces'; no code twice, every DPIA criterion known."""
    declared = personal_data.processings()
    codes = [p.code for p in declared]
    assert len(codes) == len(set(codes))
    assert {p.code for p in register.PROCESSINGS}.isdisjoint(
        {
            families_data.PROCESSING.code,
            staff_data.PROCESSING.code,
            participation_data.PROCESSING.code,
        }
    )
    assert {"family_programme", "staff", "participation"} <= set(codes)
    assert all(set(p.criteria) <= set(register.CRITERIA) for p in declared)


def test_register_shows_the_access_log_retention_applied_and_each_rules_basis(
    client, world, settings
):
    """The access log's period is the setting the run purges by, not a second figure."""
    settings.ACCESS_LOG_RETENTION_MONTHS = 6
    login(client, world.users[Role.DPO])
    page = client.get(reverse("privacy:register")).content.decode()
    assert "Journal des consultations : 6 mois en base active" in page
    assert "Fondement : CNIL, délibération n° 2022-008" in page
    assert "Nom d&#x27;un membre du conseil de la vie sociale : 60 mois" in page


def test_register_retention_is_read_from_the_rules(client, world, django_assert_num_queries):
    RetentionRule.objects.filter(code="o2r_file").update(active_months=30)
    login(client, world.users[Role.DPO])
    with django_assert_num_queries(5):
        page = client.get(reverse("privacy:register")).content.decode()
    assert "Repérage et remobilisation des jeunes (O2R)" in page
    assert "Dossier du bénéficiaire O2R : 30 mois en base active" in page
    assert "délibération 2021-028" in page


def test_register_security_measures_follow_the_settings(settings):
    settings.ACCESS_LOG_RETENTION_MONTHS = "6"
    settings.SESSION_COOKIE_AGE = 15 * 60
    measures = register.security_measures()
    assert any("conservée 6 mois" in m for m in measures)
    assert any("après 15 minutes d'inactivité" in m for m in measures)


def test_register_pdf_for_the_dpo(client, world):
    login(client, world.users[Role.DPO])
    response = client.get(reverse("privacy:register_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_dpia_page_says_which_processings_need_one(client, world, django_assert_num_queries):
    login(client, world.users[Role.DPO])
    with django_assert_num_queries(5):
        page = client.get(reverse("privacy:dpia")).content.decode()
    assert "Requise" in page and "Non requise" in page
    assert "Avis du délégué à la protection des données" in page
    needed = {p.code for p in personal_data.processings() if register.dpia_needed(p)}
    assert {"child_protection", "o2r", "family_programme"} <= needed
    assert "image_rights" not in needed
