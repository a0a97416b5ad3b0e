"""The stored summary of each staff member's record (`models.Standing`): their latest
attestation, the day of their last safeguarding course, whether they took the induction. The
homes' flags read it (queries.flags) instead of every attestation and training of the
organisation.

Kept exact by the services, in the transaction of each write that changes it: an entry opens its
row (`open_standing`), an attestation or a training moves it on under a row lock
(`attestation_recorded`, `training_recorded`); a member's deletion takes the row with it
(CASCADE), and an attestation the row points at cannot be deleted alone (RESTRICT). The contract's
dates (arrival, departure) are the entry's own columns, read as they are. What turns with the
passing of time is compared with today at read time (queries.flags): nothing stored here
depends on the day or on a setting.

`expected()` works the summary out from scratch (the rebuild, the migration, the tests);
`rebuild()` writes it (`ancrage rebuild_staff_standing`); `drift()` lists the members whose stored
row differs from it."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery

INDUCTION = "induction"  # Course.Kind.INDUCTION, spelled out for the migration's models
BATCH = 2000


def _models(apps):
    return (
        apps.get_model("staff", "StaffMember"),
        apps.get_model("staff", "Attestation"),
        apps.get_model("staff", "Training"),
        apps.get_model("staff", "Standing"),
    )


def expected(member_ids=None, *, apps=global_apps) -> dict:
    """{member id: (latest attestation id, last course's day, induction taken)} worked out from
    the attestations and trainings themselves, in one query: the latest attestation is the first
    by date issued, then by recording (as the register shows them)."""
    StaffMember, Attestation, Training, _Standing = _models(apps)
    members = StaffMember.objects.all()
    if member_ids is not None:
        members = members.filter(pk__in=sorted(member_ids))
    rows = (
        members.annotate(
            latest=Subquery(
                Attestation.objects.filter(staff_member=OuterRef("pk"))
                .order_by("-issued_on", "-pk")
                .values("pk")[:1]
            ),
            last_on=Subquery(
                Training.objects.filter(staff_member=OuterRef("pk"))
                .order_by("-attended_on")
                .values("attended_on")[:1]
            ),
            induction=Exists(
                Training.objects.filter(staff_member=OuterRef("pk"), course__kind=INDUCTION)
            ),
        )
        .order_by("pk")
        .values_list("pk", "latest", "last_on", "induction")
    )
    return {pk: (latest, last_on, bool(induction)) for pk, latest, last_on, induction in rows}


def stored(member_ids=None, *, apps=global_apps) -> dict:
    """The summary as stored, in the shape of `expected()`."""
    *_, Standing = _models(apps)
    rows = Standing.objects.all()
    if member_ids is not None:
        rows = rows.filter(member_id__in=sorted(member_ids))
    return {
        pk: (latest, last_on, induction)
        for pk, latest, last_on, induction in rows.values_list(
            "member_id", "latest_attestation_id", "last_training_on", "induction_taken"
        )
    }


def drift(*, apps=global_apps) -> list[int]:
    """The members whose stored summary differs from the one worked out from scratch (missing
    rows and rows of no member included); empty when the summary is exact."""
    found, kept = expected(apps=apps), stored(apps=apps)
    return sorted(pk for pk in found.keys() | kept.keys() if found.get(pk) != kept.get(pk))


def rebuild(member_ids=None, *, apps=global_apps) -> int:
    """Write the summary from scratch (every member's, or these members'): for existing data (the
    migration that creates it, a bulk seed) and after any write made outside the services.
    Returns how many rows were written."""
    *_, Standing = _models(apps)
    rows = expected(member_ids, apps=apps)
    with transaction.atomic():
        old = Standing.objects.all()
        if member_ids is not None:
            old = old.filter(member_id__in=sorted(member_ids))
        old.delete()
        Standing.objects.bulk_create(
            [
                Standing(
                    member_id=pk,
                    latest_attestation_id=latest,
                    last_training_on=last_on,
                    induction_taken=induction,
                )
                for pk, (latest, last_on, induction) in rows.items()
            ],
            batch_size=BATCH,
        )
    return len(rows)


# Kept by the services, in their transaction ------------------------------------------------


def open_standing(member) -> None:
    """A new entry: no attestation, no course yet."""
    from ancrage.staff.models import Standing

    Standing.objects.create(member=member)


def _locked(member_id):
    """The member's row, locked until the end of the transaction; None when the member has none
    (an entry made outside the services): it is then written from scratch, this write
    included."""
    from ancrage.staff.models import Standing

    standing = Standing.objects.select_for_update().filter(member_id=member_id).first()
    if standing is None:
        rebuild([member_id])
    return standing


def attestation_recorded(attestation) -> None:
    """A new attestation becomes the member's latest when it comes first in the register's
    order (date issued, then recording): one recorded late for an earlier date does not."""
    standing = _locked(attestation.staff_member_id)
    if standing is None:
        return
    latest = standing.latest_attestation
    if latest is None or (attestation.issued_on, attestation.pk) > (latest.issued_on, latest.pk):
        standing.latest_attestation = attestation
        standing.save(update_fields=["latest_attestation"])


def training_recorded(training) -> None:
    """A course attended moves the last course's day on (never back) and marks the induction."""
    standing = _locked(training.staff_member_id)
    if standing is None:
        return
    changed = []
    if standing.last_training_on is None or training.attended_on > standing.last_training_on:
        standing.last_training_on = training.attended_on
        changed.append("last_training_on")
    if training.course.kind == INDUCTION and not standing.induction_taken:
        standing.induction_taken = True
        changed.append("induction_taken")
    if changed:
        standing.save(update_fields=changed)
