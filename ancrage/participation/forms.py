"""Forms of the youth space: a message to her referent, a concern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form, ModelForm
from ancrage.participation.models import Meeting, Opinion


class MessageForm(Form):
    text = forms.CharField(
        label=_("Mon message"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        strip=True,
    )


class ConcernForm(Form):
    about_self = forms.TypedChoiceField(
        label=_("C'est au sujet de"),
        choices=[("1", _("Ma sécurité")), ("0", _("La sécurité de quelqu'un d'autre"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Ce qui se passe"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Écris avec tes mots. Tu peux dire qui, où et quand, si tu le sais."),
    )


class MeetingForm(ModelForm):
    informed_of = forms.ModelMultipleChoiceField(
        label=_("Déclarations à l'autorité présentées au conseil"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Le conseil est informé des événements graves déclarés à l'autorité."),
    )

    class Meta:
        model = Meeting
        fields = ["held_on", "agenda", "minutes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "agenda": forms.Textarea(attrs={"rows": 4}),
            "minutes": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, declarations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["informed_of"].queryset = declarations
        self.fields["informed_of"].label_from_instance = lambda d: (
            _("Signalement n°%(n)s, autorité alertée le %(d)s")
            % {"n": d.incident_id, "d": f"{d.alerted_at:%d/%m/%Y}"}
        )

    def _post_clean(self):
        # The service checks the meeting (its village's council, one a day).
        pass


class OpinionForm(Form):
    kind = forms.ChoiceField(label=_("Nature"), choices=Opinion.Kind.choices)
    text = forms.CharField(
        label=_("Avis ou proposition du conseil"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(Form):
    answer = forms.CharField(
        label=_("Réponse de l'établissement"), widget=forms.Textarea(attrs={"rows": 4})
    )
