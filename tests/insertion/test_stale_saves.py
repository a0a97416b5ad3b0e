"""Stale saves on the O2R accompaniment (ancrage/kernel/versions.py): two counsellors open the
beneficiary's file, the first extends the accompaniment, the second's extension from the same
file is refused with "Ce dossier a été modifié entre-temps" and what changed, the first one's
extension kept until the second submits again."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.insertion.models import Accompaniment
from ancrage.kernel.access import Role
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conftest import login
from tests.insertion.factories import add_o2r_plans
from tests.kernel.test_stale_saves import data_of

pytestmark = pytest.mark.django_db


def file_form_data(response, name, **changes) -> dict:
    """The POST a person makes from the file's form `name` as shown, with `changes` typed in."""
    return data_of(SimpleNamespace(context={"form": response.context["forms"][name]}), **changes)


def two_counsellors(world):
    colleague = UserFactory(username="second-counsellor")
    colleague.save()  # as the world's users: the factory's password is set after creation
    MembershipFactory(
        user=colleague,
        role=Role.O2R_COUNSELLOR,
        unit=world.o2r_team,
        start_date=datetime.date(2024, 1, 1),
    )
    a, b = Client(), Client()
    login(a, world.users[Role.O2R_COUNSELLOR])
    login(b, User.objects.get(pk=colleague.pk))
    return a, b


def test_stale_save_is_detected_on_the_extension_of_an_accompaniment(o2r_files):
    world = add_o2r_plans(o2r_files)
    beneficiary = world.planned_beneficiary
    accompaniment = Accompaniment.objects.get(beneficiary=beneficiary)
    a, b = two_counsellors(world)
    file_url = reverse("insertion:beneficiary", args=[beneficiary.pk])
    url = reverse("insertion:extend", args=[beneficiary.pk])
    page_a, page_b = a.get(file_url), b.get(file_url)
    assert page_a.status_code == page_b.status_code == 200
    today = timezone.localdate()
    theirs = accompaniment.limit_date + datetime.timedelta(days=30)
    mine = accompaniment.limit_date + datetime.timedelta(days=60)
    typed = {"extend-decided_on": today.isoformat()}
    saved = a.post(
        url,
        file_form_data(
            page_a, "extend", **typed, **{"extend-until": theirs, "extend-reason": "Motif de A"}
        ),
    )
    assert saved.status_code == 302
    refused = b.post(
        url,
        file_form_data(
            page_b, "extend", **typed, **{"extend-until": mine, "extend-reason": "Motif de B"}
        ),
    )
    assert refused.status_code == 422
    content = refused.content.decode()
    assert "modifié entre-temps" in content
    assert "Motif de A" in content  # what the other counsellor saved
    assert "Motif de la prolongation" in content  # by its label
    form = refused.context["forms"]["extend"]
    assert form["reason"].value() == "Motif de B"  # what B typed is kept
    accompaniment.refresh_from_db()
    assert (accompaniment.limit_date, accompaniment.extension_reason) == (theirs, "Motif de A")
    again = b.post(url, file_form_data(refused, "extend"))
    assert again.status_code == 302  # submitting again is a deliberate choice: it saves
    accompaniment.refresh_from_db()
    assert (accompaniment.limit_date, accompaniment.extension_reason) == (mine, "Motif de B")


def test_an_extension_without_its_version_is_refused_and_saves_nothing(o2r_files):
    world = add_o2r_plans(o2r_files)
    beneficiary = world.planned_beneficiary
    accompaniment = Accompaniment.objects.get(beneficiary=beneficiary)
    a, _b = two_counsellors(world)
    page = a.get(reverse("insertion:beneficiary", args=[beneficiary.pk]))
    data = file_form_data(
        page,
        "extend",
        **{
            "extend-until": accompaniment.limit_date + datetime.timedelta(days=30),
            "extend-decided_on": timezone.localdate().isoformat(),
            "extend-reason": "Motif",
        },
    )
    del data["extend-lock_version"]
    refused = a.post(reverse("insertion:extend", args=[beneficiary.pk]), data)
    assert "modifié entre-temps" in refused.content.decode()
    accompaniment.refresh_from_db()
    assert accompaniment.extended_on is None
