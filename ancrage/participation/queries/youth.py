"""The young person's own space: her file as the account reaches it, and only what her own pages
show of others (the first names of the children she lives with, her brothers and sisters and
where they live), never their files."""

from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from ancrage.accounts.models import Membership
from ancrage.care.models import PPE
from ancrage.care.models.agenda import Appointment
from ancrage.care.queries.autonomy import project_page
from ancrage.care.queries.ppe import ppe_page
from ancrage.care.services.ppe import current_version
from ancrage.kernel import calendar
from ancrage.kernel.access import Role, role_can
from ancrage.kernel.audit import record_access
from ancrage.kernel.models import AccessEvent
from ancrage.participation.consultation import for_young_person
from ancrage.participation.council import documents as council_documents
from ancrage.participation.models import (
    DEFAULT_YOUTH_ACCOUNT_AGE,
    Concern,
    Council,
    CouncilDocument,
    CouncilMember,
    Meeting,
    YouthMessage,
    YouthSpaceSetting,
)
from ancrage.people.models import FamilyLink, Person, SiblingGroupMember
from ancrage.people.queries import record_person_read
from ancrage.placements.models import Stay
from ancrage.placements.queries import current_stays
from ancrage.safeguarding.models import Incident, IncidentTransition

UPCOMING_SHOWN = 30  # the next appointments listed in the space


@dataclass
class Space:
    """The young person, where she lives today, and whether her space is open at her age."""

    person: Person
    stay: Stay | None
    opening_age: int
    age: int | None

    @property
    def is_open(self) -> bool:
        return self.age is not None and self.age >= self.opening_age


def own_space(user) -> Space:
    """The account's own file (404 for an account tied to no file it reaches) and whether the
    space is open: from the age set by the establishment she lives in (16 by default)."""
    if not user.person_id:
        raise Http404
    person = Person.objects.visible_to(user).filter(pk=user.person_id).first()
    if person is None:
        raise Http404
    today = timezone.localdate()
    stay = (
        Stay.objects.current(today)
        .filter(child=person)
        .select_related("unit__establishment")
        .order_by("-start_date", "-pk")
        .first()
    )
    setting = (
        YouthSpaceSetting.objects.filter(establishment_id=stay.unit.establishment_id).first()
        if stay
        else None
    )
    opening = setting.youth_account_age if setting else DEFAULT_YOUTH_ACCOUNT_AGE
    age = calendar.age_on(person.birth_date, today) if person.birth_date else None
    return Space(person, stay, opening, age)


def siblings_of(person):
    """Her brothers and sisters (her sibling group, and those linked as such), each with where
    they live today: names and places only, read for her own pages (her space, her own person
    page), never their files."""
    group = SiblingGroupMember.objects.filter(person=person).values("group_id")
    # one semi-join on the UNION ALL of both ways in: an OR of the two (through a join on the
    # sibling groups) reads every person of the association (docs/decisions.md, 2026-12-05)
    ids = (
        SiblingGroupMember.objects.filter(group_id__in=group)
        .order_by()
        .values("person_id")
        .union(
            FamilyLink.objects.filter(person=person, kind__in=FamilyLink.SIBLING_KINDS)
            .order_by()
            .values("relative_id"),
            all=True,
        )
    )
    return list(
        Person.objects.filter(pk__in=ids)
        .exclude(pk=person.pk)
        .prefetch_related(current_stays())
        .order_by("birth_date", "first_names")
    )


def my_page(user, space: Space) -> dict:
    """Who I live with, my brothers and sisters and where they live, my referent, my personne
    de confiance; the read recorded with every person the page names."""
    person, stay = space.person, space.stay
    housemates, team = [], []
    if stay is not None:
        housemates = list(
            Person.objects.filter(
                pk__in=Stay.objects.current().filter(unit_id=stay.unit_id).values("child_id")
            )
            .exclude(pk=person.pk)
            .order_by("first_names")
        )
        team = [
            m.user
            for m in Membership.objects.in_force()
            .filter(unit_id=stay.unit_id)
            .select_related("user")
            .order_by("user__first_name", "user__last_name", "pk")
        ]
    siblings = siblings_of(person)
    # the minutes of her village's council, once validated (published to its children)
    council_minutes = (
        list(
            Meeting.objects.filter(
                council__establishment_id=stay.unit.establishment_id,
                minutes_validated_on__isnull=False,
            ).order_by("-held_on", "-pk")[:3]
        )
        if stay is not None
        else []
    )
    ppe = PPE.objects.filter(child=person).select_related("referent").first()
    version = current_version(ppe) if ppe else None
    record_person_read(user, person, "participation.my_page", shown=[*housemates, *siblings])
    return {
        "space": space,
        "person": person,
        "stay": stay,
        "housemates": housemates,
        "team": team,
        "siblings": siblings,
        "council_minutes": council_minutes,
        "referent": ppe.referent if ppe else None,
        "trusted_person": version.trusted_person_name if version else "",
        "trusted_person_relation": version.trusted_person_relation if version else "",
    }


def my_project(user, space: Space) -> dict:
    """The validated PPE in force, my words at each review, and my autonomy project (the reads
    recorded by the care queries, under this page's name)."""
    person = space.person
    context = ppe_page(user, person)
    record_person_read(user, person, "participation.my_project")
    autonomy = project_page(user, person.reference, audit_as="participation.my_project")
    return {
        "space": space,
        "person": person,
        "ppe": context["ppe"],
        "version": context["in_force"],
        "objectives": context["objectives"] if context["in_force"] else [],
        "reviews": context["reviews"],
        "planned_reviews": context["planned_reviews"],
        "autonomy": autonomy,
    }


def my_appointments(user, space: Space) -> list[Appointment]:
    """My next appointments (planned, from today), without the staff's notes."""
    now = timezone.now()
    appointments = list(
        Appointment.objects.visible_to(user)
        .planned()
        .filter(child=space.person, starts_at__gte=calendar.add_days(now, -1))
        .select_related("accompanied_by")
        .order_by("starts_at", "pk")[:UPCOMING_SHOWN]
    )
    record_access(user, [space.person.pk], "participation.my_appointments", AccessEvent.Action.VIEW)
    return appointments


# The roles whose members qualify her village's incidents, asked of the table: who handles a
# concern before someone has taken it up.
QUALIFYING_ROLES = [role for role in Role if role_can(role, "incident", "qualify")]


def speak_page(user, space: Space) -> dict:
    """What she wrote: her messages, and her concerns with only what she may know of each (when
    it was received, whether it is taken up, and by whom), never the investigation."""
    person = space.person
    messages = list(
        YouthMessage.objects.filter(person=person, author=user).select_related("recipient")[:50]
    )
    concerns = list(
        Concern.objects.filter(person=person).select_related("incident").order_by("-raised_at")[:50]
    )
    takers = {}
    for transition in (
        IncidentTransition.objects.filter(
            incident__in=[c.incident_id for c in concerns],
            to_status=Incident.Status.QUALIFIED,
        )
        .select_related("author")
        .order_by("at", "pk")
    ):
        takers[transition.incident_id] = transition.author
    handlers = []
    if space.stay is not None:
        handlers = [
            m.user
            for m in Membership.objects.in_force()
            .filter(establishment_id=space.stay.unit.establishment_id, role__in=QUALIFYING_ROLES)
            .select_related("user")
            .order_by("role", "pk")
        ]
    for concern in concerns:
        concern.taken_by = takers.get(concern.incident_id)
        concern.taken_up = concern.incident.status != Incident.Status.REPORTED
    record_access(user, [person.pk], "participation.youth_speak", AccessEvent.Action.VIEW)
    return {
        "space": space,
        "person": person,
        "messages_sent": messages,
        "concerns": concerns,
        "handlers": handlers,
    }


MESSAGES_SHOWN = 100


def messages_for_staff(user) -> list[YouthMessage]:
    """The messages of the young people the user may see, newest first; each young person named
    is a read (one list display each)."""
    messages = list(
        YouthMessage.objects.visible_to(user)
        .select_related("person", "recipient")
        .order_by("-sent_at", "-pk")[:MESSAGES_SHOWN]
    )
    record_access(
        user,
        {m.person_id for m in messages},
        "participation.youth_messages",
        AccessEvent.Action.LIST,
    )
    return messages


def _seats(person, today):
    """Her seats on a council in office today (a representative of the children)."""
    return CouncilMember.objects.filter(
        person=person, elected=True, term_start__lte=today, term_end__gt=today
    )


def my_council(user, space: Space) -> dict:
    """Her village's council: the minutes published to its children (every young person of the
    village), and, for a representative of the children in office, the council's documents in
    force (never another child's file)."""
    today = timezone.localdate()
    council = (
        Council.objects.filter(establishment_id=space.stay.unit.establishment_id).first()
        if space.stay is not None
        else None
    )
    minutes, seat, documents = [], None, []
    if council is not None:
        minutes = list(
            council.meetings.filter(minutes_validated_on__isnull=False)
            .prefetch_related("opinions")
            .order_by("-held_on", "-pk")[:12]
        )
        seat = _seats(space.person, today).filter(council=council).first()
        if seat is not None:
            documents = [d for d in council_documents(council, today) if d.in_force]
    open_consultations, published_consultations = for_young_person(space, today)
    record_access(user, [space.person.pk], "participation.youth_council", AccessEvent.Action.VIEW)
    return {
        "open_consultations": open_consultations,
        "published_consultations": published_consultations,
        "space": space,
        "council": council,
        "minutes": minutes,
        "seat": seat,
        "documents": documents,
    }


def my_council_document(space: Space, pk: int) -> CouncilDocument:
    """A document of a council she sits on today, else 404."""
    document = (
        CouncilDocument.objects.filter(
            council__in=_seats(space.person, timezone.localdate()).values("council_id"), pk=pk
        )
        .select_related("council")
        .first()
    )
    if document is None:
        raise Http404
    return document
