"""The admin log written before the hardening: entries about records that name a followed person
lose the name and keep their action (the migration accounts 0006 runs scrub_admin_log)."""

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from ancrage.accounts.models import Membership, User
from ancrage.kernel.access import Role
from ancrage.kernel.admin_site import scrub_admin_log
from ancrage.organisation.models import Unit
from ancrage.people.models import Person


def old_entry(user, obj, text):
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=text,
        action_flag=CHANGE,
        change_message="[]",
    )


def test_old_admin_log_entries_no_longer_name_followed_persons(world):
    admin = world.users[Role.TECH_ADMIN]
    youth = world.users[Role.YOUTH]
    on_child = old_entry(admin, Person.objects.get(pk=world.child.pk), "Léa Martin")
    on_account = old_entry(admin, User.objects.get(pk=youth.pk), "Léa Martin")
    on_membership = old_entry(
        admin, Membership.objects.get(user=youth), "Léa Martin · Jeune · Léa Martin"
    )
    staff = world.users[Role.HOUSE_PARENT]
    on_staff = old_entry(admin, User.objects.get(pk=staff.pk), "Agent House-parent")
    on_house = old_entry(admin, Unit.objects.get(pk=world.house.pk), "Maison des Tilleuls")
    assert scrub_admin_log(LogEntry, User, Membership) == 3
    texts = {
        entry.pk: entry.object_repr
        for entry in LogEntry.objects.filter(
            pk__in=[e.pk for e in (on_child, on_account, on_membership, on_staff, on_house)]
        )
    }
    assert texts[on_child.pk] == f"n°{world.child.pk}"
    assert texts[on_account.pk] == youth.username
    assert texts[on_membership.pk].startswith("n°")
    # staff accounts and places keep their names: they name no followed person
    assert texts[on_staff.pk] == "Agent House-parent"
    assert texts[on_house.pk] == "Maison des Tilleuls"
    assert not any("Léa" in text for text in texts.values())
    # the action stays, and a second pass changes nothing
    assert LogEntry.objects.get(pk=on_child.pk).action_flag == CHANGE
    assert scrub_admin_log(LogEntry, User, Membership) == 0
