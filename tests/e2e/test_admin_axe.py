"""The administration, as its technical administrator uses it: the index, a list, a record's
page and a form sent with errors have no serious or critical accessibility violation
(axe-core, WCAG A and AA), like the application's pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ancrage.organisation.models import Establishment
from tests.e2e.test_every_page_on_a_phone import AXE, AXE_TAGS
from tests.e2e.test_forms_with_errors import AXE_RUN
from tests.e2e.test_homes import DESKTOP, _context

pytestmark = pytest.mark.e2e


def violations(page, where: str) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return [f"{where}: {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)]


def test_admin_pages_and_a_form_with_errors_pass_axe(
    chromium_browser, live_server, demo_data, log_in, settings, screenshot
):
    assert AXE.is_file(), "axe-core is missing: run `make e2e-axe` (npm ci)"
    settings.RELAX_TWO_FACTOR = True
    # axe-core is injected as an inline script: the context bypasses the CSP
    context = _context(chromium_browser, live_server, DESKTOP)
    try:
        _check_admin(context.new_page(), log_in, screenshot)
    finally:
        context.close()


def _check_admin(page, log_in, screenshot):
    log_in(page, "admin.tech")
    village = Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).order_by("pk").first()
    problems, checked = [], 0
    for address in (
        "/admin/",
        "/admin/organisation/establishment/",
        f"/admin/organisation/establishment/{village.pk}/change/",
        "/admin/organisation/unit/",
    ):
        response = page.goto(address)
        assert response.status == 200, address
        problems += violations(page, address)
        checked += 1
    # a house added without its name nor capacity: the form comes back with its errors
    page.goto("/admin/organisation/unit/add/")
    page.locator('input[name="_save"]').click()
    expect(page.locator(".errornote")).to_be_visible()
    problems += violations(page, "/admin/organisation/unit/add/ (errors)")
    checked += 1
    screenshot(page, "admin-form-with-errors.png")
    assert not problems, "\n".join(problems)
    assert checked == 5
