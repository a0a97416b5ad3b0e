"""Which files are due for archiving or anonymisation on a day: the query behind the dry run and
the run. It asks every registered contact source (`kernel.personal_data`) for the last contact
of each file per framework, applies the framework's rule, and keeps out what a protection (a
hold, a sibling's running measure, an open incident) still needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from ancrage.kernel import personal_data
from ancrage.kernel.calendar import add_months
from ancrage.organisation.models import Establishment
from ancrage.people.models import Person
from ancrage.privacy.models import FileStatus, Outcome, RetentionRule


@dataclass
class DueFile:
    """One person's file as the computation sees it on a day."""

    person_id: int
    reference: str = ""
    establishment_id: int | None = None
    establishment: str = ""
    frameworks: list[str] = field(default_factory=list)
    last_contact: date | None = None
    due_on: date | None = None
    outcome: str = ""
    protected_by: list[str] = field(default_factory=list)

    @property
    def acted_upon(self) -> bool:
        return not self.protected_by

    def as_line(self) -> dict:
        return {
            "person": self.person_id,
            "reference": self.reference,
            "establishment_id": self.establishment_id,
            "establishment": self.establishment,
            "frameworks": self.frameworks,
            "last_contact": self.last_contact.isoformat() if self.last_contact else None,
            "due_on": self.due_on.isoformat() if self.due_on else None,
            "outcome": self.outcome,
            "protected_by": self.protected_by,
        }


def _rules() -> dict[str, RetentionRule]:
    """The rule of each framework's files (the first by position when several)."""
    rules: dict[str, RetentionRule] = {}
    for rule in RetentionRule.objects.exclude(outcome=Outcome.PURGE):
        rules.setdefault(rule.framework, rule)
    return rules


def due_files(today: date | None = None, organisation_id: int | None = None) -> list[DueFile]:
    """The files whose active period (or archive period) is over on `today`, each with what
    will happen to it and, when something protects it, why it stays as it is.

    A person held in several frameworks (a village child later followed by O2R) is due only when
    every framework's period is over (and nothing of any is still running); the file is
    anonymised only when every rule says so, archived otherwise. An archived file is due for
    anonymisation once its rule's archive period, counted from its archiving, is over. With
    `organisation_id`, only the files whose establishment belongs to that organisation."""
    today = today or timezone.localdate()
    rules = _rules()
    latest: dict[int, dict[str, tuple[date, int | None]]] = {}
    running: set[int] = set()
    for source in personal_data.contact_sources():
        if source.framework not in rules:
            continue
        for person_id, establishment_id, day in source.read(today):
            if day is None:
                continue
            files = latest.setdefault(person_id, {})
            known = files.get(source.framework)
            if known is None or day > known[0]:
                files[source.framework] = (day, establishment_id)
        running.update(source.running(today))

    statuses = {
        status.person_id: status for status in FileStatus.objects.filter(person_id__in=list(latest))
    }
    due: dict[int, DueFile] = {}
    for person_id, files in latest.items():
        if person_id in running:
            continue
        status = statuses.get(person_id)
        if status and status.state == FileStatus.State.ANONYMISED:
            continue
        ends = {fw: add_months(day, rules[fw].active_months) for fw, (day, _e) in files.items()}
        due_on = max(ends.values())
        outcomes = {rules[fw].outcome for fw in files}
        outcome = Outcome.ANONYMISE if outcomes == {Outcome.ANONYMISE} else Outcome.ARCHIVE
        if status and status.state == FileStatus.State.ARCHIVED:
            months = max(rules[fw].archive_months or 0 for fw in files)
            archived_on = timezone.localdate(status.archived_at)
            due_on = max(due_on, add_months(archived_on, months))
            outcome = Outcome.ANONYMISE
        if due_on > today:
            continue
        last_framework = max(files, key=lambda fw: files[fw][0])
        last_contact, establishment_id = files[last_framework]
        due[person_id] = DueFile(
            person_id=person_id,
            establishment_id=establishment_id,
            frameworks=sorted(files),
            last_contact=last_contact,
            due_on=due_on,
            outcome=str(outcome),
        )
    places = {
        pk: (organisation, name)
        for pk, organisation, name in Establishment.objects.filter(
            pk__in={f.establishment_id for f in due.values() if f.establishment_id}
        ).values_list("pk", "organisation_id", "name")
    }
    if organisation_id is not None:
        due = {
            pk: file
            for pk, file in due.items()
            if places.get(file.establishment_id, (None, ""))[0] == organisation_id
        }
    if not due:
        return []
    for protection in personal_data.protections():
        for person_id in set(protection.persons(today)) & set(due):
            due[person_id].protected_by.append(str(protection.label))
    references = dict(Person.objects.filter(pk__in=list(due)).values_list("pk", "reference"))
    for file in due.values():
        file.reference = references.get(file.person_id, "")
        file.establishment = places.get(file.establishment_id, (None, ""))[1]
    return sorted(due.values(), key=lambda f: (f.establishment, f.reference))


def summary(lines: list[dict]) -> list[dict]:
    """The dry run's counts per establishment and what will happen (protected files apart)."""
    counts: dict[tuple[str, str], int] = {}
    for line in lines:
        what = "protected" if line["protected_by"] else line["outcome"]
        key = (line["establishment"], what)
        counts[key] = counts.get(key, 0) + 1
    return [
        {"establishment": establishment, "what": what, "count": count}
        for (establishment, what), count in sorted(counts.items())
    ]
