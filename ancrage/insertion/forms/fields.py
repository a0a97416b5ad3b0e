"""What the O2R forms share: the date widget and the EFOP territories to choose from."""

from django import forms

from ancrage.organisation.models import EfopTerritory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def territories():
    return EfopTerritory.objects.order_by("name")
