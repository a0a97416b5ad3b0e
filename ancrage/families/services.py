"""Writes on the families of the programme, one transaction each: the referral (the household as
persons of the registry, linked by the people services), the decision to support it, and the
support plan (versioned as the PPE: a draft is edited, validating it freezes it, a review gives
the next validated version; only the progress of the version in force moves afterwards)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.accounts.models import Membership, User
from ancrage.families.models import (
    FamilyCase,
    FamilyMember,
    Goal,
    GoalAction,
    HomeVisit,
    PlanReview,
    PlanVersion,
    Progress,
    SupportPlan,
)
from ancrage.kernel.dates import as_day
from ancrage.kernel.versions import locked
from ancrage.organisation.models import Establishment, Unit
from ancrage.people.models import FamilyLink, Person
from ancrage.people.services import link_relatives

PARENT_KIND = {
    Person.Sex.FEMALE: FamilyLink.Kind.MOTHER,
    Person.Sex.MALE: FamilyLink.Kind.FATHER,
}


def workers_of(team: Unit):
    """The active users working today in the team or its service: who may be the family's
    worker."""
    working = Membership.objects.in_force().filter(unit_id=team.pk) | (
        Membership.objects.in_force().filter(establishment_id=team.establishment_id)
    )
    return User.objects.filter(is_active=True, pk__in=working.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )


def _person(entry) -> Person:
    """A person of the registry already known (a `Person`), or a new one from its identity."""
    if isinstance(entry, Person):
        return entry
    person = Person(**entry)
    person.full_clean()
    person.save()
    return person


def _link_if_new(person: Person, relative: Person, kind: str, by) -> None:
    if not FamilyLink.objects.filter(person=person, relative=relative).exists():
        link_relatives(person, relative, kind, by=by)


@transaction.atomic
def refer_family(
    *,
    team: Unit,
    by,
    name: str,
    referrer: str,
    referred_on,
    reasons: str,
    parents=(),
    children=(),
    referrer_detail: str = "",
    commune: str = "",
    other_adults=(),
) -> FamilyCase:
    """Record a family referred to the team's programme. Parents and children are persons of
    the registry (new ones are created from their identity, known ones are reused); each child
    is linked to each parent and the children to one another, through the people services, so
    that brothers and sisters already known (placed in a village, say) join the same fratrie."""
    errors = {}
    if team.kind != Unit.Kind.TEAM or (
        team.establishment.kind != Establishment.Kind.FAMILY_STRENGTHENING
    ):
        errors["team"] = _("Choisissez une équipe d'un service de renforcement familial.")
    if referrer not in FamilyCase.Referrer.values:
        errors["referrer"] = _("Choisissez qui oriente la famille.")
    if not (reasons or "").strip():
        errors["reasons"] = _("Indiquez les motifs de l'orientation.")
    if not parents:
        errors["parents"] = _("Indiquez au moins un parent.")
    if not children:
        errors["children"] = _("Indiquez au moins un enfant.")
    if referred_on and referred_on > timezone.localdate():
        errors["referred_on"] = _("La date d'orientation ne peut pas être dans le futur.")
    if errors:
        raise ValidationError(errors)
    case = FamilyCase(
        service=team.establishment,
        team=team,
        name=name,
        referrer=referrer,
        referrer_detail=referrer_detail,
        referred_on=referred_on,
        reasons=reasons,
        commune=commune,
        created_by=by,
    )
    case.full_clean()
    case.save()
    parent_persons = [_person(entry) for entry in parents]
    child_persons = [_person(entry) for entry in children]
    adults = [_person(entry) for entry in other_adults]
    seen = set()
    for role, persons in (
        (FamilyMember.Role.PARENT, parent_persons),
        (FamilyMember.Role.CHILD, child_persons),
        (FamilyMember.Role.OTHER_ADULT, adults),
    ):
        for person in persons:
            if person.pk in seen:
                raise ValidationError(
                    {"parents": _("Une même personne figure deux fois dans le foyer.")}
                )
            seen.add(person.pk)
            FamilyMember.objects.create(case=case, person=person, role=role)
    for child in child_persons:
        for parent in parent_persons:
            _link_if_new(child, parent, PARENT_KIND.get(parent.sex, FamilyLink.Kind.PARENT), by)
    for i, child in enumerate(child_persons):
        for other in child_persons[i + 1 :]:
            _link_if_new(child, other, FamilyLink.Kind.SIBLING, by)
    return case


@transaction.atomic
def decide_support(
    case: FamilyCase,
    *,
    by,
    support: bool,
    decided_on,
    reason: str = "",
    parents_consent: bool = False,
    consent_on=None,
    worker=None,
    expected_version=None,
) -> FamilyCase:
    """Decide whether the programme supports the family. Supporting it needs the parents'
    consent (and its day) and a worker of the team; not supporting it needs the reason."""
    case = locked(case, expected_version)
    errors = {}
    if case.status != FamilyCase.Status.REFERRED:
        raise ValidationError(_("La décision sur cette famille est déjà prise."))
    if decided_on and decided_on < case.referred_on:
        errors["decided_on"] = _("La décision ne peut pas précéder l'orientation.")
    if support:
        if not parents_consent:
            errors["parents_consent"] = _(
                "L'accompagnement suppose l'accord des parents : recueillez-le d'abord."
            )
        if parents_consent and consent_on is None:
            errors["consent_on"] = _("Indiquez le jour où l'accord a été recueilli.")
        if worker is None:
            errors["worker"] = _("Désignez l'intervenant·e qui suivra la famille.")
        elif not workers_of(case.team).filter(pk=worker.pk).exists():
            errors["worker"] = _("Cette personne ne travaille pas dans l'équipe de la famille.")
    elif not (reason or "").strip():
        errors["reason"] = _("Indiquez pourquoi la famille n'est pas accompagnée.")
    if errors:
        raise ValidationError(errors)
    case.status = FamilyCase.Status.SUPPORTED if support else FamilyCase.Status.DECLINED
    case.decided_on = decided_on
    case.decided_by = by
    case.decision_reason = reason
    case.parents_consent = parents_consent
    case.consent_on = consent_on if parents_consent else None
    case.worker = worker if support else None
    case.full_clean()
    case.save()
    return case


def _frozen_error():
    return ValidationError(
        _("Cette version du plan est validée : elle ne peut plus être modifiée.")
    )


def current_version(plan: SupportPlan) -> PlanVersion | None:
    """The version in force: the last validated one."""
    return plan.versions.filter(status=PlanVersion.Status.VALIDATED).order_by("-number").first()


def draft_of(plan: SupportPlan) -> PlanVersion | None:
    return plan.versions.filter(status=PlanVersion.Status.DRAFT).first()


def _ensure_supported(case: FamilyCase) -> None:
    if case.status != FamilyCase.Status.SUPPORTED:
        raise ValidationError(_("Le plan ne s'écrit que pour une famille accompagnée."))


def _copy_version(source: PlanVersion | None, plan: SupportPlan, by, **extra) -> PlanVersion:
    """A new version numbered after the last, with the goals and actions of `source`."""
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PlanVersion.objects.create(plan=plan, number=last + 1, created_by=by, **extra)
    if source is not None:
        for goal in source.goals.prefetch_related("actions"):
            copy = Goal.objects.create(
                version=version,
                domain=goal.domain,
                title=goal.title,
                description=goal.description,
                progress=goal.progress,
                progress_note=goal.progress_note,
            )
            GoalAction.objects.bulk_create(
                GoalAction(
                    goal=copy,
                    description=a.description,
                    actor=a.actor,
                    due_date=a.due_date,
                    progress=a.progress,
                )
                for a in goal.actions.all()
            )
    return version


@transaction.atomic
def open_draft(case: FamilyCase, by) -> PlanVersion:
    """The family's draft: the one being edited, or a new one copied from the version in
    force."""
    _ensure_supported(case)
    plan, _created = SupportPlan.objects.select_for_update().get_or_create(case=case)
    draft = draft_of(plan)
    if draft is None:
        draft = _copy_version(current_version(plan), plan, by)
    return draft


@transaction.atomic
def add_goal(case: FamilyCase, by, *, domain, title, description="", action=None) -> Goal:
    """Add a goal to the draft (opened if needed), with its first action when one is given
    (`action`: description, actor, due_date)."""
    if domain not in Goal.Domain.values:
        raise ValidationError({"domain": _("Choisissez le domaine de l'objectif.")})
    draft = open_draft(case, by)
    goal = Goal(version=draft, domain=domain, title=title, description=description)
    goal.full_clean()
    goal.save()
    if action and action.get("description"):
        _new_action(goal, **action)
    return goal


def _new_action(goal: Goal, *, description, actor=GoalAction.Actor.PARENTS, due_date=None):
    if goal.version.is_frozen:
        raise _frozen_error()
    action = GoalAction(goal=goal, description=description, actor=actor, due_date=due_date)
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def add_action(goal: Goal, *, description, actor=GoalAction.Actor.PARENTS, due_date=None):
    """Add an action to a goal of the draft (a validated version is refused)."""
    goal = locked(goal, None)
    return _new_action(goal, description=description, actor=actor, due_date=due_date)


@transaction.atomic
def edit_goal(goal: Goal, *, expected_version=None, **fields) -> Goal:
    """Correct a goal of the draft; a goal of a validated version is refused."""
    goal = locked(goal, expected_version)
    if goal.version.is_frozen:
        raise _frozen_error()
    for name in ("domain", "title", "description"):
        if name in fields:
            setattr(goal, name, fields[name])
    goal.full_clean()
    goal.save()
    return goal


@transaction.atomic
def validate_plan(case: FamilyCase, by, *, on=None) -> PlanVersion:
    """Validate the draft with the family: it becomes the version in force and never changes
    again. A draft without a goal is refused."""
    plan = SupportPlan.objects.filter(case=case).first()
    draft = draft_of(plan) if plan else None
    if draft is None:
        raise ValidationError(_("Aucun brouillon du plan à valider."))
    return _validate(draft, by, on or timezone.localdate())


def _validate(draft: PlanVersion, by, on) -> PlanVersion:
    draft = locked(draft, None)
    if not draft.goals.exists():
        raise ValidationError(_("Le plan doit compter au moins un objectif pour être validé."))
    draft.status = PlanVersion.Status.VALIDATED
    draft.validated_on = on
    draft.validated_by = by
    draft.full_clean()
    draft.save()
    return draft


@transaction.atomic
def set_goal_progress(goal: Goal, *, progress, note="", expected_version=None) -> Goal:
    """Where a goal of the version in force stands (the one change a validated version
    takes: the family's progress, not its content)."""
    goal = locked(goal, expected_version)
    if progress not in Progress.values:
        raise ValidationError({"progress": _("Choisissez l'avancement.")})
    if goal.version.status != PlanVersion.Status.VALIDATED or (
        current_version(goal.version.plan).pk != goal.version_id
    ):
        raise ValidationError(
            _("Seul l'avancement des objectifs de la version en vigueur se met à jour.")
        )
    goal.progress = progress
    goal.progress_note = note
    goal.save(update_fields=["progress", "progress_note"])
    return goal


@transaction.atomic
def record_plan_review(
    case: FamilyCase,
    by,
    *,
    held_on,
    participants,
    parents_views,
    decisions,
    children_views="",
    children_declined_to_speak=False,
) -> PlanReview:
    """A review of the plan with the family: the parents' and the children's words (or that
    the children did not wish to speak) are recorded; the draft, if any, is validated by it,
    otherwise the version in force is carried over as the next version."""
    _ensure_supported(case)
    errors = {}
    if not (parents_views or "").strip():
        errors["parents_views"] = _("Notez ce que disent les parents.")
    if children_declined_to_speak and (children_views or "").strip():
        errors["children_views"] = _(
            "Les enfants se sont exprimés : décochez « n'ont pas souhaité s'exprimer »."
        )
    if not children_declined_to_speak and not (children_views or "").strip():
        errors["children_views"] = _(
            "Notez ce que disent les enfants, ou qu'ils n'ont pas souhaité s'exprimer."
        )
    if held_on and held_on < case.referred_on:
        errors["held_on"] = _("La révision ne peut pas précéder l'orientation de la famille.")
    if errors:
        raise ValidationError(errors)
    plan, _created = SupportPlan.objects.select_for_update().get_or_create(case=case)
    draft = draft_of(plan)
    if draft is None:
        current = current_version(plan)
        if current is None:
            raise ValidationError(_("Le plan n'a encore ni brouillon ni version validée."))
        draft = _copy_version(current, plan, by)
    version = _validate(draft, by, held_on)
    review = PlanReview(
        plan=plan,
        held_on=held_on,
        participants=participants,
        parents_views=parents_views,
        children_views=children_views,
        children_declined_to_speak=children_declined_to_speak,
        decisions=decisions,
        resulting_version=version,
        recorded_by=by,
    )
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def plan_home_visit(case: FamilyCase, by, *, starts_at, duration_minutes=60, worker=None):
    """Plan a visit at the family's home (the worker: the family's, unless another of the team
    is named). A visit never precedes the family's referral; only a supported family is
    visited."""
    errors = {}
    if case.status != FamilyCase.Status.SUPPORTED:
        raise ValidationError(_("Seule une famille accompagnée reçoit des visites à domicile."))
    if starts_at and as_day(starts_at) < case.referred_on:
        errors["starts_at"] = _(
            "Une visite ne peut pas précéder l'orientation de la famille (le %(day)s)."
        ) % {"day": case.referred_on.strftime("%d/%m/%Y")}
    worker = worker or case.worker or by
    if not workers_of(case.team).filter(pk=worker.pk).exists():
        errors["worker"] = _("Cette personne ne travaille pas dans l'équipe de la famille.")
    if errors:
        raise ValidationError(errors)
    visit = HomeVisit(
        case=case,
        worker=worker,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        created_by=by,
    )
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def record_home_visit(
    visit: HomeVisit,
    by,
    *,
    status,
    cancelled_by="",
    duration_minutes=None,
    present="",
    observations="",
    expected_version=None,
) -> HomeVisit:
    """What became of a planned visit: held (never in the future; who was present, how long,
    what was observed) or cancelled (saying by whom)."""
    visit = locked(visit, expected_version)
    errors = {}
    if status == HomeVisit.Status.HELD:
        if visit.starts_at > timezone.now():
            errors["status"] = _("Une visite à venir ne peut pas être notée comme réalisée.")
        if not (present or "").strip():
            errors["present"] = _("Indiquez qui était présent.")
        cancelled_by = ""
    elif status == HomeVisit.Status.CANCELLED:
        if cancelled_by not in HomeVisit.CancelledBy.values:
            errors["cancelled_by"] = _("Indiquez qui a annulé la visite.")
    else:
        errors["status"] = _("Indiquez si la visite a eu lieu ou a été annulée.")
    if errors:
        raise ValidationError(errors)
    visit.status = status
    visit.cancelled_by = cancelled_by
    if duration_minutes:
        visit.duration_minutes = duration_minutes
    visit.present = present
    visit.observations = observations
    visit.recorded_by = by
    visit.full_clean()
    visit.save()
    return visit


@transaction.atomic
def end_support(
    case: FamilyCase,
    *,
    by,
    ended_on,
    end_reason,
    outcome,
    admission=None,
    expected_version=None,
) -> FamilyCase:
    """End the support: its day (not before the decision, not in the future), its reason and
    the outcome assessed with the family; a child's placement may name the admission request
    to the village (one of the household's children must be in it). The history stays; the
    follow-up is due six months later."""
    case = locked(case, expected_version)
    if case.status != FamilyCase.Status.SUPPORTED:
        raise ValidationError(_("Seul un accompagnement en cours peut prendre fin."))
    errors = {}
    if end_reason not in FamilyCase.EndReason.values:
        errors["end_reason"] = _("Choisissez le motif de fin.")
    if not (outcome or "").strip():
        errors["outcome"] = _("Notez le bilan établi avec la famille.")
    if ended_on and ended_on < case.decided_on:
        errors["ended_on"] = _("La fin ne peut pas précéder la décision d'accompagnement.")
    if ended_on and ended_on > timezone.localdate():
        errors["ended_on"] = _("La fin ne peut pas être dans le futur.")
    if admission is not None:
        children = case.members.filter(role=FamilyMember.Role.CHILD).values("person_id")
        if not admission.children.filter(pk__in=children).exists():
            errors["admission"] = _("Cette demande d'admission ne concerne aucun enfant du foyer.")
    if errors:
        raise ValidationError(errors)
    case.status = FamilyCase.Status.ENDED
    case.ended_on = ended_on
    case.end_reason = end_reason
    case.outcome = outcome
    case.admission = admission
    case.full_clean()
    case.save()
    return case


@transaction.atomic
def record_follow_up(
    case: FamilyCase, *, by, followed_up_on, follow_up_notes, expected_version=None
) -> FamilyCase:
    """The follow-up six months after the end: when it took place (not before the end, not in
    the future) and what the family has become; it is done once (the échéancier's deadline is
    then met), and may be corrected by its writers without overwriting another's save."""
    case = locked(case, expected_version)
    if case.status != FamilyCase.Status.ENDED:
        raise ValidationError(_("Le suivi à 6 mois suit la fin de l'accompagnement."))
    errors = {}
    if followed_up_on is None:
        errors["followed_up_on"] = _("Indiquez quand le suivi a eu lieu.")
    elif followed_up_on < case.ended_on:
        errors["followed_up_on"] = _("Le suivi ne peut pas précéder la fin de l'accompagnement.")
    elif followed_up_on > timezone.localdate():
        errors["followed_up_on"] = _("Le suivi ne peut pas être dans le futur.")
    if not (follow_up_notes or "").strip():
        errors["follow_up_notes"] = _("Notez ce que devient la famille.")
    if errors:
        raise ValidationError(errors)
    case.followed_up_on = followed_up_on
    case.follow_up_notes = follow_up_notes.strip()
    case.followed_up_by = by
    case.full_clean()
    case.save()
    return case
