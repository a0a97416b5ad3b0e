"""Stale saves: a record two people may change carries a version (`Versioned`); its edit form
carries the version it was built from and what it showed (`VersionedMixin`); the service, inside
its transaction, locks the row and compares (`locked`). A second person working from an older
version gets `StaleEdit`: nothing is saved, the form comes back with "Ce dossier a été modifié
entre-temps", the fields the other person changed and their values, the second person's typed
values kept, and the current version in place, so that saving again is a deliberate choice."""

from __future__ import annotations

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.expressions import CombinedExpression
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

SALT = "ancrage.kernel.versions"
VERSION, SEEN = "lock_version", "seen"
FORM_ONLY_FIELDS = (VERSION, SEEN)  # the form fields that are not the record's


class Versioned(models.Model):
    """A record two people may change: each save of an existing row moves its version on (in the
    database: `version + 1`, so that two saves never give the same number)."""

    lock_version = models.PositiveIntegerField(gettext_lazy("version"), default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and self.pk is not None:
            self.lock_version = models.F(VERSION) + 1
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], VERSION}
        super().save(*args, **kwargs)
        if isinstance(self.lock_version, CombinedExpression):
            self.refresh_from_db(fields=[VERSION])


class StaleEdit(ValidationError):
    """Another person saved the record since the form was built: `record` is the row as it is."""

    def __init__(self, record):
        super().__init__(_("Ce dossier a été modifié entre-temps."), code="stale")
        self.record = record


def locked(instance, expected_version):
    """The row of `instance`, locked until the end of the service's transaction
    (select_for_update), when its version is still `expected_version`; else `StaleEdit`.
    `expected_version` None: a write that comes from no person's form (a seed, an import)."""
    current = type(instance)._base_manager.select_for_update().get(pk=instance.pk)
    if expected_version is None:
        return current
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        expected = None
    if expected != current.lock_version:
        raise StaleEdit(current)
    return current


def expected_version(form) -> int:
    """The version a submitted form was built from (0 when it carries none: a conflict)."""
    return form.cleaned_data.get(VERSION) or 0


def record_data(form) -> dict:
    """The cleaned data of a form, without its version fields (what the service writes)."""
    return {k: v for k, v in form.cleaned_data.items() if k not in FORM_ONLY_FIELDS}


def _fields(record):
    return {
        field.name: field
        for field in record._meta.concrete_fields
        if field.editable and not field.primary_key and field.name != VERSION
    }


def _raw(record, field) -> str:
    return str(field.value_from_object(record))


def _shown(record, field) -> str:
    """A field's value as a person reads it."""
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    value = getattr(record, field.name)
    if value in (None, ""):
        return _("(vide)")
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(field, models.DateTimeField):
        try:
            return formats.date_format(timezone.localtime(value), "d/m/Y H:i")
        except (OverflowError, ValueError):
            return str(value)
    if isinstance(field, models.DateField):
        return formats.date_format(value, "d/m/Y")
    return str(value)


def snapshot(record, names) -> str:
    """What a form on `record` shows (its fields `names`, never a field the form leaves out, such
    as contact details the reader may not see), signed, for its hidden `seen` field."""
    fields = _fields(record)
    return signing.dumps(
        {name: _raw(record, fields[name]) for name in names if name in fields},
        salt=SALT,
        compress=True,
    )


class VersionedMixin:
    """The form of an existing versioned record (a ModelForm's `instance`, or `record=`): a hidden
    version and snapshot of the record as shown; `cleaned_data["version"]` goes to the service."""

    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = record if record is not None else getattr(self, "instance", None)
        self.fields[VERSION] = forms.IntegerField(widget=forms.HiddenInput, required=False)
        self.fields[SEEN] = forms.CharField(widget=forms.HiddenInput, required=False)
        if self.record is not None and self.record.pk is not None:
            self.initial[VERSION] = self.record.lock_version
        self.stale_changes = []

    def get_initial_for_field(self, field, field_name):
        # Taken when the form is shown, after the form's own __init__ removed the fields the
        # reader may not see.
        if field_name == SEEN:
            if self.record is not None and self.record.pk is not None:
                return snapshot(self.record, self._shown_names())
            return signing.dumps({}, salt=SALT)
        return super().get_initial_for_field(field, field_name)

    def _shown_names(self):
        return [name for name in self.fields if name not in FORM_ONLY_FIELDS]

    def stale(self, error: StaleEdit) -> None:
        """Show the conflict at the top of the form: what the other person changed (the labels of
        the fields and the values now saved); keep what this person typed; put the current
        version in place so that submitting again saves."""
        current = error.record
        try:
            seen = signing.loads(self.data.get(self.add_prefix(SEEN), ""), salt=SALT)
        except signing.BadSignature:
            seen = None
        # A form built when the record did not exist yet (a PPE draft opened meanwhile) saw
        # the blank record.
        if seen == {}:
            blank, fields = type(current)(), _fields(current)
            seen = {
                name: _raw(blank, fields[name]) for name in self._shown_names() if name in fields
            }
        changed = [
            field
            for name, field in _fields(current).items()
            if seen and name in seen and seen[name] != _raw(current, field)
        ]
        self.stale_changes = [
            (
                self.fields[field.name].label if field.name in self.fields else field.verbose_name,
                _shown(current, field),
            )
            for field in changed
        ]
        self.add_error(
            None,
            _(
                "Ce dossier a été modifié entre-temps par une autre personne. Rien n'est "
                "enregistré : vos saisies sont gardées ci-dessous ; vérifiez-les et enregistrez "
                "à nouveau."
            ),
        )
        for label, value in self.stale_changes:
            self.add_error(
                None,
                _("« %(label)s » est maintenant : %(value)s")
                % {"label": str(label).capitalize(), "value": value},
            )
        data = self.data.copy()
        data[self.add_prefix(VERSION)] = str(current.lock_version)
        data[self.add_prefix(SEEN)] = snapshot(current, self._shown_names())
        self.data = data
