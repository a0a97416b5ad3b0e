"""The background jobs of analytic accounting: the FEC import (the checked file waits under
MEDIA_ROOT/imports/, the worker reads it, takes it whole or refuses it with the row-by-row report,
then deletes it) and a year's allocation (large years: hundreds of thousands of lines)."""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ancrage.accounting import allocation, books
from ancrage.kernel.jobs import JobFile, JobKind
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Organisation


def store_upload(uploaded) -> str:
    """Keep a checked file for the worker, copied in chunks (Django has already streamed a large
    upload to a temporary file); its name is random, never the browser's."""
    return default_storage.save(f"imports/fec-{get_random_string(24)}.txt", uploaded)


def _run_import(job, progress):
    params = job.params
    path = params.get("path", "")
    try:
        if not path.startswith("imports/") or not default_storage.exists(path):
            raise ValidationError(
                _("Le fichier à importer n'est plus disponible : déposez-le de nouveau.")
            )
        organisation_id = params.get("organisation")
        if organisation_id not in reach(job.started_by, "analytic", "change").organisations:
            raise ValidationError(
                _("Vous ne pouvez pas importer les écritures de cette organisation.")
            )
        organisation = Organisation.objects.get(pk=organisation_id)
        with default_storage.open(path, "rb") as stored:  # read as a stream
            fec_import = books.import_fec(
                organisation, job.started_by, stored, params.get("filename", "fec.txt"), progress
            )
    finally:
        if path.startswith("imports/") and default_storage.exists(path):
            default_storage.delete(path)
    report = _(
        "Import FEC n°%(pk)s : %(lines)s lignes du %(first)s au %(last)s, encodage %(encoding)s.\n"
    ) % {
        "pk": fec_import.pk,
        "lines": fec_import.line_count,
        "first": fec_import.first_date.isoformat(),
        "last": fec_import.last_date.isoformat(),
        "encoding": fec_import.encoding,
    }
    return JobFile(report.encode("utf-8"), f"import-fec-{fec_import.pk}.txt", "text/plain")


def back_to_imports(job):
    return reverse("accounting:imports")


FEC_IMPORT = JobKind(
    name="fec_import",
    label=gettext_lazy("Import du fichier des écritures comptables (FEC)"),
    permission=("analytic", "change"),
    run=_run_import,
    relaunch=False,
    back=back_to_imports,
)


def _run_allocation(job, progress):
    """Recompute a year's allocation of the organisations the starter still reaches, one
    transaction each; the report says how many lines were allocated and which were not."""
    params = job.params
    try:
        year = int(params.get("year"))
    except (TypeError, ValueError):
        raise ValidationError(_("L'année à répartir n'est pas valable.")) from None
    reached = reach(job.started_by, "analytic", "change").organisations
    wanted = [pk for pk in params.get("organisations", []) if pk in reached]
    if not wanted:
        raise ValidationError(_("Vous ne pouvez répartir les écritures d'aucune organisation."))
    lines = []
    for done, organisation in enumerate(Organisation.objects.filter(pk__in=wanted).order_by("pk")):
        result = allocation.allocate_year(organisation, year)
        lines.append(
            _("%(organisation)s : %(done)s lignes réparties, %(left)s non réparties.")
            % {
                "organisation": organisation.name,
                "done": result.allocated,
                "left": result.unallocated_count,
            }
        )
        for line, why in result.unallocated[:200]:
            lines.append(
                _("  non répartie : %(journal)s %(entry)s, compte %(account)s (%(why)s)")
                % {
                    "journal": line.journal_code,
                    "entry": line.entry_number,
                    "account": line.account_number,
                    "why": why,
                }
            )
        progress(done + 1, len(wanted))
    report = _("Répartition %(year)s recalculée.") % {"year": year}
    text = "\n".join([report, *lines]) + "\n"
    return JobFile(text.encode("utf-8"), f"repartition-{year}.txt", "text/plain")


def back_to_figures(job):
    return f"{reverse('accounting:figures')}?annee={job.params.get('year', '')}"


ALLOCATION = JobKind(
    name="accounting_allocation",
    label=gettext_lazy("Répartition analytique d'une année"),
    permission=("analytic", "change"),
    run=_run_allocation,
    relaunch=True,
    back=back_to_figures,
)
