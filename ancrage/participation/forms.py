"""Forms of the youth space: a message to her referent, a concern."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form, ModelForm
from ancrage.kernel.uploads import DocumentFileField
from ancrage.participation.models import College, CouncilDocument, Meeting, Opinion


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


class ElectionForm(Form):
    college = forms.ChoiceField(label=_("Collège"), choices=College.choices)
    held_on = forms.DateField(
        label=_("Élection du"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    seats = forms.IntegerField(label=_("Sièges à pourvoir"), min_value=1, max_value=20)
    ballots = forms.IntegerField(label=_("Votants"), min_value=1, max_value=2000)
    results = forms.CharField(
        label=_("Résultats"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Un candidat par ligne : « Nom ; nombre de voix ». Le vote est secret : seuls les "
            "résultats sont notés."
        ),
    )
    term_years = forms.TypedChoiceField(
        label=_("Durée du mandat"),
        choices=[(1, _("1 an")), (2, _("2 ans")), (3, _("3 ans"))],
        coerce=int,
        initial=3,
    )


class CouncilDocumentForm(Form):
    kind = forms.ChoiceField(label=_("Document"), choices=CouncilDocument.Kind.choices)
    title = forms.CharField(
        label=_("Titre"),
        max_length=150,
        required=False,
        help_text=_("Pour un autre document seulement (par exemple : charte des sorties)."),
    )
    effective_on = forms.DateField(
        label=_("En vigueur le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Une nouvelle version d'un document remplace la précédente à cette date."),
    )
    file = DocumentFileField(label=_("Fichier (PDF, PNG ou JPEG)"))


class MemberFileForm(Form):
    person = forms.ModelChoiceField(label=_("Son dossier"), queryset=None)

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = children
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} ({p.reference})"


class ConsultationForm(Form):
    title = forms.CharField(label=_("Titre"), max_length=150)
    introduction = forms.CharField(
        label=_("Ce qu'on demande, en mots simples"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Les jeunes le lisent avant de répondre. Phrases courtes, mots simples."),
    )
    from_age = forms.IntegerField(
        label=_("Jeunes consultés à partir de"),
        min_value=6,
        max_value=21,
        initial=16,
        help_text=_("En années. Les jeunes du village de cet âge répondent depuis leur espace."),
    )
    opens_on = forms.DateField(
        label=_("Ouverte le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = forms.DateField(
        label=_("Fermée après le"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    questions = forms.CharField(
        label=_("Questions"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Une question par ligne : « Question ? | réponse | réponse » (de 2 à 6 réponses). "
            "Les réponses sont anonymes : seuls les totaux sont gardés."
        ),
    )


class ConsultationAnswerForm(Form):
    """One choice per question of the consultation."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[f"q{question.pk}"] = forms.TypedChoiceField(
                label=question.text,
                choices=list(enumerate(question.choice_list)),
                coerce=int,
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[int, int]:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class ConsultationPublishForm(Form):
    answer = forms.CharField(
        label=_("Réponse de l'établissement"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Publiée aux jeunes du village avec les résultats. En mots simples."),
    )
    presented_at = forms.ModelChoiceField(
        label=_("Résultats présentés au conseil le"), queryset=None, required=False
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presented_at"].queryset = meetings
        self.fields["presented_at"].label_from_instance = lambda m: f"{m.held_on:%d/%m/%Y}"


class CodesForm(Form):
    count = forms.IntegerField(
        label=_("Nombre de codes"),
        min_value=1,
        max_value=60,
        initial=10,
        help_text=_("Un code par jeune présent : il répond sur la tablette, sans compte."),
    )


class TabletCodeForm(Form):
    code = forms.CharField(
        label=_("Ton code"),
        max_length=12,
        help_text=_("Le code écrit sur ton papier, par exemple ABCD-2345."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
