"""The finance officer imports an FEC from the import page, follows the background job until it
is done, recomputes the year's allocation and reads the cost per section, then follows a figure
to the FEC lines behind it, in a real browser; the job is run by the real worker in the test
process (see tests/e2e/test_jobs.py for why)."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ancrage.accounting.models import FecImport
from ancrage.kernel.models import Job
from tests.accounting.factories import balanced_entry, fec_file
from tests.conftest import run_worker
from tests.e2e.conftest import log_out

pytestmark = pytest.mark.e2e


def test_finance_imports_an_fec_and_reads_the_cost_per_section(
    browser_page, demo_data, log_in, settings, screenshot, tmp_path
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    log_in(page, "gestionnaire")
    expect(page).to_have_url(re.compile(r"/$"))
    page.route(re.compile(r"/taches/"), lambda route: route.continue_())
    day = timezone.localdate().replace(day=1).strftime("%Y%m%d")
    fec = tmp_path / "FEC-complement.txt"
    fec.write_bytes(
        fec_file(
            balanced_entry(1, day, "606300", "1234,56", code="O2R-44", label="Matériel d'atelier"),
            analytic=True,
            encoding="cp1252",
        )
    )

    page.get_by_role("link", name="Comptabilité analytique").click()
    page.get_by_role("link", name="Écritures (FEC)").click()
    page.get_by_label("Fichier des écritures comptables (FEC)").set_input_files(str(fec))
    page.get_by_role("button", name="Importer").click()
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    status = page.locator("#job-status")
    expect(status).to_contain_text("État : En attente")

    run_worker()

    expect(status).to_contain_text("État : Terminée", timeout=15_000)
    job = Job.objects.get(kind="fec_import")
    assert job.state == Job.State.DONE
    assert FecImport.objects.filter(filename="FEC-complement.txt").exists()

    page.goto("/comptabilite/repartition/")
    page.get_by_role("button", name=re.compile(r"^Recalculer la répartition")).click()
    # a year's allocation is a background job too
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    run_worker()
    expect(status).to_contain_text("État : Terminée", timeout=15_000)
    assert Job.objects.get(kind="accounting_allocation").state == Job.State.DONE
    page.goto("/comptabilite/repartition/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Coûts par section")
    screenshot(page, "accounting-cost-per-section.png")
    row = page.get_by_role("row", name=re.compile(r"^O2R-44 "))
    month = timezone.localdate().month
    row.get_by_role("cell").nth(month - 1).get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("O2R-44")
    expect(page.get_by_role("cell", name="FEC-complement.txt, 2")).to_be_visible()
    expect(page.get_by_text("Matériel d'atelier").first).to_be_visible()
    screenshot(page, "accounting-trace.png")


def axe_problems(page) -> list[str]:
    from tests.e2e.test_every_page_on_a_phone import AXE, AXE_TAGS

    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes[0].target.join(' ')))",
        AXE_TAGS,
    )


def test_finance_reads_budgets_and_the_financial_report_and_the_funder_reads_the_report(
    chromium_browser, live_server, demo_data, log_in, settings, screenshot
):
    from tests.e2e.test_every_page_on_a_phone import OVERFLOW, PHONE

    settings.RELAX_TWO_FACTOR = True
    for viewport, suffix in (({"width": 1280, "height": 900}, ""), (PHONE, "-390")):
        context = chromium_browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport=viewport,
            bypass_csp=True,  # axe-core is injected as an inline script
        )
        context.set_default_timeout(15_000)
        try:
            page = context.new_page()
            log_in(page, "gestionnaire")
            page.goto("/comptabilite/")
            page.get_by_role("link", name="Budgets").first.click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Budgets prévisionnels")
            floor = page.locator("li.card").filter(has_text="O2R Pays de la Loire")
            expect(floor).to_contain_text("minimum de l'appel : 150")
            expect(floor).to_contain_text("Budget arrêté.")
            assert not axe_problems(page)
            assert page.evaluate(OVERFLOW) is None
            screenshot(page, f"accounting-budgets{suffix}.png")
            page.get_by_role("link", name="Comptes rendus financiers").first.click()
            page.get_by_role("link", name=re.compile(r"^Année 1 ")).click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Compte rendu financier")
            expect(page.get_by_role("heading", name="Contrôle de surcompensation (SIEG)"))
            expect(
                page.get_by_role("row", name=re.compile(r"^Cumul sur la convention"))
            ).to_be_visible()
            expect(page.get_by_role("link", name="Télécharger (PDF)")).to_be_visible()
            # the State's funding is listed once among the income (the budget table still
            # compares its category with the forecast)
            income = page.get_by_role("region", name="Produits et financements")
            expect(
                income.get_by_role("row", name=re.compile(r"^Financement de l.État"))
            ).to_have_count(1)
            expect(
                income.get_by_role("row", name=re.compile(r"^Subventions de l.État"))
            ).to_have_count(0)
            assert not axe_problems(page)
            assert page.evaluate(OVERFLOW) is None
            screenshot(page, f"accounting-financial-report{suffix}.png")
            log_out(page)
            # the funder reads the report of the programme it funds, and nothing else of it
            log_in(page, "financeur")
            page.goto("/comptabilite/compte-rendu/")
            page.get_by_role("link", name=re.compile(r"^Année 1 ")).click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Compte rendu financier")
            expect(page.get_by_role("link", name="Budgets")).to_have_count(0)
            assert page.goto("/comptabilite/budgets/").status == 403
        finally:
            context.close()
