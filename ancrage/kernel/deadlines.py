"""Deadlines about a child that an app beside care keeps, shown in care's échéancier.

Care and safeguarding sit side by side in the layers and never import each other: an app
registers a source here in its AppConfig.ready(), and the échéancier asks every source about the
children it lists (one query per source), for the users whose role the source's permission
lets read them (the others cost no query and see nothing of it)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from ancrage.kernel.access import can


@dataclass(frozen=True)
class ChildDeadline:
    child_id: int
    kind: str  # one of care's deadline kinds
    due: date
    done_on: date | None
    record_id: int | None = None


@dataclass(frozen=True)
class Source:
    kind: str
    permission: tuple[str, str]  # (kind of record, action) of the permission grid
    read: Callable[[object, list[int]], Iterable[ChildDeadline]]  # (user, child ids)


_sources: dict[str, Source] = {}


def register_child_deadlines(kind: str, permission: tuple[str, str], read) -> None:
    """Register (once per kind; registering again replaces) the source of one kind of
    deadline: `read(user, child_ids)` gives its deadlines for those children, in the user's
    scope."""
    _sources[kind] = Source(kind, permission, read)


def child_deadlines(user, child_ids) -> list[ChildDeadline]:
    """Every registered deadline of these children that the user may read (none without a
    user)."""
    child_ids = list(child_ids)
    if user is None or not child_ids:
        return []
    found: list[ChildDeadline] = []
    for source in _sources.values():
        if can(user, *source.permission):
            found.extend(source.read(user, child_ids))
    return found


# Deadlines of an establishment itself rather than of a child (the council's meetings, the
# renewal of a staff member's attestation d'honorabilité): an app above registers a source the
# same way; `read(user, establishment_ids, today)` gives its deadlines for those establishments,
# in the user's scope, and the village's échéancier shows them in a section of their own, to the
# users the source's permission lets read them (the others cost no query and see nothing of it).


@dataclass(frozen=True)
class EstablishmentDeadline:
    establishment_id: int
    kind: str
    label: str  # what is due, in French, for the échéancier
    due: date
    done_on: date | None = None  # when it was done, for a deadline that is done once
    url: str = ""  # where to act on it


_establishment_sources: dict[str, Source] = {}


def register_establishment_deadlines(kind: str, permission: tuple[str, str], read) -> None:
    """Register (once per kind; registering again replaces) the source of one kind of deadline
    about establishments: `read(user, establishment_ids, today)` gives its deadlines for those
    establishments, in the user's scope."""
    _establishment_sources[kind] = Source(kind, permission, read)


def establishment_deadlines(user, establishment_ids, today) -> list[EstablishmentDeadline]:
    """Every registered deadline of these establishments that the user may read, by due date."""
    establishment_ids = list(establishment_ids)
    if user is None or not establishment_ids:
        return []
    found: list[EstablishmentDeadline] = []
    for source in _establishment_sources.values():
        if can(user, *source.permission):
            found.extend(source.read(user, establishment_ids, today))
    return sorted(found, key=lambda d: (d.due, d.kind, d.label))
