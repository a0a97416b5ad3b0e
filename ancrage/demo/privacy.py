"""Demo data of data protection: a hold the first village placed on a former child's file (a
judge's request), an access request received by that village, to be reviewed by its director
("directrice") before the export, a rectification request reviewed and waiting for its
decision, and the image consents of a child of the village (internal use given, the press
refused by the child)."""

from datetime import datetime, time

from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.kernel.calendar import add_days, add_months, majority
from ancrage.organisation.models import Establishment
from ancrage.people.models import Consent
from ancrage.placements.models import Stay
from ancrage.privacy.models import Hold, SubjectRequest


def seed_privacy(world) -> None:
    village = Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).order_by("pk").first()
    former = list(
        Stay.objects.filter(unit__establishment=village, end_date__isnull=False)
        .order_by("end_date", "pk")
        .values_list("child_id", flat=True)[:2]
    )
    director = User.objects.filter(username="directrice").first()
    dpo = User.objects.filter(username="dpo").first()
    if village is None or len(former) < 2 or director is None or dpo is None:
        return
    Hold.objects.create(
        person_id=former[0],
        establishment=village,
        reason="Demande du juge des enfants : dossier à conserver jusqu'à la fin de la procédure.",
        placed_by=director,
    )
    received_on = add_days(world.anchor, -10)
    SubjectRequest.objects.create(
        kind=SubjectRequest.Kind.ACCESS,
        person_id=former[1],
        establishment=village,
        requester_name="La personne elle-même (devenue majeure)",
        requester_quality=SubjectRequest.Quality.SELF,
        received_on=received_on,
        identity_check="Carte nationale d'identité",
        identity_checked_by=dpo,
        due_on=add_months(received_on, 1),
    )
    SubjectRequest.objects.create(
        kind=SubjectRequest.Kind.RECTIFICATION,
        person_id=former[1],
        establishment=village,
        requester_name="La personne elle-même (devenue majeure)",
        requester_quality=SubjectRequest.Quality.SELF,
        received_on=received_on,
        identity_check="Carte nationale d'identité",
        identity_checked_by=dpo,
        details="Son adresse a changé ; son deuxième prénom est mal orthographié.",
        due_on=add_months(received_on, 1),
        state=SubjectRequest.State.APPROVED,
        reviewed_by=director,
        reviewed_at=timezone.make_aware(datetime.combine(add_days(world.anchor, -5), time(10))),
    )
    seed_image_consents(world, village, director)


def seed_image_consents(world, village, director) -> None:
    """A child of the village under 16: internal use consented by the parents with her
    agreement; the press refused (she opposed it)."""
    child = (
        Stay.objects.filter(
            unit__establishment=village,
            end_date__isnull=True,
            child__birth_date__gt=add_months(world.anchor, -16 * 12),
        )
        .order_by("start_date", "pk")
        .values_list("child", "child__birth_date")
        .first()
    )
    if child is None:
        return
    child_id, birth_date = child
    given_on = add_days(world.anchor, -60)
    expires_on = min(add_months(given_on, 12), add_days(majority(birth_date), -1))
    for use, opinion, words in (
        ("internal", Consent.Opinion.AGREES, "Oui pour l'album."),
        ("press", Consent.Opinion.OPPOSES, "Je ne veux pas être dans le journal."),
    ):
        Consent.objects.create(
            person_id=child_id,
            use=use,
            given_by=Consent.GivenBy.PARENTS,
            signatories="Les deux parents",
            child_opinion=opinion,
            child_words=words,
            given_on=given_on,
            expires_on=expires_on,
            recorded_by=director,
            recorded_at=timezone.make_aware(datetime.combine(given_on, time(11))),
        )
