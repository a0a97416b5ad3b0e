"""The bases of every form of Ancrage (dates held to their range at the field, selects written
in Python) and the one way a service's refusal reaches a form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime

from ancrage.kernel.dates import DateRangeMixin
from ancrage.kernel.versions import StaleEdit


def _text(value) -> str:
    """A value as the template engine writes `{{ value }}` (localized, then escaped)."""
    value = localize(template_localtime(value))
    return conditional_escape(value if isinstance(value, str) else str(value))


def _attrs(attrs) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        " " + _text(name) + ("" if value is True else f'="{conditional_escape(str(value))}"')
        for name, value in attrs.items()
        if value is not False
    )


def _option(option) -> str:
    """Django's django/forms/widgets/select_option.html (with its last line's end), in Python."""
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{_text(option['label'])}</option>\n"
    )


class QuickSelectMixin:
    """A select written in Python: exactly the HTML of Django's select.html and
    select_option.html (whitespace included), without the template engine's include per option,
    which costs milliseconds on a filter form of a few dozen choices. A widget given other
    templates is rendered by them."""

    def render(self, name, value, attrs=None, renderer=None):
        if (
            self.template_name != forms.Select.template_name
            or self.option_template_name != forms.Select.option_template_name
        ):
            return super().render(name, value, attrs, renderer)
        context = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_text(name)}"{_attrs(context["attrs"])}>']
        for group_name, choices, _index in context["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            parts.extend("\n  " + _option(option) for option in choices)
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


class QuickSelect(QuickSelectMixin, forms.Select):
    """Django's Select, written in Python."""


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    """Django's SelectMultiple, written in Python."""


# Django's select widgets and their faster equals; subclasses (their own templates or
# behaviour) are left as they are.
QUICK = {forms.Select: QuickSelect, forms.SelectMultiple: QuickSelectMultiple}


def quick_selects(form):
    """Give the form's plain selects the Python rendering (same HTML)."""
    for field in form.fields.values():
        quick = QUICK.get(type(field.widget))
        if quick is not None:
            field.widget.__class__ = quick
    return form


class QuickSelectsMixin:
    """A form whose plain selects are written in Python (`quick_selects`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        quick_selects(self)


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


class Form(QuickSelectsMixin, RecordChoiceMixin, DateRangeMixin, forms.Form):
    """The base of every plain form."""


class ModelForm(QuickSelectsMixin, RecordChoiceMixin, DateRangeMixin, forms.ModelForm):
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
