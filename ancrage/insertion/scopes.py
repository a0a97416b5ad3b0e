"""How persons enter a user's scope through the O2R: registered with `people` at start-up."""

from ancrage.insertion.models import Beneficiary


def beneficiary_persons(user, reach):
    """The persons who are beneficiaries of the user's O2R team or service."""
    return Beneficiary.objects.visible_to(user).values("person_id")
