"""Writes on placements, each in one transaction: measures and their documents, admissions,
moves and exits, with the house capacity and the sibling rule (Code civil art. 371-5) enforced
here, and the family visits."""

from __future__ import annotations

import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import puremagic
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, OuterRef, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.organisation.models import Unit
from ancrage.people.models import FamilyLink, Person, SiblingGroupMember
from ancrage.placements.models import (
    AdmissionRequest,
    JudgeNotification,
    MeasureDocument,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
    Visit,
    VisitRight,
)

SEPARATION_NOTICE = timedelta(days=2)  # inform the judge within 48 h
PLACEMENT_CHANGE_NOTICE = relativedelta(months=1)  # at least one month ahead
EMERGENCY_NOTICE = timedelta(days=2)  # within 48 h in an emergency


@dataclass(frozen=True)
class Justification:
    """Why siblings will not live together: a reason from the list and the team's words."""

    reason: str
    explanation: str


# Reads the rules need ---------------------------------------------------------------------


def placed_siblings(child_ids, day: date) -> dict[int, set[int]]:
    """For each child, the brothers and sisters (same sibling group) living in a house on `day`."""
    groups = dict(
        SiblingGroupMember.objects.filter(person_id__in=child_ids).values_list(
            "person_id", "group_id"
        )
    )
    members = defaultdict(set)
    for person_id, group_id in SiblingGroupMember.objects.filter(
        group_id__in=set(groups.values())
    ).values_list("person_id", "group_id"):
        members[group_id].add(person_id)
    placed = set(
        Stay.objects.current(day)
        .filter(child_id__in={p for ms in members.values() for p in ms})
        .values_list("child_id", flat=True)
    )
    return {
        child_id: (members[groups[child_id]] & placed) - {child_id} if child_id in groups else set()
        for child_id in child_ids
    }


def separated_pairs(homes: dict[int, int | None], siblings: dict[int, set[int]]) -> set[frozenset]:
    """Pairs of placed siblings who do not share a house, given where each one lives."""
    pairs = set()
    for child_id, others in siblings.items():
        for sibling_id in others:
            a, b = homes.get(child_id), homes.get(sibling_id)
            if a is not None and b is not None and a != b:
                pairs.add(frozenset((child_id, sibling_id)))
    return pairs


def _homes(person_ids, day) -> dict[int, int]:
    return dict(
        Stay.objects.current(day).filter(child_id__in=person_ids).values_list("child_id", "unit_id")
    )


def _lock_houses(house_ids) -> dict[int, Unit]:
    """Lock the houses' rows until the end of the transaction: two admissions into the same house
    wait for each other, so the capacity check sees every bed taken."""
    return {
        unit.pk: unit
        for unit in Unit.objects.select_for_update()
        .filter(pk__in=sorted(set(house_ids)))
        .order_by("pk")
    }


def check_capacity(house: Unit, start: date, arriving: int, *, leaving=()) -> None:
    """A house never holds more children than its capacity on any day from `start` on."""
    stays = list(
        Stay.objects.filter(unit=house)
        .overlapping(start)
        .exclude(child_id__in=leaving)
        .values_list("start_date", "end_date")
    )
    # Occupancy only rises on an arrival day, so checking `start` and later arrivals suffices.
    for day in {start} | {s for s, _e in stays if s > start}:
        present = sum(1 for s, e in stays if s <= day and (e is None or e > day))
        if present + arriving > house.capacity:
            free = max(house.capacity - present, 0)
            raise ValidationError(
                {
                    "house": _(
                        "%(house)s n'a que %(free)d place(s) libre(s) le %(day)s "
                        "pour %(n)d enfant(s) "
                        "(capacité %(capacity)d)."
                    )
                    % {
                        "house": house.name,
                        "free": free,
                        "day": day.strftime("%d/%m/%Y"),
                        "n": arriving,
                        "capacity": house.capacity,
                    }
                }
            )


def _record_separations(pairs, stays_by_child, justification, by, day, establishment_ids) -> None:
    """Store the justification for every new separation and create, for each child concerned,
    the task "inform the judge within 48 h"."""
    children = set()
    for pair in pairs:
        a, b = sorted(pair)
        # The justification hangs on the stay that caused it (the newcomer's or the mover's).
        child_id, sibling_id = (a, b) if a in stays_by_child else (b, a)
        SiblingSeparation.objects.create(
            child_id=child_id,
            sibling_id=sibling_id,
            stay=stays_by_child[child_id],
            reason=justification.reason,
            explanation=justification.explanation,
            author=by,
        )
        children.add(child_id)
    for child_id in sorted(children):
        JudgeNotification.objects.create(
            child_id=child_id,
            establishment_id=establishment_ids[child_id],
            kind=JudgeNotification.Kind.SEPARATION,
            event_date=day,
            due_date=day + SEPARATION_NOTICE,
            stay=stays_by_child[child_id],
            created_by=by,
        )


def _require_justification(new_pairs, justification: Justification | None) -> None:
    if not new_pairs:
        return
    if (
        justification is None
        or not justification.reason
        or not (justification.explanation or "").strip()
    ):
        names = dict(
            Person.objects.filter(pk__in={p for pair in new_pairs for p in pair}).values_list(
                "pk", "first_names"
            )
        )
        described = ", ".join(
            " / ".join(sorted(names[p] for p in pair)) for pair in sorted(new_pairs, key=sorted)
        )
        raise ValidationError(
            {
                "separation_reason": _(
                    "Ces frères et sœurs ne vivraient plus ensemble (%(pairs)s) : "
                    "indiquez le motif et "
                    "l'explication de la séparation. Le juge devra en être informé sous 48 heures."
                )
                % {"pairs": described}
            }
        )


# Measures ----------------------------------------------------------------------------------


@transaction.atomic
def record_measure(
    *, child: Person, by, renews: ProtectionMeasure | None = None, **fields
) -> ProtectionMeasure:
    """Record a protection measure (or its renewal, which ends the previous one the day before)."""
    measure = ProtectionMeasure(child=child, created_by=by, renews=renews, **fields)
    measure.full_clean()
    if renews is not None:
        if renews.child_id != child.pk:
            raise ValidationError({"renews": _("Cette mesure concerne un autre enfant.")})
        if measure.start_date <= renews.start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "Le renouvellement commence après le début de la mesure renouvelée."
                    )
                }
            )
        renews.end_date = measure.start_date - timedelta(days=1)
        renews.save(update_fields=["end_date"])
    measure.save()
    return measure


# The content types a measure's document may have, detected from the file's first bytes, and the
# extension its stored name gets.
DOCUMENT_TYPES = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}


def detect_document_type(uploaded_file) -> str | None:
    """The file's type as its content says (PDF, PNG or JPEG), never as its name or the
    browser's declared type say; None for anything else."""
    uploaded_file.seek(0)
    try:
        matches = puremagic.magic_stream(uploaded_file)
    except (puremagic.PureError, ValueError):  # unknown content, or an empty file
        return None
    finally:
        uploaded_file.seek(0)
    if not matches:
        return None
    # Several signatures can tie for the best confidence ("%PDF" is also an FDF form's start).
    best = matches[0].confidence
    for match in matches:
        if match.confidence == best and match.mime_type in DOCUMENT_TYPES:
            return match.mime_type
    return None


def _clean_file_name(name: str) -> str:
    """The name as the user knew it, without a path or control characters, to show and to offer
    back on download (never used to store the file)."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 199 - len(extension)] + dot + extension) if dot else name[:200]
    return name or _("document")


@transaction.atomic
def attach_document(measure: ProtectionMeasure, kind: str, uploaded_file, by) -> MeasureDocument:
    """Attach the judgment, the ASE decision or another document to a measure: a PDF or an
    image (PNG, JPEG) as its content shows, of `DOCUMENT_MAX_BYTES` at most, stored under a
    random name outside the web root."""
    if kind not in MeasureDocument.Kind.values:
        raise ValidationError({"kind": _("Choisissez la nature de la pièce.")})
    if uploaded_file is None:
        raise ValidationError({"file": _("Choisissez le fichier à joindre.")})
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise ValidationError(
            {
                "file": _("Ce fichier fait %(size)s : une pièce ne peut pas dépasser %(limit)s.")
                % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(limit)}
            }
        )
    content_type = detect_document_type(uploaded_file)
    if content_type is None:
        raise ValidationError(
            {
                "file": _(
                    "Ce fichier n'est ni un PDF ni une image PNG ou JPEG (son contenu a été "
                    "vérifié, pas seulement son nom). Enregistrez ou numérisez la pièce dans "
                    "l'un de ces formats."
                )
            }
        )
    document = MeasureDocument(
        measure=measure,
        kind=kind,
        original_name=_clean_file_name(uploaded_file.name),
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=by,
    )
    # A random name: the stored file reveals nothing and cannot be guessed or collide.
    document.file.save(
        secrets.token_hex(16) + DOCUMENT_TYPES[content_type], uploaded_file, save=False
    )
    try:
        document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


# Admissions, moves, exits --------------------------------------------------------------------


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
    houses = _lock_houses(h.pk for h in placements.values())
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
    before = _homes(everyone, start_date)
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
    _require_justification(new_pairs, justification)

    stays = {}
    for child in children:
        stays[child.pk] = Stay.objects.create(
            child=child,
            unit=house_of[child.pk],
            start_date=start_date,
            measure=(measure_for or {}).get(child.pk),
            admission=admission,
        )
    _record_separations(
        new_pairs,
        stays,
        justification,
        by,
        start_date,
        {pk: h.establishment_id for pk, h in house_of.items()},
    )
    return list(stays.values())


def open_stay(child: Person) -> Stay:
    """The stay not over yet (no departure, or one still to come): where the child lives, or
    will live."""
    stay = (
        Stay.objects.filter(child=child)
        .filter(Q(end_date__isnull=True) | Q(end_date__gt=timezone.localdate()))
        .select_related("unit")
        .order_by("-start_date")
        .first()
    )
    if stay is None:
        raise ValidationError(
            {
                "child": _("%(name)s ne vit dans aucune maison du village.")
                % {"name": child.full_name}
            }
        )
    return stay


@transaction.atomic
def move_child(
    *,
    child: Person,
    to_house: Unit,
    move_date: date,
    by,
    emergency: bool = False,
    justification: Justification | None = None,
) -> Stay:
    """Move a child to another house. Closes the current stay (reason "move") and opens the new
    one the same day. A move to another establishment is a change of placement: the judge is told
    one month ahead, or within 48 h in an emergency."""
    Person.objects.select_for_update().filter(pk=child.pk).first()
    stay = open_stay(child)
    if stay.unit_id == to_house.pk:
        raise ValidationError({"house": _("L'enfant vit déjà dans cette maison.")})
    if move_date <= stay.start_date:
        raise ValidationError(
            {
                "move_date": _("Le changement doit suivre l'arrivée du %(day)s.")
                % {"day": stay.start_date.strftime("%d/%m/%Y")}
            }
        )
    houses = _lock_houses([to_house.pk])
    house = houses[to_house.pk]
    if house.kind != Unit.Kind.HOUSE or not house.active:
        raise ValidationError(
            {"house": _("%(name)s n'accueille pas d'enfants.") % {"name": house.name}}
        )
    check_capacity(house, move_date, 1)
    change_of_placement = house.establishment_id != stay.unit.establishment_id
    today = timezone.localdate()
    if change_of_placement and not emergency and move_date < today + PLACEMENT_CHANGE_NOTICE:
        raise ValidationError(
            {
                "move_date": _(
                    "Un changement de lieu de placement s'annonce au juge "
                    "au moins un mois à l'avance "
                    "(au plus tôt le %(day)s) ; en urgence, cochez « urgence »."
                )
                % {"day": (today + PLACEMENT_CHANGE_NOTICE).strftime("%d/%m/%Y")}
            }
        )

    siblings = placed_siblings([child.pk], move_date)
    for sibling_id in siblings[child.pk]:
        siblings.setdefault(sibling_id, set()).add(child.pk)
    everyone = {child.pk} | siblings[child.pk]
    before = _homes(everyone, move_date)
    after = {**before, child.pk: house.pk}
    new_pairs = separated_pairs(after, siblings) - separated_pairs(before, siblings)
    _require_justification(new_pairs, justification)

    stay.end_date = move_date
    stay.exit_reason = Stay.ExitReason.MOVE
    stay.save(update_fields=["end_date", "exit_reason"])
    new_stay = Stay.objects.create(
        child=child, unit=house, start_date=move_date, measure=stay.measure
    )
    _record_separations(
        new_pairs,
        {child.pk: new_stay},
        justification,
        by,
        move_date,
        {child.pk: house.establishment_id},
    )
    if change_of_placement:
        kind = (
            JudgeNotification.Kind.EMERGENCY_PLACEMENT_CHANGE
            if emergency
            else JudgeNotification.Kind.PLACEMENT_CHANGE
        )
        JudgeNotification.objects.create(
            child=child,
            establishment_id=stay.unit.establishment_id,
            kind=kind,
            event_date=move_date,
            due_date=move_date + EMERGENCY_NOTICE
            if emergency
            else move_date - PLACEMENT_CHANGE_NOTICE,
            stay=new_stay,
            created_by=by,
        )
    return new_stay


@transaction.atomic
def record_exit(*, child: Person, exit_date: date, reason: str, note: str = "", by) -> Stay:
    """A child leaves the village: the stay ends, the history stays."""
    if reason not in Stay.ExitReason.values or reason == Stay.ExitReason.MOVE:
        raise ValidationError({"reason": _("Choisissez le motif de la sortie.")})
    Person.objects.select_for_update().filter(pk=child.pk).first()
    stay = open_stay(child)
    if exit_date <= stay.start_date:
        raise ValidationError(
            {
                "exit_date": _("La sortie doit suivre l'arrivée du %(day)s.")
                % {"day": stay.start_date.strftime("%d/%m/%Y")}
            }
        )
    stay.end_date = exit_date
    stay.exit_reason = reason
    stay.exit_note = note
    stay.full_clean()
    stay.save(update_fields=["end_date", "exit_reason", "exit_note"])
    return stay


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
def mark_judge_informed(notification: JudgeNotification, *, on: date, by) -> JudgeNotification:
    notification = JudgeNotification.objects.select_for_update().get(pk=notification.pk)
    if notification.sent_on:
        raise ValidationError(_("Cette information est déjà notée comme faite."))
    if on > timezone.localdate():
        raise ValidationError({"sent_on": _("La date ne peut pas être dans le futur.")})
    notification.sent_on = on
    notification.save(update_fields=["sent_on"])
    return notification


# Family visits -------------------------------------------------------------------------------


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


@transaction.atomic
def set_visit_right(
    child: Person,
    relative: Person,
    mode: str,
    third_party: str = "",
    frequency: str = "",
    overnight: bool = False,
    start_date: date | None = None,
    end_date: date | None = None,
    *,
    by,
) -> VisitRight:
    """Record the visit right the judge set for one of the child's relatives. A new right for
    the same child and relative replaces the one in force, which ends the day before."""
    Person.objects.select_for_update().filter(pk=child.pk).first()
    third_party = (third_party or "").strip()
    frequency = (frequency or "").strip()
    start_date = start_date or timezone.localdate()
    errors = {}
    if relative is None or not FamilyLink.objects.filter(person=child, relative=relative).exists():
        errors["relative"] = _(
            "%(name)s n'est pas un proche de %(child)s : enregistrez d'abord le lien familial."
        ) % {
            "name": relative.full_name if relative else _("Cette personne"),
            "child": child.full_name,
        }
    if mode not in VisitRight.Mode.values:
        errors["mode"] = _("Choisissez la modalité des visites.")
    elif mode == VisitRight.Mode.MEDIATED and not third_party:
        errors["third_party"] = _(
            "Une visite médiatisée se fait en présence d'un tiers : indiquez qui "
            "(service, professionnel)."
        )
    if end_date is not None and end_date < start_date:
        errors["end_date"] = _("La fin du droit ne peut pas précéder son début (le %(day)s).") % {
            "day": _day(start_date)
        }
    if errors:
        raise ValidationError(errors)
    for previous in VisitRight.objects.select_for_update().filter(
        Q(end_date__isnull=True) | Q(end_date__gte=start_date), child=child, relative=relative
    ):
        if previous.start_date >= start_date:
            raise ValidationError(
                {
                    "start_date": _(
                        "Un droit de visite de ce proche commence déjà le %(day)s : le nouveau "
                        "droit doit commencer après."
                    )
                    % {"day": _day(previous.start_date)}
                }
            )
        previous.end_date = start_date - timedelta(days=1)
        previous.save(update_fields=["end_date"])
    right = VisitRight(
        child=child,
        relative=relative,
        mode=mode,
        third_party=third_party,
        frequency=frequency,
        overnight=overnight,
        start_date=start_date,
        end_date=end_date,
    )
    right.full_clean()
    right.save()
    return right


@transaction.atomic
def plan_visit(
    right: VisitRight, starts_at: datetime, ends_at: datetime, place: str = "", *, by
) -> Visit:
    """Plan a visit under a right: refused while the right is suspended or on a day it does
    not cover."""
    right = VisitRight.objects.select_for_update().select_related("relative").get(pk=right.pk)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("La fin de la visite doit suivre son début.")})
    if right.mode == VisitRight.Mode.SUSPENDED:
        raise ValidationError(
            {
                "right": _(
                    "Les visites de %(name)s sont suspendues : aucune visite ne peut être prévue."
                )
                % {"name": right.relative.full_name}
            }
        )
    first_day = timezone.localtime(starts_at).date()
    last_day = timezone.localtime(ends_at).date()
    if not (right.in_force_on(first_day) and right.in_force_on(last_day)):
        if right.end_date:
            message = _("Ce droit de visite ne couvre que la période du %(start)s au %(end)s.") % {
                "start": _day(right.start_date),
                "end": _day(right.end_date),
            }
        else:
            message = _("Ce droit de visite ne commence que le %(start)s.") % {
                "start": _day(right.start_date)
            }
        raise ValidationError({"starts_at": message})
    visit = Visit(
        right=right,
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        recorded_by=by,
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def record_visit_outcome(
    visit: Visit, status: str, cancelled_by: str = "", observations: str = "", *, by
) -> Visit:
    """What happened: the visit was held (not in the future) or cancelled (by whom)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    cancelled_by = cancelled_by or ""
    if status not in (Visit.Status.HELD, Visit.Status.CANCELLED):
        raise ValidationError(
            {"status": _("Indiquez si la visite a eu lieu ou si elle a été annulée.")}
        )
    if status == Visit.Status.CANCELLED and cancelled_by not in Visit.CancelledBy.values:
        raise ValidationError({"cancelled_by": _("Indiquez qui a annulé la visite.")})
    if status == Visit.Status.HELD:
        if cancelled_by:
            raise ValidationError(
                {
                    "cancelled_by": _(
                        "Une visite qui a eu lieu n'a pas été annulée : laissez ce champ vide."
                    )
                }
            )
        if visit.starts_at > timezone.now():
            start = timezone.localtime(visit.starts_at)
            raise ValidationError(
                {
                    "status": _(
                        "Cette visite est prévue le %(day)s à %(time)s : elle ne peut pas "
                        "encore être notée comme réalisée."
                    )
                    % {"day": _day(start.date()), "time": start.strftime("%H:%M")}
                }
            )
    visit.status = status
    visit.cancelled_by = cancelled_by
    visit.observations = (observations or "").strip()
    visit.recorded_by = by
    visit.full_clean()
    visit.save(update_fields=["status", "cancelled_by", "observations", "recorded_by"])
    return visit


# The headline indicator ----------------------------------------------------------------------


@dataclass(frozen=True)
class CoPlacement:
    together: int  # children living with all their placed siblings
    with_siblings: int  # placed children who have at least one placed sibling

    @property
    def rate(self) -> float | None:
        return self.together / self.with_siblings if self.with_siblings else None


def co_placement(day: date | None = None) -> dict:
    """Co-placement rate on `day`, per house, per village and for the association: children
    living with all their placed siblings ÷ placed children who have placed siblings. One
    query, but it reads every placed child of the association: the village board uses
    `village_co_placement` instead (this stays the reference its tests compare against)."""
    day = day or timezone.localdate()
    return _co_placement_counts(_placed_rows(Stay.objects.current(day)))


def village_co_placement(village_id: int, day: date | None = None) -> dict:
    """The figures the village board shows, without reading the whole association: per house of
    the village and for the village from the placed children of the sibling groups that have a
    child living in it (their brothers and sisters elsewhere included), and the association's
    rate from one aggregation in SQL. Two queries; same figures as `co_placement`."""
    day = day or timezone.localdate()
    placed = Stay.objects.current(day)
    groups_here = placed.filter(
        unit__establishment_id=village_id, child__sibling_membership__isnull=False
    ).values("child__sibling_membership__group_id")
    rows = _placed_rows(placed.filter(child__sibling_membership__group_id__in=groups_here))
    counts = _co_placement_counts(rows)
    houses = {unit for _child, unit, establishment, _group in rows if establishment == village_id}
    return {
        "house": {k: v for k, v in counts["house"].items() if k in houses},
        "establishment": {k: v for k, v in counts["establishment"].items() if k == village_id},
        "all": association_co_placement(day),
    }


def association_co_placement(day: date | None = None) -> CoPlacement:
    """The association's rate in one aggregate query. A sibling group whose placed children
    (two or more) all live in one house counts them all as together; a group spread over
    several houses counts none of them (each has a brother or sister elsewhere). Each current
    stay finds its child's group through the unique index on the membership's person (a join
    would read every membership of the association's history)."""
    day = day or timezone.localdate()
    group = SiblingGroupMember.objects.filter(person_id=OuterRef("child_id")).values("group_id")
    per_group = (
        Stay.objects.current(day)
        .annotate(group=Subquery(group))
        .exclude(group=None)
        .values("group")
        .annotate(placed=Count("child_id", distinct=True), houses=Count("unit_id", distinct=True))
        .filter(placed__gte=2)
    )
    totals = per_group.aggregate(
        together=Coalesce(Sum(Case(When(houses=1, then="placed"), default=0)), 0),
        with_siblings=Coalesce(Sum("placed"), 0),
    )
    return CoPlacement(totals["together"], totals["with_siblings"])


def _placed_rows(stays):
    return list(
        stays.values_list(
            "child_id", "unit_id", "unit__establishment_id", "child__sibling_membership__group_id"
        )
    )


def _co_placement_counts(rows) -> dict:
    """Per house, per establishment and overall, from (child, house, establishment, group)
    rows of placed children: every placed sibling of a counted child must be in `rows`."""
    home = {child: unit for child, unit, _e, _g in rows}
    by_group = defaultdict(set)
    for child, _u, _e, group in rows:
        if group is not None:
            by_group[group].add(child)
    counts = {
        "house": defaultdict(lambda: [0, 0]),
        "establishment": defaultdict(lambda: [0, 0]),
        "all": [0, 0],
    }
    for child, unit, establishment, group in rows:
        others = by_group.get(group, set()) - {child} if group is not None else set()
        if not others:
            continue
        together = all(home[o] == unit for o in others)
        for bucket in (
            counts["house"][unit],
            counts["establishment"][establishment],
            counts["all"],
        ):
            bucket[0] += together
            bucket[1] += 1
    return {
        "house": {k: CoPlacement(*v) for k, v in counts["house"].items()},
        "establishment": {k: CoPlacement(*v) for k, v in counts["establishment"].items()},
        "all": CoPlacement(*counts["all"]),
    }


@transaction.atomic
def register_admission_request(
    *, establishment, children: list[dict], by, **fields
) -> AdmissionRequest:
    """Record the ASE's request: the children (brothers and sisters of one another) and what the
    village needs to know. The children become persons the village can see before they arrive."""
    from ancrage.people.models import FamilyLink
    from ancrage.people.services import link_relatives

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
