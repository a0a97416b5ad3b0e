"""The register of processing activities (art. 30), generated from the product: its retention
read from the rules, its security measures from the settings; the PDF for the DPO; the DPIA
page."""

from django.urls import reverse

from ancrage.kernel.access import Role
from ancrage.privacy import register
from ancrage.privacy.models import Framework, RetentionRule
from tests.conftest import login


def test_every_retention_framework_has_its_processing_in_the_register(db):
    covered = {framework for p in register.PROCESSINGS for framework in p.frameworks}
    assert covered == set(Framework.values)


def test_register_retention_is_read_from_the_rules(client, world, django_assert_num_queries):
    RetentionRule.objects.filter(code="o2r_file").update(active_months=30)
    login(client, world.users[Role.DPO])
    with django_assert_num_queries(8):
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
    with django_assert_num_queries(8):
        page = client.get(reverse("privacy:dpia")).content.decode()
    assert "Requise" in page and "Non requise" in page
    assert "Avis du délégué à la protection des données" in page
    needed = {p.code for p in register.PROCESSINGS if register.dpia_needed(p)}
    assert {"child_protection", "o2r", "family_programme"} <= needed
    assert "image_rights" not in needed
