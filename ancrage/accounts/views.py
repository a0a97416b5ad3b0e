"""Login, logout and the second factor (TOTP)."""

import base64

import segno
from django.contrib.auth import views as auth_views
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ancrage.accounts import queries, services
from ancrage.accounts.forms import LoginForm, TokenForm
from ancrage.kernel.access import authenticated, can, public, requires
from ancrage.kernel.flow import act, submit

login = public(
    auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        authentication_form=LoginForm,
        redirect_authenticated_user=True,
    )
)
logout = authenticated(auth_views.LogoutView.as_view())


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

    def save(form):
        services.check_token(device, form.cleaned_data["token"])
        otp_login(request, device)

    return submit(
        request,
        TokenForm(request.POST or None),
        save,
        success=_next(request),
        template="accounts/two_factor_verify.html",
        context={"next": _next(request)},
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

    def save(form):
        services.confirm_device(device, form.cleaned_data["token"])
        otp_login(request, device)

    return submit(
        request,
        TokenForm(request.POST or None),
        save,
        message=_("La double authentification est activée."),
        success=_next(request),
        template="accounts/two_factor_setup.html",
        context={
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1b1b1b"),
            "secret": base64.b32encode(device.bin_key).decode(),
            "next": _next(request),
        },
    )


@requires("membership", "view")
@require_http_methods(["GET"])
def memberships(request):
    """The memberships proposed for the places the user directs, to confirm or refuse, and the
    log of every grant, confirmation, refusal and revocation there."""
    return render(
        request,
        "accounts/memberships.html",
        {
            "to_confirm": queries.memberships_to_confirm(request.user),
            "can_decide": can(request.user, "membership", "change"),
            "events": queries.membership_log(request.user),
        },
    )


def _decide(request, pk, decide, message):
    membership = queries.confirmable_membership(request.user, pk)
    if membership is None:
        raise Http404
    return act(
        request,
        lambda: decide(membership, request.user),
        success="accounts:memberships",
        message=message,
    )


@requires("membership", "change")
@require_http_methods(["POST"])
def membership_confirm(request, pk):
    return _decide(request, pk, services.confirm_membership, _("L'affectation est confirmée."))


@requires("membership", "change")
@require_http_methods(["POST"])
def membership_refuse(request, pk):
    return _decide(request, pk, services.refuse_membership, _("L'affectation est refusée."))
