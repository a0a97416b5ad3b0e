"""Forms of the youth space: a message to her referent, a concern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form


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
