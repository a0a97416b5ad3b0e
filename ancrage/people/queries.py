"""Reads of persons, always narrowed to what the user may see, and audited."""

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch
from django.shortcuts import get_object_or_404

from ancrage.core.access import can
from ancrage.core.audit import record_access
from ancrage.core.models import AccessEvent
from ancrage.people.models import FamilyLink, Person, SiblingGroupMember
from ancrage.placements.models import Stay

SEARCH_LIMIT = 50


def current_stays():
    return Prefetch(
        "stays",
        queryset=Stay.objects.current().select_related("unit__establishment"),
        to_attr="current_stays",
    )


def search_people(user, text: str = "", birth_date: date | None = None, limit: int = SEARCH_LIMIT):
    """Ranked matches among the persons the user may see; each one shown is audited."""
    if not (text.strip() or birth_date):
        return []
    results = list(
        Person.objects.visible_to(user)
        .search(text, birth_date)
        .prefetch_related(current_stays())[:limit]
    )
    record_access(user, results, "people.search", AccessEvent.Action.SEARCH)
    return results


def visible_person(user, reference: str, *, audit_as: str = "") -> Person:
    """The person with this reference if the user may see them, else 404 (never 403: an
    out-of-scope file must not even be known to exist). With `audit_as`, the read is recorded
    under that name (the page's)."""
    person = get_object_or_404(Person.objects.visible_to(user), reference=reference)
    if audit_as:
        record_person_read(user, person, audit_as)
    return person


def record_person_read(user, person: Person, what: str) -> None:
    """Record that `user` read `person`'s file on the page `what`, with the break-the-glass
    reason when that is how the file was opened."""
    record_access(user, [person], what, reason=_break_glass_reason(user, person))


def person_page(user, reference: str) -> dict:
    """Everything the person page shows, in a fixed number of queries, and the access event."""
    person = visible_person(user, reference, audit_as="people.detail")
    sections = {
        "change": can(user, "person", "change"),
        "contact": can(user, "person_contact", "view"),
        "family": can(user, "family", "view"),
        "family_change": can(user, "family", "change"),
        "stay": can(user, "stay", "view"),
        "access_log": can(user, "access_log", "view"),
        "measure_change": can(user, "measure", "change"),
        "placement_change": can(user, "placement", "change"),
        "judge_notice_change": can(user, "judge_notice", "change"),
        "visit_change": can(user, "visit", "change"),
        "ppe": can(user, "ppe", "view"),
        "deadlines": can(user, "deadline", "view"),
        "o2r_referral": can(user, "o2r_referral", "change"),
    }
    context = {"person": person, "sections": sections}
    if sections["family"]:
        # Relatives and siblings are persons too: only those the user may see are named (under
        # a break-the-glass, the opened file alone), the others are counted.
        visible = Person.objects.visible_to(user).values("pk")
        links = FamilyLink.objects.filter(person=person)
        # NOT EXISTS probes the scope for these few relatives; NOT IN would make PostgreSQL build
        # the whole scope first (77 ms against 8 ms at large scale, bench/RESULTS.md).
        in_scope = Person.objects.visible_to(user).filter(pk=OuterRef("relative_id"))
        context["hidden_relatives"] = links.exclude(Exists(in_scope)).count()
        context["relatives"] = list(
            links.filter(relative__in=visible)
            .exclude(kind__in=FamilyLink.SIBLING_KINDS)
            .select_related("relative")
            .prefetch_related(
                Prefetch(
                    "relative__stays",
                    queryset=Stay.objects.current().select_related("unit__establishment"),
                    to_attr="current_stays",
                )
            )
        )
        membership = (
            SiblingGroupMember.objects.filter(person=person).select_related("group").first()
        )
        context["sibling_group"] = membership.group if membership else None
        siblings = []
        if membership:
            kinds = dict(
                FamilyLink.objects.filter(person=person).values_list("relative_id", "kind")
            )
            for sibling in (
                Person.objects.filter(
                    sibling_membership__group_id=membership.group_id, pk__in=visible
                )
                .exclude(pk=person.pk)
                .prefetch_related(current_stays())
                .order_by("birth_date", "first_names")
            ):
                sibling.link_kind = kinds.get(sibling.pk)
                siblings.append(sibling)
        context["siblings"] = siblings
    if sections["stay"]:
        context["stays"] = list(
            person.stays.select_related("unit__establishment").order_by("-start_date")
        )
    # Measures and their documents, judge notices, visit rights and the next visits.
    from ancrage.placements.queries import placement_file

    context.update(placement_file(user, person))
    # That a safeguarding record exists, only to those who may read it (see Incident.visible_to).
    from ancrage.safeguarding.queries import incidents_about

    context["incidents"] = incidents_about(user, person)
    # Daily life: journal, calendar and the autonomy project (ancrage/care).
    from ancrage.care.queries.autonomy import daily_care_of

    context["daily_care"] = daily_care_of(user, person)
    return context


def _break_glass_reason(user, person) -> str:
    from ancrage.core.models import BreakGlass

    if "national_director" not in user.roles:
        return ""
    access = (
        BreakGlass.objects.active().filter(user=user, person=person).order_by("-granted_at").first()
    )
    return access.reason if access else ""


def access_history(user, reference: str):
    """Who consulted this file and when, and the recorded changes (for directors)."""
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    person = visible_person(user, reference, audit_as="people.access_log")
    events = list(
        AccessEvent.objects.filter(person=person).select_related("user").order_by("-at")[:500]
    )
    changes = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), object_id=person.pk
        )
        .select_related("actor")
        .order_by("-timestamp")[:200]
    )
    return {"person": person, "events": events, "changes": changes}


def recently_consulted(user, limit: int = 8) -> list[Person]:
    """The last files this user opened and may still see, newest first (the home page).
    Showing the names is itself a read, recorded as a list display."""
    recent_ids = []
    for person_id in (
        AccessEvent.objects.filter(user=user, action=AccessEvent.Action.VIEW)
        .order_by("-at")
        .values_list("person_id", flat=True)[: limit * 6]
    ):
        if person_id not in recent_ids:
            recent_ids.append(person_id)
    found = {p.pk: p for p in Person.objects.visible_to(user).filter(pk__in=recent_ids[:limit])}
    people = [found[pk] for pk in recent_ids[:limit] if pk in found]
    record_access(user, people, "core.home", AccessEvent.Action.LIST)
    return people
