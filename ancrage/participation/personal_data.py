"""What the young person's space registers in `kernel.personal_data`: her share of a
subject-access export (the messages she wrote to her referent, the concerns she raised and
what she may know of them, her seats on the council) and what an anonymisation erases (her
messages, free text only, and her name on the council's seats; a concern stays as a count, its
report is the safeguarding app's). The members named without a file are anonymised by the
retention run under the `council_member` rule (`privacy.services.anonymise_past_records`)."""

from __future__ import annotations

from auditlog.context import disable_auditlog
from django.utils.translation import gettext_lazy as _

from ancrage.kernel import personal_data as registry
from ancrage.kernel.personal_data import ANONYMOUS_NAME, forget_changes, json_value
from ancrage.participation.models import Concern, CouncilMember, YouthMessage


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
    rows += [
        {
            "siège au conseil": str(member.council),
            "collège": member.get_college_display(),
            "nom": member.name,
            "élu·e": member.elected,
            "voix": member.votes,
            "début du mandat": json_value(member.term_start),
            "fin du mandat": json_value(member.term_end),
        }
        for member in CouncilMember.objects.filter(person_id=person_id).select_related(
            "council__establishment"
        )
    ]
    return rows


def anonymise(person_id: int):
    with disable_auditlog():
        YouthMessage.objects.filter(person_id=person_id).delete()
    # Her council seats stay (the council's composition, its votes) without her name.
    seats = CouncilMember.objects.filter(person_id=person_id)
    forget_changes(CouncilMember, seats.values_list("pk", flat=True))
    seats.update(name=ANONYMOUS_NAME)
    return []


def register() -> None:
    """Called by `ParticipationConfig.ready()`."""
    registry.register_exporter(
        registry.Exporter(
            "participation", _("Espace jeune : messages, inquiétudes, sièges au conseil"), export
        )
    )
    registry.register_anonymiser(registry.Anonymiser("participation", anonymise))
    registry.register_processing(PROCESSING)


# This app's entry in the register of processing activities (art. 30): declared here, once.
PROCESSING = registry.Processing(
    "participation",
    _("Participation des personnes accueillies (conseil de la vie sociale)"),
    (_("Réunir le CVS, consigner ses avis et les réponses de l'établissement"),),
    (_("Obligation légale (art. 6.1.c) : CASF L311-6, D311-3 et suivants"),),
    (_("Jeunes élus, familles, professionnels"),),
    (_("Noms des membres, ordres du jour, comptes rendus, avis"),),
    (_("Les membres du conseil, la direction"),),
    frameworks=(registry.CHILD_PROTECTION, registry.PARTICIPATION),
    position=60,
)
