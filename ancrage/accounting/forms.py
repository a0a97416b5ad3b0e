"""The forms of analytic accounting (the rules are the services')."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ancrage.accounting.models import Agreement, Contract, Section
from ancrage.accounts.models import User
from ancrage.insertion.models import Programme
from ancrage.kernel.forms import Form
from ancrage.kernel.uploads import check_text_upload
from ancrage.kernel.versions import VersionedMixin
from ancrage.organisation.models import Establishment, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SectionForm(VersionedMixin, Form):
    code = forms.CharField(
        label=_("Code"), max_length=20, help_text=_("Par activité, pas par financeur : O2R-44.")
    )
    name = forms.CharField(label=_("Intitulé"), max_length=200)
    kind = forms.ChoiceField(label=_("Activité"), choices=Section.Kind.choices)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("Dans un consortium, l'organisation membre dont c'est la part."),
    )
    establishment = forms.ModelChoiceField(
        label=_("Établissement"),
        queryset=Establishment.objects.none(),
        required=False,
        help_text=_("Vide pour les fonctions support de l'organisation."),
    )
    programme = forms.ModelChoiceField(
        label=_("Programme O2R (sa convention avec le préfet finance la section)"),
        queryset=Programme.objects.none(),
        required=False,
    )
    agreements = forms.ModelMultipleChoiceField(
        label=_("Autres conventions de financement"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, organisations, establishments, programmes, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["establishment"].queryset = establishments
        self.fields["programme"].queryset = programmes
        self.fields["agreements"].queryset = agreements

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class AgreementForm(VersionedMixin, Form):
    funder = forms.CharField(
        label=_("Financeur"), max_length=200, help_text=_("Conseil départemental, CAF, fondation…")
    )
    name = forms.CharField(label=_("Intitulé"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation financée"), queryset=Organisation.objects.none()
    )
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(label=_("Fin"), widget=DATE)
    amount = forms.DecimalField(label=_("Montant (€)"), max_digits=12, decimal_places=2)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ContractForm(VersionedMixin, Form):
    employee = forms.ModelChoiceField(label=_("Salarié·e"), queryset=User.objects.none())
    organisation = forms.ModelChoiceField(
        label=_("Employeur"), queryset=Organisation.objects.none()
    )
    hours_per_week = forms.DecimalField(
        label=_("Heures par semaine"),
        max_digits=4,
        decimal_places=2,
        help_text=_("35 pour un temps plein ; 48 au plus."),
    )
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    end_date = forms.DateField(
        label=_("Fin (dernier jour)"), widget=DATE, required=False, help_text=_("Vide : en cours.")
    )
    gross_cost = forms.DecimalField(
        label=_("Coût brut chargé (€)"),
        max_digits=10,
        decimal_places=2,
        help_text=_("Salaire brut et charges patronales."),
    )
    cost_period = forms.ChoiceField(label=_("Période du coût"), choices=Contract.Period.choices)

    def __init__(self, *args, organisations, employees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["employee"].queryset = employees


class TimeSheetForm(Form):
    """One field per section (`section_<id>`), the hours as typed: the service refuses a
    negative or malformed number at its field."""

    def __init__(self, *args, sections, initial_hours, disabled=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = sections
        for section in sections:
            self.fields[f"section_{section.pk}"] = forms.CharField(
                label=str(section),
                required=False,
                initial=initial_hours.get(section.pk, ""),
                disabled=disabled,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )

    def hours(self) -> dict:
        return {s: self.cleaned_data.get(f"section_{s.pk}") or "" for s in self.sections}


class SendBackForm(Form):
    reason = forms.CharField(label=_("Ce qui est à corriger"), max_length=300)


class FecUploadForm(Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation dont ce sont les comptes"), queryset=Organisation.objects.none()
    )
    file = forms.FileField(
        label=_("Fichier des écritures comptables (FEC)"),
        help_text=_(
            "L'export FEC de votre logiciel comptable : 18 colonnes séparées par une tabulation "
            "ou « | », dates AAAAMMJJ, montants avec une virgule ; une 19e colonne "
            "CodeAnalytique est acceptée."
        ),
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        choices = list(organisations[:2])
        if len(choices) == 1:
            self.fields["organisation"].initial = choices[0].pk

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        check_text_upload(uploaded, max_bytes=settings.FEC_MAX_BYTES)
        return uploaded


class IneligibilityForm(Form):
    programmes = forms.ModelMultipleChoiceField(
        label=_("Inéligible pour les programmes O2R"),
        queryset=Programme.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agreements = forms.ModelMultipleChoiceField(
        label=_("Inéligible pour les conventions"),
        queryset=Agreement.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programmes, agreements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programmes"].queryset = programmes
        self.fields["agreements"].queryset = agreements


class BudgetForm(VersionedMixin, Form):
    """One amount per category of the section's organisation (`category_<id>`): charges, then
    income; empty is zero. The service refuses an ineligible category at its field."""

    def __init__(self, *args, categories, amounts, ineligible=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            help_text = (
                _("Inéligible au programme O2R de cette section.")
                if category.pk in ineligible
                else ""
            )
            self.fields[f"category_{category.pk}"] = forms.DecimalField(
                label=f"{category.get_nature_display().capitalize()} · {category.name}",
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                initial=amounts.get(category.pk),
                help_text=help_text,
                widget=forms.NumberInput(attrs={"step": "0.01", "min": "0"}),
            )

    def amounts(self) -> dict:
        return {c: self.cleaned_data.get(f"category_{c.pk}") for c in self.categories}
