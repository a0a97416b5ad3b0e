"""Forecast budgets and what was achieved against them: the periods a budget covers (a calendar
year, or for an O2R section the agreement year that starts in it), saving a section's budget
(no ineligible category for its programme), arresting an O2R programme's budgets (the call's
floor: at least 150 000 € over 3 years) and the achieved amounts by category from the
allocation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ancrage.accounting.models import AllocatedAmount, Budget, BudgetLine, CostCategory, Section
from ancrage.insertion.models.programme import MINIMUM_AGREEMENT_EUROS
from ancrage.kernel.calendar import add_days, add_years
from ancrage.kernel.versions import locked

PROJECT_FLOOR = Decimal(MINIMUM_AGREEMENT_EUROS)


def euros(value: Decimal) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True) + " €"


@dataclass(frozen=True)
class AgreementYear:
    number: int  # 1, 2, 3
    year: int  # the calendar year it starts in (a budget's `year`)
    start: date
    end: date


def agreement_years(programme) -> list[AgreementYear]:
    """The years of an O2R agreement, from its start day to the day before the same date a year
    later (the last one ends with the agreement)."""
    years, number, start = [], 1, programme.start_date
    while start <= programme.end_date:
        end = min(add_days(add_years(programme.start_date, number), -1), programme.end_date)
        years.append(AgreementYear(number, start.year, start, end))
        number += 1
        start = add_days(end, 1)
    return years


def period(section: Section, year: int) -> tuple[date, date] | None:
    """The days a section's budget of `year` covers; None when an O2R section's agreement has
    no year starting then."""
    if section.kind == Section.Kind.O2R:
        for agreement_year in agreement_years(section.programme):
            if agreement_year.year == year:
                return agreement_year.start, agreement_year.end
        return None
    return date(year, 1, 1), date(year, 12, 31)


def ineligible_category_ids(section: Section) -> set[int]:
    if section.programme_id is None:
        return set()
    return set(
        CostCategory.objects.filter(ineligible_programmes=section.programme_id).values_list(
            "pk", flat=True
        )
    )


def field_name(category: CostCategory) -> str:
    return f"category_{category.pk}"


@transaction.atomic
def save_budget(section: Section, year: int, amounts: dict, *, expected_version=None) -> Budget:
    """Write a section's budget for a year (category -> amount; zero drops the line). Refused:
    a year outside an O2R section's agreement, a negative amount, an amount on a category
    ineligible for the section's programme (training costs for O2R). Changing an arrested O2R
    budget sets the programme's budgets back to draft."""
    errors = {}
    if period(section, year) is None:
        errors["year"] = _("Aucune année de la convention O2R ne commence en %(year)s.") % {
            "year": year
        }
    ineligible = ineligible_category_ids(section)
    for category, amount in amounts.items():
        if category.organisation_id != section.organisation_id:
            errors[field_name(category)] = _("Cette catégorie est celle d'une autre organisation.")
        elif amount is not None and amount < 0:
            errors[field_name(category)] = _("Un montant prévu n'est jamais négatif.")
        elif amount and category.pk in ineligible:
            errors[field_name(category)] = _(
                "« %(category)s » n'est pas éligible au programme O2R : ne la budgétez pas sur "
                "cette section."
            ) % {"category": category.name}
    if errors:
        raise ValidationError(errors)
    budget = Budget.objects.filter(section=section, year=year).first()
    if budget is None:
        budget = Budget.objects.create(section=section, year=year)
    else:
        budget = locked(budget, expected_version)
    budget.lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(budget=budget, category=category, amount=amount)
        for category, amount in amounts.items()
        if amount
    )
    budget.save()  # its version moves on
    if section.programme_id is not None:
        Budget.objects.filter(section__programme=section.programme_id).update(
            arrested_at=None, arrested_by=None
        )
        budget.refresh_from_db(fields=["arrested_at", "arrested_by"])
    return budget


def programme_budget_total(programme) -> Decimal:
    """The forecast charges of the programme's O2R sections (every member's part) over the
    agreement's years."""
    years = [y.year for y in agreement_years(programme)]
    total = BudgetLine.objects.filter(
        budget__section__programme=programme,
        budget__year__in=years,
        category__nature=CostCategory.Nature.CHARGE,
    ).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


def check_floor(programme) -> Decimal:
    """The project's forecast cost, refused when under the call's floor."""
    total = programme_budget_total(programme)
    if total < PROJECT_FLOOR:
        raise ValidationError(
            _(
                "Le coût total prévu du projet, %(total)s sur les %(years)s années de la "
                "convention (toutes les parts des membres), est inférieur au minimum de l'appel "
                ": %(floor)s sur 3 ans. Complétez les budgets des sections O2R avant de les "
                "arrêter."
            )
            % {
                "total": euros(total),
                "years": len(agreement_years(programme)),
                "floor": euros(PROJECT_FLOOR),
            },
            code="floor",
        )
    return total


@transaction.atomic
def arrest_programme_budget(programme, by) -> int:
    """Arrest the forecast budgets of an O2R programme (every member's section, every year of
    the agreement): refused under the call's floor or with an ineligible category budgeted."""
    if not Budget.objects.filter(section__programme=programme).exists():
        raise ValidationError(_("Aucun budget prévisionnel n'est saisi pour ce programme."))
    check_floor(programme)
    ineligible = BudgetLine.objects.filter(
        budget__section__programme=programme,
        category__ineligible_programmes=programme,
        amount__gt=0,
    ).select_related("category", "budget__section")
    for line in ineligible[:1]:
        raise ValidationError(
            _("« %(category)s » est budgétée sur %(section)s mais n'est pas éligible au programme.")
            % {"category": line.category.name, "section": line.budget.section.code}
        )
    return Budget.objects.filter(section__programme=programme).update(
        arrested_at=timezone.now(), arrested_by=by
    )


def achieved(section_ids, start: date, end: date) -> dict[int, Decimal]:
    """Category id -> the amounts allocated to the sections over the months from `start` to
    `end` (charges and income each as themselves: positive when they are what they say)."""
    rows = (
        AllocatedAmount.objects.filter(
            section_id__in=section_ids,
            month__gte=start.replace(day=1),
            month__lte=end,
        )
        .values("line__category_id")
        .annotate(total=Sum("amount"))
        .order_by("line__category_id")
    )
    return {row["line__category_id"]: row["total"] for row in rows}


@dataclass
class Comparison:
    category: CostCategory
    budget: Decimal
    achieved: Decimal

    @property
    def variance(self) -> Decimal:
        return self.achieved - self.budget

    @property
    def variance_percent(self) -> Decimal | None:
        if not self.budget:
            return None
        return (self.variance * 100 / self.budget).quantize(Decimal("0.1"))


def comparison(budget: Budget, categories) -> list[Comparison]:
    """Achieved against the budget, category by category (those budgeted or achieved)."""
    bounds = period(budget.section, budget.year)
    done = achieved([budget.section_id], *bounds) if bounds else {}
    planned = defaultdict(Decimal)
    for line in budget.lines.all():
        planned[line.category_id] += line.amount
    return [
        Comparison(category, planned[category.pk], done.get(category.pk, Decimal(0)))
        for category in categories
        if planned[category.pk] or done.get(category.pk)
    ]
