"""The bases of every form of Ancrage (dates held to their range at the field) and the one way a
service's refusal reaches a form."""

from django import forms
from django.core.exceptions import ValidationError

from ancrage.kernel.dates import DateRangeMixin
from ancrage.kernel.versions import StaleEdit


class RecordChoiceMixin:
    """A choice of record given an identifier beyond what the database's integers hold
    ("9223372036854799999") is an invalid choice at its field, not an OverflowError from the
    database driver."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.clean = _guarded(field, field.clean)


def _guarded(field, clean):
    def guarded(value):
        try:
            return clean(value)
        except OverflowError:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": str(value)[:30]},
            ) from None

    return guarded


class Form(RecordChoiceMixin, DateRangeMixin, forms.Form):
    """The base of every plain form."""


class ModelForm(RecordChoiceMixin, DateRangeMixin, forms.ModelForm):
    """The base of every model form."""


def errors_to_form(form, error: ValidationError, fallback: str | None = None) -> None:
    """Put a service's refusal where it happened: at the field it names when the form has that
    field, else at `fallback` (a field, or None for the top of the form). A stale save goes to
    the form's conflict display (`VersionedMixin.stale`)."""
    if isinstance(error, StaleEdit) and hasattr(form, "stale"):
        form.stale(error)
        return
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else fallback, errors)
    else:
        form.add_error(fallback, error.messages)
