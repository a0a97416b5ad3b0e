"""The forms of the data-protection pages: holds, archives, requests about one's data, image
consents and photos."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form
from ancrage.kernel.uploads import MediaFileField
from ancrage.people.models import Consent, ImageUse
from ancrage.placements.forms import DATE
from ancrage.privacy.models import Decision, SubjectRequest


class HoldForm(Form):
    reference = forms.CharField(
        label=_("Référence du dossier"),
        max_length=12,
        help_text=_("La référence de la personne (P-…), lue sur sa fiche."),
    )
    establishment = forms.TypedChoiceField(label=_("Établissement"), coerce=int)
    reason = forms.CharField(
        label=_("Motif du gel"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Contentieux, demande d'un juge… Le passage de conservation laisse le dossier."
        ),
    )

    def __init__(self, *args, establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [(e.pk, e.name) for e in establishments]
        if len(establishments) == 1:
            self.fields["establishment"].initial = establishments[0].pk

    def clean_reference(self):
        return self.cleaned_data["reference"].strip().upper()


class LiftHoldForm(Form):
    lift_reason = forms.CharField(
        label=_("Motif de la levée"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ArchiveOpenForm(Form):
    reference = forms.CharField(label=_("Référence du dossier archivé"), max_length=12)
    reason = forms.CharField(
        label=_("Motif de la consultation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Le motif est enregistré dans le journal des consultations du dossier."),
    )


class SubjectRequestForm(Form):
    date_ranges = {"received_on": "past"}

    kind = forms.ChoiceField(label=_("Demande"), choices=SubjectRequest.Kind.choices)
    reference = forms.CharField(
        label=_("Référence du dossier de la personne"),
        max_length=150,
        help_text=_("Pour un salarié sans dossier : l'identifiant de son compte."),
    )
    establishment = forms.TypedChoiceField(label=_("Établissement qui répond"), coerce=int)
    requester_name = forms.CharField(label=_("Qui fait la demande"), max_length=200)
    requester_quality = forms.ChoiceField(
        label=_("Qualité du demandeur"), choices=SubjectRequest.Quality.choices
    )
    received_on = forms.DateField(label=_("Reçue le"), widget=DATE)
    identity_check = forms.CharField(
        label=_("Pièce d'identité vérifiée"),
        max_length=200,
        help_text=_("Par vous : la pièce vue (carte d'identité, passeport…), sans son numéro."),
    )
    details = forms.CharField(
        label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, establishments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].choices = [(e.pk, e.name) for e in establishments]


class ExtendRequestForm(Form):
    extension_reason = forms.CharField(
        label=_("Motif de la prolongation"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ImageConsentForm(Form):
    date_ranges = {"given_on": "past", "expires_on": "event"}

    use = forms.ChoiceField(label=_("Usage"), choices=ImageUse.choices)
    given_by = forms.ChoiceField(label=_("Donné par"), choices=Consent.GivenBy.choices)
    signatories = forms.CharField(
        label=_("Signataires"),
        max_length=300,
        help_text=_("Les noms de ceux qui ont signé (les deux parents s'ils l'exercent ensemble)."),
    )
    child_opinion = forms.ChoiceField(label=_("Avis de l'enfant"), choices=Consent.Opinion.choices)
    child_words = forms.CharField(
        label=_("Ses mots"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ce que l'enfant en a dit, avec ses mots."),
    )
    given_on = forms.DateField(label=_("Donné le"), widget=DATE)
    expires_on = forms.DateField(
        label=_("Valable jusqu'au"),
        widget=DATE,
        help_text=_("Pour un mineur, sa majorité au plus tard."),
    )


class WithdrawConsentForm(Form):
    withdrawal_note = forms.CharField(
        label=_("Qui retire le consentement, et comment"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class MediaForm(Form):
    date_ranges = {"taken_on": "past"}

    use = forms.ChoiceField(label=_("Usage"), choices=ImageUse.choices)
    caption = forms.CharField(label=_("Légende"), max_length=200)
    taken_on = forms.DateField(label=_("Prise le"), widget=DATE)
    file = MediaFileField(label=_("Photo ou vidéo"))


class DecisionForm(Form):
    decision = forms.ChoiceField(label=_("Décision"), choices=Decision.choices)
    decision_reason = forms.CharField(
        label=_("Ce qui a été fait, ou le motif du refus"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text=_(
            "Rectification : les données corrigées. Opposition : les traitements arrêtés. Un "
            "refus dit pourquoi ; la réponse rappelle le droit de saisir la CNIL."
        ),
    )
