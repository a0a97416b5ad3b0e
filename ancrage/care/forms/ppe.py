"""Forms of the child's project: the draft, an objective with its first action, an action's
progress, a review."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ancrage.care.models import Action, Objective, PlannedReview, PPEVersion, Review
from ancrage.care.services.ppe import check_child_words
from ancrage.kernel.forms import Form, ModelForm
from ancrage.kernel.versions import VersionedMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DraftForm(VersionedMixin, ModelForm):
    referent = forms.ModelChoiceField(
        label=_("Référent de l'enfant"), queryset=None, required=False
    )

    class Meta:
        model = PPEVersion
        fields = [
            "trusted_person_name",
            "trusted_person_relation",
            "trusted_person",
            "sibling_relations",
            "health_check_date",
            "health_check_by",
            "health_check_summary",
        ]
        widgets = {
            "health_check_date": DATE,
            "sibling_relations": forms.Textarea(attrs={"rows": 3}),
            "health_check_summary": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, referents, relatives, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent"].queryset = referents
        self.fields["referent"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["trusted_person"].queryset = relatives
        self.fields["trusted_person"].help_text = _("Si la personne a une fiche dans Ancrage.")


class ValidateForm(ModelForm):
    """The child's words on the version about to be validated, or why they are missing."""

    class Meta:
        model = PPEVersion
        fields = ["child_views", "child_views_missing", "child_views_missing_detail"]
        widgets = {
            "child_views": forms.Textarea(attrs={"rows": 4}),
            "child_views_missing_detail": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "child_views": _(
                "Ce que l'enfant pense de son projet, avec ses mots : ce qu'il souhaite, ce "
                "avec quoi il n'est pas d'accord. Il le lira dans son espace."
            ),
            "child_views_missing": _("Seulement si ses mots n'ont pas pu être recueillis."),
        }

    def clean(self):
        # The words or the reason, checked before validation is asked for (the service checks
        # them again, and the draft).
        data = super().clean()
        try:
            check_child_words(
                (data.get("child_views") or "").strip(),
                data.get("child_views_missing") or "",
                (data.get("child_views_missing_detail") or "").strip(),
            )
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def _post_clean(self):
        pass


class ObjectiveForm(Form):
    domain = forms.ChoiceField(label=_("Domaine"), choices=Objective.Domain.choices)
    title = forms.CharField(label=_("Objectif"), max_length=200)
    description = forms.CharField(
        label=_("Précisions"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    action = forms.CharField(label=_("Première action"), max_length=300, required=False)
    actor = forms.ChoiceField(
        label=_("Qui agit"),
        choices=[("", "—"), *Action.Actor.choices],
        required=False,
        help_text=_("Obligatoire dès qu'une première action est notée."),
    )
    due_date = forms.DateField(label=_("Échéance de l'action"), required=False, widget=DATE)

    def clean(self):
        data = super().clean()
        if data.get("action") and not data.get("actor"):
            self.add_error("actor", _("Dites qui mène cette action."))
        return data

    def service_arguments(self):
        data = self.cleaned_data
        action = None
        if data["action"]:
            action = {
                "description": data["action"],
                "actor": data["actor"],
                "due_date": data["due_date"],
            }
        return {
            "domain": data["domain"],
            "title": data["title"],
            "description": data["description"],
            "action": action,
        }


class ObjectiveEditForm(VersionedMixin, ModelForm):
    class Meta:
        model = Objective
        fields = ["domain", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def _post_clean(self):
        # The service checks the objective (and that its version is the draft).
        pass


class ActionForm(VersionedMixin, ModelForm):
    class Meta:
        model = Action
        fields = ["description", "actor", "due_date", "status"]
        widgets = {"due_date": DATE}

    def _post_clean(self):
        # The service checks the action (and that its version is the draft).
        pass


class ActionStatusForm(Form):
    action = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("État"), choices=Action.Status.choices)


class PlannedReviewForm(ModelForm):
    class Meta:
        model = PlannedReview
        fields = ["planned_date", "participants"]
        widgets = {"planned_date": DATE, "participants": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"participants": _("L'enfant, ses parents, l'ASE, la maison…")}

    def _post_clean(self):
        # The service checks the planned review (with the child's PPE).
        pass


class ReviewForm(ModelForm):
    planned = forms.ModelChoiceField(
        label=_("Révision prévue tenue"),
        queryset=PlannedReview.objects.none(),
        required=False,
        help_text=_("La révision prévue que celle-ci clôt."),
    )

    class Meta:
        model = Review
        fields = [
            "planned",
            "kind",
            "planned_date",
            "held_on",
            "participants",
            "child_wishes",
            "child_disagreements",
            "child_declined_to_speak",
            "decisions",
            "next_review_date",
            "report",
        ]
        widgets = {
            "planned_date": DATE,
            "held_on": DATE,
            "next_review_date": DATE,
            "participants": forms.Textarea(attrs={"rows": 2}),
            "child_wishes": forms.Textarea(attrs={"rows": 3}),
            "child_disagreements": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "child_wishes": _("Avec ses mots. Sinon, cochez qu'il n'a pas souhaité s'exprimer."),
            "kind": _("L'entretien d'autonomie a lieu au plus tard à 17 ans."),
        }

    def __init__(self, *args, reports, planned=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report"].queryset = reports
        self.fields["report"].required = False
        self.fields["planned"].queryset = (
            planned if planned is not None else PlannedReview.objects.none()
        )
        self.fields["planned"].label_from_instance = lambda p: f"{p.planned_date:%d/%m/%Y}"

    def _post_clean(self):
        # The service checks the review as a whole (with the version it produces).
        pass
