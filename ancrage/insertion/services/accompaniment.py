"""The accompaniment: opened for 9 months, extended to 12 with a reason, its barriers,
objectives, actions, partner referrals and trainee-remuneration periods."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion import tallies
from ancrage.insertion.models import (
    ACCOMPANIMENT_MONTHS,
    ALERT_DAYS_BEFORE_LIMIT,
    Accompaniment,
    AccompanimentAction,
    Barrier,
    BarrierUpdate,
    Beneficiary,
    Eligibility,
    Objective,
    PartnerReferral,
    TraineeRemuneration,
)
from ancrage.insertion.summary import record_change
from ancrage.kernel.calendar import add_days, add_months
from ancrage.kernel.versions import locked


@transaction.atomic
def open_accompaniment(beneficiary: Beneficiary, *, by, start_date, referent) -> Accompaniment:
    if not Eligibility.objects.filter(beneficiary=beneficiary).exists():
        raise ValidationError(_("Vérifiez d'abord l'éligibilité de la personne."))
    if Accompaniment.objects.filter(beneficiary=beneficiary).exists():
        raise ValidationError(_("Un accompagnement est déjà ouvert."))
    if beneficiary.status == Beneficiary.Status.EXITED:
        raise ValidationError(_("La personne est sortie du dispositif."))
    if start_date < beneficiary.consent_on:
        raise ValidationError(
            {"start_date": _("L'accompagnement ne peut précéder le consentement.")}
        )
    accompaniment = Accompaniment.objects.create(
        beneficiary=beneficiary,
        service_id=beneficiary.service_id,
        team_id=beneficiary.team_id,
        start_date=start_date,
        referent=referent,
        limit_date=add_months(start_date, ACCOMPANIMENT_MONTHS),
    )
    tallies.move(beneficiary, Beneficiary.Status.ACCOMPANIMENT)
    record_change(beneficiary.programme_id)
    return accompaniment


def accompaniment_of(beneficiary: Beneficiary) -> Accompaniment:
    """The beneficiary's accompaniment, which the barriers, objectives, actions, referrals and
    remuneration periods are written on: refused while there is none."""
    accompaniment = Accompaniment.objects.filter(beneficiary=beneficiary).first()
    if accompaniment is None:
        raise ValidationError(_("Ouvrez d'abord un accompagnement."))
    return accompaniment


@transaction.atomic
def extend_accompaniment(
    accompaniment: Accompaniment, *, by, until, reason, decided_on, expected_version=None
) -> Accompaniment:
    """From 9 months up to 12, only with a recorded reason (situations particulières, arrêté du
    26 juin 2024), decided on or before the 9-month date: the decision's date is the one
    entered, not the day of typing; it cannot be in the future, before the start, or after the
    9-month date. Once the 12-month date has passed nothing can be extended any more: the
    accompaniment had to end, its exit is recorded with the day it really happened. A form built
    from an older version (another counsellor extended it meanwhile) is refused (`StaleEdit`)."""
    given, accompaniment = accompaniment, locked(accompaniment, expected_version)
    errors = {}
    today = timezone.localdate()
    nine, twelve = accompaniment.nine_months_date, accompaniment.twelve_months_date
    if accompaniment.end_date:
        raise ValidationError(_("L'accompagnement est terminé."))
    if today > twelve:
        raise ValidationError(
            _(
                "Les 12 mois sont dépassés depuis le %(date)s : l'accompagnement ne peut plus "
                "être prolongé ; enregistrez la sortie à la date où elle a eu lieu."
            )
            % {"date": twelve.strftime("%d/%m/%Y")}
        )
    if not (reason or "").strip():
        errors["reason"] = _("La prolongation au-delà de 9 mois exige un motif.")
    if until > twelve:
        errors["until"] = _("L'accompagnement ne peut dépasser 12 mois (jusqu'au %(date)s).") % {
            "date": twelve.strftime("%d/%m/%Y")
        }
    elif until <= nine:
        errors["until"] = _("Une prolongation va au-delà des 9 mois.")
    if decided_on is None:
        errors["decided_on"] = _("Indiquez la date de la décision de prolongation.")
    elif decided_on > today:
        errors["decided_on"] = _("La décision ne peut pas être datée du futur.")
    elif decided_on < accompaniment.start_date:
        errors["decided_on"] = _("La décision ne peut précéder le début de l'accompagnement.")
    elif decided_on > nine:
        errors["decided_on"] = _(
            "La prolongation se décide avant la fin des 9 mois (le %(date)s au plus tard)."
        ) % {"date": nine.strftime("%d/%m/%Y")}
    if errors:
        raise ValidationError(errors)
    accompaniment.limit_date = until
    accompaniment.extension_reason = reason.strip()
    accompaniment.extended_on = decided_on
    accompaniment.extended_by = by
    written = ["limit_date", "extension_reason", "extended_on", "extended_by"]
    accompaniment.save(update_fields=written)
    record_change(beneficiary_id=accompaniment.beneficiary_id)
    for name in (*written, "lock_version"):  # the caller's instance as saved
        setattr(given, name, getattr(accompaniment, name))
    return given


def refuse_past_the_limit(accompaniment: Accompaniment, on: date, field: str | None = None):
    """A write dated after the accompaniment's limit (9 months, or the extension's end) is
    refused (at `field`, or for the whole form): past it the accompaniment had to end, only the
    exit remains to record."""
    if on > accompaniment.limit_date:
        message = _(
            "L'accompagnement a atteint son échéance le %(date)s : enregistrez la sortie "
            "(ou une prolongation décidée avant les 9 mois)."
        ) % {"date": accompaniment.limit_date.strftime("%d/%m/%Y")}
        raise ValidationError({field: message} if field else message)


def limit_alert(accompaniment: Accompaniment, today: date | None = None) -> str | None:
    """ "near" within 30 days before the limit (the limit day included), "over" after it, for
    an open accompaniment; None otherwise."""
    if accompaniment.end_date:
        return None
    today = today or timezone.localdate()
    if today > accompaniment.limit_date:
        return "over"
    if today >= add_days(accompaniment.limit_date, -ALERT_DAYS_BEFORE_LIMIT):
        return "near"
    return None


@transaction.atomic
def record_barrier(
    accompaniment, *, by, kind, situation, status=Barrier.Status.IDENTIFIED, on=None, seen=None
) -> Barrier:
    """Open a barrier or record its new situation; each change stays in its history. `seen`:
    the latest update of the file's barriers the writer's page showed; an update of this barrier
    written since then (by someone else, or in another tab) refuses the save, with what it says,
    rather than replace the barrier's state unread."""
    on = on or timezone.localdate()
    if not (situation or "").strip():
        raise ValidationError({"situation": _("Décrivez la situation.")})
    if on < accompaniment.start_date:
        raise ValidationError({"on": _("La date précède l'accompagnement.")})
    refuse_past_the_limit(accompaniment, on, "on")
    barrier = (
        Barrier.objects.select_for_update().filter(accompaniment=accompaniment, kind=kind).first()
    )
    created = barrier is None
    if created:
        barrier, created = Barrier.objects.get_or_create(
            accompaniment=accompaniment,
            kind=kind,
            defaults={"status": status, "situation": situation, "updated_on": on},
        )
    newer = (
        barrier.updates.filter(pk__gt=seen).select_related("by").order_by("-pk").first()
        if seen is not None and not created
        else None
    )
    if newer is not None:
        raise ValidationError(
            {
                "situation": _(
                    "Ce frein a été mis à jour entre-temps, le %(day)s par %(by)s (%(status)s : "
                    "« %(text)s »). Relisez-le, puis enregistrez de nouveau si besoin."
                )
                % {
                    "day": newer.date.strftime("%d/%m/%Y"),
                    "by": newer.by.get_full_name() if newer.by else _("un agent"),
                    "status": newer.get_status_display().lower(),
                    "text": newer.situation,
                }
            }
        )
    if not created:
        if on < barrier.updated_on:
            raise ValidationError({"on": _("Une mise à jour plus récente existe déjà.")})
        barrier.status, barrier.situation, barrier.updated_on = status, situation, on
        barrier.save(update_fields=["status", "situation", "updated_on"])
    BarrierUpdate.objects.create(
        barrier=barrier, date=on, status=status, situation=situation, by=by
    )
    record_change(beneficiary_id=accompaniment.beneficiary_id)
    return barrier


@transaction.atomic
def add_objective(accompaniment, *, text, due_date=None) -> Objective:
    if not text.strip():
        raise ValidationError({"text": _("Écrivez l'objectif.")})
    record_change(beneficiary_id=accompaniment.beneficiary_id)
    return Objective.objects.create(
        accompaniment=accompaniment, text=text.strip(), due_date=due_date
    )


@transaction.atomic
def add_action(
    accompaniment, *, objective, text, actor, due_date=None, on=None
) -> AccompanimentAction:
    """An action towards one of the accompaniment's objectives still open: who acts, by when."""
    on = on or timezone.localdate()
    errors = {}
    if accompaniment.end_date:
        raise ValidationError(_("L'accompagnement est terminé."))
    refuse_past_the_limit(accompaniment, on)
    if objective is None or objective.accompaniment_id != accompaniment.pk:
        errors["objective"] = _("Choisissez un objectif de cet accompagnement.")
    elif objective.closed:
        errors["objective"] = _("Cet objectif est déjà atteint ou abandonné.")
    if not (text or "").strip():
        errors["text"] = _("Décrivez l'action.")
    if actor not in AccompanimentAction.Actor.values:
        errors["actor"] = _("Indiquez qui agit.")
    if due_date and due_date < accompaniment.start_date:
        errors["due_date"] = _("L'échéance précède l'accompagnement.")
    if errors:
        raise ValidationError(errors)
    record_change(beneficiary_id=accompaniment.beneficiary_id)
    return AccompanimentAction.objects.create(
        accompaniment=accompaniment,
        objective=objective,
        date=on,
        text=text.strip(),
        actor=actor,
        due_date=due_date,
    )


@transaction.atomic
def complete_action(action: AccompanimentAction, *, on) -> AccompanimentAction:
    """Mark an action done, on a day between its recording and today."""
    action = AccompanimentAction.objects.select_for_update().get(pk=action.pk)
    if action.status == AccompanimentAction.Status.DONE:
        raise ValidationError(_("Cette action est déjà faite."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("La date ne peut être dans le futur.")})
    if on < action.date:
        raise ValidationError({"on": _("L'action ne peut être faite avant d'être prévue.")})
    action.status, action.done_on = AccompanimentAction.Status.DONE, on
    action.save(update_fields=["status", "done_on"])
    record_change(accompaniment_id=action.accompaniment_id)
    return action


OBJECTIVE_OUTCOMES = ("achieved", "abandoned")


@transaction.atomic
def close_objective(objective: Objective, *, outcome, on) -> Objective:
    """An objective is achieved or abandoned, once, on a day within the accompaniment."""
    objective = (
        Objective.objects.select_for_update().select_related("accompaniment").get(pk=objective.pk)
    )
    if objective.closed:
        raise ValidationError(_("Cet objectif est déjà atteint ou abandonné."))
    if outcome not in OBJECTIVE_OUTCOMES:
        raise ValidationError({"outcome": _("Choisissez : atteint ou abandonné.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("La date ne peut être dans le futur.")})
    if on < objective.accompaniment.start_date:
        raise ValidationError({"on": _("La date précède l'accompagnement.")})
    field = "achieved_on" if outcome == "achieved" else "abandoned_on"
    setattr(objective, field, on)
    objective.save(update_fields=[field])
    record_change(accompaniment_id=objective.accompaniment_id)
    return objective


@transaction.atomic
def refer_to_partner(accompaniment, *, date, partner, purpose) -> PartnerReferral:
    if date < accompaniment.start_date:
        raise ValidationError({"date": _("La date précède l'accompagnement.")})
    refuse_past_the_limit(accompaniment, date, "date")
    record_change(beneficiary_id=accompaniment.beneficiary_id)
    return PartnerReferral.objects.create(
        accompaniment=accompaniment, date=date, partner=partner, purpose=purpose
    )


@transaction.atomic
def add_remuneration(accompaniment, *, start_date, end_date) -> TraineeRemuneration:
    """A trainee-remuneration period, inside the accompaniment (its limit, or its end)."""
    if end_date < start_date:
        raise ValidationError({"end_date": _("La fin doit suivre le début.")})
    last = accompaniment.end_date or accompaniment.limit_date
    if start_date < accompaniment.start_date or end_date > last:
        raise ValidationError(
            {
                "end_date": _(
                    "La rémunération doit être comprise dans l'accompagnement "
                    "(du %(start)s au %(end)s)."
                )
                % {
                    "start": accompaniment.start_date.strftime("%d/%m/%Y"),
                    "end": last.strftime("%d/%m/%Y"),
                }
            }
        )
    if accompaniment.remunerations.filter(
        start_date__lte=end_date, end_date__gte=start_date
    ).exists():
        raise ValidationError({"start_date": _("Cette période chevauche une autre rémunération.")})
    record_change(beneficiary_id=accompaniment.beneficiary_id)
    return TraineeRemuneration.objects.create(
        accompaniment=accompaniment, start_date=start_date, end_date=end_date
    )
