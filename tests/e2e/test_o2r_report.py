"""The chef de file enters the agreement's targets for a member's year, then reads the report of
that agreement year: each target beside what was done, the situation at entry, on a desktop and
on a phone (no sideways scroll), with no serious or critical accessibility violation."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_every_page_on_a_phone import AXE, AXE_TAGS, OVERFLOW, PHONE

pytestmark = pytest.mark.e2e


def serious_violations(page):
    # evaluated, not added as a script tag: the site's Content-Security-Policy allows no inline
    # script
    page.evaluate(AXE.read_text())
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes[0].target.join(' ')))",
        AXE_TAGS,
    )


def test_the_chef_de_file_enters_targets_and_reads_them_beside_the_achieved(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    log_in(page, "chef.file.o2r")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="O2R"
    ).click()
    page.get_by_role("link", name="Objectifs de la convention").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Objectifs de la convention")
    assert serious_violations(page) == []
    page.get_by_label("Personnes repérées").fill("400")
    page.get_by_label("Personnes accompagnées").fill("120")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Les objectifs sont enregistrés.")).to_be_visible()
    expect(page.get_by_role("row", name="Année 1").first).to_contain_text("400")

    page.get_by_role("navigation", name="Navigation O2R").get_by_role(
        "link", name="Rapport d'activité"
    ).click()
    page.get_by_label("Période", exact=True).select_option("a1")
    page.get_by_role("button", name="Afficher").click()
    expect(
        page.get_by_role("heading", name="Objectifs de la convention et réalisé")
    ).to_be_visible()
    expect(
        page.get_by_role("heading", name="Situation socioprofessionnelle à l'entrée")
    ).to_be_visible()
    assert serious_violations(page) == []
    screenshot(page, "o2r-report-targets.png")
    page.set_viewport_size(PHONE)
    page.reload()
    assert page.evaluate(OVERFLOW) is None
    assert serious_violations(page) == []
    screenshot(page, "o2r-report-targets-390.png")
