"""The council's documents (founding act, internal rules, others): uploads checked like every
upload, versioned by date; a representative of the children tied to her file reads them, and
the published minutes, from her space, never another child's file."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.participation import council as services
from ancrage.participation.models import CouncilDocument
from tests.conftest import login
from tests.kernel.test_uploads import pdf
from tests.placements.factories import tiny_pdf

TODAY = datetime.date.today()


@pytest.fixture
def director(world):
    return world.users[Role.ESTABLISHMENT_DIRECTOR]


@pytest.fixture
def council(world, director):
    services.record_meeting(
        world.village, director, held_on=calendar.add_days(TODAY, -30), agenda="Installation"
    )
    return world.village.council


def upload(name="reglement.pdf", content=None):
    return SimpleUploadedFile(name, content or tiny_pdf(), content_type="application/pdf")


def elect_lea(world, director):
    services.record_election(
        world.village,
        director,
        college="children",
        held_on=calendar.add_days(TODAY, -10),
        seats=2,
        ballots=12,
        results="Léa Martin ; 7\nNoah Durand ; 5",
        term_years=2,
    )
    return world.village.council.members.get(name="Léa Martin")


def test_council_document_upload_is_checked_and_versioned(client, world, director, council):
    login(client, director)
    url = f"/villages/{world.village.pk}/conseil/documents/nouveau/"
    data = {"kind": "internal_rules", "title": "", "effective_on": "2025-01-01"}
    active = pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    refused = client.post(url, {**data, "file": upload(content=active)})
    assert refused.status_code == 422 and CouncilDocument.objects.count() == 0
    assert 'aria-describedby="id_file' in refused.content.decode()
    assert client.post(url, {**data, "file": upload()}).status_code == 302
    assert client.post(url, {**data, "effective_on": "2026-01-01", "file": upload()}).status_code
    first, second = CouncilDocument.objects.order_by("effective_on")
    assert first.original_name != "reglement.pdf"  # the browser's name is never kept
    page = client.get(f"/villages/{world.village.pk}/conseil/").content.decode()
    assert "Règlement intérieur" in page and "remplacée" in page
    response = client.get(f"/conseil/documents/{first.pk}/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attach")
    other = client.post(url, {**data, "kind": "other", "file": upload()})
    assert other.status_code == 422 and "Donnez un titre" in other.content.decode()


def test_a_document_needs_an_installed_council(world, director):
    with pytest.raises(ValidationError):
        services.add_document(
            world.village,
            director,
            kind="founding_act",
            title="",
            effective_on=TODAY,
            uploaded=upload(),
        )


def test_child_members_see_the_council_documents_not_other_files(client, world, director, council):
    document = services.add_document(
        world.village,
        director,
        kind="founding_act",
        title="",
        effective_on=calendar.add_days(TODAY, -20),
        uploaded=upload(),
    )
    world.child.birth_date = calendar.add_years(TODAY, -16)
    world.child.save(update_fields=["birth_date"])
    youth = world.users[Role.YOUTH]
    login(client, youth)
    before = client.get("/mon-espace/conseil/").content.decode()
    assert "Acte d&#x27;institution" not in before and "Je suis membre" not in before
    assert client.get(f"/mon-espace/conseil/documents/{document.pk}/").status_code == 404
    member = elect_lea(world, director)
    login(client, director)
    response = client.post(f"/conseil/membres/{member.pk}/dossier/", {"person": world.child.pk})
    assert response.status_code == 302
    login(client, youth)
    page = client.get("/mon-espace/conseil/").content.decode()
    assert "Je suis membre du conseil" in page and "Acte d&#x27;institution" in page
    assert client.get(f"/mon-espace/conseil/documents/{document.pk}/").status_code == 200
    # the council's documents, never another child's file nor the staff's council pages
    assert client.get(f"/personnes/{world.sibling.reference}/").status_code == 404
    assert client.get(f"/villages/{world.village.pk}/conseil/").status_code == 403
    assert client.get(f"/conseil/documents/{document.pk}/").status_code == 403


def test_a_member_file_is_a_child_of_the_village(world, director, council):
    member = elect_lea(world, director)
    with pytest.raises(ValidationError) as refused:
        services.link_member(member, director, person=world.outsider)
    assert "person" in refused.value.message_dict
    services.record_election(
        world.village,
        director,
        college="staff",
        held_on=TODAY,
        seats=1,
        ballots=8,
        results="Sam Roux ; 6",
        term_years=2,
    )
    staff_member = world.village.council.members.get(name="Sam Roux")
    with pytest.raises(ValidationError):
        services.link_member(staff_member, director, person=world.child)


def test_young_people_read_the_published_minutes(client, world, director, council):
    meeting = council.meetings.get()
    meeting.minutes = "Les sorties du samedi reprennent."
    meeting.save(update_fields=["minutes"])
    services.add_opinion(meeting, director, kind="proposal", text="Un baby-foot")
    world.child.birth_date = calendar.add_years(TODAY, -16)
    world.child.save(update_fields=["birth_date"])
    login(client, world.users[Role.YOUTH])
    assert "Les sorties du samedi" not in client.get("/mon-espace/conseil/").content.decode()
    services.validate_minutes(meeting, director)
    page = client.get("/mon-espace/conseil/").content.decode()
    assert "Les sorties du samedi" in page and "Un baby-foot" in page
    assert "pas encore répondu" in page


def test_council_pages_query_count(client, world, director, council, django_assert_max_num_queries):
    for day in (-20, -10):
        services.add_document(
            world.village,
            director,
            kind="internal_rules",
            title="",
            effective_on=calendar.add_days(TODAY, day),
            uploaded=upload(),
        )
    elect_lea(world, director)
    login(client, director)
    with django_assert_max_num_queries(20):
        assert client.get(f"/villages/{world.village.pk}/conseil/").status_code == 200
    world.child.birth_date = calendar.add_years(TODAY, -16)
    world.child.save(update_fields=["birth_date"])
    login(client, world.users[Role.YOUTH])
    with django_assert_max_num_queries(18):
        assert client.get("/mon-espace/conseil/").status_code == 200
