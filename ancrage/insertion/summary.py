"""The activity report read from a stored summary, exact: a report of a fixed period (an agreement
or calendar year or quarter) is built once, published (with its disclosure control) and kept with
the programme's count of changes; it is served again while no write has touched the programme
since, and built again otherwise. A reader never sees a stale figure.

Every service that writes a programme's O2R records calls `record_change` in the write's
transaction: it adds one row (append-only, so concurrent counsellors never wait on a shared row).
The count of a programme's changes is its tally of folded changes plus its rows, read in one
statement (one snapshot), so it moves with every committed write and never goes back. A summary is
current when the count it was built with equals the count now; the count is read before the
build, so a write committed during the build leaves the summary stale, never wrong.

`refresh_stale` (the task `refresh_report_summaries`, run by a worker) rebuilds the stored
summaries made stale by writes, so that readers rarely pay a build, and folds the change rows;
`prebuild` then builds the current periods' summaries nobody has opened yet (every programme's
agreement year and quarter, calendar year and quarter holding today, and the default period,
for every view: the programme's, each member's, each service's), so that the first reader of
the period reads a summary too."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.functional import Promise

from ancrage.insertion import report
from ancrage.insertion.models import (
    Beneficiary,
    Programme,
    ReportChange,
    ReportChangeTally,
    ReportSummary,
)
from ancrage.insertion.periods import default_period, periods
from ancrage.kernel import disclosure

# The code that makes a report: a summary built by other code (a deployment since) is not read.
FINGERPRINT = hashlib.sha256(
    b"".join(Path(module.__file__).read_bytes() for module in (report, disclosure))
    + Path(__file__).read_bytes()
).hexdigest()[:16]


# The programme of a beneficiary or of an accompaniment, found by the insert itself.
BENEFICIARY_CHANGE = (
    "INSERT INTO insertion_reportchange (programme_id) "
    "SELECT programme_id FROM insertion_beneficiary WHERE id = %s"
)
ACCOMPANIMENT_CHANGE = (
    "INSERT INTO insertion_reportchange (programme_id) SELECT b.programme_id "
    "FROM insertion_beneficiary b JOIN insertion_accompaniment a ON a.beneficiary_id = b.id "
    "WHERE a.id = %s"
)


def record_change(programme=None, *, beneficiary_id=None, accompaniment_id=None) -> None:
    """Mark that a write touched a programme's O2R records: its stored report summaries are
    stale from the moment the write commits. The programme (a Programme or its id), or the
    beneficiary or accompaniment the write is about (their programme found by the same insert:
    one query either way). Call it inside the write's transaction."""
    if programme is not None:
        ReportChange.objects.create(programme_id=getattr(programme, "pk", programme))
        return
    if beneficiary_id is not None:
        sql, param = BENEFICIARY_CHANGE, beneficiary_id
    else:
        sql, param = ACCOMPANIMENT_CHANGE, accompaniment_id
    with connection.cursor() as cursor:
        cursor.execute(sql, [param])


def record_person_change(person_id: int) -> None:
    """A correction of a person (birth date, sex) changes the reports of every programme where
    the person is a beneficiary."""
    for programme_id in (
        Beneficiary.objects.filter(person_id=person_id)
        .values_list("programme_id", flat=True)
        .distinct()
        .order_by()
    ):
        record_change(programme_id)


def person_saved(sender, instance, created, update_fields=None, **kwargs) -> None:
    """The people app's identity corrections write the fields they change (`update_fields`):
    the birth date and the sex are the report's age and sex. A save of every field (no
    `update_fields`: any other path) may have changed them too."""
    if created:
        return
    if update_fields is None or {"birth_date", "sex"} & set(update_fields):
        record_person_change(instance.pk)


def territory_saved(sender, instance, **kwargs) -> None:
    """An EFOP territory renamed or moved to another département (the administration): the
    territories' and départements' rows of every programme's report may change."""
    ReportChange.objects.bulk_create(
        [ReportChange(programme_id=pk) for pk in Programme.objects.values_list("pk", flat=True)]
    )


def service_saved(sender, instance, created, **kwargs) -> None:
    """A service edited in the administration (its organisation: which member it reports
    under) changes the reports of the programmes it runs."""
    if created:
        return
    ReportChange.objects.bulk_create(
        [
            ReportChange(programme_id=pk)
            for pk in Programme.objects.filter(services=instance.pk).values_list("pk", flat=True)
        ]
    )


def _changes(programme_ref):
    """The programme's count of changes, as an expression (its tally plus its rows)."""
    rows = (
        ReportChange.objects.filter(programme_id=programme_ref)
        .order_by()
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    tally = ReportChangeTally.objects.filter(programme_id=programme_ref).values("folded")
    return Coalesce(Subquery(rows), Value(0)) + Coalesce(Subquery(tally), Value(0))


def changes(programme_id: int) -> int:
    return (
        Programme.objects.filter(pk=programme_id)
        .annotate(now=_changes(OuterRef("pk")))
        .values_list("now", flat=True)
        .get()
    )


def _key(groups: list[list[int]], consolidated: bool) -> str:
    view = "programme" if consolidated else "service"
    services = hashlib.sha256(repr(groups).encode()).hexdigest()[:24]
    return f"{FINGERPRINT}:{translation.get_language() or ''}:{view}:{services}"


def _build(programme, groups, start, end, consolidated):
    if consolidated:
        return report.build_consolidated(
            [("", ids) for ids in groups], start, end, programme=programme
        )
    return report.build(groups[0], start, end, programme=programme).published()


def published(programme, members, start: date, end: date, *, consolidated: bool):
    """The published report of `members` ((name, service ids); one for the service view) for
    the programme and a fixed period: the stored summary when current, else built and stored.
    One query when current."""
    groups = [sorted(ids) for _name, ids in members]
    key = _key(groups, consolidated)
    row = (
        ReportSummary.objects.filter(programme=programme, key=key, start=start, end=end)
        .annotate(now=_changes(OuterRef("programme_id")))
        .values("changes", "now", "figures")
        .first()
    )
    if row is not None and row["changes"] == row["now"]:
        result = decode(row["figures"])
    else:
        result = _store(programme, key, groups, start, end, consolidated)
    if consolidated:
        result.members = [name for name, _ids in members]
    return result


def _store(programme, key, groups, start, end, consolidated):
    # The count first: a write committed after it makes this summary stale.
    now = changes(programme.pk)
    result = _build(programme, groups, start, end, consolidated)
    ReportSummary.objects.bulk_create(
        [
            ReportSummary(
                programme=programme,
                key=key,
                start=start,
                end=end,
                members=groups,
                consolidated=consolidated,
                changes=now,
                figures=encode(result),
            )
        ],
        update_conflicts=True,
        unique_fields=["programme", "key", "start", "end"],
        update_fields=["members", "consolidated", "changes", "figures", "built_at"],
    )
    return result


def refresh_stale() -> int:
    """Build again every stored summary of the current code that a write made stale; fold the
    change rows. Returns how many summaries were rebuilt."""
    rebuilt = 0
    ReportSummary.objects.exclude(key__startswith=f"{FINGERPRINT}:").delete()
    stale = (
        ReportSummary.objects.annotate(now=_changes(OuterRef("programme_id")))
        .exclude(changes=F("now"))
        .select_related("programme")
        .order_by("programme_id", "start")
    )
    for summary in stale:
        language = summary.key.split(":")[1] or None
        with translation.override(language):
            _store(
                summary.programme,
                summary.key,
                summary.members,
                summary.start,
                summary.end,
                summary.consolidated,
            )
        rebuilt += 1
    for programme_id in ReportChange.objects.values_list("programme_id", flat=True).distinct():
        fold(programme_id)
    return rebuilt


def current_periods(programme, today: date) -> list:
    """The periods of the programme's report a reader opens now: every fixed period holding
    today (the agreement year and its quarter, the calendar year and its quarter) and the
    report's default period (the agreement year holding today, else the nearest one)."""
    out = [p for p in periods(programme) if p.start <= today <= p.end]
    default = default_period(programme, today)
    return out if default in out else [default, *out]


def prebuild(today: date) -> int:
    """Build the summaries of the current periods that are not stored yet, for every
    programme and every view of it (`queries.report.report_views`), in the site's language.
    Returns how many were built. The stored and stale ones are `refresh_stale`'s."""
    from ancrage.insertion.queries.report import report_views

    built = 0
    with translation.override(settings.LANGUAGE_CODE):
        for programme in Programme.objects.select_related("consortium").order_by("pk"):
            stored = set(
                ReportSummary.objects.filter(programme=programme).values_list("key", "start", "end")
            )
            for members, consolidated in report_views(programme):
                groups = [sorted(ids) for _name, ids in members]
                key = _key(groups, consolidated)
                for period in current_periods(programme, today):
                    if (key, period.start, period.end) in stored:
                        continue
                    _store(programme, key, groups, period.start, period.end, consolidated)
                    stored.add((key, period.start, period.end))
                    built += 1
    return built


def fold(programme_id: int) -> None:
    """Replace the programme's change rows by their number in its tally, in one transaction (a
    reader's single statement sees both or neither: the count does not move)."""
    with transaction.atomic():
        ReportChangeTally.objects.get_or_create(programme_id=programme_id)
        tally = ReportChangeTally.objects.select_for_update().get(programme_id=programme_id)
        last = (
            ReportChange.objects.filter(programme_id=programme_id)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        if last is None:
            return
        folded, _ = ReportChange.objects.filter(programme_id=programme_id, pk__lte=last).delete()
        ReportChangeTally.objects.filter(pk=tally.pk).update(folded=F("folded") + folded)


# The stored form of a published report: JSON, with its dataclasses, tuples and dates kept.
CLASSES = {cls.__name__: cls for cls in (report.Grid, report.Report, report.Consolidated)}


def encode(value):
    if dataclasses.is_dataclass(value):
        if CLASSES.get(type(value).__name__) is not type(value):
            raise TypeError(f"{type(value).__name__} is not a stored part of a report")
        return {
            "$": type(value).__name__,
            "f": {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if isinstance(value, tuple):
        return {"t": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {"m": [[encode(k), encode(v)] for k, v in value.items()]}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if isinstance(value, Promise):
        return str(value)
    return value


def decode(value):
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "$" in value:
            return CLASSES[value["$"]](**{k: decode(v) for k, v in value["f"].items()})
        if "t" in value:
            return tuple(decode(v) for v in value["t"])
        if "m" in value:
            return {decode(k): decode(v) for k, v in value["m"]}
        if "n" in value:
            return Decimal(value["n"])
        return date.fromisoformat(value["d"])
    return value
