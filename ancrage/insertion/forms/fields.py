"""What the O2R forms share: the date widget, the EFOP territories and the programmes to choose
from."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models import Programme
from ancrage.organisation.models import EfopTerritory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
