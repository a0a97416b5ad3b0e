"""The main forms, sent empty on a phone (390 px): each comes back with its errors at the fields
(role=alert, tied to the field by aria-describedby), still fits the screen and has no serious or
critical accessibility violation (axe-core); and so does the confirmation page an irreversible
action asks for."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.care.models.ppe import PPEVersion
from ancrage.insertion.models import Beneficiary, Contact
from ancrage.placements.models import AdmissionRequest, Stay
from tests.e2e.test_every_page_on_a_phone import AXE, AXE_TAGS, OVERFLOW, PHONE

pytestmark = pytest.mark.e2e

AXE_RUN = (
    "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
    ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
    ".map(v => v.id + ' (' + v.nodes.length + '): ' + v.nodes[0].target.join(' ')))"
)


def problems_of(page, where: str) -> list[str]:
    found = []
    overflow = page.evaluate(OVERFLOW)
    if overflow:
        found.append(f"{where} scrolls sideways at 390 px ({overflow})")
    page.add_script_tag(path=str(AXE))
    found += [f"{where} axe {v}" for v in page.evaluate(AXE_RUN, AXE_TAGS)]
    # every field error is named by its field's aria-describedby
    found += [
        f"{where}: error {error_id} not tied to a field"
        for error_id in page.eval_on_selector_all("ul.errorlist[id]", "els => els.map(e => e.id)")
        if not page.locator(f'[aria-describedby~="{error_id}"]').count()
    ]
    return found


def forms_of(username: str) -> list[tuple[str, str, str | None]]:
    """(address, submit button, text of the part to open first) of the main forms of a role."""
    user = User.objects.get(username=username)
    membership = user.active_memberships[0]
    if username == "parent.sos":
        house = membership.unit
        child = Stay.objects.current().filter(unit=house).select_related("child").first().child
        village = house.establishment
        return [
            (f"/maisons/{house.pk}/journal/", "Enregistrer l'observation", None),
            (f"/personnes/{child.reference}/agenda/nouveau/", "Enregistrer le rendez-vous", None),
            (f"/villages/{village.pk}/signalements/nouveau/", "Enregistrer le signalement", None),
        ]
    if username == "chef.service":
        village = membership.establishment
        admission = AdmissionRequest.objects.filter(establishment=village, status="waiting")
        here = Stay.objects.current().filter(unit__establishment=village).values("child")
        draft = PPEVersion.objects.filter(status="draft", ppe__child__in=here).first()
        return [
            (
                f"/villages/{village.pk}/admissions/nouvelle/",
                "Inscrire sur la liste d'attente",
                None,
            ),
            (f"/admissions/{admission.first().pk}/", "Accepter et répartir dans les maisons", None),
            (f"/personnes/{draft.ppe.child.reference}/ppe/valider/", "Valider la version", None),
        ]
    contact = Contact.objects.filter(beneficiary__isnull=True).order_by("pk").first()
    beneficiary = Beneficiary.objects.filter(status="accompaniment").order_by("pk").first()
    return [
        (f"/o2r/contacts/{contact.pk}/convertir/", "Ouvrir le dossier", None),
        (
            f"/o2r/beneficiaires/{beneficiary.pk}/",
            "Enregistrer la sortie",
            "Enregistrer une sortie…",
        ),
    ]


OPEN_SECTION_OF = """text => {
    for (const body of document.querySelectorAll(".section-body")) {
        if (body.textContent.includes(text)) {
            document.querySelector(`[aria-controls="${body.id}"]`).click();
            return;
        }
    }
}"""


def test_main_forms_with_errors_and_a_confirmation_fit_a_phone_and_pass_axe(
    chromium_browser, live_server, demo_data, log_in, settings, screenshot
):
    assert AXE.is_file(), "axe-core is missing: run `make e2e-axe` (npm ci)"
    settings.RELAX_TWO_FACTOR = True
    problems, checked = [], 0
    for username in ("parent.sos", "chef.service", "conseiller.o2r"):
        context = chromium_browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport=PHONE,
            is_mobile=True,
            bypass_csp=True,
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            log_in(page, username)
            for address, button, opener in forms_of(username):
                page.goto(address)
                if opener:
                    if not page.get_by_text(opener).is_visible():
                        # on a phone the file's sections are closed: open the one that holds it
                        page.evaluate(OPEN_SECTION_OF, opener)
                    page.get_by_text(opener).click()
                page.get_by_role("button", name=button, exact=True).first.click()
                expect(page.locator("ul.errorlist").first).to_be_visible()
                problems += problems_of(page, f"{username} {address} (errors)")
                checked += 1
                if "agenda" in address:
                    screenshot(page, "form-with-errors-phone.png")
            if username == "chef.service":
                # the confirmation an irreversible action asks for
                address = forms_of(username)[2][0]
                page.goto(address)
                page.get_by_label("Ce que l'enfant dit de son projet").fill(
                    "Je veux rester avec ma sœur."
                )
                page.get_by_role("button", name="Valider la version").click()
                expect(page.get_by_role("heading", name="Ce qui va se passer")).to_be_visible()
                problems += problems_of(page, f"{username} {address} (confirmation)")
                checked += 1
                screenshot(page, "confirmation-phone.png")
                # going back keeps what was typed, nothing validated
                page.get_by_role("button", name="Revenir au formulaire").click()
                expect(page.get_by_label("Ce que l'enfant dit de son projet")).to_have_value(
                    "Je veux rester avec ma sœur."
                )
                assert PPEVersion.objects.filter(
                    status="draft", validated_on__isnull=True, child_views=""
                ).exists()
        finally:
            context.close()
    assert not problems, "\n".join(problems)
    assert checked == 9
