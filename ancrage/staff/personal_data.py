"""What the staff register registers in `kernel.personal_data`: the last contact of a staff
file held on a person of the registry (a volunteer without an account: the end of the
engagement), the engagements still running, a person's share of a subject-access export, and
what an anonymisation erases (the free texts; the dates, the attestations' outcomes and the
trainings stay for the establishment's records)."""

from __future__ import annotations

from datetime import date

from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from ancrage.kernel import personal_data as registry
from ancrage.kernel.personal_data import as_records, forget_changes
from ancrage.staff.models import Attestation, CodeSignature, StaffMember, Training


def _entries(person_id: int):
    """The person's entries: held on the person, or on the account of the person."""
    return StaffMember.objects.filter(Q(person_id=person_id) | Q(user__person_id=person_id))


def contacts(today: date):
    return (
        StaffMember.objects.filter(person__isnull=False)
        .values("person_id", "establishment_id")
        .annotate(last=Max(Coalesce("end_date", "start_date")))
        .values_list("person_id", "establishment_id", "last")
        .order_by()
    )


def running(today: date):
    return (
        StaffMember.objects.filter(person__isnull=False)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .values_list("person_id", flat=True)
    )


def export(person_id: int) -> list[dict]:
    return _export(_entries(person_id))


def export_account(user_id: int) -> list[dict]:
    """The entries of a staff member known only by their account (no person record)."""
    return _export(StaffMember.objects.filter(user_id=user_id))


def _export(entries) -> list[dict]:
    rows = []
    for entry in entries.select_related("establishment"):
        row = as_records([entry], exclude=("created_by", "user", "person"))[0]
        row["attestations d'honorabilité"] = as_records(
            Attestation.objects.filter(staff_member=entry), exclude=("recorded_by",)
        )
        row["code de conduite"] = as_records(
            CodeSignature.objects.filter(staff_member=entry).select_related("code"),
            exclude=("recorded_by",),
        )
        row["formations"] = as_records(
            Training.objects.filter(staff_member=entry).select_related("course"),
            exclude=("recorded_by",),
        )
        rows.append(row)
    return rows


def anonymise(person_id: int):
    entries = StaffMember.objects.filter(person_id=person_id)
    forget_changes(StaffMember, entries.values_list("pk", flat=True))
    entries.update(role_with_children="-")
    attestations = Attestation.objects.filter(staff_member__in=entries)
    forget_changes(Attestation, attestations.values_list("pk", flat=True))
    # A delivered attestation keeps a reference and a refusal its decision (their
    # constraints): the placeholder stands in for the words.
    attestations.exclude(reference="").update(reference="-")
    attestations.exclude(director_decision="").update(director_decision="-")
    return []


def register() -> None:
    """Called by `StaffConfig.ready()`."""
    registry.register_contact_source(
        registry.ContactSource("staff", registry.STAFF, contacts, running)
    )
    registry.register_exporter(
        registry.Exporter("staff", _("Registre du personnel et des bénévoles"), export)
    )
    registry.register_account_exporter(
        registry.Exporter("staff", _("Registre du personnel et des bénévoles"), export_account)
    )
    registry.register_anonymiser(registry.Anonymiser("staff", anonymise))
    registry.register_processing(PROCESSING)


# This app's entry in the register of processing activities (art. 30): declared here, once.
PROCESSING = registry.Processing(
    "staff",
    _("Gestion du personnel et des bénévoles"),
    (
        _("Tenir le registre du personnel, vérifier l'honorabilité"),
        _("Suivre les formations et la signature du code de conduite"),
        _("Répartir le temps de travail par section analytique"),
    ),
    (
        _("Obligation légale (art. 6.1.c) : Code du travail L1221-13 ; CASF L133-6"),
        _("Exécution du contrat de travail (art. 6.1.b)"),
    ),
    (_("Salariés, bénévoles, stagiaires"),),
    (
        _("Identité, fonctions, dates, attestation d'honorabilité (sans le bulletin)"),
        _("Contrats (durée, coût), feuilles de temps"),
    ),
    (_("Ressources humaines, direction, gestionnaire"), _("Financeurs : agrégats")),
    frameworks=(registry.STAFF,),
    retention_note=_(
        "Le compte d'un salarié sans dossier suit la même règle, à compter de la fin de sa "
        "dernière affectation : il est alors anonymisé et fermé."
    ),
    criteria=("vulnerable",),
    position=70,
)
