"""Two-factor authentication is mandatory for roles that see nominative data."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a half-logged-in user may reach: the second-factor pages, logout, static files.
ALLOWED_PREFIXES = ("/compte/", "/static/")


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not settings.RELAX_TWO_FACTOR
            and user.needs_two_factor
            and not user.is_verified()
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            from django_otp import user_has_device

            target = (
                "accounts:two_factor_verify"
                if user_has_device(user)
                else "accounts:two_factor_setup"
            )
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
