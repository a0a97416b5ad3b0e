"""The O2R counts of each team kept exact by the writes (`Tally`): how many beneficiaries at
each step, how many contacts, how many of them not yet beneficiaries. The O2R home and the
beneficiary list read these few rows instead of counting a service's hundred thousand files.

Every service that creates a beneficiary or a contact, links a contact to a beneficiary or moves
a beneficiary to another step calls the function below in its own transaction: one upsert per
count (`INSERT … ON CONFLICT DO UPDATE SET n = n + delta`, on PostgreSQL and SQLite), so that
concurrent writers only wait on the row of their team's count, and a rolled-back write leaves
the counts as they were. A step is read under the beneficiary's row lock before it moves, so
two writers never move the same file from the same step twice. `rebuild` counts everything
again from the rows: after the seed's bulk inserts, in the migration, and in the tests that
check the kept counts against it."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from ancrage.insertion.models import Beneficiary, Contact, Tally

KEY = Tally.Key


def _add(service_id: int, team_id: int, key: str, delta: int) -> None:
    table = Tally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (service_id, team_id, key, n) VALUES (%s, %s, %s, %s) "  # noqa: S608 - the table name from the model, values as parameters
            f"ON CONFLICT (service_id, team_id, key) DO UPDATE SET n = {table}.n + excluded.n",
            (service_id, team_id, key, delta),
        )


def beneficiary_added(beneficiary: Beneficiary) -> None:
    """A file opened (at its first step)."""
    _add(beneficiary.service_id, beneficiary.team_id, beneficiary.status, 1)


def contact_added(contact: Contact) -> None:
    """A person met: one contact more, and one not yet a beneficiary unless already linked."""
    _add(contact.service_id, contact.team_id, KEY.CONTACTS, 1)
    if contact.beneficiary_id is None:
        _add(contact.service_id, contact.team_id, KEY.ANONYMOUS, 1)


def link_contact(contact: Contact, beneficiary: Beneficiary) -> bool:
    """Link a contact not yet a beneficiary to the file opened for them; False (nothing
    written) when another write linked it first."""
    linked = Contact.objects.filter(pk=contact.pk, beneficiary__isnull=True).update(
        beneficiary=beneficiary
    )
    if linked:
        _add(contact.service_id, contact.team_id, KEY.ANONYMOUS, -1)
        contact.beneficiary = beneficiary
    return bool(linked)


@transaction.atomic
def move(beneficiary: Beneficiary, status: str) -> None:
    """Set the beneficiary's step, and move them between their team's counts from the step the
    row has (read under its lock, not the one loaded with the object)."""
    old = (
        Beneficiary.objects.select_for_update()
        .filter(pk=beneficiary.pk)
        .values_list("status", flat=True)
        .get()
    )
    if old != status:
        Beneficiary.objects.filter(pk=beneficiary.pk).update(status=status)
        _add(beneficiary.service_id, beneficiary.team_id, old, -1)
        _add(beneficiary.service_id, beneficiary.team_id, status, 1)
    beneficiary.status = status


def counted() -> dict[tuple[int, int, str], int]:
    """Every count made again from the rows: {(service, team, key): n}, zeros left out."""
    found = {}
    for row in (
        Beneficiary.objects.values("service_id", "team_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        found[(row["service_id"], row["team_id"], row["status"])] = row["n"]
    for row in (
        Contact.objects.values("service_id", "team_id")
        .annotate(n=Count("pk"), anonymous=Count("pk", filter=Q(beneficiary__isnull=True)))
        .order_by()
    ):
        found[(row["service_id"], row["team_id"], KEY.CONTACTS)] = row["n"]
        found[(row["service_id"], row["team_id"], KEY.ANONYMOUS)] = row["anonymous"]
    return {key: n for key, n in found.items() if n}


def kept() -> dict[tuple[int, int, str], int]:
    """The counts as stored, in the form of `counted` (zeros left out)."""
    return {(t.service_id, t.team_id, t.key): t.n for t in Tally.objects.exclude(n=0).order_by()}


@transaction.atomic
def rebuild() -> int:
    """Count everything again from the rows (the rows locked by the writers' upserts wait);
    returns the number of counts stored."""
    Tally.objects.all().delete()
    rows = [
        Tally(service_id=service, team_id=team, key=key, n=n)
        for (service, team, key), n in counted().items()
    ]
    Tally.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def counts(user) -> dict[str, int]:
    """The user's counts, each key summed over the teams and services they reach (0 where
    none)."""
    found = dict(Tally.objects.visible_to(user).values_list("key").annotate(n=Sum("n")).order_by())
    return {key: found.get(key, 0) for key in KEY.values}


def beneficiaries(user, *, team=None, status=None) -> int:
    """How many beneficiaries the user reaches, of one team and at one step when given."""
    tallies = Tally.objects.visible_to(user).filter(key__in=Tally.BENEFICIARY_KEYS)
    if team is not None:
        tallies = tallies.filter(team=team)
    if status:
        tallies = tallies.filter(key=status)
    return tallies.aggregate(n=Sum("n"))["n"] or 0


def consortium_counts(organisation_ids) -> list[dict]:
    """Beneficiaries per organisation (its services' counts), by organisation name: rows of
    `service__organisation__name` and `n`."""
    return list(
        Tally.objects.filter(
            key__in=Tally.BENEFICIARY_KEYS, service__organisation_id__in=organisation_ids
        )
        .values("service__organisation__name")
        .annotate(n=Sum("n"))
        .filter(n__gt=0)
        .order_by("service__organisation__name")
    )
