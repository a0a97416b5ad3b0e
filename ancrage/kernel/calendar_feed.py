"""Events that an app above care adds to a staff member's personal calendar ("Mon agenda" and
its ICS feed, served by care).

Care serves the feed but never imports the apps above it: an app registers a source here in its
AppConfig.ready() (families: the worker's home visits), and care asks every source for the
user's events of the feed's window (one query per source), for the users whose role the
source's permission lets read them (the others cost no query and get nothing of it). An event
says no name: a broad kind and a record number, and the link to its page in Ancrage, which asks
for a login."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from ancrage.kernel.access import can


@dataclass(frozen=True)
class FeedEvent:
    uid: str  # stable across fetches: "<kind>-<pk>@ancrage"
    starts_at: datetime
    ends_at: datetime
    summary: str  # what it is, without any name
    url: str  # the path of its page in Ancrage
    person_ids: tuple[int, ...] = ()  # the persons the event names, recorded when served


@dataclass(frozen=True)
class FeedSource:
    kind: str
    permission: tuple[str, str]  # (kind of record, action) of the permission grid
    read: Callable[[object, datetime, datetime], Iterable[FeedEvent]]  # (user, start, end)


_sources: dict[str, FeedSource] = {}


def register_feed_events(kind: str, permission: tuple[str, str], read) -> None:
    """Register (once per kind; registering again replaces) a source of calendar events:
    `read(user, start, end)` gives the user's own events starting in [start, end), in the
    user's scope."""
    _sources[kind] = FeedSource(kind, permission, read)


def feed_events(user, start: datetime, end: datetime) -> list[FeedEvent]:
    """Every registered event of the user's calendar between `start` and `end`, by start."""
    found: list[FeedEvent] = []
    for source in _sources.values():
        if can(user, *source.permission):
            found.extend(source.read(user, start, end))
    return sorted(found, key=lambda event: (event.starts_at, event.uid))
