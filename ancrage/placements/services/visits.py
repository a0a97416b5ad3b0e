"""Family visits: the visit rights the judge sets, the visits planned under them and what
happened."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel import calendar
from ancrage.people.models import FamilyLink, Person
from ancrage.placements.models import Visit, VisitRight


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
        previous.end_date = calendar.add_days(start_date, -1)
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
    visit = (
        Visit.objects.select_for_update(of=("self",)).select_related("recorded_by").get(pk=visit.pk)
    )
    if visit.status != Visit.Status.PLANNED:
        # Two people writing the same visit's outcome: the second one never overwrites the
        # first one's observations without having read them.
        raise ValidationError(
            {
                "status": _(
                    "Le compte rendu de cette visite a déjà été enregistré (%(status)s, par "
                    "%(by)s) : rechargez la page pour le lire."
                )
                % {
                    "status": visit.get_status_display().lower(),
                    "by": visit.recorded_by.get_full_name() if visit.recorded_by else _("un agent"),
                }
            }
        )
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
