"""Factories of the daily care records (journal, appointments, feeds, autonomy) and the records
the permission matrix needs in the `world`."""

import datetime

import factory
from django.utils import timezone

from ancrage.care.models.agenda import Appointment
from ancrage.care.models.journal import JournalEntry, JournalLevel
from ancrage.kernel.access import Role
from tests.accounts.factories import UserFactory


class JournalEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JournalEntry

    house = factory.SubFactory("tests.organisation.factories.HouseFactory")
    child = None
    level = JournalLevel.HOUSE_TEAM
    text = "A bien dormi, petit-déjeuner pris avec appétit."
    author = factory.SubFactory("tests.accounts.factories.UserFactory")
    written_at = factory.LazyFunction(timezone.now)


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    child = factory.SubFactory("tests.people.factories.PersonFactory")
    kind = Appointment.Kind.HEALTH
    starts_at = factory.LazyFunction(
        lambda: timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=1))
    place = "Cabinet du Dr Lemoine, 3 rue des Lilas"
    with_whom = "Dr Lemoine, pédiatre"
    notes = "Suivi de l'asthme : apporter le carnet de santé."
    created_by = factory.SubFactory("tests.accounts.factories.UserFactory")


def daily_records(world):
    """Léa's journal entry (written in her house by her house parent) and appointment, and the
    outsider's in the other village (for the permission matrix)."""
    if getattr(world, "journal_entry", None) is not None:
        return world
    parent = world.users[Role.HOUSE_PARENT]
    head = world.users[Role.HEAD_OF_SERVICE]
    world.journal_entry = JournalEntryFactory(house=world.house, child=world.child, author=parent)
    world.other_journal_entry = JournalEntryFactory(
        house=world.other_house, child=world.outsider, author=UserFactory(username="lac.parent")
    )
    world.appointment = AppointmentFactory(child=world.child, created_by=parent)
    world.other_appointment = AppointmentFactory(child=world.outsider, created_by=head)
    return world
