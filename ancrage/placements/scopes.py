"""How children enter a user's scope through placements: registered with `people` at start-up."""

from django.db.models import Q

from ancrage.people.models import FamilyLink, Person
from ancrage.placements.models import AdmissionRequest, Stay


def followed_children(user, reach):
    """The children living today in the user's houses, and every child who ever stayed in the
    user's establishments (their relatives and siblings come with them)."""
    stays = None
    if reach.units:
        stays = Stay.objects.current().filter(unit_id__in=reach.units)
    if reach.establishments:
        in_establishment = Stay.objects.filter(unit__establishment_id__in=reach.establishments)
        stays = in_establishment if stays is None else (stays | in_establishment)
    return None if stays is None else stays.values("child_id")


def admission_children(user, reach):
    """Children named in an admission request to the user's establishments, before they arrive."""
    if not reach.establishments:
        return None
    return AdmissionRequest.children.through.objects.filter(
        admissionrequest__establishment_id__in=reach.establishments
    ).values("person_id")


def files_of_organisation(organisation_ids):
    """The persons whose file belongs to an establishment of these organisations: the children
    who stayed there and their relatives (what a break-the-glass may open)."""
    children = Stay.objects.filter(
        unit__establishment__organisation_id__in=organisation_ids
    ).values("child_id")
    return Person.objects.filter(
        Q(pk__in=children)
        | Q(pk__in=FamilyLink.objects.filter(person_id__in=children).values("relative_id"))
    )
