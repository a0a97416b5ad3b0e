"""Analytic accounting: the sections (activities) costs are allocated to, the agreements that fund
them, the staff's contracts and their monthly time sheets by section.

A section is coded by activity, not by funder: an O2R programme (one section per consortium
member's part), a village's core activity, the family programme, a support function. An O2R
section is funded by its programme's agreement with the préfet (`insertion.Programme`, never
copied); other funders' agreements are `Agreement` rows."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.accounts.models import Membership
from ancrage.kernel.dates import InRange, date_in_window
from ancrage.kernel.models import end_not_before_start, ends_after_start
from ancrage.kernel.scopes import reach
from ancrage.kernel.versions import Versioned

# The French convention for a monthly wage from weekly hours: 52 weeks over 12 months
# (35 h a week are 151.67 h a month).
WEEKS_PER_MONTH = Decimal(52) / Decimal(12)
MAX_HOURS_PER_WEEK = Decimal(48)  # code du travail L3121-20: 48 hours a week at most

section_code = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]{0,19}$",
    _("Le code compte 1 à 20 caractères : majuscules, chiffres, tiret ou souligné."),
)


class OrganisationScopedQuerySet(models.QuerySet):
    """Records of the organisations the user's organisation-wide roles reach (finance)."""

    scope_kind = "analytic"

    def visible_to(self, user, action="view"):
        where = reach(user, self.scope_kind, action)
        if not where:
            return self.none()
        return self.filter(where.filter(organisation="organisation_id"))


class AgreementQuerySet(OrganisationScopedQuerySet):
    pass


class Agreement(Versioned):
    """A funder's agreement (conseil départemental, a foundation, the CAF...) with its years and
    amount. The O2R agreement with the préfet is the programme itself (`insertion.Programme`)."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_agreements",
        verbose_name=_("organisation financée"),
    )
    funder = models.CharField(_("financeur"), max_length=200)
    name = models.CharField(_("intitulé"), max_length=200)
    start_date = models.DateField(_("début"), validators=[InRange("event")])
    end_date = models.DateField(_("fin"), validators=[InRange("event")])
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "name", "pk"]
        verbose_name = _("convention de financement")
        verbose_name_plural = _("conventions de financement")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="agreement_unique_name"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreement_amount_positive"),
            ends_after_start("agreement_period_order", start="start_date", end="end_date"),
            date_in_window("agreement_start_in_window", "start_date"),
            date_in_window("agreement_end_in_window", "end_date"),
        ]

    def __str__(self):
        return f"{self.name} ({self.funder})"


class SectionQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """Finance reaches its organisation's sections (and, for a consortium it leads, the
        members' parts of the programme), an establishment director those of their
        establishment."""
        where = reach(user, "analytic", action)
        if not where:
            return self.none()
        condition = where.filter(establishment="establishment_id", organisation="organisation_id")
        # The lead of a consortium consolidates its members' parts of the programme.
        condition |= where.filter(organisation="programme__consortium__lead_id")
        return self.filter(condition)


class Section(Versioned):
    """An analytic section: an activity costs and time are allocated to."""

    class Kind(models.TextChoices):
        O2R = "o2r", _("Programme O2R (service public)")
        VILLAGE = "village", _("Village d'enfants (offre socle)")
        FAMILY = "family", _("Programme de renforcement familial")
        SUPPORT = "support", _("Fonctions support")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="analytic_sections",
        verbose_name=_("organisation"),
    )
    establishment = models.ForeignKey(
        "organisation.Establishment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="analytic_sections",
        verbose_name=_("établissement"),
        help_text=_("Vide pour une section de l'organisation (fonctions support)."),
    )
    code = models.CharField(_("code"), max_length=20, validators=[section_code])
    name = models.CharField(_("intitulé"), max_length=200)
    kind = models.CharField(_("activité"), max_length=20, choices=Kind)
    programme = models.ForeignKey(
        "insertion.Programme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="analytic_sections",
        verbose_name=_("programme O2R"),
        help_text=_(
            "La convention O2R avec le préfet finance la section : elle n'est pas recopiée."
        ),
    )
    agreements = models.ManyToManyField(
        Agreement, blank=True, related_name="sections", verbose_name=_("autres conventions")
    )
    active = models.BooleanField(_("active"), default=True)

    objects = SectionQuerySet.as_manager()

    class Meta:
        ordering = ["code", "pk"]
        verbose_name = _("section analytique")
        verbose_name_plural = _("sections analytiques")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="section_unique_code"),
            # An O2R section is funded by its programme; no other section names one.
            models.CheckConstraint(
                condition=Q(kind="o2r", programme__isnull=False)
                | (~Q(kind="o2r") & Q(programme__isnull=True)),
                name="section_programme_iff_o2r",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"


class ContractQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        where = reach(user, "contract", action)
        if not where:
            return self.none()
        return self.filter(where.filter(organisation="organisation_id"))

    def covering(self, first_day, last_day):
        """Contracts in force on at least one day from `first_day` to `last_day`."""
        return self.filter(
            Q(start_date__lte=last_day), Q(end_date__isnull=True) | Q(end_date__gte=first_day)
        )


class Contract(Versioned):
    """An employee's contract as finance sets it: weekly hours, dates, gross cost."""

    class Period(models.TextChoices):
        MONTH = "month", _("par mois")
        YEAR = "year", _("par an")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("employeur"),
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="contracts",
        verbose_name=_("salarié·e"),
    )
    hours_per_week = models.DecimalField(
        _("heures par semaine"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    start_date = models.DateField(_("début"), validators=[InRange("event")])
    end_date = models.DateField(
        _("fin (dernier jour)"), null=True, blank=True, validators=[InRange("event")]
    )
    gross_cost = models.DecimalField(
        _("coût brut chargé (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Salaire brut et charges patronales."),
    )
    cost_period = models.CharField(
        _("période du coût"), max_length=5, choices=Period, default=Period.MONTH
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["employee__last_name", "employee__first_name", "-start_date", "pk"]
        verbose_name = _("contrat")
        verbose_name_plural = _("contrats")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=MAX_HOURS_PER_WEEK),
                name="contract_hours_in_range",
            ),
            models.CheckConstraint(condition=Q(gross_cost__gt=0), name="contract_cost_positive"),
            end_not_before_start("contract_period_order", start="start_date", end="end_date"),
            date_in_window("contract_start_in_window", "start_date"),
            date_in_window("contract_end_in_window", "end_date"),
        ]

    def __str__(self):
        return f"{self.employee} · {self.start_date:%d/%m/%Y}"

    @property
    def monthly_cost(self) -> Decimal:
        if self.cost_period == self.Period.YEAR:
            return self.gross_cost / 12
        return self.gross_cost


class TimeSheetQuerySet(models.QuerySet):
    def own(self, user):
        """One's own time sheets (the employee's page)."""
        return self.filter(employee_id=user.pk)

    def to_approve(self, user, action="view"):
        """The sheets of the people working in the places the user manages (heads of service,
        directors, the O2R lead; finance: every sheet of its organisation), never the user's
        own."""
        where = reach(user, "time_approval", action)
        if not where:
            return self.none()
        staff = Membership.objects.in_force().within(where).values("user_id")
        return self.filter(employee_id__in=staff).exclude(employee_id=user.pk)


class TimeSheet(models.Model):
    """One employee's time for one month, by section: draft, submitted, approved (locked)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        SUBMITTED = "submitted", _("soumise")
        APPROVED = "approved", _("approuvée")

    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="time_sheets",
        verbose_name=_("salarié·e"),
    )
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("soumise le"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approuvée le"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_time_sheets",
        verbose_name=_("approuvée par"),
    )
    returned_reason = models.CharField(_("motif du renvoi"), max_length=300, blank=True)

    objects = TimeSheetQuerySet.as_manager()

    class Meta:
        ordering = ["-month", "employee__last_name", "pk"]
        verbose_name = _("feuille de temps")
        verbose_name_plural = _("feuilles de temps")
        constraints = [
            models.UniqueConstraint(fields=["employee", "month"], name="time_sheet_one_per_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="time_sheet_first_of_month"),
            models.CheckConstraint(
                condition=Q(status="approved", approved_at__isnull=False, approved_by__isnull=False)
                | (~Q(status="approved") & Q(approved_at__isnull=True, approved_by__isnull=True)),
                name="time_sheet_approval_complete",
            ),
            date_in_window("time_sheet_month_in_window", "month"),
        ]
        indexes = [
            # the sheets waiting for approval (the finance home's backlog by month), a small
            # share of the sheets the organisation keeps
            models.Index(
                fields=["month", "employee"],
                name="time_sheet_submitted_idx",
                condition=Q(status="submitted"),
            ),
        ]

    def __str__(self):
        return f"{self.employee} · {self.month:%m/%Y}"

    @property
    def locked(self) -> bool:
        return self.status == self.Status.APPROVED


class TimeEntry(models.Model):
    """Hours of one time sheet spent on one section."""

    sheet = models.ForeignKey(
        TimeSheet, on_delete=models.CASCADE, related_name="entries", verbose_name=_("feuille")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="time_entries", verbose_name=_("section")
    )
    hours = models.DecimalField(_("heures"), max_digits=6, decimal_places=2)

    class Meta:
        ordering = ["section__code", "pk"]
        verbose_name = _("temps par section")
        verbose_name_plural = _("temps par section")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "section"], name="time_entry_one_per_section"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="time_entry_hours_not_negative"),
        ]

    def __str__(self):
        return f"{self.section.code}: {self.hours} h"


class CostCategoryQuerySet(OrganisationScopedQuerySet):
    def for_account(self, account_number: str):
        """The category whose longest prefix starts the account number (None when none)."""
        best = None
        for category in self:
            for prefix in category.prefixes():
                if account_number.startswith(prefix) and (
                    best is None or len(prefix) > len(best[0])
                ):
                    best = (prefix, category)
        return best[1] if best else None


class CostCategory(models.Model):
    """A nature of charge (class 6) or income (class 7) of the French chart of accounts, the
    accounts it gathers (by prefix: the longest prefix wins) and the funders for which it is not
    eligible (training costs for the O2R programme)."""

    class Nature(models.TextChoices):
        CHARGE = "charge", _("charge")
        INCOME = "income", _("produit")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="cost_categories",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("code"), max_length=20, validators=[section_code])
    name = models.CharField(_("intitulé"), max_length=200)
    nature = models.CharField(_("nature"), max_length=10, choices=Nature)
    account_prefixes = models.CharField(
        _("comptes (préfixes)"),
        max_length=300,
        help_text=_("Séparés par des virgules : 64 pour tous les frais de personnel, 6333…"),
    )
    ineligible_programmes = models.ManyToManyField(
        "insertion.Programme",
        blank=True,
        related_name="ineligible_categories",
        verbose_name=_("inéligible pour les programmes O2R"),
    )
    ineligible_agreements = models.ManyToManyField(
        Agreement,
        blank=True,
        related_name="ineligible_categories",
        verbose_name=_("inéligible pour les conventions"),
    )

    objects = CostCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["nature", "code", "pk"]
        verbose_name = _("catégorie de charges ou de produits")
        verbose_name_plural = _("catégories de charges et de produits")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="cost_category_unique_code"
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def prefixes(self) -> list[str]:
        return [p.strip() for p in self.account_prefixes.split(",") if p.strip()]


class FecImportQuerySet(OrganisationScopedQuerySet):
    pass


class FecImport(models.Model):
    """One FEC file taken in whole: who, when, which file (its fingerprint: the same file is
    never taken twice), how many lines."""

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="fec_imports",
        verbose_name=_("organisation"),
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("importé par"),
    )
    imported_at = models.DateTimeField(_("importé le"), auto_now_add=True)
    filename = models.CharField(_("fichier"), max_length=200)
    sha256 = models.CharField(_("empreinte"), max_length=64)
    encoding = models.CharField(_("encodage"), max_length=20)
    line_count = models.PositiveIntegerField(_("lignes"))
    first_date = models.DateField(_("première écriture"))
    last_date = models.DateField(_("dernière écriture"))

    objects = FecImportQuerySet.as_manager()

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("import FEC")
        verbose_name_plural = _("imports FEC")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sha256"], name="fec_import_once"),
        ]

    def __str__(self):
        return self.filename


class LedgerLineQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        where = reach(user, "analytic", action)
        if not where:
            return self.none()
        return self.filter(where.filter(organisation="fec_import__organisation_id"))


class LedgerLine(models.Model):
    """One line of an imported FEC, as the books have it, with its category (classes 6 and 7)
    and its analytic code when the file carries one."""

    fec_import = models.ForeignKey(
        FecImport, on_delete=models.CASCADE, related_name="lines", verbose_name=_("import")
    )
    line_number = models.PositiveIntegerField(_("ligne du fichier"))
    journal_code = models.CharField(_("journal"), max_length=20)
    journal_label = models.CharField(_("libellé du journal"), max_length=100, blank=True)
    entry_number = models.CharField(_("n° d'écriture"), max_length=40)
    entry_date = models.DateField(_("date d'écriture"))
    account_number = models.CharField(_("compte"), max_length=40)
    account_label = models.CharField(_("libellé du compte"), max_length=200, blank=True)
    auxiliary_number = models.CharField(_("compte auxiliaire"), max_length=40, blank=True)
    auxiliary_label = models.CharField(_("libellé auxiliaire"), max_length=200, blank=True)
    piece_reference = models.CharField(_("pièce"), max_length=60, blank=True)
    piece_date = models.DateField(_("date de la pièce"))
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    debit = models.DecimalField(_("débit"), max_digits=14, decimal_places=2)
    credit = models.DecimalField(_("crédit"), max_digits=14, decimal_places=2)
    lettering = models.CharField(_("lettrage"), max_length=20, blank=True)
    lettering_date = models.DateField(_("date de lettrage"), null=True, blank=True)
    validation_date = models.DateField(_("date de validation"))
    currency_amount = models.DecimalField(
        _("montant en devise"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("devise"), max_length=3, blank=True)
    analytic_code = models.CharField(_("code analytique"), max_length=20, blank=True)
    category = models.ForeignKey(
        CostCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("catégorie"),
    )

    objects = LedgerLineQuerySet.as_manager()

    class Meta:
        ordering = ["entry_date", "journal_code", "entry_number", "line_number"]
        verbose_name = _("ligne d'écriture")
        verbose_name_plural = _("lignes d'écriture")
        indexes = [
            models.Index(fields=["fec_import", "account_number"], name="ledger_import_account"),
            models.Index(fields=["entry_date"], name="ledger_entry_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0, credit__gte=0), name="ledger_amounts_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.journal_code} {self.entry_number} · {self.account_number}"

    @property
    def amount(self) -> Decimal:
        """The charge (debit less credit) of a class 6 line, the income (credit less debit) of a
        class 7 line."""
        if self.account_number.startswith("7"):
            return self.credit - self.debit
        return self.debit - self.credit


class AllocationKey(models.Model):
    """A documented key for overheads (headcount, surface, share of direct costs...): the
    weight of each section, in force from a date until the next key of the same code."""

    class Basis(models.TextChoices):
        HEADCOUNT = "headcount", _("effectifs (équivalents temps plein)")
        SURFACE = "surface", _("surface occupée (m²)")
        DIRECT_COSTS = "direct_costs", _("part des coûts directs")
        OTHER = "other", _("autre (expliqué)")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="allocation_keys",
        verbose_name=_("organisation"),
    )
    code = models.CharField(_("code"), max_length=20, validators=[section_code])
    valid_from = models.DateField(_("en vigueur à partir du"), validators=[InRange("event")])
    basis = models.CharField(_("base"), max_length=20, choices=Basis)
    documentation = models.TextField(
        _("justification"), help_text=_("D'où viennent les poids : source, date, calcul.")
    )

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-valid_from", "pk"]
        verbose_name = _("clé de répartition")
        verbose_name_plural = _("clés de répartition")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "valid_from"], name="allocation_key_once_a_day"
            ),
            date_in_window("allocation_key_valid_from_in_window", "valid_from"),
        ]

    def __str__(self):
        return f"{self.code} ({self.valid_from:%d/%m/%Y})"


class KeyShare(models.Model):
    key = models.ForeignKey(
        AllocationKey, on_delete=models.CASCADE, related_name="shares", verbose_name=_("clé")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="key_shares", verbose_name=_("section")
    )
    weight = models.DecimalField(_("poids"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["section__code", "pk"]
        verbose_name = _("poids d'une section")
        verbose_name_plural = _("poids des sections")
        constraints = [
            models.UniqueConstraint(fields=["key", "section"], name="key_share_once"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="key_share_positive"),
        ]

    def __str__(self):
        return f"{self.section_id}: {self.weight}"


class AllocationRule(models.Model):
    """How the lines of an account (and journal) reach sections when they carry no analytic
    code: to one section, by approved staff time, or by a key."""

    class Method(models.TextChoices):
        DIRECT = "direct", _("directe (une section)")
        TIME = "time", _("au temps approuvé du personnel")
        KEY = "key", _("par clé de répartition")

    organisation = models.ForeignKey(
        "organisation.Organisation",
        on_delete=models.PROTECT,
        related_name="allocation_rules",
        verbose_name=_("organisation"),
    )
    account_prefix = models.CharField(
        _("comptes (préfixe)"),
        max_length=20,
        validators=[RegexValidator(r"^[67]\d*$", _("Un compte de classe 6 ou 7."))],
    )
    journal_code = models.CharField(
        _("journal"), max_length=20, blank=True, help_text=_("Vide : tous les journaux.")
    )
    method = models.CharField(_("répartition"), max_length=10, choices=Method)
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("section"),
    )
    key_code = models.CharField(_("clé"), max_length=20, blank=True)

    objects = OrganisationScopedQuerySet.as_manager()

    class Meta:
        ordering = ["account_prefix", "journal_code", "pk"]
        verbose_name = _("règle de répartition")
        verbose_name_plural = _("règles de répartition")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "account_prefix", "journal_code"],
                name="allocation_rule_once",
            ),
            models.CheckConstraint(
                condition=Q(method="direct", section__isnull=False, key_code="")
                | Q(method="time", section__isnull=True, key_code="")
                | (Q(method="key", section__isnull=True) & ~Q(key_code="")),
                name="allocation_rule_complete",
            ),
        ]

    def __str__(self):
        return f"{self.account_prefix} {self.journal_code or '*'} → {self.get_method_display()}"


class TimeBasis(models.Model):
    """The approved staff time behind a month's salaries: each section's share of the salary
    cost of the approved sheets (`weight`, euros), and the sheets themselves."""

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("mois"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    weight = models.DecimalField(_("coût salarial au temps"), max_digits=14, decimal_places=2)
    sheets = models.ManyToManyField(TimeSheet, related_name="+")

    class Meta:
        ordering = ["month", "section__code", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month", "section"], name="time_basis_once"
            )
        ]

    def __str__(self):
        return f"{self.month:%m/%Y} · {self.section_id}: {self.weight}"


class AllocatedAmountQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(section__in=Section.objects.visible_to(user))


class AllocatedAmount(models.Model):
    """A share of one FEC line that reached one section in one month, and by which rule: the
    analytic figures are sums of these, and each goes back to its line (and its key or its
    month's time basis)."""

    class Method(models.TextChoices):
        CODE = "code", _("code analytique de l'écriture")
        DIRECT = "direct", _("règle directe")
        TIME = "time", _("temps approuvé")
        KEY = "key", _("clé de répartition")

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    line = models.ForeignKey(LedgerLine, on_delete=models.CASCADE, related_name="allocations")
    section = models.ForeignKey(Section, on_delete=models.PROTECT, related_name="allocations")
    month = models.DateField(_("mois"))
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    method = models.CharField(_("répartition"), max_length=10, choices=Method)
    key = models.ForeignKey(AllocationKey, on_delete=models.PROTECT, null=True, related_name="+")
    time_basis = models.ForeignKey(TimeBasis, on_delete=models.PROTECT, null=True, related_name="+")

    objects = AllocatedAmountQuerySet.as_manager()

    class Meta:
        ordering = ["month", "section__code", "line_id", "pk"]
        indexes = [
            models.Index(fields=["section", "month"], name="allocated_section_month"),
        ]

    def __str__(self):
        return f"{self.line_id} → {self.section_id}: {self.amount}"


class SectionMonth(models.Model):
    """What the allocation put on one section in one month: its charges (class 6 accounts) and
    the rest (income), the sums of its `AllocatedAmount` rows. Written by the allocation of the
    year in the same transaction as those rows (their only writer), so the cost table reads a
    dozen rows per section instead of summing every share."""

    organisation = models.ForeignKey(
        "organisation.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("mois"))
    charges = models.DecimalField(_("charges"), max_digits=16, decimal_places=2)
    income = models.DecimalField(_("produits"), max_digits=16, decimal_places=2)

    class Meta:
        verbose_name = _("section et mois répartis")
        constraints = [
            models.UniqueConstraint(fields=["section", "month"], name="section_month_unique")
        ]

    def __str__(self):
        return f"{self.section_id} {self.month:%m/%Y}: {self.charges} / {self.income}"


class BudgetQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        return self.filter(section__in=Section.objects.visible_to(user, action))


class Budget(Versioned):
    """The forecast budget of one section for one year, by category: the calendar year for a
    village, the family programme or the support functions; for an O2R section, the agreement
    year that starts in that calendar year (the programme's start day and month). Finance
    arrests the O2R programme's budgets together once they reach the call's floor
    (`arrested_at`); changing one afterwards sets them back to draft."""

    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("section")
    )
    year = models.PositiveSmallIntegerField(
        _("année"), help_text=_("Pour une section O2R : l'année de convention qui y commence.")
    )
    arrested_at = models.DateTimeField(_("arrêté le"), null=True, blank=True)
    arrested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arrêté par"),
    )

    objects = BudgetQuerySet.as_manager()

    class Meta:
        ordering = ["section__code", "year", "pk"]
        verbose_name = _("budget prévisionnel")
        verbose_name_plural = _("budgets prévisionnels")
        constraints = [
            models.UniqueConstraint(fields=["section", "year"], name="budget_once_a_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="budget_year_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.section_id} · {self.year}"


class BudgetLine(models.Model):
    """The forecast amount of one category (a charge or an income) in a budget."""

    budget = models.ForeignKey(
        Budget, on_delete=models.CASCADE, related_name="lines", verbose_name=_("budget")
    )
    category = models.ForeignKey(
        CostCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("catégorie")
    )
    amount = models.DecimalField(_("montant prévu (€)"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["category__nature", "category__code", "pk"]
        verbose_name = _("ligne de budget")
        verbose_name_plural = _("lignes de budget")
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="budget_line_once"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.category_id}: {self.amount}"
