"""Image rights (droit à l'image): the image consents per person and per use (`people.Consent`,
kind image: recorded here with their rules, withdrawn by `people.consents.withdraw_consent`); the
photos and videos of a person's file, attached only under a consent in force for their use and
shown only while one is (`PersonMedia.objects.consented`).

Who consents: for a minor, the holders of parental authority (or the tutor, or the service that
holds it by delegation), with the child's own opinion recorded (Code civil art. 371-1: the
parents associate the child to the decisions about them, by age and maturity; art. 372-1 on the
image since the law of 19 February 2024); a child who opposes is followed (nothing is in force).
From 18, the young person alone. A consent given for a minor ends at their majority at the
latest: the young adult consents again, for themselves."""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel.calendar import add_days, majority
from ancrage.kernel.uploads import check_media_upload, display_name
from ancrage.people.models import Consent, ImageUse, Person
from ancrage.privacy.models import PersonMedia

# The types a photo or a video may have (a PDF is a document, not an image).
MEDIA_TYPES = frozenset({"image/png", "image/jpeg", "video/mp4", "video/webm"})


def is_minor(person: Person, day: date) -> bool:
    return person.birth_date is not None and day < majority(person.birth_date)


@transaction.atomic
def record_consent(
    user,
    person: Person,
    *,
    use: str,
    given_by: str,
    signatories: str,
    child_opinion: str,
    given_on: date,
    expires_on: date,
    child_words: str = "",
) -> Consent:
    errors = {}
    signatories = (signatories or "").strip()
    if not signatories:
        errors["signatories"] = _("Nommez qui a signé le consentement.")
    if use not in ImageUse.values:
        errors["use"] = _("Choisissez l'usage.")
    if expires_on <= given_on:
        errors["expires_on"] = _("La fin de validité suit la date du consentement.")
    if is_minor(person, given_on):
        if given_by == Consent.GivenBy.SELF:
            errors["given_by"] = _(
                "Pour un enfant mineur, le consentement est donné par les titulaires de "
                "l'autorité parentale."
            )
        if child_opinion == Consent.Opinion.ADULT:
            errors["child_opinion"] = _("Recueillez l'avis de l'enfant, selon son âge.")
        end = add_days(majority(person.birth_date), -1)
        if expires_on > end:
            errors["expires_on"] = _(
                "Un consentement donné pour un mineur prend fin à sa majorité, le %(d)s au plus "
                "tard : la personne consentira ensuite elle-même."
            ) % {"d": end.strftime("%d/%m/%Y")}
    else:
        if given_by != Consent.GivenBy.SELF:
            errors["given_by"] = _("Une personne majeure consent elle-même.")
        child_opinion = Consent.Opinion.ADULT
    if errors:
        raise ValidationError(errors)
    return Consent.objects.create(
        person=person,
        kind=Consent.Kind.IMAGE,
        use=use,
        given_by=given_by,
        signatories=signatories,
        child_opinion=child_opinion,
        child_words=(child_words or "").strip(),
        given_on=given_on,
        expires_on=expires_on,
        recorded_by=user,
    )


def attach_media(user, person: Person, *, use: str, caption: str, taken_on: date, file):
    """A photo or a video joins the file only under a consent in force for its use: a PNG or
    JPEG checked and re-encoded (its metadata, a GPS position among them, dropped), or an MP4 or
    WebM whose container was parsed (`kernel.uploads.check_media_upload`), stored under a random
    name and only ever served as an attachment."""
    caption = (caption or "").strip()
    if not caption:
        raise ValidationError({"caption": _("Donnez une légende à la photo ou à la vidéo.")})
    checked = file if hasattr(file, "extension") else check_media_upload(file)
    if checked.content_type not in MEDIA_TYPES:
        raise ValidationError(
            {"file": _("Une photo est une image PNG ou JPEG, une vidéo un fichier MP4 ou WebM.")}
        )
    with transaction.atomic():
        # A withdrawal committed at the same moment needs no lock here: what is shown is read
        # against the consents at every request (`PersonMedia.objects.consented`).
        in_force = Consent.objects.in_force().filter(person=person, use=use).exists()
        if not in_force:
            raise ValidationError(
                {
                    "use": _(
                        "Aucun consentement en vigueur pour cet usage : la photo ou la vidéo ne "
                        "peut pas être jointe au dossier."
                    )
                }
            )
        media = PersonMedia(
            person=person,
            use=use,
            caption=caption,
            taken_on=taken_on,
            original_name=display_name(
                _("video") if checked.content_type.startswith("video/") else _("photo"),
                taken_on,
                checked.extension,
            ),
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=user,
        )
        media.file.save(
            secrets.token_hex(16) + checked.extension, ContentFile(checked.content), save=False
        )
        try:
            media.save()
        except Exception:
            media.file.storage.delete(media.file.name)
            raise
    return media


# --- Reads ------------------------------------------------------------------------------------


def image_rights_of(person: Person) -> dict:
    """What the person's consents page shows: the image consents, the uses in force, the photos
    and videos shown and how many are hidden for want of a consent, per use; the consents to
    share with a partner."""
    today = timezone.localdate()
    every = list(
        Consent.objects.filter(person=person).select_related(
            "recorded_by", "withdrawn_by", "partner"
        )
    )
    for consent in every:
        consent.state_label = consent.state(today)
        consent.is_in_force = consent.in_force_on(today)
    consents = [consent for consent in every if consent.kind == Consent.Kind.IMAGE]
    in_force = {consent.use for consent in consents if consent.is_in_force}
    media = PersonMedia.objects.filter(person=person)
    hidden = dict(
        media.without_consent(today)
        .values("use")
        .annotate(n=Count("pk"))
        .values_list("use", "n")
        .order_by()
    )
    return {
        "consents": consents,
        # The consents to share with a partner, withdrawn from the same page.
        "sharing": [consent for consent in every if consent.kind != Consent.Kind.IMAGE],
        "uses": [
            {"value": value, "label": label, "in_force": value in in_force}
            for value, label in ImageUse.choices
        ],
        "media": list(media.consented(today).select_related("uploaded_by")),
        "hidden_media": [
            {"label": ImageUse(use).label, "count": count} for use, count in sorted(hidden.items())
        ],
    }


def visible_consent(user, pk) -> Consent:
    return get_object_or_404(
        Consent.objects.filter(person__in=Person.objects.visible_to(user)).select_related("person"),
        pk=pk,
    )


def visible_media(user, pk) -> PersonMedia:
    """A photo of a person in the user's scope, with a consent in force for its use (404
    otherwise: a photo whose consent was withdrawn is not served any more)."""
    return get_object_or_404(
        PersonMedia.objects.consented()
        .filter(person__in=Person.objects.visible_to(user))
        .select_related("person"),
        pk=pk,
    )
