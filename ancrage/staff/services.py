"""Writes of the staff register: an adult entered in an establishment's register, one
transaction each, refusals as French ValidationErrors at the field that caused them."""

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel.calendar import add_months
from ancrage.kernel.uploads import check_upload, display_name
from ancrage.kernel.versions import locked
from ancrage.staff.models import (
    Attestation,
    CodeOfConduct,
    CodeSignature,
    Course,
    StaffMember,
    Training,
)
from ancrage.staff.standing import attestation_recorded, open_standing, training_recorded


def add_staff_member(
    establishment,
    *,
    by,
    username: str = "",
    person=None,
    kind: str,
    role_with_children: str,
    start_date,
    end_date=None,
) -> StaffMember:
    """Enter an employee or a volunteer in the establishment's register: a user of Ancrage
    (named by their login) or a person of the registry, once per establishment."""
    user = None
    username = (username or "").strip()
    if username and person is not None:
        raise ValidationError(
            {"username": _("Indiquez un compte ou une personne du registre, pas les deux.")}
        )
    if username:
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None or user.person_id:
            raise ValidationError(
                {"username": _("Aucun compte actif du personnel ne porte cet identifiant.")}
            )
    elif person is None:
        raise ValidationError(
            {"username": _("Indiquez le compte de la personne, ou sa référence dans le registre.")}
        )
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("La fin ne peut pas précéder le début.")})
    member = StaffMember(
        establishment=establishment,
        user=user,
        person=person,
        kind=kind,
        role_with_children=role_with_children,
        start_date=start_date,
        end_date=end_date,
        created_by=by,
    )
    try:
        with transaction.atomic():
            member.save()
            open_standing(member)
    except IntegrityError:
        field = "username" if user else "reference"
        raise ValidationError(
            {field: _("Cette personne est déjà inscrite au registre de cet établissement.")}
        ) from None
    return member


MEMBER_FIELDS = ("kind", "role_with_children", "start_date", "end_date")


@transaction.atomic
def change_staff_member(member, changes: dict, *, by, expected_version=None) -> StaffMember:
    """Correct an entry of the register, or close it with its end date (the person left): the
    entry and its attestations, signatures and trainings stay, as the history of who worked with
    the children. A form built from an older version than the row's is refused (`StaleEdit`)."""
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise ValidationError(
            _("Champs inconnus : %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    member = locked(member, expected_version)
    start = changes.get("start_date", member.start_date)
    end = changes.get("end_date", member.end_date)
    if end is not None and start is not None and end < start:
        raise ValidationError({"end_date": _("La fin ne peut pas précéder le début.")})
    changed = [name for name, value in changes.items() if getattr(member, name) != value]
    for name in changed:
        setattr(member, name, changes[name])
    if changed:
        member.save(update_fields=changed)
    return member


def record_attestation(
    member,
    *,
    by,
    outcome: str,
    issued_on,
    verified_on=None,
    reference: str = "",
    director_decision: str = "",
    today=None,
) -> Attestation:
    """Record an attestation d'honorabilité of a staff member, verified online by `by`: its date,
    the verification's date and reference, and its renewal date (the setting's months after it
    was issued). A refusal ("non délivrée") takes its date and the director's decision, nothing
    of the record itself."""
    today = today or timezone.localdate()
    reference = (reference or "").strip()
    director_decision = (director_decision or "").strip()
    errors = {}
    if outcome == Attestation.Outcome.DELIVERED:
        if verified_on is None:
            errors["verified_on"] = _("Indiquez la date de la vérification en ligne.")
        elif verified_on < issued_on:
            errors["verified_on"] = _("La vérification ne peut pas précéder la délivrance.")
        elif verified_on > add_months(issued_on, settings.STAFF_ATTESTATION_MAX_AGE_MONTHS):
            errors["issued_on"] = _(
                "L'attestation doit avoir moins de %(months)d mois quand elle est vérifiée : "
                "demandez-en une nouvelle."
            ) % {"months": settings.STAFF_ATTESTATION_MAX_AGE_MONTHS}
        if not reference:
            errors["reference"] = _("Indiquez la référence donnée par la vérification en ligne.")
        renewal_due = add_months(issued_on, settings.STAFF_ATTESTATION_RENEWAL_MONTHS)
        if not errors and renewal_due <= today:
            errors["issued_on"] = _(
                "Cette attestation n'est plus valable : elle était à renouveler le %(day)s."
            ) % {"day": f"{renewal_due:%d/%m/%Y}"}
        director_decision = ""
    elif outcome == Attestation.Outcome.NOT_DELIVERED:
        if not director_decision:
            errors["director_decision"] = _(
                "Indiquez la décision de la direction (par exemple : recrutement abandonné, "
                "fin de l'engagement)."
            )
        verified_on, reference, renewal_due = None, "", None
    else:
        errors["outcome"] = _("Choisissez : délivrée ou non délivrée.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        attestation = Attestation.objects.create(
            staff_member=member,
            outcome=outcome,
            issued_on=issued_on,
            verified_on=verified_on,
            verified_by=by if outcome == Attestation.Outcome.DELIVERED else None,
            reference=reference,
            renewal_due=renewal_due,
            director_decision=director_decision,
            recorded_by=by,
        )
        # the stored summary the homes' flags read (staff.standing), in the same transaction
        attestation_recorded(attestation)
    return attestation


def publish_code(organisation, *, by, version: str, effective_on, uploaded) -> CodeOfConduct:
    """Publish a new version of the association's code of conduct (its document checked by
    kernel.uploads, stored under a random name): from its date, everybody is asked to sign it."""
    version = (version or "").strip()
    if not version:
        raise ValidationError({"version": _("Indiquez le numéro ou le nom de la version.")})
    try:
        checked = uploaded if hasattr(uploaded, "extension") else check_upload(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    if CodeOfConduct.objects.filter(organisation=organisation, version=version).exists():
        raise ValidationError({"version": _("Cette version du code de conduite existe déjà.")})
    code = CodeOfConduct(
        organisation=organisation,
        version=version,
        effective_on=effective_on,
        original_name=display_name(
            _("code de conduite %(v)s") % {"v": version}, effective_on, checked.extension
        ),
        content_type=checked.content_type,
        size=checked.size,
        published_by=by,
    )
    code.file.save(
        secrets.token_hex(16) + checked.extension, ContentFile(checked.content), save=False
    )
    try:
        with transaction.atomic():
            code.save()
    except Exception:
        code.file.storage.delete(code.file.name)
        raise
    return code


def current_code(organisation_id, today=None):
    """The version of the code of conduct in force today for the organisation, or None."""
    today = today or timezone.localdate()
    return (
        CodeOfConduct.objects.filter(organisation_id=organisation_id, effective_on__lte=today)
        .order_by("-effective_on", "-pk")
        .first()
    )


def sign_code(member, code, *, by, signed_on=None) -> CodeSignature:
    """Record that the staff member signed this version of the code (themselves, on their page,
    or on paper, recorded by the director or human resources)."""
    signed_on = signed_on or timezone.localdate()
    if code.organisation_id != member.establishment.organisation_id:
        raise ValidationError(_("Ce code de conduite n'est pas celui de l'établissement."))
    if signed_on < timezone.localtime(code.published_at).date():
        raise ValidationError(
            {"signed_on": _("La signature ne peut pas précéder la publication de cette version.")}
        )
    with transaction.atomic():
        signature, created = CodeSignature.objects.get_or_create(
            code=code,
            staff_member=member,
            defaults={"signed_on": signed_on, "recorded_by": by},
        )
    if not created:
        raise ValidationError(_("Cette version du code de conduite est déjà signée."))
    return signature


def sign_own(user, today=None) -> list[CodeSignature]:
    """The user signs, for each of their entries, the code of conduct in force that they have
    not signed yet."""
    today = today or timezone.localdate()
    signatures = []
    with transaction.atomic():
        for member in StaffMember.objects.own(user).present(today).select_related("establishment"):
            code = current_code(member.establishment.organisation_id, today)
            if code and not code.signatures.filter(staff_member=member).exists():
                signatures.append(sign_code(member, code, by=user, signed_on=today))
    if not signatures:
        raise ValidationError(_("Vous n'avez aucun code de conduite à signer."))
    return signatures


def add_course(organisation, *, name: str, kind: str) -> Course:
    """Add a safeguarding course to the association's catalogue."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Indiquez l'intitulé de la formation.")})
    if Course.objects.filter(organisation=organisation, name=name).exists():
        raise ValidationError({"name": _("Cette formation est déjà au catalogue.")})
    with transaction.atomic():
        return Course.objects.create(organisation=organisation, name=name, kind=kind)


def record_training(member, *, by, course, attended_on) -> Training:
    """Record a course the staff member attended."""
    if course.organisation_id != member.establishment.organisation_id:
        raise ValidationError(
            {"course": _("Cette formation n'est pas au catalogue de l'établissement.")}
        )
    with transaction.atomic():
        training = Training.objects.create(
            staff_member=member, course=course, attended_on=attended_on, recorded_by=by
        )
        training_recorded(training)
    return training
