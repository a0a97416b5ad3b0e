"""Scoped reads of the judge's notices and the separations of siblings behind them."""

from django.shortcuts import get_object_or_404

from ancrage.placements.models import JudgeNotification, SiblingSeparation
from ancrage.placements.queries.stays import villages_of


def village_notice(user, pk) -> JudgeNotification:
    """A judge notice of one of the user's villages, with its child (404 otherwise)."""
    return get_object_or_404(
        JudgeNotification.objects.filter(
            establishment__in=villages_of(user).values("pk")
        ).select_related("child"),
        pk=pk,
    )


def person_notices(person) -> dict:
    """A child's judge notices (those to do first) and the recorded separations."""
    return {
        "judge_notices": list(
            JudgeNotification.objects.filter(child=person).order_by("sent_on", "due_date")
        ),
        "separations": list(
            SiblingSeparation.objects.filter(child=person).select_related("sibling", "author")
        ),
    }
