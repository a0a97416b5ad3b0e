"""Image rights: a consent per person and per use, given by the holders of parental authority
with the child's opinion (the person alone once an adult), dated, expiring, withdrawable; a photo
joins a file only under a consent in force for its use, and is hidden as soon as it is not."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_years, majority
from ancrage.kernel.models import AccessEvent
from ancrage.people.consents import withdraw_consent
from ancrage.people.models import Consent
from ancrage.privacy.contributions import anonymise_image_rights, export_image_rights
from ancrage.privacy.models import PersonMedia
from tests.conftest import login
from tests.media_files import mp4, webm
from tests.privacy.factories import consent, minor, photo, png_upload


@pytest.fixture
def director(world):
    return world.users[Role.ESTABLISHMENT_DIRECTOR]


def test_photo_refused_without_a_consent_in_force_for_its_use(world, director):
    minor(world.child)
    with pytest.raises(ValidationError) as refused:
        photo(world.child, director)
    assert "use" in refused.value.message_dict
    consent(world.child, director, use="internal")
    with pytest.raises(ValidationError):
        photo(world.child, director, use="press")  # consent for internal use only
    assert photo(world.child, director, use="internal").pk
    assert PersonMedia.objects.count() == 1


def test_withdrawn_image_consent_hides_media(world, director):
    minor(world.child)
    given = consent(world.child, director)
    media = photo(world.child, director)
    assert list(PersonMedia.objects.consented()) == [media]
    with pytest.raises(ValidationError):
        withdraw_consent(director, given, "")
    withdraw_consent(director, given, "La mère, par courrier du 2 décembre.")
    assert not PersonMedia.objects.consented().exists()
    assert list(PersonMedia.objects.without_consent()) == [media]
    with pytest.raises(ValidationError):
        withdraw_consent(director, given, "Encore.")


def test_expired_image_consent_hides_media(world, director):
    minor(world.child)
    consent(world.child, director, expires_on=timezone.localdate() + datetime.timedelta(days=3))
    photo(world.child, director)
    later = timezone.localdate() + datetime.timedelta(days=4)
    assert PersonMedia.objects.consented().exists()
    assert not PersonMedia.objects.consented(later).exists()


def test_child_who_opposes_is_followed(world, director):
    minor(world.child, age=12)
    recorded = consent(world.child, director, child_opinion="opposes", child_words="Non.")
    assert recorded.state() == "Refusé (l'enfant s'y oppose)"
    assert not Consent.objects.in_force().exists()
    with pytest.raises(ValidationError):
        photo(world.child, director)


def test_minor_consent_is_given_by_parental_authority_not_the_child(world, director):
    minor(world.child, age=15)
    with pytest.raises(ValidationError) as refused:
        consent(world.child, director, given_by="self")
    assert "given_by" in refused.value.message_dict


def test_parents_consent_ends_at_majority(world, director):
    minor(world.child, age=17)
    eighteen = majority(world.child.birth_date)
    with pytest.raises(ValidationError) as refused:
        consent(world.child, director, expires_on=eighteen)
    assert "expires_on" in refused.value.message_dict
    assert consent(world.child, director, expires_on=add_days(eighteen, -1)).pk


def test_adult_consents_alone(world, director):
    world.child.birth_date = add_years(timezone.localdate(), -19)
    world.child.save()
    with pytest.raises(ValidationError) as refused:
        consent(world.child, director, given_by="parents")
    assert "given_by" in refused.value.message_dict
    recorded = consent(world.child, director, given_by="self", child_opinion="agrees")
    assert recorded.child_opinion == Consent.Opinion.ADULT


def test_image_rights_are_exported_and_anonymised(world, director):
    minor(world.child)
    consent(world.child, director)
    media = photo(world.child, director)
    exported = export_image_rights(world.child.pk)
    assert exported[0]["signataires"] == "Sandrine Martin, Paul Martin"
    assert exported[1]["photo"] == "Sortie au lac"
    assert anonymise_image_rights(world.child.pk) == [media.file.name]
    assert not PersonMedia.objects.exists()
    kept = Consent.objects.get()
    assert (kept.signatories, kept.child_words, kept.use) == ("-", "", "internal")


def test_image_rights_page_flags_hidden_photos(client, world, director, django_assert_num_queries):
    minor(world.child)
    given = consent(world.child, director)
    photo(world.child, director, caption="Anniversaire")
    consent(world.child, director, use="publications")
    photo(world.child, director, use="publications", caption="Journal de Noël")
    withdraw_consent(director, given, "Le père, par téléphone.")
    login(client, director)
    url = reverse("privacy:image_rights", args=[world.child.reference])
    with django_assert_num_queries(9):
        page = client.get(url).content.decode()
    assert "Journal de Noël" in page and "Anniversaire" not in page
    assert "1 photo ou vidéo masquée" in page
    assert AccessEvent.objects.filter(person=world.child, what="privacy.image_rights").exists()


def test_consent_recorded_and_withdrawn_through_the_pages(client, world, director):
    minor(world.child)
    login(client, director)
    today = timezone.localdate()
    url = reverse("privacy:consent_add", args=[world.child.reference])
    data = {
        "use": "press",
        "given_by": "parents",
        "signatories": "Sandrine Martin",
        "child_opinion": "agrees",
        "child_words": "D'accord si on ne dit pas mon nom.",
        "given_on": today.isoformat(),
        "expires_on": (today - datetime.timedelta(days=1)).isoformat(),
    }
    refused = client.post(url, data).content.decode()
    assert "La fin de validité suit la date du consentement." in refused
    assert not Consent.objects.exists()
    data["expires_on"] = (today + datetime.timedelta(days=90)).isoformat()
    assert client.post(url, data).status_code == 302
    recorded = Consent.objects.get()
    withdraw = reverse("privacy:consent_withdraw", args=[recorded.pk])
    assert client.post(withdraw, {"withdrawal_note": "La mère, au village."}).status_code == 302
    recorded.refresh_from_db()
    assert recorded.withdrawn_on == today and recorded.withdrawn_by == director


def test_photo_added_through_the_page_only_under_consent(client, world):
    house_parent = world.users[Role.HOUSE_PARENT]
    minor(world.child)
    login(client, house_parent)
    url = reverse("privacy:media_add", args=[world.child.reference])
    data = {"use": "internal", "caption": "Pique-nique", "taken_on": timezone.localdate()}
    page = client.post(url, {**data, "file": png_upload()}).content.decode()
    assert "Aucun consentement en vigueur pour cet usage" in page
    consent(world.child, world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert client.post(url, {**data, "file": png_upload()}).status_code == 302
    media = PersonMedia.objects.get()
    response = client.get(reverse("privacy:media_download", args=[media.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    Consent.objects.update(withdrawn_on=timezone.localdate(), withdrawn_by=house_parent)
    assert client.get(reverse("privacy:media_download", args=[media.pk])).status_code == 404


def test_photos_of_a_file_out_of_scope_answer_404(client, world, director):
    minor(world.stranger)
    consent(world.stranger, director)
    media = photo(world.stranger, director)
    login(client, director)
    assert client.get(reverse("privacy:media_download", args=[media.pk])).status_code == 404
    url = reverse("privacy:image_rights", args=[world.stranger.reference])
    assert client.get(url).status_code == 404


def test_video_refused_without_a_consent_in_force_and_hidden_once_withdrawn(client, world):
    """A video follows the photo's rule: attached only under a consent in force for its use,
    hidden at once when it is withdrawn, served only as an attachment of its own type."""
    house_parent = world.users[Role.HOUSE_PARENT]
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    minor(world.child)
    login(client, house_parent)
    url = reverse("privacy:media_add", args=[world.child.reference])
    data = {"use": "internal", "caption": "Spectacle de fin d'année", "taken_on": "2026-06-20"}
    video = SimpleUploadedFile("spectacle.mp4", mp4(), content_type="video/mp4")
    page = client.post(url, {**data, "file": video}).content.decode()
    assert "Aucun consentement en vigueur pour cet usage" in page
    assert not PersonMedia.objects.exists()
    given = consent(world.child, director)
    disguised = SimpleUploadedFile("spectacle.webm", mp4(), content_type="video/webm")
    page = client.post(url, {**data, "file": disguised}).content.decode()
    assert "ne correspond pas à son extension" in page
    video = SimpleUploadedFile("spectacle.webm", webm(), content_type="video/webm")
    assert client.post(url, {**data, "file": video}).status_code == 302
    media = PersonMedia.objects.get()
    assert (media.content_type, media.original_name) == ("video/webm", "video-2026-06-20.webm")
    download = reverse("privacy:media_download", args=[media.pk])
    response = client.get(download)
    assert response["Content-Type"] == "video/webm"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == webm()
    withdraw_consent(director, given, "La mère, par courrier.")
    assert client.get(download).status_code == 404
    page = client.get(reverse("privacy:image_rights", args=[world.child.reference]))
    assert "Spectacle de fin d'année" not in page.content.decode()
