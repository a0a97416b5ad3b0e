"""The person scope compiled once and reused (`people.models.scope_key`, `compile_scope`): the
reused SQL gives the same persons as a scope compiled afresh, for every role, across the writes
that change who is in it; building it runs no query; the cache is bounded."""

import datetime
from collections import OrderedDict

import pytest
from django.utils import timezone

from ancrage.accounts.models import User
from ancrage.kernel.access import Role
from ancrage.kernel.models import BreakGlass
from ancrage.kernel.scopes import reach
from ancrage.people import models as people_models
from ancrage.people import scopes
from ancrage.people.models import Person, compile_scope
from ancrage.placements.models import Stay
from ancrage.privacy.models import ArchiveAccess, FileStatus
from tests.people.factories import PersonFactory, StayFactory

# The ways in whose SQL was checked to depend only on what `scope_key` holds (the user, their
# memberships in force, their own file, the day) and the database's clock: a new one must be
# checked the same way before it is added here.
AUDITED = {
    "followed": {"ancrage.placements.scopes.followed_children"},
    "persons": {
        "ancrage.placements.scopes.admission_children",
        "ancrage.insertion.scopes.beneficiary_persons",
        "ancrage.families.scopes.household_persons",
        "ancrage.privacy.contributions.opened_archives",
    },
    "hidden": {"ancrage.privacy.contributions.hidden_files"},
}


def names(providers):
    return {f"{p.__module__}.{p.__qualname__}" for p in providers}


def test_every_way_in_was_audited_for_the_cache_key():
    assert names(scopes._followed_children) == AUDITED["followed"]
    assert names(scopes._persons) == AUDITED["persons"]
    assert names(scopes._hidden) == AUDITED["hidden"]


def fresh(user):
    """The user as a new request loads them."""
    return User.objects.get(pk=user.pk)


def ids(user, among=None):
    return set(Person.objects.visible_to(user, among=among).values_list("pk", flat=True))


def afresh(user, among=None):
    """The same scope compiled from scratch, the process's cache left as it is."""
    saved = people_models._scope_cache
    people_models._scope_cache = OrderedDict()
    try:
        return ids(user, among)
    finally:
        people_models._scope_cache = saved


def check_every_role(world):
    """For every role, a new request's scope through the (warm) cache equals the scope compiled
    afresh, whole and asked about every other person."""
    everyone = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    seen = {}
    for role, user in world.users.items():
        user = fresh(user)
        whole = ids(user)
        assert whole == afresh(fresh(user)), role
        assert ids(user) == whole, role  # from the cache this time
        some = everyone[::2]
        assert ids(user, among=some) == afresh(fresh(user), among=some) == whole & set(some)
        seen[role] = whole
    return seen


@pytest.fixture
def empty_cache():
    people_models.clear_scope_cache()
    yield
    people_models.clear_scope_cache()


def test_a_new_request_reuses_the_compiled_scope(world, empty_cache, monkeypatch):
    compiled = []
    original = people_models.compile_scope

    def counting(*args, **kwargs):
        compiled.append(args[0].pk)
        return original(*args, **kwargs)

    monkeypatch.setattr(people_models, "compile_scope", counting)
    user = world.users[Role.HEAD_OF_SERVICE]
    first = ids(fresh(user))
    assert first and compiled == [user.pk]
    assert ids(fresh(user)) == first
    ids(fresh(user), among=sorted(first)[:1])
    ids(fresh(user), among=sorted(first))
    assert compiled == [user.pk, user.pk]  # the whole scope once, the scope among ids once


def test_cached_and_fresh_scopes_agree_across_the_writes_that_change_them(world, empty_cache):
    house_parent = world.users[Role.HOUSE_PARENT]
    director = world.users[Role.ESTABLISHMENT_DIRECTOR]
    national = world.users[Role.NATIONAL_DIRECTOR]
    head = world.users[Role.HEAD_OF_SERVICE]
    seen = check_every_role(world)
    assert world.child.pk in seen[Role.HOUSE_PARENT]

    # a stay starts in the house today
    newcomer = PersonFactory(first_names="Nina")
    StayFactory(child=newcomer, unit=world.house, start_date=timezone.localdate())
    seen = check_every_role(world)
    assert newcomer.pk in seen[Role.HOUSE_PARENT]

    # Léa's stay ends today: she leaves the house parent's scope
    Stay.objects.filter(child=world.child, unit=world.house).update(
        end_date=timezone.localdate(), exit_reason=Stay.ExitReason.RETURN_TO_FAMILY
    )
    seen = check_every_role(world)
    assert world.child.pk not in seen[Role.HOUSE_PARENT]
    assert world.child.pk in seen[Role.ESTABLISHMENT_DIRECTOR]

    # a break-the-glass opens a file, then expires with no reset of the cache
    access = BreakGlass.objects.create(
        user=national,
        person=world.outsider,
        reason="Signalement grave transmis ce matin par le département",
        expires_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    seen = check_every_role(world)
    assert seen[Role.NATIONAL_DIRECTOR] == {world.outsider.pk}
    cached = len(people_models._scope_cache)
    BreakGlass.objects.filter(pk=access.pk).update(
        granted_at=timezone.now() - datetime.timedelta(hours=1),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    assert ids(fresh(national)) == set()
    assert len(people_models._scope_cache) == cached  # the same entry, no reset
    seen = check_every_role(world)

    # an archived file, opened with a reason, then closed
    FileStatus.objects.create(
        person=world.former_child,
        state=FileStatus.State.ARCHIVED,
        archived_at=timezone.now(),
        establishment=world.village,
    )
    seen = check_every_role(world)
    assert world.former_child.pk not in seen[Role.ESTABLISHMENT_DIRECTOR]
    opening = ArchiveAccess.objects.create(
        user=director,
        person=world.former_child,
        reason="Demande du juge des enfants",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    seen = check_every_role(world)
    assert world.former_child.pk in seen[Role.ESTABLISHMENT_DIRECTOR]
    assert world.former_child.pk not in seen[Role.HEAD_OF_SERVICE]
    ArchiveAccess.objects.filter(pk=opening.pk).update(
        granted_at=timezone.now() - datetime.timedelta(hours=3),
        expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    seen = check_every_role(world)
    assert world.former_child.pk not in seen[Role.ESTABLISHMENT_DIRECTOR]

    # a membership revoked: the memberships in force change, and so does the key
    head.memberships.update(end_date=timezone.localdate() - datetime.timedelta(days=1))
    seen = check_every_role(world)
    assert seen[Role.HEAD_OF_SERVICE] == set()
    assert seen[Role.ESTABLISHMENT_DIRECTOR]
    assert house_parent.pk in {key[1] for key in people_models._scope_cache}


def test_the_next_day_is_another_key(world, empty_cache, monkeypatch):
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    arriving = PersonFactory(first_names="Yanis")
    StayFactory(child=arriving, unit=world.house, start_date=tomorrow)
    seen = check_every_role(world)
    assert arriving.pk not in seen[Role.HOUSE_PARENT]
    real = timezone.localdate
    monkeypatch.setattr(
        timezone,
        "localdate",
        lambda value=None, timezone=None: tomorrow if value is None else real(value, timezone),
    )
    seen = check_every_role(world)
    assert arriving.pk in seen[Role.HOUSE_PARENT]


def test_building_the_scope_runs_no_query(world, empty_cache, django_assert_num_queries):
    for role, user in world.users.items():
        user = fresh(user)
        where = reach(user, "person", "view")  # reads the memberships, once per request
        with django_assert_num_queries(0):
            if where:
                compile_scope(user, where, "default")
                compile_scope(user, where, "default", among=[world.child.pk])
            Person.objects.visible_to(user)
            Person.objects.visible_to(user, among=[world.child.pk])
            Person.objects.visible_to(user, among=Person.objects.values("pk"))


def test_the_cache_is_bounded_and_keeps_the_latest(world, empty_cache, monkeypatch):
    monkeypatch.setattr(people_models, "SCOPE_CACHE_SIZE", 2)
    users = [
        fresh(world.users[role])
        for role in (Role.HOUSE_PARENT, Role.HEAD_OF_SERVICE, Role.CLINICIAN, Role.YOUTH)
    ]
    for user in users:
        ids(user)
    assert len(people_models._scope_cache) == 2
    assert [key[1] for key in people_models._scope_cache] == [users[2].pk, users[3].pk]
    check_every_role(world)
    assert len(people_models._scope_cache) == 2


def test_a_way_in_registered_later_never_meets_a_scope_compiled_without_it(
    world, empty_cache, monkeypatch
):
    """The compiled scope is kept per set of registered ways in: one added after a scope was
    compiled (a list replaced, as a test does) is in the next request's scope, and once the
    list is put back the scope compiled with it is not used."""
    user = world.users[Role.HOUSE_PARENT]
    assert world.stranger.pk not in ids(fresh(user))  # compiled and kept without the way in
    original = scopes._persons
    monkeypatch.setattr(scopes, "_persons", list(original))
    scopes.register_persons(
        lambda user, where: Person.objects.filter(pk=world.stranger.pk).values("pk")
    )
    assert world.stranger.pk in ids(fresh(user))
    monkeypatch.setattr(scopes, "_persons", original)
    assert world.stranger.pk not in ids(fresh(user))
