"""The pages of analytic accounting: sections and agreements, contracts (finance), one's time
sheets (every employee), the sheets to approve (managers)."""

import csv
import io

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.accounting import books, jobs, queries, reports, services
from ancrage.accounting import budgets as budgeting
from ancrage.accounting.forms import (
    AgreementForm,
    BudgetForm,
    ContractForm,
    FecUploadForm,
    IneligibilityForm,
    SectionForm,
    SendBackForm,
    TimeSheetForm,
)
from ancrage.accounting.periods import first_of_month, month_from
from ancrage.kernel.access import can, requires
from ancrage.kernel.disclosure import FOOTNOTE as disclosure_footnote_text
from ancrage.kernel.documents import download
from ancrage.kernel.exports import spreadsheet_row
from ancrage.kernel.flow import act, submit
from ancrage.kernel.jobs import remember_job, start_job
from ancrage.kernel.middleware import large_body
from ancrage.kernel.versions import expected_version


def _posted(request):
    """The submitted data, even when empty (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _other_parameters(request) -> str:
    """The query string without the page number, for the page links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires("analytic", "view")
def home(request):
    return render(
        request,
        "accounting/home.html",
        {
            **queries.section_page(request.user, request.GET, request.GET.get("page", 1)),
            "query": _other_parameters(request),
            "agreements": queries.agreements(request.user),
            "can_change": can(request.user, "analytic", "change"),
        },
    )


def _fields(form, names):
    return {name: form.cleaned_data[name] for name in names}


SECTION_FIELDS = ("code", "name", "kind", "organisation", "establishment", "programme", "active")


def _section_page(request, section=None):
    initial = {"active": True}
    if section is not None:
        initial = {name: getattr(section, name) for name in SECTION_FIELDS}
        initial["agreements"] = list(section.agreements.values_list("pk", flat=True))
    form = SectionForm(
        _posted(request),
        initial=initial,
        record=section,
        **queries.section_choices(request.user),
    )

    def save(form):
        return services.save_section(
            section,
            expected_version=expected_version(form) if section else None,
            agreements=list(form.cleaned_data["agreements"]),
            **_fields(form, SECTION_FIELDS),
        )

    return submit(
        request,
        form,
        save,
        template="form_page.html",
        context={
            "title": _("Modifier la section") if section else _("Nouvelle section analytique"),
            "cancel_url": reverse("accounting:home"),
        },
        success="accounting:home",
        message=_("La section est enregistrée."),
        refused_status=422,
    )


@requires("analytic", "change")
@require_http_methods(["GET", "POST"])
def section_add(request):
    return _section_page(request)


@requires("analytic", "change")
@require_http_methods(["GET", "POST"])
def section_edit(request, pk):
    return _section_page(request, queries.section(request.user, pk))


AGREEMENT_FIELDS = ("funder", "name", "organisation", "start_date", "end_date", "amount")


def _agreement_page(request, agreement=None):
    initial = {}
    if agreement is not None:
        initial = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    form = AgreementForm(
        _posted(request),
        initial=initial,
        record=agreement,
        **queries.agreement_choices(request.user),
    )

    def save(form):
        return services.save_agreement(
            agreement,
            expected_version=expected_version(form) if agreement else None,
            **_fields(form, AGREEMENT_FIELDS),
        )

    return submit(
        request,
        form,
        save,
        template="form_page.html",
        context={
            "title": _("Modifier la convention") if agreement else _("Nouvelle convention"),
            "help": _(
                "La convention O2R avec le préfet est celle du programme O2R : rattachez le "
                "programme à sa section au lieu de la saisir ici."
            ),
            "cancel_url": reverse("accounting:home"),
        },
        success="accounting:home",
        message=_("La convention est enregistrée."),
        refused_status=422,
    )


@requires("analytic", "change")
@require_http_methods(["GET", "POST"])
def agreement_add(request):
    return _agreement_page(request)


@requires("analytic", "change")
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    return _agreement_page(request, queries.agreement(request.user, pk))


@requires("contract", "view")
def contracts(request):
    return render(
        request,
        "accounting/contracts.html",
        {
            "contracts": queries.contracts(request.user),
            "can_change": can(request.user, "contract", "change"),
        },
    )


CONTRACT_FIELDS = (
    "employee",
    "organisation",
    "hours_per_week",
    "start_date",
    "end_date",
    "gross_cost",
    "cost_period",
)


def _contract_page(request, contract=None):
    initial = {"cost_period": "month"}
    if contract is not None:
        initial = {name: getattr(contract, name) for name in CONTRACT_FIELDS}
    form = ContractForm(
        _posted(request),
        initial=initial,
        record=contract,
        **queries.contract_choices(request.user),
    )

    def save(form):
        return services.save_contract(
            contract,
            expected_version=expected_version(form) if contract else None,
            **_fields(form, CONTRACT_FIELDS),
        )

    return submit(
        request,
        form,
        save,
        template="form_page.html",
        context={
            "title": _("Modifier le contrat") if contract else _("Nouveau contrat"),
            "cancel_url": reverse("accounting:contracts"),
        },
        success="accounting:contracts",
        message=_("Le contrat est enregistré."),
        refused_status=422,
    )


@requires("contract", "change")
@require_http_methods(["GET", "POST"])
def contract_add(request):
    return _contract_page(request)


@requires("contract", "change")
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    return _contract_page(request, queries.contract(request.user, pk))


@requires("time_sheet", "view")
def my_time(request):
    today = first_of_month(timezone.localdate())
    return render(
        request,
        "accounting/my_time.html",
        {"sheets": queries.own_sheets(request.user), "this_month": today},
    )


@requires("time_sheet", "change")
@require_http_methods(["GET", "POST"])
def time_sheet(request, year, month):
    day = month_from(year, month)
    if day is None or day > first_of_month(timezone.localdate()):
        return redirect("accounting:my_time")
    page = queries.time_sheet_page(request.user, day)
    sheet = page["sheet"]
    editable = sheet is None or sheet.status == sheet.Status.DRAFT
    form = TimeSheetForm(
        _posted(request),
        sections=page["sections"],
        initial_hours={pk: formats.number_format(h, 2) for pk, h in page["hours"].items()},
        disabled=not editable,
    )
    submitting = "submit" in request.POST

    def save(form):
        return services.save_time_sheet(request.user, day, form.hours(), submit=submitting)

    return submit(
        request,
        form,
        save,
        template="accounting/time_sheet.html",
        context={**page, "editable": editable},
        success=reverse("accounting:time_sheet", args=[year, month]),
        message=(
            _("La feuille de temps est soumise à votre responsable.")
            if submitting
            else _("La feuille de temps est enregistrée.")
        ),
        refused_status=422,
    )


@requires("time_approval", "view")
def approvals(request):
    return render(request, "accounting/approvals.html", queries.sheets_to_approve(request.user))


@requires("time_approval", "change")
@require_POST
def approve(request, pk):
    sheet = queries.sheet_to_approve(request.user, pk)
    return act(
        request,
        lambda: services.approve_time_sheet(sheet, request.user),
        success="accounting:approvals",
        message=_("La feuille est approuvée : le mois est verrouillé."),
    )


@requires("time_approval", "change")
@require_POST
def send_back(request, pk):
    sheet = queries.sheet_to_approve(request.user, pk)
    form = SendBackForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return act(
        request,
        lambda: services.return_time_sheet(sheet, request.user, reason),
        success="accounting:approvals",
        message=_("La feuille est renvoyée à son auteur·rice."),
    )


def _import_context(request):
    return {**queries.imports(request.user), "action": reverse("accounting:import_start")}


@requires("analytic", "view")
def imports(request):
    form = FecUploadForm(**queries.upload_choices(request.user))
    return render(request, "accounting/imports.html", {**_import_context(request), "form": form})


@large_body("FEC_MAX_BYTES")
@requires("analytic", "change")
@require_POST
def import_start(request):
    form = FecUploadForm(request.POST, request.FILES, **queries.upload_choices(request.user))

    def start(form):
        path = jobs.store_upload(form.cleaned_data["file"])
        job = start_job(
            request.user,
            jobs.FEC_IMPORT.name,
            {
                "path": path,
                "filename": form.cleaned_data["file"].name[:200],
                "organisation": form.cleaned_data["organisation"].pk,
            },
        )
        remember_job(request, job)
        return job

    return submit(
        request,
        form,
        start,
        template="accounting/imports.html",
        context=lambda: _import_context(request),
        success=lambda job: reverse("web:job", args=[job.pk]),
        message=_("L'import est lancé : suivez-le sur cette page."),
        refused_status=422,
    )


@requires("analytic", "view")
def categories(request):
    return render(request, "accounting/categories.html", queries.categories(request.user))


@requires("analytic", "change")
@require_POST
def categories_default(request):
    organisations = queries.categories(request.user)["without_categories"]

    def create():
        if not organisations:
            raise ValidationError(_("Chaque organisation a déjà ses catégories."))
        for organisation in organisations:
            books.create_default_categories(
                organisation, programmes=queries.o2r_programmes_of(organisation)
            )

    return act(
        request,
        create,
        success="accounting:categories",
        message=_(
            "Les catégories du plan comptable sont créées ; la formation est inéligible pour "
            "les programmes O2R."
        ),
    )


@requires("analytic", "change")
@require_http_methods(["GET", "POST"])
def category_edit(request, pk):
    category = queries.category(request.user, pk)
    form = IneligibilityForm(
        _posted(request),
        initial={
            "programmes": list(category.ineligible_programmes.values_list("pk", flat=True)),
            "agreements": list(category.ineligible_agreements.values_list("pk", flat=True)),
        },
        **queries.ineligibility_choices(category),
    )
    return submit(
        request,
        form,
        lambda form: books.set_ineligibility(
            category,
            programmes=list(form.cleaned_data["programmes"]),
            agreements=list(form.cleaned_data["agreements"]),
        ),
        template="form_page.html",
        context={
            "title": _("Éligibilité : %(category)s") % {"category": category},
            "help": _(
                "Les charges de cette catégorie sont exclues des coûts éligibles des "
                "financeurs cochés."
            ),
            "cancel_url": reverse("accounting:categories"),
        },
        success="accounting:categories",
        message=_("L'éligibilité de la catégorie est enregistrée."),
        refused_status=422,
    )


def _year(data) -> int:
    today = timezone.localdate()
    try:
        year = int(data.get("annee", today.year))
    except (TypeError, ValueError):
        return today.year
    return year if 2000 <= year <= today.year + 1 else today.year


@requires("analytic", "view")
def figures(request):
    year = _year(request.GET)
    return render(
        request,
        "accounting/figures.html",
        {
            **queries.cost_table(request.user, year, request.GET, request.GET.get("page", 1)),
            "query": _other_parameters(request),
            "months": range(1, 13),
            "can_change": can(request.user, "analytic", "change"),
        },
    )


@requires("analytic", "view")
def trace(request, pk, year, month):
    if month_from(year, month) is None:
        raise Http404
    return render(request, "accounting/trace.html", queries.trace(request.user, pk, year, month))


@requires("analytic", "change")
@require_POST
def allocate(request):
    """Start the year's allocation in the background (a large year is hundreds of thousands of
    lines) and lead to the job's page."""
    year = _year(request.POST)
    organisations = queries.upload_choices(request.user)["organisations"]
    job = start_job(
        request.user,
        jobs.ALLOCATION.name,
        {"year": year, "organisations": [o.pk for o in organisations]},
    )
    remember_job(request, job)
    return redirect("web:job", job.pk)


@requires("analytic", "view")
def export_csv(request):
    """The allocated analytic lines of a year as CSV (semicolons, decimal points, UTF-8 with
    BOM so that a spreadsheet reads the accents)."""
    year = _year(request.GET)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(queries.EXPORT_HEADER)
    for row in queries.allocated_rows(request.user, year):
        writer.writerow(spreadsheet_row(row))
    # A whole response rather than kernel.documents.download's stream: the CSV is built in
    # memory anyway; the same headers (attachment, nosniff, no-store).
    response = HttpResponse(
        ("\ufeff" + out.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="repartition-analytique-{year}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, no_store=True, private=True)
    return response


# Budgets


@requires("analytic", "view")
def budgets(request):
    return render(
        request, "accounting/budgets.html", queries.budgets_page(request.user, _year(request.GET))
    )


def _budget_year(section, year):
    if not 2000 <= year <= 2100 or budgeting.period(section, year) is None:
        raise Http404
    return year


@requires("analytic", "view")
def budget(request, pk, year):
    section = queries.budget_section(request.user, pk)
    _budget_year(section, year)
    record = queries.budget_of(section, year)
    categories = queries.section_categories(section)
    return render(
        request,
        "accounting/budget.html",
        {
            "section": section,
            "year": year,
            "period": budgeting.period(section, year),
            "budget": record,
            "lines": budgeting.comparison(record, categories) if record else [],
            "can_change": can(request.user, "analytic", "change"),
        },
    )


@requires("analytic", "change")
@require_http_methods(["GET", "POST"])
def budget_edit(request, pk, year):
    section = queries.budget_section(request.user, pk, "change")
    _budget_year(section, year)
    record = queries.budget_of(section, year)
    categories = queries.section_categories(section)
    amounts = {line.category_id: line.amount for line in record.lines.all()} if record else {}
    form = BudgetForm(
        _posted(request),
        categories=categories,
        amounts=amounts,
        ineligible=budgeting.ineligible_category_ids(section),
        record=record,
    )
    start, end = budgeting.period(section, year)
    return submit(
        request,
        form,
        lambda form: budgeting.save_budget(
            section,
            year,
            form.amounts(),
            expected_version=expected_version(form) if record else None,
        ),
        template="form_page.html",
        context={
            "title": _("Budget prévisionnel %(code)s, du %(start)s au %(end)s")
            % {
                "code": section.code,
                "start": formats.date_format(start, "d/m/Y"),
                "end": formats.date_format(end, "d/m/Y"),
            },
            "help": _(
                "Montants prévus en euros par catégorie ; une case vide vaut zéro. Les "
                "dépenses de formation ne sont pas éligibles au programme O2R."
            ),
            "cancel_url": reverse("accounting:budget", args=[section.pk, year]),
        },
        success=reverse("accounting:budget", args=[section.pk, year]),
        message=_("Le budget prévisionnel est enregistré."),
        refused_status=422,
    )


@requires("analytic", "change")
@require_POST
def budget_arrest(request, pk):
    programme = queries.budget_programme(request.user, pk)
    return act(
        request,
        lambda: budgeting.arrest_programme_budget(programme, request.user),
        success=f"{reverse('accounting:budgets')}?annee={_year(request.POST)}",
        message=_(
            "Le budget prévisionnel du programme est arrêté : il atteint le minimum de l'appel."
        ),
    )


# The financial report


@requires("financial_report", "view")
def financial_reports(request):
    programmes = queries.report_programmes(request.user)
    return render(
        request,
        "accounting/financial_reports.html",
        {"programmes": [(p, budgeting.agreement_years(p)) for p in programmes]},
    )


def _financial_report(request, pk, number):
    programme = queries.report_programme(request.user, pk)
    years = budgeting.agreement_years(programme)
    if not 1 <= number <= len(years):
        raise Http404
    return reports.financial_report(programme, years[number - 1])


@requires("financial_report", "view")
def financial_report(request, pk, number):
    report = _financial_report(request, pk, number)
    return render(
        request,
        "accounting/financial_report.html",
        {"report": report, "footnote": disclosure_footnote_text},
    )


def _report_filename(report, extension):
    return f"compte-rendu-financier-{report.programme.pk}-annee-{report.year.number}.{extension}"


@requires("financial_report", "view")
def financial_report_xlsx(request, pk, number):
    report = _financial_report(request, pk, number)
    return download(
        reports.to_xlsx(report),
        _report_filename(report, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@requires("financial_report", "view")
def financial_report_pdf(request, pk, number):
    report = _financial_report(request, pk, number)
    return download(reports.to_pdf(report), _report_filename(report, "pdf"), "application/pdf")
