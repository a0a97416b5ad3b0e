"""Forms of the daily journal: a new entry, a correction, an annotation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.care.models.journal import MAX_ENTRY_LENGTH, JournalLevel
from ancrage.kernel.forms import Form

TEXT = forms.Textarea(attrs={"rows": 3, "maxlength": MAX_ENTRY_LENGTH})


class EntryForm(Form):
    child = forms.TypedChoiceField(
        label=_("À propos de"), required=False, coerce=int, empty_value=None
    )
    level = forms.ChoiceField(label=_("Visibilité"))
    text = forms.CharField(label=_("Observation"), max_length=MAX_ENTRY_LENGTH, widget=TEXT)

    def __init__(self, *args, levels, children=None, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(JournalLevel.choices)
        self.fields["level"].choices = [(level, labels[level]) for level in levels]
        self.children = {c.pk: c for c in children or []}
        if children is None:
            del self.fields["child"]
        else:
            self.fields["child"].choices = [("", _("La maison"))] + [
                (c.pk, c.full_name) for c in children
            ]

    def chosen_child(self):
        return self.children.get(self.cleaned_data.get("child"))


class EditForm(Form):
    text = forms.CharField(
        label=_("Observation corrigée"), max_length=MAX_ENTRY_LENGTH, widget=TEXT
    )


class AnnotationForm(Form):
    text = forms.CharField(label=_("Annotation"), max_length=MAX_ENTRY_LENGTH, widget=TEXT)
