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


def test_stale_save_is_detected_on_a_barrier(o2r_files):
    """Two counsellors open the file; the first records the housing barrier's new situation,
    the second's update of the same barrier from the same page is refused with what the first
    one wrote, nothing of it saved; from the page that now shows it, saving again works."""
    world = add_o2r_plans(o2r_files)
    beneficiary = world.planned_beneficiary
    accompaniment = Accompaniment.objects.get(beneficiary=beneficiary)
    a, b = two_counsellors(world)
    file_url = reverse("insertion:beneficiary", args=[beneficiary.pk])
    url = reverse("insertion:barrier", args=[beneficiary.pk])
    today = timezone.localdate().isoformat()
    first = {"barrier-kind": "housing", "barrier-on": today, "barrier-status": "identified"}
    # the barrier exists; both open the file afterwards
    opened = a.get(file_url)
    assert (
        a.post(
            url,
            file_form_data(
                opened, "barrier", **first, **{"barrier-situation": "Hébergée chez sa sœur"}
            ),
        ).status_code
        == 302
    )
    page_a, page_b = a.get(file_url), b.get(file_url)
    saved = a.post(
        url,
        file_form_data(
            page_a,
            "barrier",
            **{**first, "barrier-status": "resolved"},
            **{"barrier-situation": "Logement social obtenu"},
        ),
    )
    assert saved.status_code == 302
    refused = b.post(
        url,
        file_form_data(
            page_b,
            "barrier",
            **first,
            **{"barrier-situation": "Toujours hébergée"},
        ),
    )
    assert refused.status_code == 422
    content = refused.content.decode()
    assert "mis à jour entre-temps" in content and "Logement social obtenu" in content
    barrier = accompaniment.barriers.get(kind="housing")
    assert (barrier.status, barrier.situation) == ("resolved", "Logement social obtenu")
    assert barrier.updates.count() == 2
    # what B typed is kept; submitting again from the page that shows the update saves it
    assert refused.context["forms"]["barrier"]["situation"].value() == "Toujours hébergée"
    again = b.post(url, file_form_data(refused, "barrier"))
    assert again.status_code == 302
    barrier.refresh_from_db()
    assert barrier.situation == "Toujours hébergée"
    # another barrier is not held up by this one's update
    other = b.post(
        url,
        file_form_data(
            page_b,
            "barrier",
            **{
                "barrier-kind": "mobility",
                "barrier-on": today,
                "barrier-status": "identified",
                "barrier-situation": "Sans permis",
            },
        ),
    )
    assert other.status_code == 302
