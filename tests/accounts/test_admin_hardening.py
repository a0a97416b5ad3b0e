"""The admin site shows the technical administrator no person's name, birth date, contact or case
content anywhere (lists, forms and their selects, autocomplete, recent actions, history), and
never writes a record that carries a rule."""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from ancrage.accounts.models import Membership, User
from ancrage.kernel.access import Role
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import BreakGlass
from ancrage.people.models import FamilyLink
from ancrage.people.services import link_relatives
from tests.conftest import login
from tests.people.factories import PersonFactory, StayFactory

# The apps whose records carry the domain's rules (identity, stays and measures, admissions,
# incidents and declarations, PPE, journal, appointments, O2R files...), and the kernel's audit
# records: written only by their services, in the product.
RULE_APPS = ("people", "placements", "care", "safeguarding", "insertion", "core")
RULE_MODELS = sorted(
    (model._meta.label for app in RULE_APPS for model in apps.get_app_config(app).get_models()),
)


def request_as(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


@pytest.mark.parametrize("label", RULE_MODELS)
def test_records_that_carry_a_rule_are_never_written_through_the_admin(world, label):
    model = apps.get_model(label)
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        return  # absent from the admin: nothing to write through
    for role in Role:
        request = request_as(User.objects.get(pk=world.users[role].pk))
        assert not model_admin.has_add_permission(request), f"{label}: {role} may add"
        assert not model_admin.has_change_permission(request), f"{label}: {role} may change"
        assert not model_admin.has_delete_permission(request), f"{label}: {role} may delete"


def test_the_rule_apps_are_checked():
    # the list above is not empty by accident: stays, persons and the O2R programmes are in it
    assert {"placements.Stay", "people.Person", "insertion.Programme"} <= set(RULE_MODELS)
    assert len(RULE_MODELS) > 40


MARKERS = [
    "Zorglubette",
    "Quenouillard",
    "Barnabuzé",
    "29/07/2013",
    "2013-07-29",
    "29 juillet 2013",
    "0611223344",
    "zorglubette@exemple",
    "Impasse des Quenouilles",
]


@pytest.fixture
def marked(world):
    """A child and her father whose names, birth date and contact details are unique markers,
    with a stay, a sibling group, a young person's account, access events, a break-the-glass,
    and an administrator's change to that account (so "recent actions" and the history have an
    entry about it)."""
    child = PersonFactory(
        first_names="Zorglubette",
        last_name="Quenouillard",
        birth_date=datetime.date(2013, 7, 29),
        phone="0611223344",
        email="zorglubette@exemple.fr",
        address="3 Impasse des Quenouilles",
    )
    brother = PersonFactory(first_names="Barnabuzé", last_name="Quenouillard")
    StayFactory(child=child, unit=world.house)
    StayFactory(child=brother, unit=world.house)
    link_relatives(child, brother, FamilyLink.Kind.SIBLING)
    account = User.objects.create(
        username="compte-jeune-42",
        first_name="Zorglubette",
        last_name="Quenouillard",
        email="zorglubette@exemple.fr",
        person=child,
    )
    Membership.objects.create(user=account, role=Role.YOUTH, status=Membership.Status.CONFIRMED)
    record_access(world.users[Role.HOUSE_PARENT], [child, brother], "web.person")
    BreakGlass.objects.create(
        user=world.users[Role.NATIONAL_DIRECTOR],
        person=child,
        reason="Signalement grave transmis par le département",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    return child, account


def admin_urls(world):
    """Every page of the admin site: the index and each app's, and for each registered model its
    list (also searched for the child's name), its add form, and the change, history, delete
    and password pages of every one of its records, in scope or not."""
    yield reverse("admin:index")
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"admin:{meta.app_label}_{meta.model_name}"
        yield reverse("admin:app_list", kwargs={"app_label": meta.app_label})
        yield reverse(f"{base}_changelist")
        yield (
            reverse(f"{base}_changelist") + "?q=Quenouill"
        )  # the search echoes it: not the whole marker
        yield reverse(f"{base}_add")
        for pk in model._default_manager.values_list("pk", flat=True):
            for page in ("change", "history", "delete", "password"):
                try:
                    yield reverse(f"{base}_{page}", args=[pk])
                except NoReverseMatch:
                    continue


def autocomplete_urls():
    """The autocomplete endpoint for every relation of every model to a registered model."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model):
                continue
            if field.related_model not in admin.site._registry or isinstance(
                field, models.OneToOneRel
            ):
                continue
            for term in ("", "Quen", "zorglubette"):
                yield (
                    reverse("admin:autocomplete")
                    + f"?app_label={model._meta.app_label}&model_name={model._meta.model_name}"
                    + f"&field_name={field.name}&term={term}"
                )


def test_technical_administrator_sees_no_personal_data_on_any_admin_page(client, world, marked):
    child, account = marked
    admin_user = world.users[Role.TECH_ADMIN]
    login(client, admin_user)
    # an administrator's change to the young person's account: "recent actions" and the history
    # now hold an entry about it
    response = client.post(
        f"/admin/accounts/user/{account.pk}/change/",
        {
            "username": account.username,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(account.memberships.get().pk),
            "memberships-0-user": str(account.pk),
            "memberships-0-role": Role.YOUTH,
            "memberships-0-start_date": account.memberships.get().start_date.isoformat(),
            "initial-memberships-0-start_date": account.memberships.get().start_date.isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    walked = 0
    for url in [*admin_urls(world), *autocomplete_urls()]:
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), f"{url}: {response.status_code}"
        body = response.content.decode()
        for marker in MARKERS:
            assert marker.lower() not in body.lower(), f"{marker!r} shown on {url}"
        walked += 1
    # the walk is not empty: the index, every list and form, every record's pages, autocompletes
    assert walked > 100
    # and the young person's account kept its names (they are only hidden)
    account.refresh_from_db()
    assert account.last_name == "Quenouillard"
