"""Logging in: the login page, and the mandatory second factor (TOTP) for roles that see
nominative data (domain rule: two-factor authentication for every nominative role)."""

from __future__ import annotations

import base64
import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

BASE32 = re.compile(r"^[A-Z2-7]+=*$")


def enrol_authenticator(page, username: str) -> TOTPDevice:
    """On the enrolment page: read the key shown, compute the code an authenticator app
    would show now, submit it. Returns the device the page enrolled."""
    expect(page).to_have_url(re.compile(r"/compte/double-authentification/activer/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activer la double authentification")
    expect(page.get_by_role("img", name="Code QR de configuration")).to_be_visible()
    secret = page.locator("span.ref").inner_text().strip()
    assert BASE32.match(secret), secret
    device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    assert base64.b32decode(secret) == device.bin_key
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Code à 6 chiffres de votre application d'authentification").fill(code)
    page.get_by_role("button", name="Activer").click()
    return device


def test_login_page_in_french(browser_page, screenshot):
    page = browser_page
    page.goto("/compte/connexion/")
    expect(page).to_have_title("Connexion · Ancrage")
    expect(page.get_by_role("heading", level=1)).to_have_text("Connexion à Ancrage")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    screenshot(page, "login.png")


def test_unknown_password_is_refused_in_french(browser_page, demo_data, log_in):
    page = browser_page
    log_in(page, "parent.sos", password="pas-le-bon-mot-de-passe")
    expect(page).to_have_url(re.compile(r"/compte/connexion/$"))
    expect(page.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible()


def test_head_of_service_enrols_an_authenticator_then_reaches_the_dashboard(
    browser_page, demo_data, log_in
):
    page = browser_page
    assert not TOTPDevice.objects.filter(user__username="chef.service").exists()

    log_in(page, "chef.service")
    # Nominative role, no device yet: the dashboard is out of reach until enrolment.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/compte/double-authentification/activer/\?next=/$"))
    device = enrol_authenticator(page, "chef.service")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Julien")
    expect(page.get_by_role("status")).to_contain_text("La double authentification est activée.")
    device.refresh_from_db()
    assert device.confirmed
    # The pages that need a second factor are now open.
    page.goto("/personnes/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rechercher une personne")


def test_director_dashboard_shows_village_occupancy(browser_page, demo_data, log_in, screenshot):
    page = browser_page
    log_in(page, "directrice")
    enrol_authenticator(page, "directrice")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie")
    expect(page.get_by_role("heading", name="Mes affectations")).to_be_visible()
    village = page.get_by_role("heading", level=2, name=re.compile(r"^Village d'enfants de"))
    expect(village).to_have_count(1)
    occupancy = re.compile(r"\d+ enfants accueillis pour \d+ places\.")
    expect(page.get_by_text(occupancy)).to_be_visible()
    expect(page.locator("table tbody tr")).to_have_count(10)
    screenshot(page, "dashboard.png")
