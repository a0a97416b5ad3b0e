"""Forms of the protection measures and their documents. Rules live in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form, ModelForm
from ancrage.kernel.uploads import DocumentFileField
from ancrage.placements.forms.fields import DATE
from ancrage.placements.models import MeasureDocument, ProtectionMeasure


class MeasureForm(ModelForm):
    class Meta:
        model = ProtectionMeasure
        fields = [
            "renews",
            "establishment",
            "legal_basis",
            "authority",
            "departement",
            "ase_referent_name",
            "ase_referent_contact",
            "start_date",
            "review_date",
            "end_date",
        ]
        widgets = {"start_date": DATE, "review_date": DATE, "end_date": DATE}

    def __init__(self, *args, villages, renewable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = villages
        self.fields["establishment"].empty_label = None
        # Only the child's measures not yet renewed; leave empty for a first measure.
        self.fields["renews"].queryset = renewable
        self.fields["renews"].required = False
        self.fields["renews"].empty_label = _("— nouvelle mesure —")
        self.fields["renews"].help_text = _(
            "Un renouvellement met fin à la mesure renouvelée la veille de son début."
        )

    def clean(self):
        cleaned = super().clean()
        start, end, review = (
            cleaned.get("start_date"),
            cleaned.get("end_date"),
            cleaned.get("review_date"),
        )
        if start and end and end < start:
            self.add_error("end_date", _("La fin ne peut pas précéder le début de la mesure."))
        if start and review and review < start:
            self.add_error(
                "review_date", _("L'échéance ne peut pas précéder le début de la mesure.")
            )
        return cleaned


class DocumentForm(Form):
    kind = forms.ChoiceField(label=_("Nature de la pièce"), choices=MeasureDocument.Kind.choices)
    # Checked at the field (kernel.uploads): type by content, no polyglot, no active content,
    # images re-encoded; cleans to the bytes to store.
    file = DocumentFileField(label=_("Fichier"))
