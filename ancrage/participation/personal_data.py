"""What the young person's space registers in `kernel.personal_data`: her share of a
subject-access export (the messages she wrote to her referent, the concerns she raised and
what she may know of them) and what an anonymisation erases (her messages, free text only; a
concern stays as a count, its report is the safeguarding app's)."""

from __future__ import annotations

from auditlog.context import disable_auditlog
from django.utils.translation import gettext_lazy as _

from ancrage.kernel import personal_data as registry
from ancrage.kernel.personal_data import json_value
from ancrage.participation.models import Concern, YouthMessage


def export(person_id: int) -> list[dict]:
    rows = [
        {
            "message envoyé le": json_value(message.sent_at),
            "à": message.recipient.get_full_name() if message.recipient else "",
            "texte": message.text,
        }
        for message in YouthMessage.objects.filter(person_id=person_id).select_related("recipient")
    ]
    rows += [
        {
            "inquiétude envoyée le": json_value(concern.raised_at),
            "au sujet de sa propre sécurité": concern.about_self,
            "état du signalement": concern.incident.get_status_display(),
        }
        for concern in Concern.objects.filter(person_id=person_id).select_related("incident")
    ]
    return rows


def anonymise(person_id: int):
    with disable_auditlog():
        YouthMessage.objects.filter(person_id=person_id).delete()
    return []


def register() -> None:
    """Called by `ParticipationConfig.ready()`."""
    registry.register_exporter(
        registry.Exporter("participation", _("Espace jeune : messages et inquiétudes"), export)
    )
    registry.register_anonymiser(registry.Anonymiser("participation", anonymise))
