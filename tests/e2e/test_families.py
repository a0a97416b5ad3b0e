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
