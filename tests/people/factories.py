import datetime

import factory

from ancrage.people.models import Person
from ancrage.placements.models import Stay


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    first_names = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    birth_date = factory.Faker("date_between", start_date="-17y", end_date="-1y")
    sex = Person.Sex.FEMALE


class StayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stay

    child = factory.SubFactory(PersonFactory)
    unit = factory.SubFactory("tests.organisation.factories.HouseFactory")
    start_date = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=200))
