"""What each app knows about the life of a person's file, for the retention run: when the
person was last in contact with the association (per framework), what still protects the file,
and how the app erases its share of a file being anonymised.

The kernel never imports the apps above it: an app registers here from its
`AppConfig.ready()` (`privacy` registers the contributions of the apps below it, from
`privacy/contributions.py`; a new app such as `families` or `staff` registers its own from its
own `ready()`), and `privacy.retention` asks every registration. Each callable is given plain
person ids, so the kernel needs no model of the apps above it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

# The frameworks a retention rule is written for (the rows seeded by privacy's migration).
CHILD_PROTECTION = "child_protection"
O2R = "o2r"
FAMILY_PROGRAMME = "family_programme"
STAFF = "staff"
PARTICIPATION = "participation"

# What an anonymised person's names become, wherever they are written (the interface shows
# "Personne anonymisée").
ANONYMOUS_NAME = "Anonyme"


@dataclass(frozen=True)
class ContactSource:
    """Where the last contacts of one framework's files are found. `read(today)` yields
    `(person_id, establishment_id or None, day)` rows (several per person allowed: the latest
    counts, and its establishment is the file's); `running(today)` yields the ids of persons
    whose file is still running (a stay or a measure in force, an O2R file not exited), never
    due whatever their last contact."""

    name: str
    framework: str
    read: Callable[[date], Iterable[tuple[int, int | None, date]]]
    running: Callable[[date], Iterable[int]] = lambda today: ()


@dataclass(frozen=True)
class Protection:
    """Something another rule still needs (a sibling's running measure, an open incident, a
    hold): `persons(today)` yields the ids of the persons it protects now; `label` says why, in
    French, in the dry run."""

    name: str
    label: str
    persons: Callable[[date], Iterable[int]]


@dataclass(frozen=True)
class Anonymiser:
    """How an app erases its share of one person's file: `anonymise(person_id)` runs inside the
    file's one transaction (the run rolls everything back if any app fails), writes with
    `QuerySet.update` or `delete` (so the change audit keeps no copy of what it erased) and
    returns the files (storage names) to delete once the transaction is committed."""

    name: str
    anonymise: Callable[[int], Iterable[str]]


@dataclass(frozen=True)
class Exporter:
    """One section of a subject-access export (RGPD art. 15): `export(person_id)` returns the
    section's records as JSON-ready dicts (dates as ISO texts), third parties' names already
    redacted; `label` titles the section in French."""

    name: str
    label: str
    export: Callable[[int], list[dict]]


@dataclass(frozen=True)
class Processing:
    """One entry of the register of processing activities (RGPD art. 30), declared once by the
    app that does the processing (in its `personal_data.py`, or by `privacy` for the apps below
    it): its purposes, legal bases, categories of persons and data, recipients (French texts),
    the retention rules' `frameworks` that say how long its data is kept (the durations are read
    from the rules, never written here), a `retention_note`, the DPIA `criteria` it meets (keys
    of `privacy.register.CRITERIA`), and its `position` in the register."""

    code: str
    name: str
    purposes: tuple
    legal_bases: tuple
    persons: tuple
    data: tuple
    recipients: tuple
    frameworks: tuple = ()
    retention_note: str = ""
    criteria: tuple = ()
    position: int = 0
    # Filled by `privacy.register.processings()` from the retention rules.
    rules: tuple = ()


_processings: dict[str, Processing] = {}


def register_processing(processing: Processing) -> None:
    _processings[processing.code] = processing


def processings() -> list[Processing]:
    """The declared processings, in the register's order."""
    return sorted(_processings.values(), key=lambda p: (p.position, p.code))


_contacts: dict[str, ContactSource] = {}
_protections: dict[str, Protection] = {}
_anonymisers: dict[str, Anonymiser] = {}
_exporters: dict[str, Exporter] = {}


def register_contact_source(source: ContactSource) -> None:
    _contacts[source.name] = source


def register_protection(protection: Protection) -> None:
    _protections[protection.name] = protection


def register_anonymiser(anonymiser: Anonymiser) -> None:
    _anonymisers[anonymiser.name] = anonymiser


def contact_sources() -> list[ContactSource]:
    return list(_contacts.values())


def protections() -> list[Protection]:
    return list(_protections.values())


def anonymisers() -> list[Anonymiser]:
    return list(_anonymisers.values())


_anonymised: list[Callable[[], Iterable[int]]] = []


def register_anonymised(persons: Callable[[], Iterable[int]]) -> None:
    """The app that keeps where each file stands (`privacy`) says which persons are anonymised
    (a queryset of ids, so that callers can filter on it in SQL)."""
    _anonymised[:] = [persons]


def anonymised_persons():
    """The ids of the persons anonymised already (an empty list before any registration)."""
    return _anonymised[0]() if _anonymised else []


def register_exporter(exporter: Exporter) -> None:
    _exporters[exporter.name] = exporter


def exporters() -> list[Exporter]:
    return list(_exporters.values())


_account_exporters: dict[str, Exporter] = {}


def register_account_exporter(exporter: Exporter) -> None:
    """One section of the export of a staff account without a person record (an employee who
    asks for their data): `export(user_id)` returns the section's records, as `Exporter`."""
    _account_exporters[exporter.name] = exporter


def account_exporters() -> list[Exporter]:
    return list(_account_exporters.values())


# --- Helpers for the registrations ------------------------------------------------------------

# Internal columns that say nothing about the person.
INTERNAL_FIELDS = frozenset(
    {"search_text", "last_name_key", "birth_name_key", "first_names_key", "lock_version"}
)


def json_value(value):
    """A value of a record as JSON holds it (dates and times as ISO texts)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, int | float | bool | str) or value is None:
        return value
    return str(value)


def as_records(queryset, exclude=()) -> list[dict]:
    """Each record as a dict of its fields (a choice as its label, a relation as its text),
    internal columns and `exclude` left out: what an exporter returns."""
    rows = []
    for record in queryset:
        row = {}
        for field in record._meta.concrete_fields:
            if field.name in INTERNAL_FIELDS or field.name in exclude:
                continue
            if field.is_relation:
                related = getattr(record, field.name)
                row[field.name] = str(related) if related is not None else None
                continue
            value = getattr(record, field.attname)
            if field.choices:
                value = getattr(record, f"get_{field.name}_display")()
            row[field.name] = json_value(value)
        rows.append(row)
    return rows


def forget_changes(model, ids) -> None:
    """Delete the change audit's before/after values of these rows: they would keep what an
    anonymisation erased."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    ids = [str(pk) for pk in ids]
    if ids:
        content_type = ContentType.objects.get_for_model(model)
        LogEntry.objects.filter(content_type=content_type, object_pk__in=ids).delete()
