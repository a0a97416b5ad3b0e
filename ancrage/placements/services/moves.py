"""Moves between houses, exits from the village and the judge's notices: a change of placement
(a move to another village, or an exit to another placement) is announced to the judge one month
ahead (48 h in an emergency)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel import calendar
from ancrage.organisation.models import Unit
from ancrage.people.models import Person
from ancrage.placements.models import JudgeNotification, Stay
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

PLACEMENT_CHANGE_NOTICE_MONTHS = 1  # at least one month ahead
EMERGENCY_NOTICE_DAYS = 2  # within 48 h in an emergency: two days after the change's day


def check_placement_change_notice(day: date, emergency: bool, field: str) -> None:
    """A change of placement on `day` is announced to the judge at least one month ahead: it
    cannot come sooner than one month from today (the same day number, or the month's last
    day), unless it is an emergency."""
    earliest = calendar.add_months(timezone.localdate(), PLACEMENT_CHANGE_NOTICE_MONTHS)
    if not emergency and day < earliest:
        raise ValidationError(
            {
                field: _(
                    "Un changement de lieu de placement s'annonce au juge "
                    "au moins un mois à l'avance "
                    "(au plus tôt le %(day)s) ; en urgence, cochez « urgence »."
                )
                % {"day": earliest.strftime("%d/%m/%Y")}
            }
        )


def notify_placement_change(
    *, child: Person, stay: Stay, establishment_id: int, day: date, emergency: bool, by
) -> JudgeNotification:
    """The judge's notice of a change of placement on `day`: one month before it, or within
    48 h after it in an emergency."""
    if emergency:
        kind = JudgeNotification.Kind.EMERGENCY_PLACEMENT_CHANGE
        due = calendar.add_days(day, EMERGENCY_NOTICE_DAYS)
    else:
        kind = JudgeNotification.Kind.PLACEMENT_CHANGE
        due = calendar.add_months(day, -PLACEMENT_CHANGE_NOTICE_MONTHS)
    return JudgeNotification.objects.create(
        child=child,
        establishment_id=establishment_id,
        kind=kind,
        event_date=day,
        due_date=due,
        stay=stay,
        created_by=by,
    )


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
    houses = lock_houses([to_house.pk])
    house = houses[to_house.pk]
    if house.kind != Unit.Kind.HOUSE or not house.active:
        raise ValidationError(
            {"house": _("%(name)s n'accueille pas d'enfants.") % {"name": house.name}}
        )
    check_capacity(house, move_date, 1)
    change_of_placement = house.establishment_id != stay.unit.establishment_id
    if change_of_placement:
        check_placement_change_notice(move_date, emergency, "move_date")

    siblings = placed_siblings([child.pk], move_date)
    for sibling_id in siblings[child.pk]:
        siblings.setdefault(sibling_id, set()).add(child.pk)
    everyone = {child.pk} | siblings[child.pk]
    before = homes_on(everyone, move_date)
    after = {**before, child.pk: house.pk}
    new_pairs = separated_pairs(after, siblings) - separated_pairs(before, siblings)
    require_justification(new_pairs, justification)

    stay.end_date = move_date
    stay.exit_reason = Stay.ExitReason.MOVE
    stay.save(update_fields=["end_date", "exit_reason"])
    new_stay = Stay.objects.create(
        child=child, unit=house, start_date=move_date, measure=stay.measure
    )
    record_separations(
        new_pairs,
        {child.pk: new_stay},
        justification,
        by,
        move_date,
        {child.pk: house.establishment_id},
    )
    if change_of_placement:
        notify_placement_change(
            child=child,
            stay=new_stay,
            establishment_id=stay.unit.establishment_id,
            day=move_date,
            emergency=emergency,
            by=by,
        )
    return new_stay


@transaction.atomic
def record_exit(
    *, child: Person, exit_date: date, reason: str, note: str = "", by, emergency: bool = False
) -> Stay:
    """A child leaves the village: the stay ends, the history stays. An exit to another
    placement is a change of placement: announced to the judge one month ahead, or within 48 h
    in an emergency, like a move to another village."""
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
    change_of_placement = reason == Stay.ExitReason.OTHER_PLACEMENT
    if change_of_placement:
        check_placement_change_notice(exit_date, emergency, "exit_date")
    stay.end_date = exit_date
    stay.exit_reason = reason
    stay.exit_note = note
    stay.full_clean()
    stay.save(update_fields=["end_date", "exit_reason", "exit_note"])
    if change_of_placement:
        notify_placement_change(
            child=child,
            stay=stay,
            establishment_id=stay.unit.establishment_id,
            day=exit_date,
            emergency=emergency,
            by=by,
        )
    return stay


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
