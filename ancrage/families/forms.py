"""Forms of the family-strengthening programme: the referral with its household, the decision."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.families import concerns
from ancrage.families.models import (
    FamilyCase,
    Goal,
    GoalAction,
    HomeVisit,
    PlanReview,
    Progress,
)
from ancrage.kernel.forms import Form
from ancrage.kernel.text import search_key
from ancrage.kernel.versions import VersionedMixin
from ancrage.people.models import Person
from ancrage.safeguarding.forms import ReportForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SEXES = [("", "—"), *Person.Sex.choices]
# How many parents and children the referral form offers (more are added on the person pages).
PARENT_SLOTS = 2
CHILD_SLOTS = 4


class ReferralForm(Form):
    date_ranges = {"referred_on": "past"} | {
        f"{who}{n}_birth_date": "birth"
        for who, slots in (("parent", PARENT_SLOTS), ("child", CHILD_SLOTS))
        for n in range(1, slots + 1)
    }
    team = forms.ModelChoiceField(label=_("Équipe"), queryset=None)
    name = forms.CharField(label=_("Nom de la famille"), max_length=150)
    referrer = forms.ChoiceField(label=_("Orientée par"), choices=FamilyCase.Referrer.choices)
    referrer_detail = forms.CharField(
        label=_("Précisions sur l'orienteur"), max_length=200, required=False
    )
    referred_on = forms.DateField(label=_("Orientée le"), widget=DATE)
    reasons = forms.CharField(
        label=_("Motifs de l'orientation"), widget=forms.Textarea(attrs={"rows": 3})
    )
    commune = forms.CharField(label=_("Commune"), max_length=100, required=False)

    def __init__(self, *args, teams, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.known = {}  # slot prefix -> the Person of the registry its reference names
        self.fields["team"].queryset = teams
        for who, slots, label in (
            ("parent", PARENT_SLOTS, _("Parent %(n)s")),
            ("child", CHILD_SLOTS, _("Enfant %(n)s")),
        ):
            for n in range(1, slots + 1):
                title = label % {"n": n}
                prefix = f"{who}{n}_"
                self.fields[prefix + "reference"] = forms.CharField(
                    label=_("%(who)s : personne déjà connue (référence)") % {"who": title},
                    max_length=20,
                    required=False,
                    help_text=_(
                        "Cherchez-la ci-dessus ; sinon, saisissez son identité ci-dessous."
                    ),
                )
                self.fields[prefix + "first_names"] = forms.CharField(
                    label=_("%(who)s : prénoms") % {"who": title},
                    max_length=150,
                    required=False,
                )
                self.fields[prefix + "last_name"] = forms.CharField(
                    label=_("%(who)s : nom") % {"who": title},
                    max_length=150,
                    required=False,
                    help_text=_("Le nom de la famille s'il est laissé vide."),
                )
                self.fields[prefix + "birth_date"] = forms.DateField(
                    label=_("%(who)s : date de naissance") % {"who": title},
                    widget=DATE,
                    required=False,
                )
                self.fields[prefix + "sex"] = forms.ChoiceField(
                    label=_("%(who)s : sexe") % {"who": title}, choices=SEXES, required=False
                )

    def clean(self):
        """Each slot is a person already known, named by the reference the user may see, or a
        new identity; a new identity that the user's registry already holds (same names, same
        birth date) is refused: its reference is asked for, so that nobody is created twice."""
        data = super().clean()
        visible = Person.objects.visible_to(self.user)
        for who, slots, missing in (
            (
                "parent",
                PARENT_SLOTS,
                _("Indiquez au moins un parent : sa référence ou son identité."),
            ),
            (
                "child",
                CHILD_SLOTS,
                _("Indiquez au moins un enfant : sa référence ou son identité."),
            ),
        ):
            if not any(
                (data.get(f"{who}{n}_{name}") or "").strip()
                for n in range(1, slots + 1)
                for name in ("reference", "first_names")
            ):
                self.add_error(f"{who}1_first_names", missing)
            for n in range(1, slots + 1):
                prefix = f"{who}{n}_"
                reference = (data.get(prefix + "reference") or "").strip()
                first = (data.get(prefix + "first_names") or "").strip()
                if reference:
                    if first:
                        self.add_error(
                            prefix + "reference",
                            _("Indiquez la référence ou l'identité, pas les deux."),
                        )
                        continue
                    person = visible.filter(reference=reference).first()
                    if person is None:
                        self.add_error(
                            prefix + "reference",
                            _("Aucune personne de votre périmètre n'a cette référence."),
                        )
                    else:
                        self.known[prefix] = person
                elif first and data.get(prefix + "birth_date"):
                    last = (data.get(prefix + "last_name") or "").strip() or data.get("name", "")
                    twin = (
                        visible.search(f"{first} {last}", data[prefix + "birth_date"])
                        .filter(first_names_key=search_key(first), last_name_key=search_key(last))
                        .first()
                    )
                    if twin is not None:
                        self.add_error(
                            prefix + "first_names",
                            _(
                                "Cette personne est déjà connue (référence %(ref)s) : "
                                "indiquez sa référence plutôt que son identité."
                            )
                            % {"ref": twin.reference},
                        )
        return data

    def persons(self, who: str, slots: int) -> list:
        """The persons of the parents or the children: a known `Person`, or the identity typed
        (empty slots left out)."""
        data = self.cleaned_data
        found = []
        for n in range(1, slots + 1):
            prefix = f"{who}{n}_"
            if prefix in self.known:
                found.append(self.known[prefix])
                continue
            first = (data.get(prefix + "first_names") or "").strip()
            if not first:
                continue
            found.append(
                {
                    "first_names": first,
                    "last_name": (data.get(prefix + "last_name") or "").strip() or data["name"],
                    "birth_date": data.get(prefix + "birth_date"),
                    "sex": data.get(prefix + "sex") or Person.Sex.UNKNOWN,
                }
            )
        return found

    def referral(self) -> dict:
        data = self.cleaned_data
        return {
            "team": data["team"],
            "name": data["name"],
            "referrer": data["referrer"],
            "referrer_detail": data["referrer_detail"],
            "referred_on": data["referred_on"],
            "reasons": data["reasons"],
            "commune": data["commune"],
            "parents": self.persons("parent", PARENT_SLOTS),
            "children": self.persons("child", CHILD_SLOTS),
        }


class DecisionForm(VersionedMixin, Form):
    date_ranges = {"decided_on": "past", "consent_on": "past"}
    support = forms.TypedChoiceField(
        label=_("Décision"),
        choices=[
            ("yes", _("La famille est accompagnée")),
            ("no", _("La famille n'est pas retenue")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Décidée le"), widget=DATE)
    parents_consent = forms.BooleanField(
        label=_("Les parents ont donné leur accord à l'accompagnement"), required=False
    )
    consent_on = forms.DateField(label=_("Accord recueilli le"), widget=DATE, required=False)
    worker = forms.ModelChoiceField(
        label=_("Intervenant·e référent·e"), queryset=None, required=False
    )
    reason = forms.CharField(
        label=_("Motif de la décision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("Obligatoire quand la famille n'est pas retenue."),
    )

    def __init__(self, *args, workers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = workers
        self.fields["worker"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )


class GoalForm(Form):
    domain = forms.ChoiceField(label=_("Domaine"), choices=Goal.Domain.choices)
    title = forms.CharField(label=_("Objectif"), max_length=200)
    description = forms.CharField(
        label=_("Précisions"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    action_description = forms.CharField(label=_("Première action"), max_length=300, required=False)
    action_actor = forms.ChoiceField(
        label=_("Qui agit"), choices=GoalAction.Actor.choices, initial=GoalAction.Actor.PARENTS
    )
    action_due_date = forms.DateField(label=_("Échéance"), widget=DATE, required=False)

    def goal(self) -> dict:
        data = self.cleaned_data
        return {
            "domain": data["domain"],
            "title": data["title"],
            "description": data["description"],
            "action": {
                "description": data["action_description"],
                "actor": data["action_actor"],
                "due_date": data["action_due_date"],
            },
        }


class ActionForm(Form):
    description = forms.CharField(label=_("Action"), max_length=300)
    actor = forms.ChoiceField(
        label=_("Qui agit"), choices=GoalAction.Actor.choices, initial=GoalAction.Actor.PARENTS
    )
    due_date = forms.DateField(label=_("Échéance"), widget=DATE, required=False)


class ProgressForm(VersionedMixin, Form):
    progress = forms.ChoiceField(label=_("Avancement"), choices=Progress.choices)
    progress_note = forms.CharField(label=_("Où en est-on"), max_length=300, required=False)


class PlanReviewForm(Form):
    date_ranges = {"held_on": "past"}
    held_on = forms.DateField(label=_("Tenue le"), widget=DATE)
    participants = forms.CharField(
        label=PlanReview._meta.get_field("participants").verbose_name.capitalize(),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parents_views = forms.CharField(
        label=_("Ce que disent les parents (leurs mots)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    children_views = forms.CharField(
        label=_("Ce que disent les enfants (leurs mots)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    children_declined_to_speak = forms.BooleanField(
        label=_("Les enfants n'ont pas souhaité s'exprimer (ou sont trop jeunes)"), required=False
    )
    decisions = forms.CharField(label=_("Décisions"), widget=forms.Textarea(attrs={"rows": 3}))


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VisitPlanForm(Form):
    starts_at = forms.DateTimeField(label=_("Le (date et heure)"), widget=DATETIME)
    duration_minutes = forms.IntegerField(
        label=_("Durée prévue (minutes)"), min_value=5, max_value=600, initial=60
    )


class VisitReportForm(VersionedMixin, Form):
    status = forms.ChoiceField(
        label=_("La visite"),
        choices=[
            (HomeVisit.Status.HELD, _("a eu lieu")),
            (HomeVisit.Status.CANCELLED, _("a été annulée")),
        ],
        widget=forms.RadioSelect,
    )
    cancelled_by = forms.ChoiceField(
        label=_("Annulée par"),
        choices=[("", "—"), *HomeVisit.CancelledBy.choices],
        required=False,
    )
    duration_minutes = forms.IntegerField(
        label=_("Durée (minutes)"), min_value=5, max_value=600, required=False
    )
    present = forms.CharField(
        label=_("Personnes présentes"),
        max_length=300,
        required=False,
        help_text=_("Par exemple : la mère, les deux enfants, la grand-mère."),
    )
    observations = forms.CharField(
        label=_("Observations"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


class EndForm(VersionedMixin, Form):
    date_ranges = {"ended_on": "past"}
    ended_on = forms.DateField(label=_("Fin de l'accompagnement le"), widget=DATE)
    end_reason = forms.ChoiceField(label=_("Motif de fin"), choices=FamilyCase.EndReason.choices)
    outcome = forms.CharField(
        label=_("Bilan établi avec la famille"), widget=forms.Textarea(attrs={"rows": 4})
    )
    admission = forms.ModelChoiceField(
        label=_("Demande d'admission dans un village"),
        queryset=None,
        required=False,
        help_text=_("Quand un enfant du foyer est accueilli dans un village."),
    )

    def __init__(self, *args, admissions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admission"].queryset = admissions
        self.fields["admission"].label_from_instance = lambda a: (
            _("%(village)s, demande reçue le %(day)s")
            % {"village": a.establishment.name, "day": a.received_on.strftime("%d/%m/%Y")}
        )


class FollowUpForm(VersionedMixin, Form):
    date_ranges = {"followed_up_on": "past"}
    followed_up_on = forms.DateField(label=_("Suivi fait le"), widget=DATE)
    follow_up_notes = forms.CharField(
        label=_("Ce que devient la famille"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Avec la famille : la situation des enfants (à la maison, accueillis ailleurs), ce "
            "qui tient, ce qui a changé depuis la fin de l'accompagnement."
        ),
    )


class ConcernForm(ReportForm):
    """A concern about a child's safety: the safeguarding report's fields, the household's
    children, and the route the author proposes."""

    route = forms.ChoiceField(
        label=_("Suite proposée"), choices=concerns.ROUTES, widget=forms.RadioSelect
    )

    def report_fields(self):
        return [self["route"], *super().report_fields()]
