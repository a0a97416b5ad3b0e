"""Scoped reads of the judge's notices and the separations of siblings behind them."""

from ancrage.placements.models import JudgeNotification, SiblingSeparation


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
