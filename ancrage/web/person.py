"""The person file: identity, family and siblings from `people`, with what each app above it
keeps about the person (measures, stays and visits, safeguarding, daily care)."""

from django.db.models import F, Value, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.urls import reverse
from django.utils.html import format_html_join

from ancrage.care.queries.autonomy import daily_care_of
from ancrage.kernel.access import can
from ancrage.kernel.templatetags.access import allowed
from ancrage.participation.queries.youth import siblings_of
from ancrage.people.models import FamilyLink, Person, SiblingGroupMember
from ancrage.people.queries import record_person_read, search_people
from ancrage.placements.queries import (
    current_stays,
    placement_file,
    stays_with_current,
    visit_right_relatives,
)
from ancrage.safeguarding.queries import incidents_about

# The tags of the rows of `_neighbours` that are not family links (no kind is empty, or starts
# with "#").
NOT_A_LINK = ""  # a relative of a visit right
SIBLING_MEMBER = "#group"  # another member of the person's sibling group
THE_PERSON = "#self"  # the person of the page
NOT_LINKS = frozenset({NOT_A_LINK, SIBLING_MEMBER, THE_PERSON})
# The place of the reference in a person's URL, reversed once per page.
_PLACE = "P-PLACE"


def person_search(user, text, birth_date):
    """The search results, each with where the person lives today and the cells the table
    shows of it, computed once per page rather than by template tags and filters per row (the
    link from one reverse(), the birth date, the houses and villages of the current stays)."""
    results = search_people(user, text, birth_date, prefetch=(current_stays(),))
    before, after = reverse("web:person", args=[_PLACE]).split(_PLACE)
    for found in results:
        found.url = f"{before}{found.reference}{after}"
        found.birth_text = f"{found.birth_date:%d/%m/%Y}" if found.birth_date else "—"
        found.lives_text = (
            format_html_join(
                "",
                "{} · {}",
                ((s.unit.name, s.unit.establishment.name) for s in found.current_stays),
            )
            or "—"
        )
    return results


def _neighbours(reference, *, family: bool, visits: bool):
    """The id of the person with this reference and of every person the page may name beside
    the file: relatives, the other members of the sibling group, the relatives of the visit
    rights; one query (a UNION ALL, each row tagged with its family link's kind, or with what
    else it is), asked by reference: no person's data is read here, only ids, and the scope is
    asked about them all at once after (`person_page`)."""
    parts = [
        Person.objects.filter(reference=reference)
        .annotate(link=Value(THE_PERSON))
        .values_list("pk", "link")
    ]
    if family:
        parts.append(
            FamilyLink.objects.filter(person__reference=reference).values_list(
                "relative_id", "kind"
            )
        )
        parts.append(
            SiblingGroupMember.objects.filter(
                group_id__in=SiblingGroupMember.objects.filter(person__reference=reference).values(
                    "group_id"
                )
            )
            .exclude(person__reference=reference)
            .annotate(link=Value(SIBLING_MEMBER))
            .values_list("person_id", "link")
        )
    if visits:
        parts.append(
            visit_right_relatives(reference)
            .annotate(link=Value(NOT_A_LINK))
            .values_list("relative_id", "link")
        )
    parts = [part.order_by() for part in parts]
    return list(parts[0].union(*parts[1:], all=True))


def person_page(user, reference: str) -> dict:
    """Everything the person page shows, in a fixed number of queries, and the access event."""
    # What the page shows (its links to actions come from `{% url_if_allowed %}`).
    sections = {
        "contact": can(user, "person_contact", "view"),
        "family": can(user, "family", "view"),
        "stay": can(user, "stay", "view"),
        "access_log": can(user, "access_log", "view"),
        "judge_notice_change": can(user, "judge_notice", "change"),
    }
    visits = can(user, "visit", "view")
    # The person and every person the page may name beside the file (relatives, brothers and
    # sisters, the relatives of the visit rights) are read by id (one query), then the scope is
    # asked about them all at once (one query, which reads the rows of those the user may see):
    # asked for the person alone, then for the others, the scope (a union of every way in) was
    # built and planned twice per page, and four times before that.
    rows = _neighbours(reference, family=sections["family"], visits=visits)
    person_id = next((pk for pk, tag in rows if tag == THE_PERSON), None)
    if person_id is None:
        raise Http404
    persons = {
        p.pk: p
        for p in Person.objects.visible_to(user, among=sorted({pk for pk, _tag in rows}))
        .select_related("sibling_membership__group")
        .annotate(
            sibling_rank=Window(
                RowNumber(), order_by=[F("birth_date").asc(), F("first_names").asc()]
            )
        )
    }
    person = persons.pop(person_id, None)
    if person is None:
        # never 403: an out-of-scope file must not even be known to exist
        raise Http404
    named = set(persons)
    # A young person on her own file: her brothers and sisters are named as her own space names
    # them (first names and where they live, never their files), not counted as out of scope.
    own_file = user.person_id == person.pk and can(user, "youth_space", "view")
    context = {"person": person, "sections": sections, "own_file": own_file}
    links = [(pk, tag) for pk, tag in rows if tag not in NOT_LINKS]
    others = []
    if sections["family"]:
        membership = getattr(person, "sibling_membership", None)
        # Relatives and siblings are persons too: only those the user may see are named (under
        # a break-the-glass, the opened file alone; for a young person, her own file), the
        # others are counted.
        kinds = dict(links)
        # Every relative out of scope, siblings included (they are also counted on their own).
        context["hidden_relatives"] = sum(1 for relative, _kind in links if relative not in named)
        # In the order of the family links (their kind, then the relative's name): the persons
        # come in the order of their names, which the sort by kind keeps within a kind.
        context["relatives"] = sorted(
            (
                FamilyLink(person=person, relative=relative, kind=kinds[relative.pk])
                for relative in persons.values()
                if relative.pk in kinds and kinds[relative.pk] not in FamilyLink.SIBLING_KINDS
            ),
            key=lambda link: link.kind,
        )
        others += [link.relative for link in context["relatives"]]
        context["sibling_group"] = membership.group if membership else None
        members = {pk for pk, tag in rows if tag == SIBLING_MEMBER}
        siblings = sorted(
            (persons[pk] for pk in members if pk in named), key=lambda s: s.sibling_rank
        )
        for sibling in siblings:
            sibling.link_kind = kinds.get(sibling.pk)
        hidden = {pk for pk in members if pk not in named}
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
        others += siblings
        if own_file:
            context["own_siblings"] = siblings_of(person)
            context["siblings"], context["hidden_siblings"] = [], 0
            others = [link.relative for link in context["relatives"]]
    stays = stays_with_current(person, others, own=sections["stay"])
    if sections["stay"]:
        context["stays"] = stays
    # Measures and their documents, judge notices, visit rights and the next visits.
    # The relation of each visit right is that of the family link the page read above.
    relations = dict(links) if sections["family"] else None
    context.update(
        placement_file(user, person, named if visits else None, relations if visits else None)
    )
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
    # The links of each row, asked of the permission table once per page, not per row.
    _row_links(user, context.get("measures"), "placements:document_add", "document_add_url")
    _row_links(user, context.get("upcoming_visits"), "placements:visit_outcome", "outcome_url")
    return context


def _row_links(user, rows, view_name: str, attr: str) -> None:
    """Set on each row the address of `view_name` for it (`attr`), or "" when the permission
    table does not let the user through that view: what `{% url_if_allowed %}` gives, with one
    permission check for the rows instead of one each."""
    if not rows:
        return
    offered = allowed(user, reverse(view_name, args=[rows[0].pk]), view_name)
    for row in rows:
        setattr(row, attr, reverse(view_name, args=[row.pk]) if offered else "")
