"""How persons enter a user's scope through the family-strengthening programme: registered with
`people` at start-up."""

from ancrage.families.models import FamilyMember


def household_persons(user, reach):
    """The parents and children of the families of the user's team (a family worker) or service
    (the programme's head). Village staff are not given them here: they see a family's child
    placed with them, and that child's relatives, through the placements."""
    condition = reach.filter(unit="case__team_id", establishment="case__service_id")
    if not (reach.units or reach.establishments):
        return None
    return FamilyMember.objects.filter(condition).values("person_id")
