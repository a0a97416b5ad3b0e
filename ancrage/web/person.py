"""The person file: identity, family and siblings from `people`, with what each app above it
keeps about the person (measures, stays and visits, safeguarding, daily care)."""

from django.db.models import Exists, OuterRef

from ancrage.care.queries.autonomy import daily_care_of
from ancrage.kernel.access import can
from ancrage.people.models import FamilyLink, Person, SiblingGroupMember
from ancrage.people.queries import record_person_read, search_people, visible_person
from ancrage.placements.queries import current_stays, placement_file
from ancrage.safeguarding.queries import incidents_about


def person_search(user, text, birth_date):
    """The search results, each with where the person lives today."""
    return search_people(user, text, birth_date, prefetch=(current_stays(),))


def person_page(user, reference: str) -> dict:
    """Everything the person page shows, in a fixed number of queries, and the access event."""
    person = visible_person(user, reference)  # the read is recorded below, with the names shown
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
            .prefetch_related(current_stays("relative__stays"))
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
    context.update(placement_file(user, person))
    # That a safeguarding record exists, only to those who may read it (see Incident.visible_to).
    context["incidents"] = incidents_about(user, person)
    # Daily life: journal, calendar and the autonomy project (ancrage/care).
    context["daily_care"] = daily_care_of(user, person)
    # The other persons the page names (relatives, siblings, the relatives of the visit rights
    # and visits): one list display each, in one insert.
    named = [link.relative_id for link in context.get("relatives", ())]
    named += [sibling.pk for sibling in context.get("siblings", ())]
    named += [r.relative_id for r in context.get("visit_rights", ()) if r.relative_named]
    named += [v.right.relative_id for v in context.get("upcoming_visits", ()) if v.relative_named]
    record_person_read(user, person, "web.person", shown=named)
    return context
