"""Writes of the safeguarding app: one transaction each, refusals as French ValidationErrors keyed
by form field.

Every write after the report takes `expected_version`: the incident row is locked
(select_for_update), its version compared with the one the writer's form was built from, and
incremented. A second writer working from the same version is refused rather than overwriting
the first one's work.
"""

import json
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel.scopes import reach
from ancrage.safeguarding.models import (
    Declaration,
    Incident,
    IncidentAction,
    IncidentChild,
    IncidentDraft,
    IncidentTransition,
    Transmission,
)

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
    return establishment_id in reach(user, "incident", action).establishments_worked_in


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
    propose_information_preoccupante: bool = False,
) -> Incident:
    """Any staff member of the village (or of another establishment: a family-strengthening
    service) records what happened. `children` is a list of (person, role);
    `allowed_children` (the persons the reporter may name there) is checked when given; with
    `propose_information_preoccupante`, the reporter asks those who handle the incident to
    send an information préoccupante to the département's CRIP."""
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
        information_preoccupante_proposed=bool(propose_information_preoccupante),
        reporter=by,
    )
    IncidentChild.objects.bulk_create(
        IncidentChild(incident=incident, person=person, role=role) for person, role in children
    )
    IncidentTransition.objects.create(incident=incident, to_status=S.REPORTED, author=by)
    IncidentDraft.objects.filter(author=by, establishment=establishment).delete()
    return incident


@transaction.atomic
def report_concern(*, establishment, narrative: str, child, about_self: bool, by) -> Incident:
    """A young person's concern, raised in her own space, about her safety or someone else's:
    a reported incident of the village she lives in, reported by her and qualified by the head
    of service like any other. She is named on it (at risk, or as the one who tells); the
    caller (the youth space) checks that `child` is her own file and `establishment` her
    village. She does not read the incident afterwards: `incident_scope` gives a reporter her
    reports only with a role that reports incidents."""
    if not (narrative or "").strip():
        raise ValidationError({"narrative": _("Écris ce qui se passe.")})
    role = IncidentChild.Role.VICTIM if about_self else IncidentChild.Role.WITNESS
    incident = Incident.objects.create(
        establishment=establishment,
        occurred_at=timezone.now(),
        place=_("Signalé par un jeune depuis son espace"),
        narrative=narrative.strip(),
        reporter=by,
    )
    IncidentChild.objects.create(incident=incident, person=child, role=role)
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
    incident.qualified_at = incident.qualified_at or timezone.now()
    return _move(
        incident,
        S.QUALIFIED,
        by,
        fields={
            "qualified_at",
            "category",
            "severity",
            "serious_malfunction_to_declare",
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
    incident.closed_at = timezone.now()
    return _move(incident, S.CLOSED, by, reason=outcome, fields={"outcome", "closed_at"})


@transaction.atomic
def reopen_incident(incident: Incident, *, expected_version, reason: str, by) -> Incident:
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    reason = (reason or "").strip()
    if incident.status == S.CLOSED and not reason:
        raise ValidationError({"reason": _("Indiquez pourquoi le signalement est rouvert.")})
    # The outcome stays in the history (the closing transition's reason).
    incident.outcome = ""
    incident.closed_at = None
    return _move(incident, S.BEING_HANDLED, by, reason=reason, fields={"outcome", "closed_at"})


# Declarations to the authority ----------------------------------------------------------------


def _declarable(incident: Incident) -> None:
    if not incident.serious_malfunction_to_declare:
        raise ValidationError(
            _(
                "Ce signalement n'est pas qualifié comme dysfonctionnement grave à déclarer : "
                "qualifiez-le d'abord."
            )
        )


def _not_future(value, field, errors, label):
    if value and value > timezone.now() + timedelta(minutes=5):
        errors[field] = _("%(what)s ne peut pas être dans le futur.") % {"what": label}


@transaction.atomic
def prepare_declaration(
    incident: Incident,
    *,
    expected_version,
    discovered_at,
    facts: str,
    measures_taken: str,
    media_impact: str = "",
    justice_habilitation: bool = False,
    by,
) -> Declaration:
    """Write (or correct) the content of the declaration of a serious malfunction: the mandated
    content of the arrêté du 28 décembre 2016."""
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    _declarable(incident)
    errors = {}
    if discovered_at is None:
        errors["discovered_at"] = _("Indiquez quand les faits ont été découverts.")
    elif discovered_at < incident.occurred_at:
        errors["discovered_at"] = _("La découverte ne peut pas précéder les faits.")
    _not_future(discovered_at, "discovered_at", errors, _("La découverte"))
    if not (facts or "").strip():
        errors["facts"] = _("Décrivez les faits.")
    if not (measures_taken or "").strip():
        errors["measures_taken"] = _("Indiquez les mesures prises.")
    if errors:
        raise ValidationError(errors)
    declaration = Declaration.objects.filter(incident=incident).first() or Declaration(
        incident=incident, prepared_by=by
    )
    declaration.discovered_at = discovered_at
    declaration.facts = facts.strip()
    declaration.measures_taken = measures_taken.strip()
    declaration.media_impact = (media_impact or "").strip()
    declaration.justice_habilitation = bool(justice_habilitation)
    declaration.save()
    _save(incident, set())
    return declaration


def _declaration(incident: Incident) -> Declaration:
    declaration = Declaration.objects.select_for_update().filter(incident=incident).first()
    if declaration is None:
        raise ValidationError(_("Rédigez d'abord la déclaration."))
    return declaration


@transaction.atomic
def record_alert(
    incident: Incident, *, expected_version, alerted_at, alerted_by, alerted_to: str, by, staff=None
) -> Declaration:
    """The authority was alerted without delay, orally (telephone): when, by whom, to whom.
    `staff` (the village's team) is checked when given."""
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    declaration = _declaration(incident)
    errors = {}
    if alerted_at is None:
        errors["alerted_at"] = _("Indiquez quand l'autorité a été alertée.")
    elif alerted_at < incident.occurred_at:
        errors["alerted_at"] = _("L'alerte ne peut pas précéder les faits.")
    _not_future(alerted_at, "alerted_at", errors, _("L'alerte"))
    if alerted_by is None or (staff is not None and alerted_by not in staff):
        errors["alerted_by"] = _("Choisissez qui a alerté l'autorité parmi l'équipe du village.")
    if not (alerted_to or "").strip():
        errors["alerted_to"] = _("Indiquez qui a reçu l'alerte.")
    if (
        declaration.confirmed_at
        and alerted_at
        and alerted_at > declaration.confirmed_at
        and "alerted_at" not in errors
    ):
        errors["alerted_at"] = _("L'alerte ne peut pas suivre la confirmation écrite.")
    if errors:
        raise ValidationError(errors)
    declaration.alerted_at = alerted_at
    declaration.alerted_by = alerted_by
    declaration.alerted_to = alerted_to.strip()
    declaration.save(update_fields=["alerted_at", "alerted_by", "alerted_to"])
    _save(incident, set())
    return declaration


@transaction.atomic
def record_confirmation(incident: Incident, *, expected_version, confirmed_at, by) -> Declaration:
    """The alert was confirmed in writing (the declaration sent)."""
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    declaration = _declaration(incident)
    errors = {}
    if declaration.alerted_at is None:
        raise ValidationError(_("Enregistrez d'abord l'alerte donnée à l'autorité."))
    if confirmed_at is None:
        errors["confirmed_at"] = _("Indiquez quand la déclaration a été envoyée par écrit.")
    elif confirmed_at < declaration.alerted_at:
        errors["confirmed_at"] = _("La confirmation écrite ne peut pas précéder l'alerte.")
    _not_future(confirmed_at, "confirmed_at", errors, _("La confirmation"))
    if errors:
        raise ValidationError(errors)
    declaration.confirmed_at = confirmed_at
    declaration.save(update_fields=["confirmed_at"])
    _save(incident, set())
    return declaration


@transaction.atomic
def record_information(
    incident: Incident, *, expected_version, cvs_informed_on=None, families_informed_on=None, by
) -> Declaration:
    """The participation council (CVS) and, where appropriate, the families were informed; the
    user recording a date is recorded as who informed them."""
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    declaration = _declaration(incident)
    errors = {}
    today = timezone.localdate()
    occurred = timezone.localdate(incident.occurred_at)
    for field, value in (
        ("cvs_informed_on", cvs_informed_on),
        ("families_informed_on", families_informed_on),
    ):
        if value and value > today:
            errors[field] = _("La date ne peut pas être dans le futur.")
        elif value and value < occurred:
            errors[field] = _("La date ne peut pas précéder les faits.")
    if not cvs_informed_on and not families_informed_on:
        errors["cvs_informed_on"] = _("Indiquez au moins une date.")
    if errors:
        raise ValidationError(errors)
    fields = []
    for name, value in (("cvs", cvs_informed_on), ("families", families_informed_on)):
        if value and value != getattr(declaration, f"{name}_informed_on"):
            setattr(declaration, f"{name}_informed_on", value)
            setattr(declaration, f"{name}_informed_by", by)
            fields += [f"{name}_informed_on", f"{name}_informed_by"]
    if fields:
        declaration.save(update_fields=fields)
        _save(incident, set())
    return declaration


# Information préoccupante and signalement ------------------------------------------------------


def _transmission_dates(errors, incident, transmitted_at, received_on, kind):
    if transmitted_at is None:
        errors["transmitted_at"] = _("Indiquez quand la transmission a été faite.")
    elif transmitted_at < incident.occurred_at:
        errors["transmitted_at"] = _("La transmission ne peut pas précéder les faits.")
    _not_future(transmitted_at, "transmitted_at", errors, _("La transmission"))
    if received_on is None:
        return
    if kind != Transmission.Kind.INFORMATION_PREOCCUPANTE:
        errors["received_on"] = _(
            "La date de réception par la CRIP ne vaut que pour une information préoccupante."
        )
    elif received_on > timezone.localdate():
        errors["received_on"] = _("La date ne peut pas être dans le futur.")
    elif transmitted_at and received_on < timezone.localdate(transmitted_at):
        errors["received_on"] = _("La CRIP ne peut pas l'avoir reçue avant la transmission.")


@transaction.atomic
def record_transmission(
    incident: Incident,
    *,
    expected_version,
    kind: str,
    transmitted_at,
    transmitted_by,
    recipient: str,
    copy_to: str = "",
    received_on=None,
    by,
    staff=None,
) -> Transmission:
    """An information préoccupante sent to the département's CRIP, or a signalement sent to the
    procureur with its copy to the département: what, when (not in the future, not before the
    facts), by whom (`staff`, the village's team, checked when given), to whom; for an
    information préoccupante, the day the CRIP received it when known."""
    _require(by, incident.establishment_id, "qualify")
    incident = _locked(incident, expected_version)
    errors = {}
    if kind not in Transmission.Kind.values:
        errors["kind"] = _("Choisissez ce qui a été transmis.")
    if transmitted_by is None or (staff is not None and transmitted_by not in staff):
        errors["transmitted_by"] = _("Choisissez qui a transmis parmi l'équipe du village.")
    if not (recipient or "").strip():
        errors["recipient"] = _("Indiquez à qui la transmission a été adressée.")
    copy_to = (copy_to or "").strip()
    if kind == Transmission.Kind.SIGNALEMENT and not copy_to:
        errors["copy_to"] = _(
            "Un signalement au procureur est adressé en copie au président du conseil "
            "départemental : indiquez à qui."
        )
    _transmission_dates(errors, incident, transmitted_at, received_on, kind)
    if errors:
        raise ValidationError(errors)
    transmission = Transmission.objects.create(
        incident=incident,
        kind=kind,
        transmitted_at=transmitted_at,
        transmitted_by=transmitted_by,
        recipient=recipient.strip(),
        copy_to=copy_to,
        received_on=received_on,
        created_by=by,
    )
    _save(incident, set())
    return transmission


@transaction.atomic
def record_transmission_follow_up(
    transmission: Transmission,
    *,
    expected_version,
    transmitted_at=None,
    transmitted_by=None,
    received_on=None,
    outcome: str = "",
    outcome_on=None,
    by,
    staff=None,
) -> Transmission:
    """What became of a transmission: the day the CRIP received an information préoccupante
    (which sets its evaluation deadline), the outcome and the day it became known; and, for a
    record taken over from the former qualification checkboxes, when and by whom it was
    transmitted (never rewritten once known)."""
    _require(by, transmission.incident.establishment_id, "qualify")
    incident = _locked(transmission.incident, expected_version)
    transmission = Transmission.objects.select_for_update().get(pk=transmission.pk)
    errors = {}
    fields = set()
    if transmission.transmitted_at is None:
        if transmitted_by is None or (staff is not None and transmitted_by not in staff):
            errors["transmitted_by"] = _("Choisissez qui a transmis parmi l'équipe du village.")
        transmission.transmitted_at, transmission.transmitted_by = transmitted_at, transmitted_by
        fields |= {"transmitted_at", "transmitted_by"}
    _transmission_dates(
        errors, incident, transmission.transmitted_at, received_on, transmission.kind
    )
    outcome = outcome or ""
    if outcome and outcome not in Transmission.Outcome.values:
        errors["outcome"] = _("Choisissez la suite donnée.")
    if bool(outcome) != bool(outcome_on):
        field = "outcome_on" if outcome else "outcome"
        errors[field] = _("Indiquez la suite donnée et le jour où elle a été connue.")
    elif outcome_on:
        if outcome_on > timezone.localdate():
            errors["outcome_on"] = _("La date ne peut pas être dans le futur.")
        elif transmission.transmitted_at and outcome_on < timezone.localdate(
            transmission.transmitted_at
        ):
            errors["outcome_on"] = _("La suite ne peut pas précéder la transmission.")
        elif received_on and outcome_on < received_on:
            errors["outcome_on"] = _("La suite ne peut pas précéder la réception par la CRIP.")
    if not (received_on or outcome or fields):
        errors["received_on"] = _("Indiquez la réception par la CRIP ou la suite donnée.")
    if errors:
        raise ValidationError(errors)
    transmission.received_on = received_on
    transmission.outcome, transmission.outcome_on = outcome, outcome_on
    transmission.save(update_fields={"received_on", "outcome", "outcome_on", *fields})
    _save(incident, set())
    return transmission


# Drafts of reports ----------------------------------------------------------------------------

DRAFT_FIELDS = ("occurred_at", "place", "narrative", "adults_involved", "immediate_measures")


@transaction.atomic
def save_draft(*, establishment, data: dict, by) -> IncidentDraft | None:
    """Keep what the reporter has typed so far (the text fields and the children's roles);
    an empty form deletes the draft."""
    _require(by, establishment.pk, "report")
    kept = {
        key: str(value)[:10_000]
        for key, value in data.items()
        if (key in DRAFT_FIELDS or key.startswith("child_")) and str(value).strip()
    }
    if not any(
        kept.get(k) for k in ("place", "narrative", "adults_involved", "immediate_measures")
    ) and not any(k.startswith("child_") for k in kept):
        IncidentDraft.objects.filter(author=by, establishment=establishment).delete()
        return None
    draft, _created = IncidentDraft.objects.update_or_create(
        author=by, establishment=establishment, defaults={"data": json.dumps(kept)}
    )
    return draft


def discard_draft(*, establishment, by) -> None:
    IncidentDraft.objects.filter(author=by, establishment=establishment).delete()
