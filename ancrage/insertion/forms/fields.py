"""What the O2R forms share: the date widget, the EFOP territories and the programmes to choose
from."""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models import Programme
from ancrage.organisation.models import EfopTerritory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _attrs(attrs) -> str:
    """Django's django/forms/widgets/attrs.html, in Python."""
    return "".join(
        " "
        + conditional_escape(name)
        + ("" if value is True else f'="{conditional_escape(value)}"')
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A select written in Python: the HTML of Django's select.html and select_option.html
    (whitespace included) without the template engine's include per option, which was most of
    the time of the O2R lists' filter forms. Choices in groups go to Django's templates."""

    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        options = []
        for group_name, choices, _index in context["optgroups"]:
            if group_name:
                return super().render(name, value, attrs, renderer)
            options.extend(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                f"{_attrs(option['attrs'])}>{conditional_escape(str(option['label']))}</option>\n"
                for option in choices
            )
        return mark_safe(  # noqa: S308 - every value escaped above
            f'<select name="{conditional_escape(name)}"{_attrs(context["attrs"])}>'
            + "".join(options)
            + "\n</select>"
        )


def territories():
    return EfopTerritory.objects.order_by("name")


def programme_field():
    """The programme a record is counted in, for a service running more than one; left empty,
    the one the service runs on the record's date."""
    return forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("Le programme en cours à cette date"),
        help_text=_("À choisir quand votre service conduit plusieurs programmes."),
    )


def service_programmes(service_id):
    return Programme.objects.filter(services=service_id).order_by("-start_date", "name")
