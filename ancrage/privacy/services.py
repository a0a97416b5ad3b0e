"""Writes of the retention: holds placed and lifted, a run's dry run, approval and run, each file
archived or anonymised in one transaction, the traces purged by their own rules."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel import personal_data
from ancrage.kernel.audit import record_access
from ancrage.kernel.calendar import add_months
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.scopes import reach
from ancrage.people.models import Person
from ancrage.privacy.models import (
    ArchiveAccess,
    FileStatus,
    Hold,
    Outcome,
    RetentionRule,
    RetentionRun,
)
from ancrage.privacy.retention import DueFile


def place_hold(user, person: Person, establishment_id: int, reason: str) -> Hold:
    """The establishment keeps this file out of the retention run; the reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Dites pourquoi le dossier est gelé.")})
    if establishment_id not in reach(user, "retention_hold", "change").establishments:
        raise ValidationError({"establishment": _("Choisissez un de vos établissements.")})
    with transaction.atomic():
        if Hold.objects.active().filter(person=person, establishment_id=establishment_id).exists():
            raise ValidationError(
                {"reference": _("Ce dossier est déjà gelé par cet établissement.")}
            )
        return Hold.objects.create(
            person=person, establishment_id=establishment_id, reason=reason, placed_by=user
        )


def lift_hold(user, hold: Hold, reason: str) -> Hold:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"lift_reason": _("Dites pourquoi le gel est levé.")})
    with transaction.atomic():
        hold = Hold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at:
            raise ValidationError(_("Ce gel est déjà levé."))
        if hold.establishment_id not in reach(user, "retention_hold", "change").establishments:
            raise ValidationError(_("Seul l'établissement qui a posé le gel peut le lever."))
        hold.lifted_at, hold.lifted_by, hold.lift_reason = timezone.now(), user, reason
        hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return hold


def approve_run(user, run: RetentionRun) -> RetentionRun:
    """A director or the DPO approves the dry run; the run itself is then started (by the
    caller, as a job: `privacy.jobs.RUN`)."""
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.state != RetentionRun.State.PROPOSED:
            raise ValidationError(_("Seule une simulation prête peut être approuvée."))
        run.state, run.approved_by, run.approved_at = (
            RetentionRun.State.APPROVED,
            user,
            timezone.now(),
        )
        run.save(update_fields=["state", "approved_by", "approved_at"])
    return run


def cancel_run(user, run: RetentionRun) -> RetentionRun:
    with transaction.atomic():
        run = RetentionRun.objects.select_for_update().get(pk=run.pk)
        if run.state not in (RetentionRun.State.DRY_RUN, RetentionRun.State.PROPOSED):
            raise ValidationError(_("Ce passage ne peut plus être abandonné."))
        run.state = RetentionRun.State.CANCELLED
        run.finished_at = timezone.now()
        run.save(update_fields=["state", "finished_at"])
    return run


def apply_to_file(run: RetentionRun | None, file: DueFile) -> str:
    """Archive or anonymise one file, all in one transaction: every app's anonymiser runs, or
    none does (an error rolls the whole file back, and the next run finds it due again).
    Returns what was done ("archive", "anonymise", or "" when another run did it first)."""
    deleted_files: list[str] = []
    with transaction.atomic():
        # The person's row is the file's lock: two runs never work on one file at once.
        Person.objects.select_for_update().filter(pk=file.person_id).first()
        status = FileStatus.objects.filter(person_id=file.person_id).first()
        now = timezone.now()
        if status and status.state == FileStatus.State.ANONYMISED:
            return ""
        if file.outcome == Outcome.ARCHIVE:
            if status:
                return ""
            FileStatus.objects.create(
                person_id=file.person_id,
                state=FileStatus.State.ARCHIVED,
                archived_at=now,
                run=run,
                establishment_id=file.establishment_id,
            )
            return Outcome.ARCHIVE
        for anonymiser in personal_data.anonymisers():
            deleted_files.extend(anonymiser.anonymise(file.person_id) or [])
        FileStatus.objects.update_or_create(
            person_id=file.person_id,
            defaults={"state": FileStatus.State.ANONYMISED, "anonymised_at": now, "run": run},
        )
        transaction.on_commit(lambda: [default_storage.delete(name) for name in deleted_files])
    return Outcome.ANONYMISE


def _midnight(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def purge_traces(today=None) -> dict[str, int]:
    """Delete the access events older than ACCESS_LOG_RETENTION_MONTHS and the change audit
    older than its own rule (`change_audit`)."""
    today = today or timezone.localdate()
    access_from = _midnight(add_months(today, -settings.ACCESS_LOG_RETENTION_MONTHS))
    access, _details = AccessEvent.objects.filter(at__lt=access_from).delete()
    changes = 0
    rule = RetentionRule.objects.filter(code="change_audit").first()
    if rule:
        changes_from = _midnight(add_months(today, -rule.active_months))
        changes, _details = LogEntry.objects.filter(timestamp__lt=changes_from).delete()
    return {"access_events": access, "changes": changes}


MINIMUM_REASON_LENGTH = 20


def open_archive(user, reference: str, reason: str) -> ArchiveAccess:
    """Open an archived file for a written reason and a limited time: its establishment's
    director or the national director of its organisation. The opening is an access event."""
    reason = (reason or "").strip()
    if len(reason) < MINIMUM_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("Expliquez le motif en %(n)d caractères au moins.")
                % {"n": MINIMUM_REASON_LENGTH}
            }
        )
    where = reach(user, "archive", "use")
    status = (
        FileStatus.objects.filter(
            where.filter(
                establishment="establishment_id", organisation="establishment__organisation_id"
            ),
            state=FileStatus.State.ARCHIVED,
            person__reference=(reference or "").strip().upper(),
        )
        .select_related("person")
        .first()
    )
    if status is None:
        raise ValidationError(
            {"reference": _("Aucun dossier archivé de votre périmètre ne porte cette référence.")}
        )
    now = timezone.now()
    with transaction.atomic():
        access = ArchiveAccess.objects.create(
            user=user,
            person=status.person,
            reason=reason,
            granted_at=now,
            expires_at=now + timedelta(minutes=settings.BREAK_GLASS_MINUTES),
        )
        record_access(
            user, [status.person], "privacy.archive_open", AccessEvent.Action.BREAK_GLASS, reason
        )
    return access


def anonymise_past_records(organisation_id: int, today=None) -> dict[str, int]:
    """The records that name someone without being a person's file, anonymised by the run
    under their own rule (each kind in one transaction, the change audit of what is erased
    forgotten): the council members whose term ended more than the `council_member` rule's
    months ago, and the staff accounts without a person record whose every membership ended
    more than the staff files' rule's (`staff_file`) months ago."""
    from ancrage.accounts.models import Membership, User
    from ancrage.participation.models import CouncilMember

    today = today or timezone.localdate()
    rules = {rule.code: rule for rule in RetentionRule.objects.all()}
    counts = {"council_members": 0, "accounts": 0}
    rule = rules.get("council_member")
    if rule:
        members = CouncilMember.objects.filter(
            council__establishment__organisation_id=organisation_id,
            term_end__lt=add_months(today, -rule.active_months),
        ).exclude(name=personal_data.ANONYMOUS_NAME)
        with transaction.atomic():
            ids = list(members.select_for_update(of=("self",)).values_list("pk", flat=True))
            personal_data.forget_changes(CouncilMember, ids)
            counts["council_members"] = CouncilMember.objects.filter(pk__in=ids).update(
                name=personal_data.ANONYMOUS_NAME
            )
    rule = rules.get("staff_file")
    if rule:
        limit = add_months(today, -rule.active_months)
        in_organisation = Membership.objects.filter(
            Q(organisation_id=organisation_id)
            | Q(establishment__organisation_id=organisation_id)
            | Q(unit__establishment__organisation_id=organisation_id)
        )
        still_there = Membership.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=limit))
        accounts = (
            User.objects.filter(person__isnull=True, pk__in=in_organisation.values("user_id"))
            .exclude(pk__in=still_there.values("user_id"))
            .exclude(username__startswith=ANONYMOUS_ACCOUNT)
        )
        with transaction.atomic():
            ids = list(accounts.select_for_update(of=("self",)).values_list("pk", flat=True))
            personal_data.forget_changes(User, ids)
            for pk in ids:
                User.objects.filter(pk=pk).update(
                    username=f"{ANONYMOUS_ACCOUNT}{pk}",
                    first_name=personal_data.ANONYMOUS_NAME,
                    last_name="",
                    email="",
                    is_active=False,
                    password="!",  # unusable: no password opens it any more
                )
            counts["accounts"] = len(ids)
    return counts


# The username prefix of an anonymised staff account (its number follows).
ANONYMOUS_ACCOUNT = "anonyme-"
