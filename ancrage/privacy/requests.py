"""Requests of a person about their data (RGPD art. 15, 16, 21): recorded with the identity
check, due within one month of receipt and extendable to three months with a reason (art.
12.3, counted by `kernel.calendar`), reviewed by the director of the establishment that received
it, then, for an access request, exported as a ZIP (a readable PDF summary and a JSON file of
every section the apps registered in `kernel.personal_data`), built by a job."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.accounts.models import User
from ancrage.kernel import personal_data
from ancrage.kernel.audit import record_access
from ancrage.kernel.calendar import add_months
from ancrage.kernel.documents import render_pdf
from ancrage.kernel.jobs import JobFile, JobKind, start_job
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.people.models import Person
from ancrage.placements.scopes import files_of_organisation
from ancrage.privacy.models import Decision, SubjectRequest

ANSWER_MONTHS = 1
EXTENDED_MONTHS = 3


EXPORT_STYLESHEET = (
    Path(__file__).resolve().parent / "templates" / "privacy" / "subject_export_pdf.css"
)


def persons_reachable(user):
    """The persons a request may be recorded for: those the user follows, or, for the
    organisation's roles (the DPO), the files of their organisation."""
    where = reach(user, "subject_request", "change")
    if where.organisations:
        return files_of_organisation(sorted(where.organisations))
    return Person.objects.visible_to(user)


def accounts_reachable(user):
    """The staff accounts without a person record a request may be recorded for: those with a
    membership (current or past) in the user's establishments or organisations."""
    where = reach(user, "subject_request", "change")
    return User.objects.filter(
        Q(memberships__establishment_id__in=sorted(where.establishments))
        | Q(memberships__unit__establishment_id__in=sorted(where.establishments))
        | Q(memberships__organisation_id__in=sorted(where.organisations))
        | Q(memberships__establishment__organisation_id__in=sorted(where.organisations))
        | Q(memberships__unit__establishment__organisation_id__in=sorted(where.organisations)),
        person__isnull=True,
    ).distinct()


@transaction.atomic
def record_request(user, *, reference: str, **fields) -> SubjectRequest:
    where = reach(user, "subject_request", "change")
    establishment = fields["establishment"]
    if not (
        establishment.pk in where.establishments
        or establishment.organisation_id in where.organisations
    ):
        raise ValidationError(
            {"establishment": _("Choisissez un établissement de votre périmètre.")}
        )
    person = persons_reachable(user).filter(reference=reference.strip().upper()).first()
    account = (
        None if person else accounts_reachable(user).filter(username=reference.strip()).first()
    )
    if person is None and account is None:
        raise ValidationError(
            {
                "reference": _(
                    "Aucun dossier de votre périmètre ne porte cette référence, et aucun compte "
                    "de salarié sans dossier cet identifiant."
                )
            }
        )
    return SubjectRequest.objects.create(
        person=person,
        account=account,
        identity_checked_by=user,
        due_on=add_months(fields["received_on"], ANSWER_MONTHS),
        **fields,
    )


@transaction.atomic
def extend_request(user, request: SubjectRequest, reason: str) -> SubjectRequest:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"extension_reason": _("Dites pourquoi le délai est prolongé.")})
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.extension_reason:
        raise ValidationError(_("Le délai a déjà été prolongé (trois mois au plus)."))
    request.extension_reason = reason
    request.due_on = add_months(request.received_on, EXTENDED_MONTHS)
    request.save(update_fields=["extension_reason", "due_on"])
    return request


@transaction.atomic
def review_request(user, request: SubjectRequest) -> SubjectRequest:
    """The director of the establishment that received the request authorises the answer."""
    if request.establishment_id not in reach(user, "subject_request", "change").establishments:
        raise ValidationError(
            _("L'examen revient à la direction de l'établissement qui a reçu la demande.")
        )
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != SubjectRequest.State.RECEIVED:
        raise ValidationError(_("Cette demande a déjà été examinée."))
    request.state, request.reviewed_by, request.reviewed_at = (
        SubjectRequest.State.APPROVED,
        user,
        timezone.now(),
    )
    request.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    return request


@transaction.atomic
def decide_request(user, request: SubjectRequest, decision: str, reason: str) -> SubjectRequest:
    """The answer to a rectification (art. 16) or an objection (art. 21), after the director's
    review: granted (what was corrected, what stops), partly or refused, always with its reason
    (art. 12.4: a refusal says why and that the person may complain to the CNIL). The decision
    is written to the person's access log and to the change audit."""
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise ValidationError({"decision": _("Choisissez la décision.")})
    if not reason:
        raise ValidationError(
            {"decision_reason": _("Dites ce qui a été fait, ou pourquoi la demande est refusée.")}
        )
    request = SubjectRequest.objects.select_for_update().get(pk=request.pk)
    if request.kind == SubjectRequest.Kind.ACCESS:
        raise ValidationError(_("Une demande d'accès est répondue par son export."))
    if request.state == SubjectRequest.State.RECEIVED:
        raise ValidationError(_("La décision suit l'examen de la demande par la direction."))
    if request.state == SubjectRequest.State.ANSWERED:
        raise ValidationError(_("Cette demande a déjà reçu sa réponse."))
    request.decision, request.decision_reason = decision, reason
    request.decided_by, request.decided_at = user, timezone.now()
    request.state = SubjectRequest.State.ANSWERED
    request.save(update_fields=["decision", "decision_reason", "decided_by", "decided_at", "state"])
    record_access(
        user,
        [request.person_id] if request.person_id else [],
        "privacy.request_decide",
        AccessEvent.Action.VIEW,
        _("%(kind)s : %(decision)s")
        % {"kind": request.get_kind_display(), "decision": request.get_decision_display()},
    )
    return request


def start_export(user, request: SubjectRequest):
    if request.kind != SubjectRequest.Kind.ACCESS or request.state == SubjectRequest.State.RECEIVED:
        raise ValidationError(_("L'export suit l'examen de la demande d'accès par la direction."))
    job = start_job(user, EXPORT.name, {"request": request.pk})
    SubjectRequest.objects.filter(pk=request.pk).update(export_job=job)
    return job


def export_sections(person_id: int) -> list[dict]:
    return [
        {"name": exporter.name, "label": str(exporter.label), "records": exporter.export(person_id)}
        for exporter in personal_data.exporters()
    ]


def export_account_sections(user_id: int) -> list[dict]:
    """The sections of a staff account without a person record: the account, its memberships,
    its staff entries, contracts and time sheets, the log of its own actions."""
    return [
        {"name": exporter.name, "label": str(exporter.label), "records": exporter.export(user_id)}
        for exporter in personal_data.account_exporters()
    ]


def export_archive(request: SubjectRequest, sections_done=lambda: None) -> bytes:
    """The ZIP of an access request: the readable PDF summary and the JSON of every section
    (`export_sections`)."""
    sections = (
        export_sections(request.person_id)
        if request.person_id
        else export_account_sections(request.account_id)
    )
    sections_done()
    today = timezone.localdate()
    document = {
        "demande": {
            "type": request.get_kind_display(),
            "reçue le": request.received_on.isoformat(),
            "réponse due le": request.due_on.isoformat(),
            "référence": request.subject_label,
        },
        "sections": {section["name"]: section for section in sections},
    }
    pdf = render_pdf(
        "privacy/subject_export.pdf.html",
        {"request": request, "sections": sections, "today": today},
        stylesheet=EXPORT_STYLESHEET,
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("synthese.pdf", pdf)
        archive.writestr(
            "donnees.json", json.dumps(document, ensure_ascii=False, indent=2, default=str)
        )
    return out.getvalue()


def run_export(job, progress) -> JobFile:
    request = (
        SubjectRequest.objects.visible_to(job.started_by, "change")
        .select_related("person", "account", "establishment")
        .filter(pk=job.params.get("request"))
        .first()
    )
    if request is None or request.state == SubjectRequest.State.RECEIVED:
        raise ValidationError(_("Cette demande n'est pas prête pour l'export."))
    progress(0, 3)
    archive = export_archive(request, lambda: progress(1, 3))
    progress(2, 3)
    with transaction.atomic():
        record_access(
            job.started_by,
            [request.person_id] if request.person_id else [],
            "privacy.subject_export",
            AccessEvent.Action.EXPORT,
            _("Demande d'accès (art. 15) reçue le %(day)s") % {"day": request.received_on},
        )
        SubjectRequest.objects.filter(pk=request.pk).update(state=SubjectRequest.State.ANSWERED)
    return JobFile(archive, f"demande-acces-{request.subject_label}.zip", "application/zip")


EXPORT = JobKind(
    name="subject_access_export",
    label=gettext_lazy("Export d'une demande d'accès (RGPD art. 15)"),
    permission=("subject_request", "change"),
    run=run_export,
    back=lambda job: reverse("privacy:request", args=[job.params.get("request")]),
)
