"""Dates outside any plausible range (ancrage/kernel/dates.py): refused at the field of every form
with a French message and nothing saved, held by the database, repaired by the migration when
already stored, and never a crash on a URL parameter or on an odd stored value."""

import datetime
import inspect
import logging
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

import ancrage
from ancrage.care.models.agenda import Appointment
from ancrage.kernel.access import Role
from ancrage.kernel.dates import (
    BIRTH,
    EVENT,
    DateRangeMixin,
    InRange,
    day_param,
    fix_out_of_range,
    shift,
)
from ancrage.people.models import Person
from ancrage.safeguarding.models import Incident
from tests.conftest import login

pytestmark = pytest.mark.django_db

ABSURD = ["0001-01-01", "1899-12-31", "9999-12-31"]


def all_form_classes():
    """Every form class defined in Ancrage's own modules."""
    import importlib
    import pkgutil

    for module in pkgutil.walk_packages(ancrage.__path__, "ancrage."):
        if ".migrations" in module.name or module.name.startswith("ancrage.demo"):
            continue
        importlib.import_module(module.name)
    seen, stack = set(), [forms.BaseForm]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                stack.append(sub)
    return sorted(
        (
            c
            for c in seen
            if c.__module__.startswith("ancrage.") and c.__module__ != "ancrage.kernel.forms"
        ),
        key=lambda c: (c.__module__, c.__name__),
    )


def test_every_form_holds_its_dates_to_a_range():
    classes = all_form_classes()
    assert len(classes) > 50
    missing = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, DateRangeMixin)]
    assert not missing, f"Forms without the date ranges (base them on kernel.forms): {missing}"


@pytest.mark.parametrize("value", ABSURD)
def test_dates_out_of_range_are_refused_at_the_field_on_the_incident_report(client, world, value):
    """The reporter who typed year 1 saw an error although the incident was saved (PostgreSQL
    stored the year-1 Paris time as a year-0 UTC time that no page could read back): the day is
    now refused at its field and nothing is written."""
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/villages/{world.village.pk}/signalements/nouveau/",
        {
            "occurred_at": f"{value}T00:00",
            "place": "Cuisine",
            "narrative": "Chute",
            f"child_{world.child.pk}": "victim",
        },
    )
    assert response.status_code == 422
    errors = response.context["form"].errors["occurred_at"]
    assert any("antérieure" in e or "futur" in e for e in errors), errors
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "value", ABSURD + [(datetime.date.today() + datetime.timedelta(days=2)).isoformat()]
)
def test_dates_out_of_range_are_refused_at_the_field_on_a_birth_date(client, world, value):
    login(client, world.users[Role.HEAD_OF_SERVICE])
    url = f"/personnes/{world.child.reference}/modifier/"
    page = client.get(url)
    data = {
        name: ("" if field.value() is None else str(field.value()))
        for name, field in ((f.html_name, f) for f in page.context["form"])
    }
    data["birth_date"] = value
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["birth_date"]
    assert "La date de naissance" in errors[0]
    assert Person.objects.get(pk=world.child.pk).birth_date == world.child.birth_date


@pytest.mark.parametrize("value", ["0001-01-01T10:00", "9999-12-31T10:00", "2099-01-01T10:00"])
def test_dates_out_of_range_are_refused_at_the_field_on_an_appointment(client, world, value):
    login(client, world.users[Role.HOUSE_PARENT])
    response = client.post(
        f"/personnes/{world.child.reference}/agenda/nouveau/",
        {"kind": "health", "starts_at": value, "ends_at": value, "place": "Cabinet"},
    )
    assert response.status_code == 422
    assert "starts_at" in response.context["form"].errors
    assert not Appointment.objects.exists()


def test_each_kind_of_date_has_its_range():
    today = timezone.localdate()
    birth, event = InRange(BIRTH.name), InRange(EVENT.name)
    birth(datetime.date(1900, 1, 1))
    birth(today)
    event(shift(today, years=5))
    event(datetime.date(1990, 1, 1))
    for validator, day in [
        (birth, datetime.date(1899, 12, 31)),
        (birth, today + datetime.timedelta(days=1)),
        (event, datetime.date(1989, 12, 31)),
        (event, shift(today, years=5, days=1)),
    ]:
        with pytest.raises(forms.ValidationError):
            validator(day)
    # a year-1 time in Paris has no UTC value: refused, not raised as an overflow
    with pytest.raises(forms.ValidationError):
        event(timezone.make_aware(datetime.datetime(1, 1, 1)))


def test_date_arithmetic_on_an_odd_value_never_overflows():
    assert shift(datetime.date(9999, 12, 31), years=21) == datetime.date.max
    assert shift(datetime.date(1, 1, 1), days=-7) == datetime.date.min
    assert shift(datetime.date(2010, 2, 28), years=18) == datetime.date(2028, 2, 28)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30", "demain", "", None])
def test_a_malformed_or_absurd_day_in_a_url_falls_back_to_today(value):
    assert day_param(value) == timezone.localdate()


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1000-01-01", "x", "2026-13-01"])
@pytest.mark.parametrize("view", ["semaine", "mois"])
def test_the_agenda_answers_an_absurd_day_with_the_current_week(client, world, value, view):
    login(client, world.users[Role.HOUSE_PARENT])
    for url in (
        f"/personnes/{world.child.reference}/agenda/?du={value}&vue={view}",
        f"/maisons/{world.house.pk}/agenda/?du={value}&vue={view}",
    ):
        response = client.get(url)
        assert response.status_code == 200
        first = response.context["first"]
        assert first <= timezone.localdate() <= response.context["last"]


def test_an_odd_birth_date_already_stored_does_not_crash_the_persons_file(client, world):
    Person.objects.filter(pk=world.child.pk).update(birth_date=datetime.date(2199, 12, 31))
    login(client, world.users[Role.HEAD_OF_SERVICE])
    assert client.get(f"/personnes/{world.child.reference}/").status_code == 200


def test_the_database_refuses_a_date_outside_the_window(incidents):
    world = incidents
    year_one = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
    for model, pk, field, value in [
        (Person, world.child.pk, "birth_date", datetime.date(1800, 1, 1)),
        (Person, world.child.pk, "birth_date", datetime.date(9999, 12, 31)),
        (Incident, world.incident.pk, "occurred_at", year_one),
    ]:
        with pytest.raises(IntegrityError), transaction.atomic():
            model.objects.filter(pk=pk).update(**{field: value})


def _without_checks(table, names):
    """Lets the test store what the constraints now refuse, as an old database held it."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        else:
            # the rows the test wrote have foreign-key checks pending until commit: run them
            # now, as PostgreSQL alters no table with checks pending
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for name in names:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


def test_the_migration_repairs_odd_dates_already_stored(world, incidents, caplog):
    _without_checks("people_person", ["person_birth_date_in_window"])
    _without_checks("safeguarding_incident", ["incident_occurred_at_in_window"])
    try:
        Person.objects.filter(pk=world.child.pk).update(birth_date=datetime.date(9999, 12, 31))
        Incident.objects.filter(pk=world.incident.pk).update(
            occurred_at=datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
        )
        with caplog.at_level(logging.WARNING, logger="ancrage.kernel.dates"):
            fixed = fix_out_of_range(
                [
                    (apps.get_model("people", "Person"), "birth_date", True),
                    (apps.get_model("safeguarding", "Incident"), "occurred_at", False),
                ]
            )
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
    assert fixed == 2
    assert Person.objects.get(pk=world.child.pk).birth_date is None  # emptied: it may be empty
    assert Incident.objects.get(pk=world.incident.pk).occurred_at.year == 1900  # the edge
    assert "2 value" not in caplog.text  # one line per field, with counts
    assert world.child.last_name not in caplog.text  # no personal data in the log
    assert "people.Person.birth_date: 1 value(s)" in caplog.text


def test_the_repair_is_in_the_migrations():
    from importlib import import_module

    for app in ("people", "safeguarding", "care", "placements", "insertion"):
        folder = Path(apps.get_app_config(app).path) / "migrations"
        names = list(folder.glob("*_fix_dates_out_of_range.py"))
        assert names, app
        module = import_module(f"ancrage.{app}.migrations.{names[0].stem}")
        assert "fix_out_of_range" in inspect.getsource(module)


def test_a_record_identifier_beyond_the_databases_integers_is_refused_at_the_field(client, world):
    """Found by the property test: a huge identifier in a choice of records reached the database
    driver (OverflowError, a 500). The form bases refuse it at the field."""
    from django import forms as django_forms

    from ancrage.kernel.forms import Form

    class Choice(Form):
        person = django_forms.ModelChoiceField(queryset=Person.objects.all())
        people = django_forms.ModelMultipleChoiceField(queryset=Person.objects.all())

    form = Choice({"person": "9223372036854799999", "people": ["9223372036854799999"]})
    assert not form.is_valid()
    assert set(form.errors) == {"person", "people"}
