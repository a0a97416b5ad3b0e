"""Users and their memberships: a role held in one house, team, establishment or organisation."""

from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.access import PERSONAL_DATA_ROLES, ROLE_SCOPE, TWO_FACTOR_ROLES, Role, Scope
from ancrage.kernel.scopes import Reach


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
        # A young person's account is named by its user name outside their file: its full name
        # is a person's name, which the administration (lists, recent actions, history) and
        # anything else that prints an account must not show.
        if self.person_id:
            return self.username
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
        """Confirmed memberships whose dates cover `day` (today): a proposed or refused one gives
        no right."""
        day = day or timezone.localdate()
        return self.filter(
            Q(status=Membership.Status.CONFIRMED),
            Q(start_date__lte=day),
            Q(end_date__isnull=True) | Q(end_date__gte=day),
        )

    def within(self, reach: Reach):
        """The memberships attached to a place the reach covers: a unit or establishment of a
        reached establishment, or anything in a reached organisation. A young person's account
        (no place) falls under the organisation-wide reach (the national director)."""
        condition = reach.filter(establishment="establishment", organisation="organisation")
        if reach.organisations:
            condition |= reach.filter(organisation="establishment__organisation")
            condition |= reach.filter(organisation="unit__establishment__organisation")
            condition |= Q(role=Role.YOUTH)
        # A director's reach names their establishment; the memberships of its houses and teams
        # are theirs too.
        if reach.establishments:
            condition |= Q(unit__establishment_id__in=sorted(reach.establishments))
        return self.filter(condition)


class Membership(models.Model):
    """A user holds a role in exactly one place: a unit, an establishment or an organisation.

    A role that reaches personal data (`PERSONAL_DATA_ROLES`) takes two people: the administrator
    proposes it (`proposed`, no right yet), a director of the place confirms or refuses it in the
    product (`accounts/services.py`). Only confirmed memberships are in force."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposée")
        CONFIRMED = "confirmed", _("confirmée")
        REFUSED = "refused", _("refusée")

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
    # Deny by default: a membership written without a word is only a proposal.
    status = models.CharField(
        _("état"), max_length=10, choices=Status, default=Status.PROPOSED, editable=False
    )
    proposed_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("proposée par"),
    )

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

    @property
    def needs_confirmation(self) -> bool:
        """Whether the role reaches personal data, so a second person must confirm it."""
        return self.role in PERSONAL_DATA_ROLES

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


class MembershipEvent(models.Model):
    """What happened to a membership, by whom and when: proposed (or granted at once, for a role
    that reaches no personal data), confirmed, refused, revoked (an end date set or brought
    forward). Shown to the directors of the place."""

    class Action(models.TextChoices):
        PROPOSED = "proposed", _("proposée")
        GRANTED = "granted", _("accordée (aucune donnée personnelle)")
        CONFIRMED = "confirmed", _("confirmée")
        REFUSED = "refused", _("refusée")
        REVOKED = "revoked", _("révoquée")

    membership = models.ForeignKey(
        Membership,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("affectation"),
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("par"))
    at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("événement d'affectation")
        verbose_name_plural = _("événements d'affectation")

    def __str__(self):
        return f"{self.membership} · {self.get_action_display()}"
