"""A field's error is tied to its input: the `aria-describedby` Django writes on a widget with
errors names the element the shared field template renders, so screen readers read it."""

import re

from django import forms
from django.template.loader import render_to_string


class Sample(forms.Form):
    name = forms.CharField(label="Nom", help_text="Tel qu'il figure au dossier.")
    count = forms.IntegerField(label="Nombre")
    choice = forms.ChoiceField(
        label="Choix", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect
    )


def test_every_described_by_id_names_an_element_of_the_page():
    form = Sample(data={"count": "beaucoup"})
    html = "".join(render_to_string("includes/field.html", {"field": field}) for field in form)
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    described = [
        name for value in re.findall(r'aria-describedby="([^"]+)"', html) for name in value.split()
    ]
    assert "id_name_error" in described and "id_count_error" in described
    missing = [name for name in described if name not in ids]
    assert not missing, f"aria-describedby names no element: {missing}"
    # the error element is the one that carries the message
    assert re.search(r'id="id_count_error"[^>]*>.*Saisissez un nombre entier', html, re.S)
