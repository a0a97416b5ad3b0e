"""Writes on persons and families: family links (kept symmetric) and sibling groups."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ancrage.kernel.versions import locked
from ancrage.people.models import FamilyLink, Person, SiblingGroup, SiblingGroupMember

Kind = FamilyLink.Kind


def inverse_kind(kind: str, person: Person) -> str:
    """The kind of the reverse row: if R is the mother of P, P is the child of R; if R is the
    child of P, P is R's mother, father or parent according to P's sex."""
    if kind in FamilyLink.PARENT_KINDS:
        return Kind.CHILD
    if kind == Kind.CHILD:
        return {Person.Sex.FEMALE: Kind.MOTHER, Person.Sex.MALE: Kind.FATHER}.get(
            person.sex, Kind.PARENT
        )
    if kind == Kind.GRANDPARENT:
        return Kind.GRANDCHILD
    if kind == Kind.GRANDCHILD:
        return Kind.GRANDPARENT
    return kind  # sibling, half-sibling, step relation, other relative are their own inverse


IDENTITY_FIELDS = (
    "first_names",
    "last_name",
    "birth_name",
    "birth_date",
    "sex",
    "birthplace",
    "nationality",
    "languages",
    "phone",
    "email",
    "address",
)


@transaction.atomic
def update_identity(person: Person, changes: dict, *, expected_version=None) -> Person:
    """Correct a person's identity or contact details (the right to rectification). Only the
    fields that changed are written; django-auditlog keeps the before and after values. A form
    built from an older version than the row's is refused (`StaleEdit`)."""
    unknown = set(changes) - set(IDENTITY_FIELDS)
    if unknown:
        raise ValidationError(
            _("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    person = locked(person, expected_version)
    changed = [name for name, value in changes.items() if getattr(person, name) != value]
    for name in changed:
        setattr(person, name, changes[name])
    if changed:
        person.full_clean()
        person.save(update_fields=changed)
    return person


@transaction.atomic
def link_relatives(person: Person, relative: Person, kind: str, *, by=None) -> FamilyLink:
    """Record that `relative` is the `kind` of `person`, and the reverse link; sibling and
    parent links then refresh the sibling group."""
    if person.pk == relative.pk:
        raise ValidationError({"relative": _("Une personne ne peut pas être liée à elle-même.")})
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Lien familial inconnu.")})
    if FamilyLink.objects.filter(person=person, relative=relative).exists():
        raise ValidationError({"relative": _("Ces deux personnes sont déjà liées.")})
    link = FamilyLink.objects.create(person=person, relative=relative, kind=kind)
    FamilyLink.objects.create(person=relative, relative=person, kind=inverse_kind(kind, person))
    if kind in FamilyLink.SIBLING_KINDS or kind in FamilyLink.PARENT_KINDS:
        derive_sibling_group(person, by=by)
    elif kind == Kind.CHILD:  # the relative is the child whose brothers and sisters may change
        derive_sibling_group(relative, by=by)
    return link


@transaction.atomic
def unlink_relatives(person: Person, relative: Person) -> None:
    FamilyLink.objects.filter(
        Q(person=person, relative=relative) | Q(person=relative, relative=person)
    ).delete()


def siblings_by_links(person: Person) -> set[int]:
    """Everyone reached from `person` through sibling or half-sibling links or a shared parent,
    `person` included: the fratrie as the links describe it."""
    seen, frontier = {person.pk}, {person.pk}
    while frontier:
        links = FamilyLink.objects.filter(person_id__in=frontier).values_list(
            "person_id", "relative_id", "kind"
        )
        parents, found = set(), set()
        for _person_id, relative_id, kind in links:
            if kind in FamilyLink.SIBLING_KINDS:
                found.add(relative_id)
            elif kind in FamilyLink.PARENT_KINDS:
                parents.add(relative_id)
        if parents:
            found |= set(
                FamilyLink.objects.filter(person_id__in=parents, kind=Kind.CHILD).values_list(
                    "relative_id", flat=True
                )
            )
        frontier = found - seen
        seen |= found
    return seen


@transaction.atomic
def derive_sibling_group(person: Person, *, by=None) -> SiblingGroup | None:
    """Bring everyone the links make a sibling of `person` into one group: groups that the
    links join are merged (the oldest one is kept), newcomers are added. Manual edits stay:
    derivation never removes anyone."""
    members = siblings_by_links(person)
    if len(members) < 2:
        return None
    existing = (
        SiblingGroupMember.objects.select_for_update()
        .filter(person_id__in=members)
        .select_related("group")
        .order_by("group_id")
    )
    groups = sorted({m.group for m in existing}, key=lambda g: g.pk)
    # Row by row rather than update()/bulk_create(): a handful of rows, each one in the change
    # history (django-auditlog listens to save and delete).
    if groups:
        group = groups[0]
        for other in groups[1:]:
            for member in SiblingGroupMember.objects.filter(group=other):
                member.group = group
                member.save(update_fields=["group"])
            other.delete()
    else:
        surname = Person.objects.get(pk=person.pk).last_name
        group = SiblingGroup.objects.create(name=_("Fratrie %(name)s") % {"name": surname})
    _add_members(group, members, by)
    return group


def _add_members(group: SiblingGroup, person_ids, by) -> None:
    already = set(
        SiblingGroupMember.objects.filter(group=group).values_list("person_id", flat=True)
    )
    for person_id in sorted(set(person_ids) - already):
        SiblingGroupMember.objects.create(group=group, person_id=person_id, added_by=by)


@transaction.atomic
def edit_sibling_group(
    group: SiblingGroup, *, name: str, note: str, members, by=None
) -> SiblingGroup:
    """The head of service corrects a fratrie: its name, note and exact members. A person
    belongs to one fratrie at most."""
    members = list(members)
    if len(members) < 2:
        raise ValidationError({"members": _("Une fratrie compte au moins deux enfants.")})
    elsewhere = SiblingGroupMember.objects.filter(person__in=members).exclude(group=group)
    taken = [m.person for m in elsewhere.select_related("person")]
    if taken:
        raise ValidationError(
            {
                "members": _("%(names)s appartient déjà à une autre fratrie.")
                % {"names": ", ".join(p.full_name for p in taken)}
            }
        )
    group.name = name
    group.note = note
    group.save()
    keep = {p.pk for p in members}
    # QuerySet.delete() sends a signal per row, so auditlog records each removal.
    SiblingGroupMember.objects.filter(group=group).exclude(person_id__in=keep).delete()
    _add_members(group, keep, by)
    return group
