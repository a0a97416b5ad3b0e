"""The projet pour l'autonomie of a young person (from 16, until 21): five areas each with a
status, notes and a next step, and the accompaniment after 18 (contrat jeune majeur or
accompaniment until 21), which ends the day before the 21st birthday at the latest."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.kernel.calendar import YOUNG_ADULT_SUPPORT_AGE
from ancrage.kernel.models import CreatedRecord, end_not_before_start
from ancrage.people.models import Person

MINIMUM_AGE = 16
SUPPORT_LIMIT_AGE = YOUNG_ADULT_SUPPORT_AGE


class AutonomyProjectQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(person__in=Person.objects.visible_to(user).values("pk"))


class AutonomyProject(CreatedRecord):
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="autonomy_project",
        verbose_name=_("jeune"),
    )
    # no reverse accessor on the user
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("créé par"),
    )

    objects = AutonomyProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet pour l'autonomie")
        verbose_name_plural = _("projets pour l'autonomie")

    def __str__(self):
        return str(self.person)


class AutonomyArea(models.Model):
    class Area(models.TextChoices):
        RESOURCES = "resources", _("Ressources")
        HOUSING = "housing", _("Logement")
        EMPLOYMENT = "employment", _("Emploi ou formation")
        HEALTH = "health", _("Santé")
        ADMINISTRATION = "administration", _("Démarches administratives")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("À engager")
        IN_PROGRESS = "in_progress", _("En cours")
        ACHIEVED = "achieved", _("Acquis")
        BLOCKED = "blocked", _("En difficulté")

    project = models.ForeignKey(AutonomyProject, on_delete=models.CASCADE, related_name="areas")
    area = models.CharField(_("domaine"), max_length=20, choices=Area)
    status = models.CharField(_("état"), max_length=20, choices=Status, default=Status.NOT_STARTED)
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.CharField(_("prochaine étape"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("mis à jour le"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("domaine du projet pour l'autonomie")
        verbose_name_plural = _("domaines du projet pour l'autonomie")
        constraints = [
            models.UniqueConstraint(fields=["project", "area"], name="autonomy_one_row_per_area")
        ]

    def __str__(self):
        return f"{self.project} · {self.get_area_display()}"

    @property
    def order(self):
        return list(self.Area.values).index(self.area)


class YoungAdultSupport(models.Model):
    """The accompaniment of a young adult after 18: start and end, never past 21."""

    class Kind(models.TextChoices):
        CONTRAT_JEUNE_MAJEUR = "contrat_jeune_majeur", _("Contrat jeune majeur")
        UNTIL_21 = "until_21", _("Accompagnement jusqu'à 21 ans (loi du 7 février 2022)")

    project = models.ForeignKey(AutonomyProject, on_delete=models.CASCADE, related_name="supports")
    kind = models.CharField(_("nature"), max_length=30, choices=Kind)
    start_date = models.DateField(_("début"))
    end_date = models.DateField(_("fin"))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("enregistré le"), default=timezone.now)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("accompagnement jeune majeur")
        verbose_name_plural = _("accompagnements jeunes majeurs")
        constraints = [end_not_before_start("support_ends_after_start", optional=False)]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.start_date:%d/%m/%Y}"
