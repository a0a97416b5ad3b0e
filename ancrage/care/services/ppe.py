"""Writes on the child's project (PPE), each in one transaction: the draft is edited, validating
it freezes it, a review produces a new validated version. A validated version never changes
again, except the progress of the actions of the version in force (set by the house)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.care.models import PPE, Action, Objective, PlannedReview, PPEVersion, Review
from ancrage.kernel import calendar
from ancrage.kernel.access import can
from ancrage.kernel.versions import StaleEdit, locked
from ancrage.people.models import Person

# The fields of a version that a draft edits and a new version copies.
VERSION_FIELDS = (
    "trusted_person_name",
    "trusted_person_relation",
    "trusted_person",
    "sibling_relations",
    "health_check_date",
    "health_check_by",
    "health_check_summary",
)


def _frozen_error():
    return ValidationError(_("Cette version du PPE est validée : elle ne peut plus être modifiée."))


def ensure_editable(version: PPEVersion) -> None:
    if version.is_frozen:
        raise _frozen_error()


def current_version(ppe: PPE) -> PPEVersion | None:
    """The version in force: the last validated one."""
    return ppe.versions.filter(status=PPEVersion.Status.VALIDATED).order_by("-number").first()


def draft_of(ppe: PPE) -> PPEVersion | None:
    return ppe.versions.filter(status=PPEVersion.Status.DRAFT).first()


def _copy_version(source: PPEVersion | None, ppe: PPE, by, **extra) -> PPEVersion:
    """A new version numbered after the last, with the content and the objectives and actions
    of `source` (the last validated version) when there is one."""
    last = ppe.versions.order_by("-number").values_list("number", flat=True).first() or 0
    fields = {name: getattr(source, name) for name in VERSION_FIELDS} if source else {}
    version = PPEVersion.objects.create(ppe=ppe, number=last + 1, created_by=by, **fields, **extra)
    if source is not None:
        for objective in source.objectives.prefetch_related("actions"):
            copy = Objective.objects.create(
                version=version,
                domain=objective.domain,
                title=objective.title,
                description=objective.description,
            )
            Action.objects.bulk_create(
                Action(
                    objective=copy,
                    description=a.description,
                    actor=a.actor,
                    due_date=a.due_date,
                    status=a.status,
                )
                for a in objective.actions.all()
            )
    return version


@transaction.atomic
def open_draft(child, by) -> PPEVersion:
    """The child's draft: the one being edited, or a new one copied from the version in force."""
    ppe, _created = PPE.objects.select_for_update().get_or_create(child=child)
    draft = draft_of(ppe)
    if draft is None:
        draft = _copy_version(current_version(ppe), ppe, by)
    return draft


@transaction.atomic
def save_draft(
    child, by, *, referent=None, built_from=None, expected_version=None, **fields
) -> PPEVersion:
    """Edit the draft (opened if needed) and the child's referent. A form built from an older
    state than the draft's (`built_from`, the version it showed, at `expected_version`) is
    refused with `StaleEdit`: another person opened or changed the draft meanwhile."""
    unknown = set(fields) - set(VERSION_FIELDS)
    if unknown:
        raise ValueError(f"Not a field of a PPE version: {unknown}")
    if expected_version is not None:
        ppe = PPE.objects.filter(child=child).first()
        existing = draft_of(ppe) if ppe else None
        if existing is not None:
            if built_from is None or built_from.pk != existing.pk:
                raise StaleEdit(existing)
            locked(existing, expected_version)
    draft = open_draft(child, by)
    ensure_editable(draft)
    for name, value in fields.items():
        setattr(draft, name, value)
    draft.full_clean()
    draft.save()
    ppe = draft.ppe
    if ppe.referent_id != getattr(referent, "pk", None):
        ppe.referent = referent
        ppe.save(update_fields=["referent"])
    return draft


@transaction.atomic
def add_objective(child, by, *, domain, title, description="", action=None) -> Objective:
    """Add an objective to the draft, with its first action when one is given."""
    draft = open_draft(child, by)
    ensure_editable(draft)
    objective = Objective(version=draft, domain=domain, title=title, description=description)
    objective.full_clean()
    objective.save()
    if action:
        add_action(objective, **action)
    return objective


@transaction.atomic
def add_action(objective: Objective, *, description, actor, due_date=None, status=None) -> Action:
    """Add an action to an objective of the draft."""
    _ensure_draft(objective.version)
    check_action_due_date(objective, due_date)
    action = Action(
        objective=objective,
        description=description,
        actor=actor,
        due_date=due_date,
        status=status or Action.Status.PLANNED,
    )
    action.full_clean()
    action.save()
    return action


def check_action_due_date(objective: Objective, due_date: date | None) -> None:
    """An action is never due after the last day of the child's care, the day before the 21st
    birthday (CASF L222-5: young adults are accompanied until 21; docs/decisions.md
    2026-12-05)."""
    if due_date is None:
        return
    birth_date = (
        Person.objects.filter(ppe__versions__objectives=objective)
        .values_list("birth_date", flat=True)
        .first()
    )
    if birth_date is None:
        return
    last_day = calendar.young_adult_support_last_day(birth_date)
    if due_date > last_day:
        raise ValidationError(
            {
                "due_date": _(
                    "L'accompagnement s'arrête la veille des 21 ans (le %(d)s) : l'échéance "
                    "de l'action ne peut pas être plus tardive."
                )
                % {"d": last_day.strftime("%d/%m/%Y")}
            }
        )


def _ensure_draft(version: PPEVersion) -> None:
    """Lock the version and refuse if it was validated meanwhile."""
    ensure_editable(PPEVersion.objects.select_for_update().get(pk=version.pk))


@transaction.atomic
def update_objective(
    objective: Objective, *, domain, title, description="", expected_version=None
) -> Objective:
    """Edit an objective of the draft; a validated version's objectives never change."""
    _ensure_draft(objective.version)
    objective = locked(objective, expected_version)
    objective.domain, objective.title, objective.description = domain, title, description
    objective.full_clean()
    objective.save(update_fields=["domain", "title", "description"])
    return objective


@transaction.atomic
def delete_objective(objective: Objective) -> None:
    """Delete an objective of the draft with its actions."""
    _ensure_draft(objective.version)
    objective.delete()


@transaction.atomic
def update_action(
    action: Action, *, description, actor, due_date=None, status, expected_version=None
) -> Action:
    """Edit an action of the draft (its progress alone moves on the version in force:
    `set_action_status`)."""
    _ensure_draft(action.objective.version)
    action = locked(action, expected_version)
    check_action_due_date(action.objective, due_date)
    action.description, action.actor, action.due_date = description, actor, due_date
    action.status = status
    action.full_clean()
    action.save(update_fields=["description", "actor", "due_date", "status"])
    return action


@transaction.atomic
def delete_action(action: Action) -> None:
    _ensure_draft(action.objective.version)
    action.delete()


@transaction.atomic
def set_action_status(action: Action, status: str, by) -> Action:
    """The progress of an action of the draft or of the version in force; earlier versions are
    history and stay as they were."""
    if status not in Action.Status.values:
        raise ValidationError({"status": _("État inconnu.")})
    version = action.objective.version
    if version.is_frozen and current_version(version.ppe).pk != version.pk:
        raise _frozen_error()
    action.status = status
    action.save(update_fields=["status"])
    return action


def _check_validator(by):
    if not can(by, "ppe", "change"):
        raise ValidationError(
            _("Seuls le chef de service et la direction valident le projet pour l'enfant.")
        )


def _freeze(version: PPEVersion, by, day: date) -> PPEVersion:
    version.status = PPEVersion.Status.VALIDATED
    version.validated_on = day
    version.validated_by = by
    version.save(update_fields=["status", "validated_on", "validated_by"])
    return version


def check_child_words(views: str, missing: str, detail: str) -> None:
    """The child's words on the project, or why they could not be collected: one of the two,
    and a situation that prevented it is explained."""
    if views and missing:
        raise ValidationError(
            {
                "child_views_missing": _(
                    "Les mots de l'enfant sont notés : ne choisissez pas de raison de leur absence."
                )
            }
        )
    if not views and not missing:
        raise ValidationError(
            {
                "child_views": _(
                    "Notez ce que l'enfant dit de son projet, ou choisissez pourquoi ses mots "
                    "n'ont pas pu être recueillis."
                )
            }
        )
    if missing == PPEVersion.WordsMissing.SITUATION and not detail:
        raise ValidationError(
            {
                "child_views_missing_detail": _(
                    "Dites quelle situation a empêché de recueillir ses mots."
                )
            }
        )


@transaction.atomic
def validate_draft(
    child,
    by,
    day: date | None = None,
    *,
    child_views: str = "",
    child_views_missing: str = "",
    child_views_missing_detail: str = "",
) -> PPEVersion:
    """Validate the draft with the child's words on it (or why they could not be collected):
    it becomes the version in force and is frozen."""
    _check_validator(by)
    views, detail = child_views.strip(), child_views_missing_detail.strip()
    check_child_words(views, child_views_missing, detail)
    ppe = PPE.objects.select_for_update().filter(child=child).first()
    draft = draft_of(ppe) if ppe else None
    if draft is None:
        raise ValidationError(_("Aucun brouillon du PPE à valider."))
    if not draft.objectives.exists():
        raise ValidationError(_("Un PPE validé compte au moins un objectif."))
    draft.child_views = views
    draft.child_views_missing = child_views_missing
    draft.child_views_missing_detail = detail
    draft.save(update_fields=["child_views", "child_views_missing", "child_views_missing_detail"])
    return _freeze(draft, by, day or timezone.localdate())


@transaction.atomic
def record_review(
    child,
    by,
    *,
    kind,
    planned_date,
    held_on,
    participants,
    decisions,
    child_wishes="",
    child_disagreements="",
    child_declined_to_speak=False,
    next_review_date=None,
    report=None,
    planned=None,
) -> Review:
    """Record a review held with the child: it produces a new validated version (the draft
    being prepared, or a copy of the version in force). Holding a planned review closes it; the
    next review date of a regular review plans the next one (unless one is already planned)."""
    _check_validator(by)
    errors = {}
    if planned is not None:
        planned = PlannedReview.objects.select_for_update().get(pk=planned.pk)
        if planned.ppe.child_id != child.pk:
            errors["planned"] = _("Cette révision prévue concerne un autre enfant.")
        elif planned.is_held:
            errors["planned"] = _("Cette révision prévue a déjà été tenue.")
        elif kind != Review.Kind.REGULAR:
            errors["planned"] = _("Une révision prévue se tient comme une révision du PPE.")
    spoke = bool(child_wishes.strip() or child_disagreements.strip())
    if spoke and child_declined_to_speak:
        errors["child_declined_to_speak"] = _(
            "L'enfant s'est exprimé : décochez « n'a pas souhaité s'exprimer »."
        )
    elif not spoke and not child_declined_to_speak:
        errors["child_wishes"] = _(
            "Notez les mots de l'enfant, ou cochez qu'il n'a pas souhaité s'exprimer."
        )
    if held_on > timezone.localdate():
        errors["held_on"] = _("Une révision se saisit une fois tenue.")
    if next_review_date and next_review_date <= held_on:
        errors["next_review_date"] = _("La prochaine révision suit celle-ci.")
    if report is not None and report.child_id != child.pk:
        errors["report"] = _("Ce rapport concerne un autre enfant.")
    if errors:
        raise ValidationError(errors)
    ppe = PPE.objects.select_for_update().filter(child=child).first()
    if ppe is None or not ppe.versions.exists():
        raise ValidationError(_("Établissez d'abord le projet pour l'enfant."))
    draft = draft_of(ppe)
    if draft is None:
        draft = _copy_version(current_version(ppe), ppe, by)
    # The version a review produces carries the words the child said at it.
    if child_declined_to_speak:
        draft.child_views, draft.child_views_missing = "", PPEVersion.WordsMissing.REFUSAL
    else:
        draft.child_views = "\n\n".join(
            words for words in (child_wishes.strip(), child_disagreements.strip()) if words
        )
        draft.child_views_missing = ""
    draft.child_views_missing_detail = ""
    draft.save(update_fields=["child_views", "child_views_missing", "child_views_missing_detail"])
    version = _freeze(draft, by, held_on)
    review = Review(
        ppe=ppe,
        kind=kind,
        planned_date=planned_date,
        held_on=held_on,
        participants=participants,
        child_wishes=child_wishes.strip(),
        child_disagreements=child_disagreements.strip(),
        child_declined_to_speak=child_declined_to_speak,
        decisions=decisions,
        next_review_date=next_review_date,
        resulting_version=version,
        report=report,
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    if planned is not None:
        planned.review = review
        planned.save(update_fields=["review"])
    if next_review_date and kind == Review.Kind.REGULAR and not ppe.planned_reviews.open().exists():
        PlannedReview.objects.create(
            ppe=ppe, planned_date=next_review_date, participants=participants, created_by=by
        )
    return review


@transaction.atomic
def plan_review(child, by, *, planned_date, participants="") -> PlannedReview:
    """Plan a review of the child's project ahead (head of service or director)."""
    _check_validator(by)
    if planned_date < timezone.localdate():
        raise ValidationError({"planned_date": _("Une révision se prévoit à venir.")})
    ppe = PPE.objects.select_for_update().filter(child=child).first()
    if ppe is None or not ppe.versions.exists():
        raise ValidationError(_("Établissez d'abord le projet pour l'enfant."))
    planned = PlannedReview(
        ppe=ppe, planned_date=planned_date, participants=participants.strip(), created_by=by
    )
    planned.full_clean()
    planned.save()
    return planned
