"""Choice labels (`get_FOO_display()`) read from a table per field and language.

Django's `Model._get_FIELD_display` rebuilds a dict of the field's every choice on each call,
hashing each lazy label, which translates it: a list of 50 incidents showing their status,
category and severity translated about a thousand labels per page (issue 19, the load run).
`install()` (from the kernel's `AppConfig.ready()`, once every model is loaded) points each
model's `get_FOO_display` at `display`, which builds that dict once per field and language, the
labels already translated, and answers exactly as Django's does otherwise (the label, or the
value itself when it is not a choice). A field whose choices are computed each time (a callable)
keeps Django's method.
"""

from __future__ import annotations

from functools import partialmethod

from django.apps import apps
from django.db.models import Model
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language

_DJANGO_DISPLAY = Model._get_FIELD_display
_MISSING = object()
# (field, language) -> {value: label}; a few hundred fields in a handful of languages.
_labels: dict = {}


def display(self, field):
    """The label of the instance's value for `field` in the active language (Django's
    `_get_FIELD_display`, its table kept)."""
    value = getattr(self, field.attname)
    key = (field, get_language())
    labels = _labels.get(key)
    if labels is None:
        labels = {
            make_hashable(choice): force_str(label, strings_only=True)
            for choice, label in field.flatchoices
        }
        _labels[key] = labels
    label = labels.get(make_hashable(value), _MISSING)
    return force_str(value, strings_only=True) if label is _MISSING else label


def _static(field) -> bool:
    """Whether the field's choices are a fixed list (not a callable evaluated on each use)."""
    return isinstance(field.choices, (list, tuple))


def install() -> int:
    """Point every model's `get_FOO_display` that Django set up at `display`; returns how many."""
    count = 0
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.get_fields():
            if not getattr(field, "choices", None) or not hasattr(field, "attname"):
                continue
            name = f"get_{field.name}_display"
            for owner in model.__mro__:
                if name in owner.__dict__:
                    break
            else:
                continue
            method = owner.__dict__[name]
            if (
                isinstance(method, partialmethod)
                and method.func is _DJANGO_DISPLAY
                and method.keywords.get("field") is field
                and _static(field)
            ):
                setattr(owner, name, partialmethod(display, field=field))
                count += 1
    return count
