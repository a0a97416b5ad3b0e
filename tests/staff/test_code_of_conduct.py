"""The code of conduct: versions published by the national director or human resources, signed
by each adult (date, version); a new version asks everyone again; the unsigned are listed."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ancrage.kernel.access import Role
from ancrage.staff.models import CodeOfConduct, CodeSignature
from ancrage.staff.services import sign_code, sign_own
from tests.accounts.factories import UserFactory
from tests.conftest import login
from tests.placements.factories import tiny_pdf
from tests.staff.factories import enter, publish

TODAY = timezone.localdate()


def unsigned_names(client, world):
    page = client.get(f"/personnel/etablissements/{world.village.pk}/")
    return sorted(m.name for m in page.context["unsigned"])


def test_new_code_version_asks_again(client, world):
    hr = world.users[Role.HR]
    parent = enter(world.users[Role.HOUSE_PARENT], world.village, by=hr)
    aide = enter(world.users[Role.FAMILY_AIDE], world.village, by=hr)
    first = publish(world.organisation, hr, "2025-1")
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    assert unsigned_names(client, world) == ["Agent Family-aide", "Agent House-parent"]
    sign_code(parent, first, by=hr)
    sign_own(world.users[Role.FAMILY_AIDE])
    assert unsigned_names(client, world) == []
    # a new version: everybody is asked again
    second = publish(world.organisation, hr, "2026-1")
    assert unsigned_names(client, world) == ["Agent Family-aide", "Agent House-parent"]
    assert "2 personnes n'ont pas signé le code de conduite" in client.get("/").content.decode()
    sign_own(world.users[Role.HOUSE_PARENT])
    assert unsigned_names(client, world) == ["Agent Family-aide"]
    # the signatures keep their version and date
    assert sorted(
        CodeSignature.objects.filter(staff_member=parent).values_list("code__version", "signed_on")
    ) == [("2025-1", TODAY), ("2026-1", TODAY)]
    assert second.signatures.get().staff_member == parent
    # nothing is signed twice
    with pytest.raises(ValidationError):
        sign_code(parent, second, by=hr)
    with pytest.raises(ValidationError):
        sign_own(world.users[Role.HOUSE_PARENT])
    assert aide.signatures.count() == 1


def test_staff_member_signs_on_their_own_page(client, world):
    enter(world.users[Role.HOUSE_PARENT], world.village)
    code = publish(world.organisation, world.users[Role.HR], "2026-1")
    login(client, world.users[Role.HOUSE_PARENT])
    page = client.get("/personnel/moi/").content.decode()
    assert "je signe le code de conduite (version 2026-1)" in page
    # they read the document they sign
    document = client.get(f"/personnel/code-de-conduite/{code.pk}/")
    assert document.status_code == 200 and document["Content-Type"] == "application/pdf"
    response = client.post("/personnel/moi/signer/")
    assert response.status_code == 302
    assert "Version 2026-1 signée le" in client.get("/personnel/moi/").content.decode()


def test_national_director_or_hr_publishes_a_version(client, world):
    login(client, world.users[Role.HR])
    url = "/personnel/code-de-conduite/publier/"
    data = {
        "organisation": world.organisation.pk,
        "version": "2026-2",
        "effective_on": TODAY.isoformat(),
    }
    refused = client.post(url, {**data, "file": SimpleUploadedFile("x.pdf", b"<html>")})
    assert refused.context["form"].errors["file"]
    response = client.post(
        url, {**data, "file": SimpleUploadedFile("c.pdf", tiny_pdf(), "application/pdf")}
    )
    assert response.status_code == 302
    code = CodeOfConduct.objects.get(version="2026-2")
    assert code.original_name.endswith(".pdf") and code.published_by == world.users[Role.HR]
    again = client.post(
        url, {**data, "file": SimpleUploadedFile("c.pdf", tiny_pdf(), "application/pdf")}
    )
    assert "existe déjà" in str(again.context["form"].errors["version"])
    # a director keeps the register, not the association's code
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    page = client.post(
        url, {**data, "version": "2026-3", "file": SimpleUploadedFile("c.pdf", tiny_pdf())}
    )
    assert page.context["form"].errors["organisation"]


def test_director_records_a_paper_signature(client, world):
    member = enter(UserFactory(), world.village)
    publish(world.organisation, world.users[Role.HR])
    login(client, world.users[Role.ESTABLISHMENT_DIRECTOR])
    url = f"/personnel/membres/{member.pk}/signature/"
    assert client.post(url, {"signed_on": "2100-01-01"}).context["form"].errors["signed_on"]
    assert client.post(url, {"signed_on": TODAY.isoformat()}).status_code == 302
    assert member.signatures.get().signed_on == TODAY


def test_nobody_outside_reads_a_code(client, world):
    code = publish(world.other_organisation, world.users[Role.HR])
    enter(world.users[Role.HOUSE_PARENT], world.village)
    for role in (Role.HOUSE_PARENT, Role.ESTABLISHMENT_DIRECTOR, Role.FINANCE):
        login(client, world.users[role])
        assert client.get(f"/personnel/code-de-conduite/{code.pk}/").status_code == 404
