"""Login: argon2, lockout after repeated failures, mandatory TOTP for nominative roles, idle
session expiry, security headers and a CSP without inline script."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ancrage.accounts.models import User
from ancrage.kernel.access import Role
from tests.conftest import PASSWORD, login

LOGIN = "/compte/connexion/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(world):
    user = world.users[Role.HOUSE_PARENT]
    user.set_password("une phrase de passe solide")
    user.save()
    assert User.objects.get(pk=user.pk).password.startswith("argon2")


def test_lockout_after_repeated_failures(client, world, settings):
    user = world.users[Role.HOUSE_PARENT]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = post_login(client, user.username, "mauvais mot de passe")
        assert response.status_code == 200
        assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    response = post_login(client, user.username, "mauvais mot de passe")
    assert response.status_code == 429
    # Locked: even the right password is refused now.
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "temporairement bloqué" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_one_failure_short_of_the_limit_still_lets_the_user_in(client, world, settings):
    user = world.users[Role.FUNDER]
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        post_login(client, user.username, "mauvais mot de passe")
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_nominative_role_must_set_up_two_factor(client, world):
    user = world.users[Role.HEAD_OF_SERVICE]
    response = post_login(client, user.username, PASSWORD)
    assert response.status_code == 302
    response = client.get("/personnes/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/double-authentification/activer/")
    # The setup page shows a QR code as inline SVG and the secret.
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = client.post(
        response["Location"], {"token": "000000" if totp(device.bin_key) else "111111"}
    )
    assert "Code incorrect" in wrong.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # failures slow down guessing
    device.throttle_reset()
    ok = client.post(response["Location"], {"token": f"{totp(device.bin_key):06d}"})
    assert ok.status_code == 302
    assert ok["Location"] == "/personnes/"
    assert client.get("/personnes/").status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed


def test_second_login_asks_for_the_code(client, world):
    user = world.users[Role.CLINICIAN]
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    post_login(client, user.username, PASSWORD)
    response = client.get("/")
    assert response["Location"].startswith("/compte/double-authentification/?next=/")
    response = client.post(
        "/compte/double-authentification/?next=/", {"token": f"{totp(device.bin_key):06d}"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_code_is_refused_at_the_field_and_slows_the_next_tries(client, world):
    user = world.users[Role.CLINICIAN]
    device = TOTPDevice.objects.create(user=user, name="téléphone", confirmed=True)
    post_login(client, user.username, PASSWORD)
    url = "/compte/double-authentification/?next=/"
    wrong = "000000" if totp(device.bin_key) else "111111"
    response = client.post(url, {"token": wrong})
    assert response.status_code == 200
    assert response.context["form"].errors["token"] == [
        "Code incorrect ou expiré : vérifiez l'heure de votre téléphone."
    ]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # right away, even the right code waits for the throttling delay
    response = client.post(url, {"token": f"{totp(device.bin_key):06d}"})
    assert response.context["form"].errors["token"] == [
        "Trop d'essais : attendez quelques secondes avant de réessayer."
    ]
    assert client.get("/")["Location"].startswith("/compte/double-authentification/")


def test_roles_without_nominative_data_do_not_need_a_second_factor(client, world):
    for role in (Role.FUNDER, Role.FINANCE):
        client.logout()
        post_login(client, world.users[role].username, PASSWORD)
        assert client.get("/").status_code == 200, role


def test_technical_administrator_needs_a_second_factor(client, world):
    """They manage accounts, passwords and devices: they could take over any account."""
    post_login(client, world.users[Role.TECH_ADMIN].username, PASSWORD)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/compte/double-authentification/activer/")


def test_demo_setting_relaxes_two_factor_with_a_visible_banner(client, world, settings):
    settings.RELAX_TWO_FACTOR = True
    login(client, world.users[Role.HEAD_OF_SERVICE], verified=False)
    response = client.get("/")
    assert response.status_code == 200
    assert "la double authentification est désactivée" in response.content.decode()


def test_no_banner_when_two_factor_is_enforced(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    assert "double authentification est désactivée" not in client.get("/").content.decode()


def test_idle_session_expires(client, world, settings):
    # Requests push the expiry back, at most once a minute (tests/kernel/test_sessions.py).
    assert settings.SESSION_ENGINE == "ancrage.kernel.sessions"
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    login(client, world.users[Role.HEAD_OF_SERVICE])
    assert client.get("/").status_code == 200
    session = client.session
    session.set_expiry(-1)  # as if the idle time had run out
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_security_headers(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_any_template():
    """The CSP forbids inline script; the templates must not need any."""
    root = Path(django_settings.BASE_DIR)
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag:
                offenders.append(f"{template}: {tag}")
        if re.search(r"\son[a-z]+=", text) or " style=" in text or "<style" in text:
            offenders.append(f"{template}: inline handler or style")
    assert not offenders, offenders


def test_qr_code_svg_has_no_inline_style(client, world):
    login(client, world.users[Role.HEAD_OF_SERVICE], verified=False)
    page = client.get("/compte/double-authentification/activer/").content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg


def _settings_in_subprocess(env, expression):
    code = f"import ancrage.settings as s; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=dict(env),
        capture_output=True,
        text=True,
        cwd=django_settings.PROJECT_DIR,
    )


def test_production_refuses_to_start_with_the_default_secret():
    result = _settings_in_subprocess({"PATH": "/usr/bin:/bin"}, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.parametrize(
    "salts", [None, "", "ancrage-development-salt-never-use-in-production", "court"]
)
def test_production_refuses_to_start_without_field_encryption_salts(salts):
    env = {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x" * 50}
    if salts is not None:
        env["FIELD_ENCRYPTION_SALTS"] = salts
    result = _settings_in_subprocess(env, "s.SALT_KEY")
    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_SALTS" in result.stderr


def test_production_reads_the_salts_first_one_encrypting():
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 50,
        "FIELD_ENCRYPTION_SALTS": "a" * 32 + "," + "b" * 32,
    }
    result = _settings_in_subprocess(env, "s.SALT_KEY")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(["a" * 32, "b" * 32])


def test_production_refuses_the_relaxed_two_factor():
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 50,
        "ANCRAGE_RELAX_2FA": "1",
        "FIELD_ENCRYPTION_SALTS": "s" * 40,
    }
    result = _settings_in_subprocess(env, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "ANCRAGE_RELAX_2FA" in result.stderr


def test_production_sends_hsts_and_secure_cookies():
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "ancrage.example",
        "FIELD_ENCRYPTION_SALTS": "s" * 40,
    }
    result = _settings_in_subprocess(
        env,
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_SSL_REDIRECT",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "31536000 True True True"


def test_behind_a_proxy_the_lockout_follows_the_client_address(client, world, settings):
    """With CLIENT_IP_HEADER=X-Real-IP, every request comes from the proxy's address but the
    lockout counts per user name and real client address."""
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_REAL_IP", "REMOTE_ADDR")
    user = world.users[Role.FUNDER]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            LOGIN,
            {"username": user.username, "password": "faux"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_REAL_IP="203.0.113.9",
        )
    assert response.status_code == 429
    response = client.post(
        LOGIN,
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_REAL_IP="198.51.100.4",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
