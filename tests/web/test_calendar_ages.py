"""Ages shown on the pages (the person file, the village board, the admissions) come from
`Person.age`, counted by the legal calendar: a person born on 29 February is a year older on
28 February in other years, as the reports' SQL counts it."""

import datetime

import pytest
from django.db.models import DateField, Value

from ancrage.kernel.calendar import age_on_sql
from ancrage.people.models import Person
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (datetime.date(2026, 2, 27), 17),
        (datetime.date(2026, 2, 28), 18),  # 2026 has no 29 February: the birthday is the 28th
        (datetime.date(2026, 3, 1), 18),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_a_person_born_on_29_february_is_18_on_28_february_in_python_and_sql(on, age):
    person = PersonFactory(birth_date=datetime.date(2008, 2, 29))
    assert person.age(on) == age
    in_sql = (
        Person.objects.filter(pk=person.pk)
        .annotate(age=age_on_sql("birth_date", Value(on, output_field=DateField())))
        .values_list("age", flat=True)
        .get()
    )
    assert in_sql == age


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (datetime.date(2028, 2, 28), 19),
        (datetime.date(2028, 2, 29), 20),  # a leap year: the birthday is the 29th
        (datetime.date(2028, 3, 1), 20),
    ],
    ids=["day-before", "the-day", "day-after"],
)
def test_a_person_born_on_29_february_has_their_birthday_on_29_february_in_leap_years(on, age):
    assert PersonFactory(birth_date=datetime.date(2008, 2, 29)).age(on) == age
