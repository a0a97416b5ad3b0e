"""Admissions: the ASE's request on the waiting list, its refusal or its acceptance, and the
admission of children into houses under the capacity and the sibling rule."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.organisation.models import Unit
from ancrage.people.models import FamilyLink, Person, SiblingGroupMember
from ancrage.people.services import link_relatives
from ancrage.placements.models import AdmissionRequest, ProtectionMeasure, Stay
from ancrage.placements.services.stays import (
    Justification,
    check_capacity,
    homes_on,
    lock_houses,
    placed_siblings,
    record_separations,
    require_justification,
    separated_pairs,
)


@transaction.atomic
def register_admission_request(
    *, establishment, children: list[dict], by, **fields
) -> AdmissionRequest:
    """Record the ASE's request: the children (brothers and sisters of one another) and what the
    village needs to know. The children become persons the village can see before they arrive."""
    if not children:
        raise ValidationError({"children": _("Indiquez au moins un enfant.")})
    request = AdmissionRequest(establishment=establishment, created_by=by, **fields)
    request.full_clean()
    request.save()
    persons = []
    for data in children:
        person = Person(**data)
        person.full_clean()
        person.save()
        persons.append(person)
    for i, person in enumerate(persons):
        for other in persons[i + 1 :]:
            link_relatives(person, other, FamilyLink.Kind.SIBLING, by=by)
    request.children.set(persons)
    return request


@transaction.atomic
def decline_admission(request: AdmissionRequest, *, reason: str, by) -> AdmissionRequest:
    request = AdmissionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AdmissionRequest.Status.WAITING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if not (reason or "").strip():
        raise ValidationError({"decline_reason": _("Indiquez le motif du refus.")})
    request.status = AdmissionRequest.Status.DECLINED
    request.decline_reason = reason.strip()
    request.decided_on = timezone.localdate()
    request.decided_by = by
    request.save()
    return request


@transaction.atomic
def accept_admission(
    request: AdmissionRequest,
    *,
    houses: dict[int, Unit],
    start_date: date,
    by,
    justification: Justification | None = None,
) -> list[Stay]:
    """Accept a request: admit each child of the request into the chosen house."""
    request = AdmissionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != AdmissionRequest.Status.WAITING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    children = list(request.children.all())
    missing = [c.full_name for c in children if c.pk not in houses]
    if missing:
        raise ValidationError(
            {"house": _("Choisissez une maison pour %(names)s.") % {"names": ", ".join(missing)}}
        )
    for house in houses.values():
        if house.establishment_id != request.establishment_id:
            raise ValidationError(
                {"house": _("%(name)s n'est pas une maison de ce village.") % {"name": house.name}}
            )
    stays = admit_children(
        placements={child: houses[child.pk] for child in children},
        start_date=start_date,
        by=by,
        admission=request,
        justification=justification,
    )
    request.status = AdmissionRequest.Status.ACCEPTED
    request.decided_on = timezone.localdate()
    request.decided_by = by
    request.save()
    return stays


@transaction.atomic
def admit_children(
    *,
    placements: dict[Person, Unit],
    start_date: date,
    by,
    measure_for: dict[int, ProtectionMeasure] | None = None,
    admission: AdmissionRequest | None = None,
    justification: Justification | None = None,
) -> list[Stay]:
    """Admit children into houses from `start_date`. Refused, with nothing written, when a child
    already lives somewhere on that date or later, when a house would be over capacity, or when
    a brother or sister would live elsewhere without a justification."""
    if not placements:
        raise ValidationError({"children": _("Choisissez au moins un enfant.")})
    children = list(
        Person.objects.select_for_update().filter(pk__in=[c.pk for c in placements]).order_by("pk")
    )
    houses = lock_houses(h.pk for h in placements.values())
    house_of = {child.pk: houses[house.pk] for child, house in placements.items()}
    for house in houses.values():
        if house.kind != Unit.Kind.HOUSE or not house.active:
            raise ValidationError(
                {"house": _("%(name)s n'accueille pas d'enfants.") % {"name": house.name}}
            )
    already = (
        Stay.objects.filter(child__in=children)
        .overlapping(start_date)
        .select_related("child", "unit")
    )
    for stay in already:
        raise ValidationError(
            {
                "children": _(
                    "%(name)s vit déjà à %(house)s depuis le %(day)s : pas de seconde admission."
                )
                % {
                    "name": stay.child.full_name,
                    "house": stay.unit.name,
                    "day": stay.start_date.strftime("%d/%m/%Y"),
                }
            }
        )
    arrivals = defaultdict(int)
    for house in house_of.values():
        arrivals[house.pk] += 1
    for house_id, count in arrivals.items():
        check_capacity(houses[house_id], start_date, count)

    child_ids = [c.pk for c in children]
    siblings = placed_siblings(child_ids, start_date)
    everyone = set(child_ids) | {s for ss in siblings.values() for s in ss}
    before = homes_on(everyone, start_date)
    after = {**before, **{pk: house.pk for pk, house in house_of.items()}}
    # Siblings arriving together count too.
    group_of = dict(
        SiblingGroupMember.objects.filter(person_id__in=child_ids).values_list(
            "person_id", "group_id"
        )
    )
    for a in child_ids:
        for b in child_ids:
            if a != b and a in group_of and group_of.get(a) == group_of.get(b):
                siblings[a].add(b)
    new_pairs = separated_pairs(after, siblings) - separated_pairs(before, siblings)
    require_justification(new_pairs, justification)

    stays = {}
    for child in children:
        stays[child.pk] = Stay.objects.create(
            child=child,
            unit=house_of[child.pk],
            start_date=start_date,
            measure=(measure_for or {}).get(child.pk),
            admission=admission,
        )
    record_separations(
        new_pairs,
        stays,
        justification,
        by,
        start_date,
        {pk: h.establishment_id for pk, h in house_of.items()},
    )
    return list(stays.values())
