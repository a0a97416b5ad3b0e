"""Writes of the youth space, one transaction each: a message to her referent, a concern that
becomes a safeguarding report of her village."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ancrage.care.models import PPE
from ancrage.participation.models import Concern, YouthMessage
from ancrage.safeguarding.services import report_concern


def _require_open(space) -> None:
    if not space.is_open:
        raise ValidationError(_("Ton espace n'est pas encore ouvert."))


@transaction.atomic
def write_to_referent(space, by, *, text: str) -> YouthMessage:
    """Her message, addressed to her referent (none chosen: the head of service of her village
    reads the messages of its young people)."""
    _require_open(space)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Écris ton message.")})
    referent = PPE.objects.filter(child=space.person).values_list("referent", flat=True).first()
    return YouthMessage.objects.create(
        person=space.person, author=by, recipient_id=referent, text=text
    )


@transaction.atomic
def raise_concern(space, by, *, about_self: bool, text: str) -> Concern:
    """Her concern about her safety or someone else's: a safeguarding report of the village she
    lives in, which its head of service qualifies."""
    _require_open(space)
    if space.stay is None:
        raise ValidationError(
            _("Tu ne vis pas dans un village en ce moment : parle à un adulte ou appelle le 119.")
        )
    try:
        incident = report_concern(
            establishment=space.stay.unit.establishment,
            narrative=text,
            child=space.person,
            about_self=about_self,
            by=by,
        )
    except ValidationError as error:
        raise ValidationError({"text": error.message_dict["narrative"]}) from error
    return Concern.objects.create(person=space.person, about_self=about_self, incident=incident)
