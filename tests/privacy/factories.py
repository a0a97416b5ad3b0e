"""Image rights in the test world: a consent and a photo on Léa's file and on the outsider's."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_years, majority
from ancrage.people.models import Person
from ancrage.privacy import consents
from tests.placements.factories import tiny_png


def png_upload(name="photo.png"):
    return SimpleUploadedFile(name, tiny_png(), content_type="image/png")


def minor(person, age=10):
    """Make `person` `age` years old today (the consent rules depend on it)."""
    person.birth_date = add_years(timezone.localdate(), -age)
    Person.objects.filter(pk=person.pk).update(birth_date=person.birth_date)
    return person


def consent(person, by, use="internal", **fields):
    today = timezone.localdate()
    return consents.record_consent(
        by,
        person,
        use=use,
        given_by=fields.pop("given_by", "parents"),
        signatories=fields.pop("signatories", "Sandrine Martin, Paul Martin"),
        child_opinion=fields.pop("child_opinion", "agrees"),
        child_words=fields.pop("child_words", "Oui, pour l'album de la maison."),
        given_on=fields.pop("given_on", today - datetime.timedelta(days=10)),
        expires_on=fields.pop("expires_on", today + datetime.timedelta(days=200)),
    )


def photo(person, by, use="internal", caption="Sortie au lac"):
    return consents.attach_media(
        by,
        person,
        use=use,
        caption=caption,
        taken_on=timezone.localdate(),
        file=png_upload(),
    )


def consent_in_force(person, by):
    """A consent for internal use whoever gives it at the person's age (their birth date is
    left as it is)."""
    today = timezone.localdate()
    if consents.is_minor(person, today):
        end = min(today + datetime.timedelta(days=200), majority(person.birth_date))
        return consent(person, by, expires_on=end - datetime.timedelta(days=1))
    return consent(person, by, given_by="self")


def add_image_rights(world):
    """world.image_consent and world.child_media on Léa's file; other_… on the outsider's."""
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    for prefix, person in (("", world.child), ("other_", world.outsider)):
        setattr(world, f"{prefix}image_consent", consent_in_force(person, director))
        setattr(world, f"{prefix}child_media", photo(person, director))
