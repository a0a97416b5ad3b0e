"""What analytic accounting registers in `kernel.personal_data`: a person's share of a
subject-access export (the contracts and monthly time sheets of their account) and what an
anonymisation erases (the reason a sheet was sent back). The contracts' hours and costs and the
hours by section stay: they are the accounts' supporting records (Code de commerce L123-22, ten
years) and name nobody once the person is anonymised."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ancrage.accounting.models import Contract, TimeEntry, TimeSheet
from ancrage.kernel import personal_data as registry
from ancrage.kernel.personal_data import as_records, json_value


def _employee(person_id: int) -> Q:
    """The account of the person."""
    return Q(employee__person_id=person_id)


def export(person_id: int) -> list[dict]:
    return _export(_employee(person_id))


def export_account(user_id: int) -> list[dict]:
    """The contracts and time sheets of a staff member known only by their account."""
    return _export(Q(employee_id=user_id))


def _export(employee: Q) -> list[dict]:
    rows = [
        {"contrat": row}
        for row in as_records(
            Contract.objects.filter(employee).select_related("organisation"),
            exclude=("employee",),
        )
    ]
    sheets = TimeSheet.objects.filter(employee).order_by("month")
    for sheet in sheets:
        rows.append(
            {
                "feuille de temps": json_value(sheet.month),
                "état": sheet.get_status_display(),
                "motif du renvoi": sheet.returned_reason,
                "heures": [
                    {"section": str(entry.section), "heures": json_value(entry.hours)}
                    for entry in TimeEntry.objects.filter(sheet=sheet).select_related("section")
                ],
            }
        )
    return rows


def anonymise(person_id: int):
    TimeSheet.objects.filter(_employee(person_id)).update(returned_reason="")
    return []


def register() -> None:
    """Called by `AccountingConfig.ready()`."""
    registry.register_exporter(
        registry.Exporter("accounting", _("Contrats et feuilles de temps"), export)
    )
    registry.register_account_exporter(
        registry.Exporter("accounting", _("Contrats et feuilles de temps"), export_account)
    )
    registry.register_anonymiser(registry.Anonymiser("accounting", anonymise))
