"""Writes of the accounts app: the second factor's enrolment and check, refusals as French
ValidationErrors at the code's field.

Not in a transaction: a wrong code is recorded on the device (django-otp's throttling, which
slows the next tries down), and a refusal must not roll that back."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_token(device, token: str) -> None:
    """Accept the code of a confirmed device, or say why not: too many tries in a row, or a
    wrong or expired code."""
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        raise ValidationError(
            {"token": _("Trop d'essais : attendez quelques secondes avant de réessayer.")}
        )
    if not device.verify_token(token):
        raise ValidationError(
            {"token": _("Code incorrect ou expiré : vérifiez l'heure de votre téléphone.")}
        )


def confirm_device(device, token: str) -> None:
    """Enrol an authenticator app: its first right code confirms the device."""
    if not device.verify_token(token):
        raise ValidationError(
            {"token": _("Code incorrect : vérifiez l'heure de votre téléphone et réessayez.")}
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
