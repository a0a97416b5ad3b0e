"""A family worker opens one of their families, records a home visit (planned, then its report:
who was present, how long, what was observed) and updates a goal of the family's plan, in a
real browser."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ancrage.families.models import FamilyCase, Goal, HomeVisit
from ancrage.kernel import calendar

pytestmark = pytest.mark.e2e


def test_worker_records_a_home_visit_and_updates_a_goal(
    browser_page, demo_data, log_in, settings, screenshot
):
    settings.RELAX_TWO_FACTOR = True
    page = browser_page
    case = (
        FamilyCase.objects.filter(status="supported", worker__username="intervenante.familles")
        .order_by("pk")
        .first()
    )
    yesterday = calendar.add_days(timezone.localdate(), -1)
    log_in(page, "intervenante.familles")
    expect(page).to_have_url(re.compile(r"/$"))

    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Familles"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Familles accompagnées")
    page.locator(f'a[href="/familles/{case.pk}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Famille {case.name}")

    page.get_by_role("link", name="Planifier une visite").click()
    page.get_by_label("Le (date et heure)").fill(f"{yesterday.isoformat()}T10:00")
    page.get_by_label("Durée prévue (minutes)").fill("60")
    page.get_by_role("button", name="Planifier la visite").click()
    expect(page.get_by_text("La visite à domicile est planifiée.")).to_be_visible()

    page.get_by_role(
        "link", name=f"Compte rendu de la visite du {yesterday:%d/%m/%Y}"
    ).first.click()
    page.get_by_label("a eu lieu").check()
    page.get_by_label("Durée (minutes)").fill("75")
    page.get_by_label("Personnes présentes").fill("La mère et les deux enfants")
    page.get_by_label("Observations").fill("Le rituel du coucher est en place.")
    screenshot(page, "families-visit-report.png")
    page.get_by_role("button", name="Enregistrer le compte rendu").click()
    expect(page.get_by_text("Le compte rendu de la visite est enregistré.")).to_be_visible()
    visit = HomeVisit.objects.get(case=case, observations="Le rituel du coucher est en place.")
    assert (visit.status, visit.duration_minutes) == ("held", 75)

    page.get_by_role("link", name="Plan d'accompagnement").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Plan d'accompagnement")
    page.get_by_role("link", name=re.compile("Mettre à jour l'avancement")).first.click()
    page.get_by_label("Avancement").select_option(label="Atteint")
    page.get_by_label("Où en est-on").fill("Objectif atteint, constaté en visite.")
    page.get_by_role("button", name="Enregistrer l'avancement").click()
    expect(page.get_by_text("L'avancement de l'objectif est enregistré.")).to_be_visible()
    assert Goal.objects.filter(
        version__plan__case=case, progress="reached", progress_note__startswith="Objectif atteint"
    ).exists()


def check_page(page, problems, name):
    """No sideways scroll at the page's width and no serious or critical axe violation."""
    from tests.e2e.test_every_page_on_a_phone import AXE, AXE_TAGS, OVERFLOW

    overflow = page.evaluate(OVERFLOW)
    if overflow:
        problems.append(f"{name} scrolls sideways ({overflow})")
    page.add_script_tag(path=str(AXE))
    problems += [
        f"{name} axe {v}"
        for v in page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ': ' + v.nodes[0].target.join(' ')))",
            AXE_TAGS,
        )
    ]


def test_worker_raises_a_concern_the_head_transmits_and_reads_the_indicators(
    chromium_browser, live_server, demo_data, log_in, settings, screenshot
):
    """The worker reports a concern from a family's file, proposing an information
    préoccupante; the service's head finds it flagged on the incident; the ended family's
    follow-up is recorded from the service's échéancier; the programme's indicators are read.
    Each new page on a desktop and on a phone (390 px), checked with axe-core."""
    from ancrage.families.models import FamilyConcern

    settings.RELAX_TWO_FACTOR = True
    problems = []
    case = (
        FamilyCase.objects.filter(status="supported", worker__username="intervenante.familles")
        .exclude(concerns__isnull=False)
        .order_by("pk")
        .first()
    )
    ended = FamilyCase.objects.get(status="ended", followed_up_on__isnull=True)
    for width, suffix in ((1280, ""), (390, "-390")):
        context = chromium_browser.new_context(
            base_url=live_server.url,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            viewport={"width": width, "height": 844},
            is_mobile=width < 400,
            bypass_csp=True,  # axe-core is injected as an inline script
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        try:
            log_in(page, "intervenante.familles")
            page.goto(f"/familles/{case.pk}/")
            page.get_by_role("link", name="Signaler une préoccupation").click()
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Préoccupation pour la sécurité d'un enfant"
            )
            check_page(page, problems, f"concern form {width}")
            screenshot(page, f"families-concern{suffix}.png")
            if not suffix:
                page.get_by_label(re.compile("Information préoccupante à transmettre")).check()
                page.get_by_label("Ce qui s'est passé").fill(
                    "Des pleurs et des cris entendus pendant la visite ; l'enfant se cache."
                )
                page.locator("select[name^='child_']").first.select_option(label="Victime")
                page.get_by_role("button", name="Enregistrer la préoccupation").click()
                expect(
                    page.get_by_text("La préoccupation est enregistrée comme signalement")
                ).to_be_visible()
            page.goto("/mon-agenda/")
            expect(page.get_by_role("heading", name="Vos autres rendez-vous")).to_be_visible()
            check_page(page, problems, f"my calendar {width}")

            context.clear_cookies()
            log_in(page, "chef.familles")
            incident = FamilyConcern.objects.filter(case=case).get().incident
            page.goto(f"/signalements/{incident.pk}/")
            expect(
                page.get_by_text("Information préoccupante à transmettre à la CRIP").first
            ).to_be_visible()
            check_page(page, problems, f"incident {width}")
            page.goto("/familles/suivi/")
            page.get_by_role("link", name=re.compile("Échéancier \\(suivis à 6 mois\\)")).click()
            expect(page.get_by_role("heading", level=1)).to_contain_text("Échéancier")
            check_page(page, problems, f"service échéancier {width}")
            page.get_by_role("link", name=f"Suivi à 6 mois de la famille n° {ended.pk}").click()
            check_page(page, problems, f"follow-up form {width}")
            screenshot(page, f"families-follow-up{suffix}.png")
            if not suffix:
                page.get_by_label("Ce que devient la famille").fill(
                    "Les enfants vont à l'école ; la mère fréquente le centre social."
                )
                page.get_by_role("button", name="Enregistrer le suivi").click()
                expect(page.get_by_text("Le suivi à 6 mois est enregistré.")).to_be_visible()
            page.goto("/familles/indicateurs/")
            expect(page.get_by_role("heading", level=1)).to_contain_text(
                "Indicateurs du renforcement familial"
            )
            check_page(page, problems, f"indicators {width}")
            screenshot(page, f"families-indicators{suffix}.png")
            page.goto("/familles/orienter/?chercher=a")
            check_page(page, problems, f"referral search {width}")
        finally:
            context.close()
    ended.refresh_from_db()
    assert ended.followed_up_on is not None
    assert FamilyConcern.objects.get(case=case).incident.information_preoccupante_proposed
    assert not problems, "\n".join(problems)
