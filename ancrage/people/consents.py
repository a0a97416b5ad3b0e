"""A person's consents, one mechanism for every kind (`Consent`): the image rights the privacy
app records per use, and the consent to share data with a partner an O2R referral carries.
Recorded here, withdrawn here; what a consent in force allows is read at every use
(`Consent.objects.in_force`), never copied."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.people.models import Consent, Person


def sharing_errors(given_on, form, terms) -> dict:
    """The field errors of a consent to share with a partner: when, how and to what."""
    errors = {}
    if given_on is None:
        errors["consent_on"] = _("Indiquez la date du consentement.")
    elif given_on > timezone.localdate():
        errors["consent_on"] = _("Le consentement ne peut pas être daté du futur.")
    if not (form or "").strip():
        errors["consent_how"] = _("Indiquez comment le consentement a été recueilli.")
    if not (terms or "").strip():
        errors["consent_text"] = _("Notez ce que la personne a accepté.")
    return errors


def record_sharing_consent(
    user, person: Person, *, partner, given_on: date, form: str, terms: str
) -> Consent:
    """The person's own consent to share their data with `partner` (an establishment), with no
    end: it runs until it is withdrawn. The caller validated it (`sharing_errors`) in its own
    transaction."""
    return Consent.objects.create(
        person=person,
        kind=Consent.Kind.PARTNER_SHARING,
        partner=partner,
        given_by=Consent.GivenBy.SELF,
        signatories=person.full_name,
        child_opinion=Consent.Opinion.AGREES,
        form=form.strip(),
        terms=terms.strip(),
        given_on=given_on,
        recorded_by=user,
    )


@transaction.atomic
def withdraw_consent(user, consent: Consent, note: str) -> Consent:
    """Withdrawn at once (today): from this request on, what it allowed is refused (a photo or a
    video hidden, a referral no longer welcomed)."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"withdrawal_note": _("Dites qui a retiré le consentement et comment.")}
        )
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on:
        raise ValidationError(_("Ce consentement est déjà retiré."))
    consent.withdrawn_on = timezone.localdate()
    consent.withdrawn_by = user
    consent.withdrawal_note = note
    consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawal_note"])
    return consent
