"""Forms of the family visits: a visit right, a planned visit, what happened. Rules live in
the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.forms import Form
from ancrage.people.models import Person
from ancrage.placements.forms.fields import DATE, DATE_TIME
from ancrage.placements.models import Visit, VisitRight


class RelativeChoiceField(forms.ModelChoiceField):
    """A relative of the child, named with their family link ("Sandrine Martin · Mère")."""

    def __init__(self, *args, links, **kwargs):
        self.kinds = {link.relative_id: link.get_kind_display() for link in links}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, person):
        return f"{person.full_name} · {self.kinds.get(person.pk, '')}"


class VisitRightForm(Form):
    mode = forms.ChoiceField(label=_("Modalité"), choices=VisitRight.Mode.choices)
    third_party = forms.CharField(
        label=_("Tiers présent"),
        max_length=150,
        required=False,
        help_text=_("Obligatoire pour une visite médiatisée : le service ou le professionnel."),
    )
    frequency = forms.CharField(
        label=_("Fréquence fixée par le juge"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : un samedi sur deux."),
    )
    overnight = forms.BooleanField(label=_("Droit d'hébergement"), required=False)
    start_date = forms.DateField(label=_("Depuis le"), widget=DATE)
    end_date = forms.DateField(
        label=_("Jusqu'au"),
        widget=DATE,
        required=False,
        help_text=_("Dernier jour du droit ; vide s'il court jusqu'à la prochaine décision."),
    )

    def __init__(self, *args, links, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relative"] = RelativeChoiceField(
            label=_("Parent ou proche"),
            queryset=Person.objects.filter(pk__in=[link.relative_id for link in links]),
            links=links,
            help_text=_("Seuls les proches liés à l'enfant (liens familiaux) sont proposés."),
        )
        self.order_fields(["relative"])


class VisitRightChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, right):
        # A relative the user may not see is not named (see visit_rights_for_planning).
        if getattr(right, "relative_named", True):
            name = right.relative.full_name
        else:
            name = _("Proche hors de votre périmètre d'accès")
        return f"{name} · {right.get_mode_display()}"


class VisitForm(Form):
    right = VisitRightChoiceField(label=_("Droit de visite"), queryset=VisitRight.objects.none())
    starts_at = forms.DateTimeField(label=_("Début"), widget=DATE_TIME)
    ends_at = forms.DateTimeField(label=_("Fin"), widget=DATE_TIME)
    place = forms.CharField(
        label=_("Lieu"),
        max_length=150,
        required=False,
        help_text=_("Par exemple : maison commune du village, point rencontre."),
    )

    def __init__(self, *args, rights, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["right"].queryset = rights


class VisitOutcomeForm(Form):
    status = forms.ChoiceField(
        label=_("La visite"),
        choices=[(Visit.Status.HELD, _("a eu lieu")), (Visit.Status.CANCELLED, _("a été annulée"))],
        widget=forms.RadioSelect,
    )
    cancelled_by = forms.ChoiceField(
        label=_("Annulée par"),
        choices=[("", "—"), *Visit.CancelledBy.choices],
        required=False,
        help_text=_("Seulement si la visite a été annulée."),
    )
    observations = forms.CharField(
        label=_("Observations"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
