"""Login, logout and the second factor (TOTP)."""

import base64

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ancrage.accounts.forms import LoginForm, TokenForm
from ancrage.kernel.access import authenticated, public

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = authenticated(auth_views.LogoutView.as_view())


def _check_token(device, form) -> bool:
    """Whether the code is right; a wrong code slows the next tries down (django-otp's
    throttling), and the user is told when that is why a code was refused."""
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        form.add_error("token", _("Trop d'essais : attendez quelques secondes avant de réessayer."))
        return False
    if device.verify_token(form.cleaned_data["token"]):
        return True
    form.add_error("token", _("Code incorrect ou expiré : vérifiez l'heure de votre téléphone."))
    return False


def _next(request):
    target = request.GET.get("next") or request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


@authenticated
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("accounts:two_factor_setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_token(device, form):
        otp_login(request, device)
        return redirect(_next(request))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request)}
    )


@authenticated
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Enrol an authenticator app: show the secret as a QR code, confirm with a first code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:two_factor_verify")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Application d'authentification"}
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("La double authentification est activée."))
            return redirect(_next(request))
        form.add_error(
            "token", _("Code incorrect : vérifiez l'heure de votre téléphone et réessayez.")
        )
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b1b1b")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": qr_svg,
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": _next(request),
        },
    )
