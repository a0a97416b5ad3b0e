"""Choice labels from a table per field and language (kernel/choices.py) say what Django's own
`get_FOO_display()` says, for every model's choice fields, in each language."""

from django.apps import apps
from django.utils import translation

from ancrage.kernel import choices
from ancrage.safeguarding.models import Incident


def test_every_choice_field_of_every_model_is_served_from_the_table():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.choices and isinstance(field.choices, (list, tuple)):
                name = f"get_{field.name}_display"
                owner = next(owner for owner in model.__mro__ if name in owner.__dict__)
                assert owner.__dict__[name].func is choices.display, (model, field.name)


def test_labels_values_outside_the_choices_and_languages_agree_with_django():
    field = Incident._meta.get_field("status")
    incident = Incident(status=Incident.Status.REPORTED)
    for language in ("fr", "en"):
        with translation.override(language):
            for value in [*Incident.Status.values, "not-a-status", "", None]:
                incident.status = value
                assert incident.get_status_display() == choices._DJANGO_DISPLAY(incident, field)
    with translation.override("fr"):
        incident.status = Incident.Status.REPORTED
        assert incident.get_status_display() == "Signalé"
