"""Repérage: the outreach actions ("aller vers") and the people met, possibly anonymous."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ancrage.insertion.models.programme import Programme, ScopedQuerySet
from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.models import CreatedRecord


class OutreachQuerySet(ScopedQuerySet):
    scope_kind = "outreach"


class OutreachAction(CreatedRecord):
    """An "aller vers" action: where and how the team went to meet people."""

    class Kind(models.TextChoices):
        STREET_WORK = "street_work", _("Travail de rue")
        EVENT = "event", _("Événement")
        PARTNER_HOURS = "partner_hours", _("Permanence chez un partenaire")
        PHONE = "phone", _("Téléphone")
        SOCIAL_NETWORKS = "social_networks", _("Réseaux sociaux")
        REFERRAL = "referral", _("Orientation par un partenaire")

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="outreach_actions"
    )
    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    date = models.DateField(_("date"), validators=[InRange("event")])
    kind = models.CharField(_("type d'action"), max_length=20, choices=Kind)
    place = models.CharField(_("lieu"), max_length=200)
    commune = models.CharField(_("commune"), max_length=100)
    efop_territory = models.ForeignKey(
        "organisation.EfopTerritory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territoire EFOP"),
    )
    partners = models.CharField(_("partenaires associés"), max_length=300, blank=True)
    people_met = models.PositiveIntegerField(_("personnes rencontrées"))

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("action de repérage")
        verbose_name_plural = _("actions de repérage")
        indexes = [models.Index(fields=["team", "-date"], name="outreach_team_date_idx")]
        constraints = [
            date_in_window("outreachaction_date_in_window", "date"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.place} · {self.date:%d/%m/%Y}"


class Contact(CreatedRecord):
    """A person met, possibly anonymous (a nickname), with the next step agreed."""

    class AgeBracket(models.TextChoices):
        UNDER_18 = "under_18", _("Moins de 18 ans")
        AGE_18_25 = "18_25", _("18 à 25 ans")
        AGE_26_34 = "26_34", _("26 à 34 ans")
        AGE_35_44 = "35_44", _("35 à 44 ans")
        AGE_45_54 = "45_54", _("45 à 54 ans")
        AGE_55_PLUS = "55_plus", _("55 ans et plus")
        UNKNOWN = "unknown", _("Inconnu")

    class NextStep(models.TextChoices):
        MEET_AGAIN = "meet_again", _("Nouvelle rencontre")
        APPOINTMENT = "appointment", _("Rendez-vous individuel")
        WORKSHOP = "workshop", _("Invitation à un atelier")
        REFER = "refer", _("Orientation vers un partenaire")
        NONE = "none", _("Pas de suite souhaitée")

    # The programme the contact was met for (a service may run two): the report counts it there.
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="contacts")
    service = models.ForeignKey(
        "organisation.Establishment", on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisation.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("équipe")
    )
    outreach_action = models.ForeignKey(
        OutreachAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("action de repérage"),
    )
    met_on = models.DateField(_("rencontré le"), validators=[InRange("past")])
    nickname = models.CharField(_("prénom ou surnom"), max_length=100)
    age_bracket = models.CharField(
        _("tranche d'âge"), max_length=10, choices=AgeBracket, default=AgeBracket.UNKNOWN
    )
    sex = models.CharField(
        _("sexe"),
        max_length=1,
        choices=[("F", _("Féminin")), ("M", _("Masculin")), ("X", _("Non renseigné"))],
        default="X",
    )
    commune = models.CharField(_("commune"), max_length=100)
    efop_territory = models.ForeignKey(
        "organisation.EfopTerritory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territoire EFOP"),
    )
    next_step = models.CharField(
        _("suite prévue"), max_length=20, choices=NextStep, default=NextStep.MEET_AGAIN
    )
    next_step_on = models.DateField(_("date de la suite"), null=True, blank=True)
    note = models.TextField(_("observations"), blank=True)
    # Set when the contact becomes a beneficiary; the contact stays, as their history.
    beneficiary = models.ForeignKey(
        "Beneficiary", on_delete=models.PROTECT, null=True, blank=True, related_name="contacts"
    )

    objects = OutreachQuerySet.as_manager()

    class Meta:
        ordering = ["-met_on", "-pk"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            # The contacts list's order (`Meta.ordering`) within a counsellor's team and within
            # the O2R lead's service: the database reads the page's first rows from the index
            # instead of sorting every contact of the service.
            models.Index(fields=["team", "-met_on", "-id"], name="contact_team_order_idx"),
            models.Index(fields=["service", "-met_on", "-id"], name="contact_service_order_idx"),
            # A beneficiary's first contact (the report's delays) in one index probe.
            models.Index(fields=["beneficiary", "met_on"], name="contact_beneficiary_date_idx"),
        ]
        constraints = [
            date_in_window("contact_met_on_in_window", "met_on"),
        ]

    def __str__(self):
        return f"{self.nickname} ({self.met_on:%d/%m/%Y})"
