"""Referrals from the villages: sent with the young person's consent, welcomed by a counsellor."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.insertion import tallies
from ancrage.insertion.models import (
    Beneficiary,
    VillageReferral,
)
from ancrage.insertion.services.programme import programme_for
from ancrage.insertion.summary import record_change
from ancrage.organisation.models import Establishment
from ancrage.people.consents import record_sharing_consent, sharing_errors
from ancrage.people.models import Person


@transaction.atomic
def refer_from_village(
    person: Person, *, village, service, by, consent_on, consent_how, consent_text
) -> VillageReferral:
    """A head of service or director refers a young person of 16 or over, with their consent
    to share their data with the service, recorded as one of their consents."""
    errors = sharing_errors(consent_on, consent_how, consent_text)
    age = person.age()
    if age is None or age < 16:
        errors["__all__"] = _("L'orientation vers l'O2R concerne les jeunes de 16 ans et plus.")
    if service.kind != Establishment.Kind.O2R_SERVICE:
        errors["service"] = _("Choisissez un service O2R.")
    if VillageReferral.objects.filter(person=person, service=service, status="pending").exists():
        errors["__all__"] = _("Une orientation vers ce service est déjà en attente.")
    if errors:
        raise ValidationError(errors)
    consent = record_sharing_consent(
        by, person, partner=service, given_on=consent_on, form=consent_how, terms=consent_text
    )
    return VillageReferral.objects.create(
        person=person, village=village, service=service, referred_by=by, consent=consent
    )


@transaction.atomic
def accept_referral(referral: VillageReferral, *, team, by, commune, efop_territory) -> Beneficiary:
    """The counsellor welcomes the young person: a beneficiary on the same person, flagged
    "left child protection", the village's consent carried over."""
    # The consent's row locked with the referral's: a withdrawal waits for the welcome, or the
    # welcome sees it.
    referral = (
        VillageReferral.objects.select_for_update().select_related("consent").get(pk=referral.pk)
    )
    if referral.status != VillageReferral.Status.PENDING:
        raise ValidationError(_("Cette orientation a déjà été traitée."))
    if team.establishment_id != referral.service_id:
        raise ValidationError(_("Cette orientation est adressée à un autre service."))
    consent = referral.consent
    if not consent.in_force_on(timezone.localdate()):
        raise ValidationError(
            _(
                "Le jeune a retiré son consentement au partage : l'orientation ne peut être "
                "accueillie."
            )
        )
    programme = programme_for(team)
    if Beneficiary.objects.filter(programme=programme, person=referral.person).exists():
        raise ValidationError(_("Cette personne est déjà bénéficiaire du programme."))
    beneficiary = Beneficiary.objects.create(
        programme=programme,
        service_id=referral.service_id,
        team=team,
        person=referral.person,
        source=Beneficiary.Source.VILLAGE,
        commune=commune,
        efop_territory=efop_territory,
        consent_on=consent.given_on,
        consent_how=consent.form,
        consent_by=referral.referred_by,
        left_child_protection=True,
    )
    tallies.beneficiary_added(beneficiary)
    referral.status = VillageReferral.Status.ACCEPTED
    referral.beneficiary = beneficiary
    referral.save(update_fields=["status", "beneficiary"])
    record_change(programme)
    return beneficiary
