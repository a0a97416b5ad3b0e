"""Users and their memberships: a role held in one house, team, establishment or organisation."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.access import ROLE_SCOPE, TWO_FACTOR_ROLES, Role, Scope


class User(AbstractUser):
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user_account",
        verbose_name=_("personne suivie (espace jeune)"),
        help_text=_("Seulement pour le compte d'un jeune : son propre dossier."),
    )

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self):
        return self.get_full_name() or self.username

    @cached_property
    def active_memberships(self) -> list["Membership"]:
        """The memberships in force today, read once per request."""
        if not self.pk:
            return []
        return list(
            self.memberships.in_force().select_related(
                "unit", "unit__establishment", "establishment", "organisation"
            )
        )

    @property
    def roles(self) -> set[str]:
        return {membership.role for membership in self.active_memberships}

    @property
    def needs_two_factor(self) -> bool:
        return bool(self.roles & TWO_FACTOR_ROLES)


def _roles(scope: Scope) -> list[str]:
    return sorted(role for role, role_scope in ROLE_SCOPE.items() if role_scope is scope)


class MembershipQuerySet(models.QuerySet):
    def in_force(self, day=None):
        day = day or timezone.localdate()
        return self.filter(Q(start_date__lte=day), Q(end_date__isnull=True) | Q(end_date__gte=day))


class Membership(models.Model):
    """A user holds a role in exactly one place: a unit, an establishment or an organisation."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("utilisateur")
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role)
    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("établissement"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("maison ou équipe"),
    )
    start_date = models.DateField(_("début"), default=timezone.localdate)
    end_date = models.DateField(_("fin"), null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("affectation")
        verbose_name_plural = _("affectations")
        constraints = [
            models.CheckConstraint(
                name="membership_exactly_one_place",
                condition=(
                    Q(organisation__isnull=False, establishment__isnull=True, unit__isnull=True)
                    | Q(organisation__isnull=True, establishment__isnull=False, unit__isnull=True)
                    | Q(organisation__isnull=True, establishment__isnull=True, unit__isnull=False)
                    | Q(
                        role=Role.YOUTH,
                        organisation__isnull=True,
                        establishment__isnull=True,
                        unit__isnull=True,
                    )
                ),
            ),
            models.CheckConstraint(
                name="membership_place_matches_role",
                condition=(
                    Q(role__in=_roles(Scope.UNIT), unit__isnull=False)
                    | Q(role__in=_roles(Scope.ESTABLISHMENT), establishment__isnull=False)
                    | Q(role__in=_roles(Scope.ORGANISATION), organisation__isnull=False)
                    | Q(role__in=_roles(Scope.SELF))
                ),
                violation_error_message=_("Ce rôle ne se rattache pas à ce type de lieu."),
            ),
            models.CheckConstraint(
                name="membership_dates_in_order",
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.place}"

    @property
    def place(self):
        return self.unit or self.establishment or self.organisation or _("son propre dossier")

    @property
    def scope(self) -> Scope:
        return ROLE_SCOPE[self.role]

    def clean(self):
        from django.core.exceptions import ValidationError

        expected = {
            Scope.UNIT: "unit",
            Scope.ESTABLISHMENT: "establishment",
            Scope.ORGANISATION: "organisation",
        }.get(self.scope)
        places = {
            "unit": self.unit_id,
            "establishment": self.establishment_id,
            "organisation": self.organisation_id,
        }
        if expected is None:
            if any(places.values()):
                raise ValidationError(_("Un compte jeune n'est rattaché à aucun lieu."))
            return
        if not places[expected] or any(v for k, v in places.items() if k != expected):
            label = {
                "unit": _("une maison ou une équipe"),
                "establishment": _("un établissement"),
                "organisation": _("une organisation"),
            }[expected]
            raise ValidationError(
                {
                    expected: _("Ce rôle se rattache à %(place)s, et seulement à cela.")
                    % {"place": label}
                }
            )
