"""Writes of the safeguarding app: one transaction each, refusals as French ValidationErrors keyed
by form field.

Every write after the report takes `expected_version`: the incident row is locked
(select_for_update), its version compared with the one the writer's form was built from, and
incremented. A second writer working from the same version is refused rather than overwriting
the first one's work.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.core.access import role_can
from ancrage.safeguarding.models import Incident, IncidentAction, IncidentChild, IncidentTransition

S = Incident.Status
# (from, to): the status changes the workflow allows. Qualifying again while qualified corrects
# the qualification (and is recorded too).
ALLOWED = {
    (S.REPORTED, S.QUALIFIED),
    (S.QUALIFIED, S.QUALIFIED),
    (S.QUALIFIED, S.BEING_HANDLED),
    (S.BEING_HANDLED, S.CLOSED),
    (S.CLOSED, S.BEING_HANDLED),
}


def conflict_message() -> str:
    return _("Quelqu'un a modifié ce signalement entre-temps : rechargez la page.")


def works_in(user, establishment_id, action: str) -> bool:
    """Whether one of the user's current roles grants `action` on incidents in that
    establishment (a house's role counts for its village)."""
    for membership in user.active_memberships:
        if not role_can(membership.role, "incident", action):
            continue
        if membership.establishment_id == establishment_id:
            return True
        if membership.unit_id and membership.unit.establishment_id == establishment_id:
            return True
    return False


def _require(user, establishment_id, action):
    if not works_in(user, establishment_id, action):
        raise ValidationError(_("Vous n'avez pas ce droit dans ce village."))


def _locked(incident: Incident, expected_version) -> Incident:
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    if expected_version is None or int(expected_version) != locked.version:
        raise ValidationError(conflict_message(), code="conflict")
    return locked


def _move(incident: Incident, to: str, by, reason: str = "", fields=()) -> Incident:
    if (incident.status, to) not in ALLOWED:
        raise ValidationError(
            _("Un signalement « %(from)s » ne peut pas passer à l'état « %(to)s ».")
            % {"from": incident.get_status_display(), "to": S(to).label},
            code="illegal_transition",
        )
    IncidentTransition.objects.create(
        incident=incident, from_status=incident.status, to_status=to, author=by, reason=reason
    )
    incident.status = to
    return _save(incident, {"status", *fields})


def _save(incident: Incident, fields) -> Incident:
    incident.version = F("version") + 1
    incident.save(update_fields={"version", *fields})
    incident.refresh_from_db(fields=["version"])
    return incident


@transaction.atomic
def report_incident(
    *,
    establishment,
    occurred_at,
    place: str,
    narrative: str,
    children=(),
    adults_involved: str = "",
    immediate_measures: str = "",
    by,
    allowed_children=None,
) -> Incident:
    """Any staff member of the village records what happened. `children` is a list of
    (person, role); `allowed_children` (the persons the reporter may name in this village) is
    checked when given."""
    _require(by, establishment.pk, "report")
    errors = {}
    if occurred_at is None:
        errors["occurred_at"] = _("Indiquez quand les faits ont eu lieu.")
    elif occurred_at > timezone.now() + timedelta(minutes=5):
        errors["occurred_at"] = _("Les faits ne peuvent pas être dans le futur.")
    if not (place or "").strip():
        errors["place"] = _("Indiquez où les faits ont eu lieu.")
    if not (narrative or "").strip():
        errors["narrative"] = _("Décrivez ce qui s'est passé.")
    roles = dict(IncidentChild.Role.choices)
    children = list(children)
    for person, role in children:
        if role not in roles or (allowed_children is not None and person not in allowed_children):
            errors["children"] = _("Choisissez les enfants parmi ceux du village.")
    if errors:
        raise ValidationError(errors)
    incident = Incident.objects.create(
        establishment=establishment,
        occurred_at=occurred_at,
        place=place.strip(),
        narrative=narrative.strip(),
        immediate_measures=(immediate_measures or "").strip(),
        adults_involved=(adults_involved or "").strip(),
        reporter=by,
    )
    IncidentChild.objects.bulk_create(
        IncidentChild(incident=incident, person=person, role=role) for person, role in children
    )
    IncidentTransition.objects.create(incident=incident, to_status=S.REPORTED, author=by)
    return incident


@transaction.atomic
def qualify_incident(
    incident: Incident,
    *,
    expected_version,
    category: str,
    severity: str,
    serious_malfunction_to_declare: bool = False,
    information_preoccupante: bool = False,
    signalement: bool = False,
    by,
) -> Incident:
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    errors = {}
    if category not in Incident.Category.values:
        errors["category"] = _("Choisissez la catégorie.")
    if severity not in Incident.Severity.values:
        errors["severity"] = _("Choisissez la gravité.")
    if errors:
        raise ValidationError(errors)
    incident.category = category
    incident.severity = severity
    incident.serious_malfunction_to_declare = bool(serious_malfunction_to_declare)
    incident.information_preoccupante = bool(information_preoccupante)
    incident.signalement = bool(signalement)
    return _move(
        incident,
        S.QUALIFIED,
        by,
        fields={
            "category",
            "severity",
            "serious_malfunction_to_declare",
            "information_preoccupante",
            "signalement",
        },
    )


@transaction.atomic
def start_handling(incident: Incident, *, expected_version, by) -> Incident:
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    return _move(incident, S.BEING_HANDLED, by)


@transaction.atomic
def add_action(
    incident: Incident, *, expected_version, what: str, owner, due_date=None, by, owners=None
) -> IncidentAction:
    """An action decided to handle the incident: what, who does it, by when. `owners` (the
    village's staff) is checked when given."""
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    errors = {}
    if incident.status == S.CLOSED:
        raise ValidationError(_("Ce signalement est clos : rouvrez-le pour ajouter une action."))
    if not (what or "").strip():
        errors["what"] = _("Décrivez l'action.")
    if owner is None or (owners is not None and owner not in owners):
        errors["owner"] = _("Choisissez la personne responsable parmi l'équipe du village.")
    if due_date and due_date < timezone.localdate():
        errors["due_date"] = _("L'échéance ne peut pas être passée.")
    if errors:
        raise ValidationError(errors)
    action = IncidentAction.objects.create(
        incident=incident, what=what.strip(), owner=owner, due_date=due_date, created_by=by
    )
    _save(incident, set())
    return action


@transaction.atomic
def complete_action(action: IncidentAction, *, expected_version, by) -> IncidentAction:
    _require(by, action.incident.establishment_id, "qualify")
    incident = _locked(action.incident, expected_version)
    action = IncidentAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at:
        raise ValidationError(_("Cette action est déjà faite."))
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    _save(incident, set())
    return action


@transaction.atomic
def close_incident(incident: Incident, *, expected_version, outcome: str, by) -> Incident:
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Indiquez l'issue du signalement pour le clore.")})
    incident.outcome = outcome
    return _move(incident, S.CLOSED, by, reason=outcome, fields={"outcome"})


@transaction.atomic
def reopen_incident(incident: Incident, *, expected_version, reason: str, by) -> Incident:
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    reason = (reason or "").strip()
    if incident.status == S.CLOSED and not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi le signalement est rouvert.")})
    # The outcome stays in the history (the closing transition's reason).
    incident.outcome = ""
    return _move(incident, S.BEING_HANDLED, by, reason=reason, fields={"outcome"})
