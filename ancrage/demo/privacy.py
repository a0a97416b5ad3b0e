"""Demo data of data protection: a hold the first village placed on a former child's file (a
judge's request) and an access request received by that village, to be reviewed by its
director ("directrice") before the export."""

from ancrage.accounts.models import User
from ancrage.kernel.calendar import add_days, add_months
from ancrage.organisation.models import Establishment
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
