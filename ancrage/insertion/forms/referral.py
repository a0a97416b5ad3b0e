"""Forms of the referrals from the villages: sending one, welcoming the young person."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.forms.fields import DATE, territories
from ancrage.kernel.forms import Form
from ancrage.organisation.models import EfopTerritory


class AcceptReferralForm(Form):
    commune = forms.CharField(label=_("Commune de résidence"), max_length=100)
    efop_territory = forms.ModelChoiceField(
        label=_("Territoire EFOP"), queryset=EfopTerritory.objects.none()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["efop_territory"].queryset = territories()


class VillageReferralForm(Form):
    date_ranges = {"consent_on": "past"}
    service = forms.ModelChoiceField(label=_("Service O2R"), queryset=None)
    consent_on = forms.DateField(label=_("Consentement du jeune recueilli le"), widget=DATE)
    consent_how = forms.CharField(label=_("Forme du consentement"), max_length=200)
    consent_text = forms.CharField(
        label=_("Ce que le jeune a accepté"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Par exemple : transmettre son nom, son âge et ses coordonnées au service O2R."
        ),
    )

    def __init__(self, *args, services=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: s.name
