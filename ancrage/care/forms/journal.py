"""Forms of the daily journal: a new entry, a correction, an annotation."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ancrage.care.models.journal import MAX_ENTRY_LENGTH, JournalLevel
from ancrage.kernel.forms import Form

TEXT = forms.Textarea(attrs={"rows": 3, "maxlength": MAX_ENTRY_LENGTH})


# Who reads an entry of each level (the permission grid's journal rows), said at the field and
# in the message that follows the entry.
LEVEL_READERS = {
    JournalLevel.HOUSE_TEAM: _("l'équipe de la maison, le chef de service et la direction"),
    JournalLevel.CLINICAL: _("le chef de service, les psychologues et la direction"),
    JournalLevel.SAFEGUARDING: _(
        "le chef de service et la direction seulement (et vous, qui l'écrivez) : pas l'équipe "
        "de la maison"
    ),
}


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
        self.fields["level"].help_text = format_lazy(
            "{}{}",
            _("Qui la lit : "),
            " · ".join(f"{labels[level]} : {LEVEL_READERS[level]}" for level in levels),
        )
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
