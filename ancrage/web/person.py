"""The person file: identity, family and siblings from `people`, with what each app above it
keeps about the person (measures, stays and visits, safeguarding, daily care)."""

from django.db.models import Value

from ancrage.care.queries.autonomy import daily_care_of
from ancrage.kernel.access import can
from ancrage.participation.queries.youth import siblings_of
from ancrage.people.models import FamilyLink, Person, SiblingGroupMember
from ancrage.people.queries import record_person_read, search_people, visible_person
from ancrage.placements.queries import current_stays, placement_file, visit_right_relatives
from ancrage.safeguarding.queries import incidents_about

# The tag of the rows of `_neighbours` that are not family links (no kind is empty).
NOT_A_LINK = ""


def person_search(user, text, birth_date):
    """The search results, each with where the person lives today."""
    return search_people(user, text, birth_date, prefetch=(current_stays(),))


def _neighbours(person, membership, *, family: bool, visits: bool):
    """The person's family links as (relative, kind), and the ids of every person the page may
    name beside the file: relatives, the other members of the sibling group, the relatives of
    the visit rights; one query (a UNION ALL of the three, each row tagged with its link's kind,
    "" when it is not a family link)."""
    parts = []
    if family:
        parts.append(FamilyLink.objects.filter(person=person).values_list("relative_id", "kind"))
        if membership:
            parts.append(
                SiblingGroupMember.objects.filter(group_id=membership.group_id)
                .exclude(person_id=person.pk)
                .annotate(link=Value(NOT_A_LINK))
                .values_list("person_id", "link")
            )
    if visits:
        parts.append(
            visit_right_relatives(person)
            .annotate(link=Value(NOT_A_LINK))
            .values_list("relative_id", "link")
        )
    parts = [part.order_by() for part in parts]
    rows = list(parts[0].union(*parts[1:], all=True)) if parts else []
    links = [(relative, kind) for relative, kind in rows if kind != NOT_A_LINK]
    return links, sorted({pk for pk, _kind in rows})


def person_page(user, reference: str) -> dict:
    """Everything the person page shows, in a fixed number of queries, and the access event."""
    person = visible_person(user, reference)  # the read is recorded below, with the names shown
    # What the page shows (its links to actions come from `{% url_if_allowed %}`).
    sections = {
        "contact": can(user, "person_contact", "view"),
        "family": can(user, "family", "view"),
        "stay": can(user, "stay", "view"),
        "access_log": can(user, "access_log", "view"),
        "judge_notice_change": can(user, "judge_notice", "change"),
    }
    # A young person on her own file: her brothers and sisters are named as her own space names
    # them (first names and where they live, never their files), not counted as out of scope.
    own_file = user.person_id == person.pk and can(user, "youth_space", "view")
    context = {"person": person, "sections": sections, "own_file": own_file}
    visits = can(user, "visit", "view")
    # The persons the page may name beside the file (relatives, brothers and sisters, the
    # relatives of the visit rights): the scope is asked about them once, in one query, and
    # each part of the page names or counts them from that set; asked inside each part's query,
    # the scope (a union of every way in) was built and planned four times per page.
    membership, links, neighbours = None, [], []
    if sections["family"]:
        membership = (
            SiblingGroupMember.objects.filter(person=person).select_related("group").first()
        )
    if sections["family"] or visits:
        links, neighbours = _neighbours(
            person, membership, family=sections["family"], visits=visits
        )
    named = set(
        Person.objects.visible_to(user, among=neighbours).values_list("pk", flat=True)
        if neighbours
        else ()
    )
    if sections["family"]:
        # Relatives and siblings are persons too: only those the user may see are named (under
        # a break-the-glass, the opened file alone; for a young person, her own file), the
        # others are counted.
        kinds = dict(links)
        # Every relative out of scope, siblings included (they are also counted on their own).
        context["hidden_relatives"] = sum(1 for relative, _kind in links if relative not in named)
        shown_relatives = sorted(
            relative
            for relative, kind in links
            if relative in named and kind not in FamilyLink.SIBLING_KINDS
        )
        context["relatives"] = (
            list(
                FamilyLink.objects.filter(person=person, relative__in=shown_relatives)
                .exclude(kind__in=FamilyLink.SIBLING_KINDS)
                .select_related("relative")
                .prefetch_related(current_stays("relative__stays"))
            )
            if shown_relatives
            else []
        )
        context["sibling_group"] = membership.group if membership else None
        siblings, hidden = [], set()
        if membership:
            for sibling in (
                Person.objects.filter(sibling_membership__group_id=membership.group_id)
                .exclude(pk=person.pk)
                .prefetch_related(current_stays())
                .order_by("birth_date", "first_names")
            ):
                if sibling.pk in named:
                    sibling.link_kind = kinds.get(sibling.pk)
                    siblings.append(sibling)
                else:
                    hidden.add(sibling.pk)
        # A brother or sister linked as such but left out of the group counts as well.
        named_siblings = {sibling.pk for sibling in siblings}
        hidden |= {
            relative
            for relative, kind in links
            if kind in FamilyLink.SIBLING_KINDS
            and relative not in named
            and relative not in named_siblings
        }
        context["siblings"] = siblings
        context["hidden_siblings"] = len(hidden)
        if own_file:
            context["own_siblings"] = siblings_of(person)
            context["siblings"], context["hidden_siblings"] = [], 0
    if sections["stay"]:
        context["stays"] = list(
            person.stays.select_related("unit__establishment").order_by("-start_date")
        )
    # Measures and their documents, judge notices, visit rights and the next visits.
    context.update(placement_file(user, person, named if visits else None))
    # That a safeguarding record exists, only to those who may read it (see Incident.visible_to).
    context["incidents"] = incidents_about(user, person)
    # Daily life: journal, calendar and the autonomy project (ancrage/care).
    context["daily_care"] = daily_care_of(user, person)
    # The other persons the page names (relatives, siblings, the relatives of the visit rights
    # and visits): one list display each, in one insert.
    named = [link.relative_id for link in context.get("relatives", ())]
    named += [sibling.pk for sibling in context.get("siblings", ())]
    named += [sibling.pk for sibling in context.get("own_siblings", ())]
    named += [r.relative_id for r in context.get("visit_rights", ()) if r.relative_named]
    named += [v.right.relative_id for v in context.get("upcoming_visits", ()) if v.relative_named]
    record_person_read(user, person, "web.person", shown=named)
    return context
