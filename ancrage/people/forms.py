"""Forms of the people pages: search, family links, sibling groups."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form, ModelForm
from ancrage.kernel.versions import VersionedMixin
from ancrage.people.models import FamilyLink, Person


class PersonSearchForm(Form):
    date_ranges = {"birth_date": "birth"}
    q = forms.CharField(
        label=_("Nom, prénom ou nom de naissance"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    birth_date = forms.DateField(
        label=_("Date de naissance"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )


class IdentityForm(VersionedMixin, ModelForm):
    date_ranges = {"birth_date": "birth"}

    class Meta:
        model = Person
        fields = [
            "first_names",
            "last_name",
            "birth_name",
            "birth_date",
            "sex",
            "birthplace",
            "nationality",
            "languages",
            "phone",
            "email",
            "address",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, with_contact: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_contact:
            for name in ("phone", "email", "address"):
                del self.fields[name]


class FamilyLinkForm(Form):
    relative_reference = forms.CharField(
        label=_("Référence du proche"),
        max_length=12,
        help_text=_("La référence figure en haut de la fiche du proche (par exemple P-7K3M9Q2X)."),
    )
    kind = forms.ChoiceField(
        label=_("Ce proche est… de la personne"), choices=FamilyLink.Kind.choices
    )

    def __init__(self, *args, visible_people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible_people = visible_people

    def clean_relative_reference(self):
        reference = self.cleaned_data["relative_reference"].strip().upper()
        relative = self.visible_people.filter(reference=reference).first()
        if relative is None:
            raise forms.ValidationError(
                _("Aucune personne que vous suivez ne porte cette référence.")
            )
        self.cleaned_data["relative"] = relative
        return reference


class SiblingGroupForm(Form):
    name = forms.CharField(label=_("Nom de la fratrie"), max_length=150)
    note = forms.CharField(
        label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Enfants de la fratrie"),
        queryset=Person.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates
        self.fields["members"].label_from_instance = lambda p: (
            f"{p.full_name} ({p.birth_date:%d/%m/%Y})" if p.birth_date else p.full_name
        )
