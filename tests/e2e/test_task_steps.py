"""The ten main tasks, done as their user does them: from the home page, following the links the
pages offer, in a real browser. Each test pins what the task costs the user, like the query pins:
the pages loaded (documents the browser loads: a link followed, a form sent without htmx) and the
clicks (a link, a button, a box ticked, a choice in a list). Typing is not counted. A change
that adds a step fails here; a change that saves one updates the pin (the decisions log keeps
the figures before and after)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from playwright.sync_api import expect

from ancrage.accounts.models import User
from ancrage.care.models.agenda import Appointment
from ancrage.care.models.journal import JournalEntry
from ancrage.care.models.ppe import PPEVersion
from ancrage.families import services as family_services
from ancrage.families.models import FamilyCase, HomeVisit
from ancrage.insertion.models import Beneficiary, Contact, Exit
from ancrage.kernel import calendar
from ancrage.organisation.models import Unit
from ancrage.placements.models import AdmissionRequest, Stay
from ancrage.placements.services import check_capacity, record_exit
from ancrage.safeguarding.models import Incident
from tests.conftest import run_worker

pytestmark = pytest.mark.e2e


class Steps:
    """Counts what the user does on `page`: the pages loaded and the clicks."""

    def __init__(self, page):
        self.page = page
        self.loads = 0
        self.clicks = 0
        page.on("load", self._loaded)

    def _loaded(self, _page):
        self.loads += 1

    def click(self, locator):
        self.clicks += 1
        locator.click()

    def check(self, locator):
        self.clicks += 1
        locator.check()

    def choose(self, locator, **option):
        self.clicks += 1
        locator.select_option(**option)

    def count(self) -> tuple[int, int]:
        self.page.wait_for_load_state()
        return self.loads, self.clicks


@pytest.fixture
def start(browser_page, demo_data, log_in, settings):
    """``start(username)``: logs in, lands on the home page, and counts from there."""
    settings.RELAX_TWO_FACTOR = True

    def begin(username: str) -> Steps:
        log_in(browser_page, username)
        expect(browser_page).to_have_url(re.compile(r"/$"))
        browser_page.wait_for_load_state()
        return Steps(browser_page)

    return begin


def main_nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


def test_task_write_a_journal_entry(browser_page, start):
    page = browser_page
    steps = start("parent.sos")
    steps.click(main_nav(page).get_by_role("link", name="Mon agenda"))
    steps.click(page.get_by_role("link", name="journal", exact=True))
    text = "Soirée calme, devoirs faits ensemble avant le dîner."
    page.get_by_role("textbox", name="Observation", exact=True).fill(text)
    steps.click(page.get_by_role("button", name="Enregistrer l'observation"))
    expect(page.locator("#entries > li").first).to_contain_text(text)
    # the save is said in the live region, which takes the focus
    live = page.locator("#live-messages")
    expect(live).to_contain_text("Observation enregistrée")
    expect(live).to_be_focused()
    assert JournalEntry.objects.filter(text=text).count() == 1
    assert steps.count() == (2, 3)


def test_task_plan_an_appointment(browser_page, start, screenshot):
    page = browser_page
    parent = User.objects.get(username="parent.sos")
    house = parent.active_memberships[0].unit
    child = (
        Stay.objects.current()
        .filter(unit=house)
        .select_related("child")
        .order_by("child__first_names")
        .first()
        .child
    )
    next_week = calendar.add_days(timezone.localdate(), 7)
    steps = start("parent.sos")
    # from her home to her house's agenda, which plans for any of its children
    steps.click(page.get_by_role("link", name="Agenda de la maison"))
    picker = page.locator("details.new-appointment")
    steps.click(picker.get_by_text("Nouveau rendez-vous"))
    screenshot(page, "house-agenda-new-appointment.png")
    steps.click(picker.get_by_role("link", name=child.first_names, exact=True))
    steps.choose(page.get_by_label("Type de rendez-vous"), label="Santé")
    page.get_by_label("Début").fill(f"{next_week.isoformat()}T10:00")
    # the end is proposed one hour after the start
    expect(page.get_by_label("Fin")).to_have_value(f"{next_week.isoformat()}T11:00")
    page.get_by_label("Lieu").fill("Cabinet du Dr Roux")
    steps.click(page.get_by_role("button", name="Enregistrer le rendez-vous"))
    expect(page.locator(".messages")).to_contain_text("rendez-vous")
    # She checks it is in the agenda: she lands on the week that holds it.
    expect(page.get_by_text("Cabinet du Dr Roux")).to_be_visible()
    appointment = Appointment.objects.get(place="Cabinet du Dr Roux")
    assert appointment.ends_at - appointment.starts_at == datetime.timedelta(hours=1)
    # 5 loads and 6 clicks before (through "Mon agenda" and a child's own agenda)
    assert steps.count() == (3, 5)


def test_task_report_an_incident(browser_page, start):
    page = browser_page
    parent = User.objects.get(username="parent.sos")
    house = parent.active_memberships[0].unit
    child = Stay.objects.current().filter(unit=house).select_related("child").first().child
    steps = start("parent.sos")
    # her home, "Ma maison", leads to the report straight away
    steps.click(page.get_by_role("link", name="Signaler un incident"))
    when = (datetime.datetime.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Quand").fill(when)
    page.get_by_label("Où").fill("Jardin de la maison")
    page.get_by_label("Ce qui s'est passé").fill("Deux enfants se sont battus, l'un est blessé.")
    steps.choose(page.get_by_label(child.full_name), value="victim")
    page.get_by_label("Mesures prises immédiatement").fill("Enfants séparés, soins donnés.")
    steps.click(page.get_by_role("button", name="Enregistrer le signalement"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signalement n°")
    assert Incident.objects.filter(reporter=parent).exists()
    assert steps.count() == (2, 3)


def has_room(house, day, count) -> bool:
    try:
        check_capacity(house, day, count)
    except ValidationError:
        return False
    return True


def test_task_accept_a_sibling_group(browser_page, start):
    page = browser_page
    head = User.objects.get(username="chef.service")
    village = head.active_memberships[0].establishment
    admission = (
        AdmissionRequest.objects.filter(establishment=village, status="waiting")
        .order_by("received_on", "pk")
        .last()
    )
    children = list(admission.children.order_by("birth_date"))
    arrival = timezone.localdate()
    # One house has room for the whole group on the arrival date: its children went home.
    house = Unit.objects.houses().filter(establishment=village).order_by("name").first()
    for stay in Stay.objects.current(timezone.localdate()).filter(unit=house):
        if stay.start_date < timezone.localdate():
            record_exit(
                child=stay.child, exit_date=timezone.localdate(), reason="return_to_family", by=head
            )
    assert has_room(house, arrival, len(children))
    steps = start("chef.service")
    steps.click(page.get_by_role("link", name=village.name, exact=True))
    steps.click(page.get_by_role("link", name="Liste d'attente des admissions"))
    steps.click(page.locator(f'a[href="/admissions/{admission.pk}/"]'))
    # the page counts the free beds on the date typed: the houses are picked once it has
    with page.expect_response(lambda r: f"start_date={arrival.isoformat()}" in r.url):
        page.locator("#id_start_date").fill(arrival.isoformat())
    expect(page.locator(f"#id_house_{children[0].pk}")).to_contain_text(f"le {arrival:%d/%m/%Y}")
    expect(page.locator(".htmx-request")).to_have_count(0)  # swapped and settled
    for child in children:
        steps.choose(page.locator(f"#id_house_{child.pk}"), value=str(house.pk))
    steps.click(page.get_by_role("button", name="Accepter et répartir dans les maisons"))
    expect(page.locator("#live-messages")).to_contain_text("Admission enregistrée")
    admission.refresh_from_db()
    assert admission.status == "accepted"
    assert steps.count() == (4, 4 + len(children))


def test_task_validate_a_ppe_with_the_childs_words(browser_page, start):
    page = browser_page
    head = User.objects.get(username="chef.service")
    village = head.active_memberships[0].establishment
    here = Stay.objects.current().filter(unit__establishment=village).values("child")
    draft = (
        PPEVersion.objects.filter(status="draft", ppe__child__in=here)
        .select_related("ppe__child")
        .order_by("ppe__child__last_name", "pk")
        .first()
    )
    child = draft.ppe.child
    steps = start("chef.service")
    steps.click(main_nav(page).get_by_role("link", name="Rechercher une personne"))
    page.get_by_label("Nom, prénom ou nom de naissance").fill(child.last_name)
    steps.click(page.get_by_role("button", name="Rechercher"))
    steps.click(page.locator(f'#resultats a[href="/personnes/{child.reference}/"]'))
    steps.click(page.get_by_role("link", name="Projet pour l'enfant (PPE)"))
    steps.click(page.get_by_role("link", name=f"Valider la version {draft.number}"))
    words = "Je veux rester avec mon frère et faire du foot le mercredi."
    page.get_by_label(re.compile("Ce que l'enfant")).fill(words)
    steps.click(page.get_by_role("button", name="Valider la version"))
    # Validation cannot be undone: the page says what will happen, then she confirms.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Valider le PPE")
    expect(page.locator("#consequences + ul")).to_contain_text(words)
    steps.click(page.get_by_role("button", name="Valider la version"))
    expect(page.locator(".messages")).to_contain_text("est validée")
    draft.refresh_from_db()
    assert (draft.status, draft.child_views) == ("validated", words)
    assert steps.count() == (6, 7)


def test_task_record_a_home_visit(browser_page, start):
    page = browser_page
    worker = User.objects.get(username="intervenante.familles")
    case = FamilyCase.objects.filter(status="supported", worker=worker).order_by("pk").first()
    yesterday = calendar.add_days(timezone.localdate(), -1)
    family_services.plan_home_visit(
        case,
        worker,
        starts_at=timezone.make_aware(datetime.datetime.combine(yesterday, datetime.time(10))),
    )
    steps = start("intervenante.familles")
    steps.click(main_nav(page).get_by_role("link", name="Familles"))
    steps.click(page.locator(f'a[href="/familles/{case.pk}/"]'))
    steps.click(
        page.get_by_role("link", name=f"Compte rendu de la visite du {yesterday:%d/%m/%Y}").first
    )
    steps.check(page.get_by_label("a eu lieu"))
    page.get_by_label("Durée (minutes)").fill("70")
    page.get_by_label("Personnes présentes").fill("La mère et les enfants")
    page.get_by_label("Observations").fill("Les repas sont pris ensemble, à heure fixe.")
    steps.click(page.get_by_role("button", name="Enregistrer le compte rendu"))
    expect(page.get_by_text("Le compte rendu de la visite est enregistré.")).to_be_visible()
    assert HomeVisit.objects.filter(case=case, status="held", duration_minutes=70).exists()
    assert steps.count() == (4, 5)


def test_task_convert_a_contact(browser_page, start):
    page = browser_page
    today = timezone.localdate()
    steps = start("conseiller.o2r")
    steps.click(main_nav(page).get_by_role("link", name="O2R"))
    steps.click(
        page.get_by_role("navigation", name="Navigation O2R").get_by_role("link", name="Contacts")
    )
    link = page.get_by_role("link", name=re.compile("^Ouvrir un dossier pour")).first
    contact_pk = int(link.get_attribute("href").rstrip("/").split("/")[-2])
    steps.click(link)
    page.get_by_label("Prénoms").fill("Samir")
    page.locator("#id_last_name").fill("Bouchard")
    page.get_by_label("Date de naissance").fill("2005-06-01")
    page.get_by_label("Consentement recueilli le").fill(today.isoformat())
    page.get_by_label("Forme du consentement").fill("Accord oral après lecture de la notice")
    steps.click(page.get_by_role("button", name="Ouvrir le dossier"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samir Bouchard")
    beneficiary = Beneficiary.objects.get(person__last_name="Bouchard")
    assert Contact.objects.get(pk=contact_pk).beneficiary == beneficiary
    assert steps.count() == (4, 4)


def test_task_record_an_exit(browser_page, start):
    page = browser_page
    steps = start("conseiller.o2r")
    steps.click(main_nav(page).get_by_role("link", name="O2R"))
    alerts = page.locator("li").filter(has_text="échéance dépassée")
    link = alerts.first.get_by_role("link")
    name = link.inner_text()
    steps.click(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    # The exit form is closed, and opens with nothing chosen in advance.
    steps.click(page.get_by_text("Enregistrer une sortie…"))
    exit_form = page.locator("form").filter(
        has=page.get_by_role("button", name="Enregistrer la sortie")
    )
    expect(exit_form.get_by_label("Date de sortie")).to_have_value("")
    expect(exit_form.get_by_label("Motif de sortie")).to_have_value("")
    day = calendar.add_days(timezone.localdate(), -3)
    exit_form.get_by_label("Date de sortie").fill(day.isoformat())
    steps.choose(exit_form.get_by_label("Motif de sortie"), value="sustainable_job")
    steps.click(exit_form.get_by_role("button", name="Enregistrer la sortie"))
    # An exit cannot be undone: what will happen, then the confirmation.
    expect(page.locator("#consequences + ul")).to_contain_text("suivis à 3 et 6 mois")
    assert not Exit.objects.filter(date=day).exists()
    steps.click(page.get_by_role("button", name="Enregistrer la sortie"))
    expect(page.locator(".messages")).to_contain_text(f"La sortie de {name} est enregistrée")
    assert Exit.objects.filter(date=day, reason="sustainable_job").exists()
    assert steps.count() == (4, 6)


def test_task_download_the_report(browser_page, start):
    page = browser_page
    steps = start("chef.file.o2r")
    steps.click(main_nav(page).get_by_role("link", name="O2R"))
    steps.click(
        page.get_by_role("navigation", name="Navigation O2R").get_by_role(
            "link", name="Rapport d'activité"
        )
    )
    steps.click(page.get_by_role("button", name="Préparer le PDF"))
    expect(page).to_have_url(re.compile(r"/taches/[0-9a-f-]+/$"))
    run_worker()  # the worker prepares the file; the page follows it by itself
    with page.expect_download() as info:
        steps.click(page.get_by_role("link", name=re.compile(r"^Télécharger .*\.pdf")))
    assert info.value.suggested_filename.endswith(".pdf")
    assert steps.count() == (3, 4)


def test_task_approve_a_time_sheet(browser_page, start):
    page = browser_page
    steps = start("chef.service")
    steps.click(main_nav(page).get_by_role("link", name="Mon temps"))
    steps.click(page.get_by_role("link", name="Temps à approuver").first)
    steps.click(page.get_by_role("button", name="Approuver et verrouiller le mois").first)
    expect(page.locator(".messages")).to_contain_text("approuv")
    assert steps.count() == (3, 3)
