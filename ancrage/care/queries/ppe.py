"""Scoped reads of the child's project: the version shown, its objectives and actions, the
versions and the reviews, in a fixed number of queries."""

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404

from ancrage.accounts.models import Membership, User
from ancrage.care.models import (
    PPE,
    Action,
    Objective,
    PlannedReview,
    PPEVersion,
    SituationReport,
)
from ancrage.kernel.access import can
from ancrage.people.models import Person, SiblingGroupMember
from ancrage.people.queries import record_person_read
from ancrage.placements.models import Stay


def draft_page_persons(user, person):
    """The siblings the PPE draft page names, after recording the read of the child's file with
    every person the page names beside it (the siblings, and the relatives offered as trusted
    person), in one insert. Siblings and relatives are read in one query."""
    groups = SiblingGroupMember.objects.filter(person=person).values("group_id")
    in_group = SiblingGroupMember.objects.filter(person=OuterRef("pk"), group_id__in=groups)
    named = list(
        Person.objects.visible_to(user)
        .filter(
            Q(pk__in=person.family_links.values("relative_id"))
            | Q(sibling_membership__group_id__in=groups)
        )
        .exclude(pk=person.pk)
        .annotate(is_sibling=Exists(in_group))
        .order_by("birth_date", "pk")
    )
    record_person_read(user, person, "care.ppe_edit", shown=named)
    return [p for p in named if p.is_sibling]


def ppe_page(user, person, number=None):
    """The version asked for, else the draft (for those who edit it), else the version in
    force. Those who do not edit the PPE see validated versions only."""
    editor = can(user, "ppe", "change")
    ppe = PPE.objects.filter(child=person).select_related("referent").first()
    versions = list(ppe.versions.select_related("validated_by").order_by("-number")) if ppe else []
    readable = [v for v in versions if editor or v.is_frozen]
    validated = [v for v in versions if v.is_frozen]
    draft = next((v for v in versions if not v.is_frozen), None)
    if number is not None:
        shown = next((v for v in readable if v.number == number), None)
        if shown is None:
            raise Http404
    else:
        shown = (draft if editor else None) or (validated[0] if validated else None)
    objectives = []
    if shown is not None:
        objectives = list(
            Objective.objects.filter(version=shown).prefetch_related(
                Prefetch("actions", queryset=Action.objects.order_by("due_date", "pk"))
            )
        )
    reviews = (
        list(ppe.reviews.select_related("resulting_version", "report").order_by("-held_on"))
        if ppe
        else []
    )
    in_force = validated[0] if validated else None
    planned = (
        list(PlannedReview.objects.open().filter(ppe=ppe).order_by("planned_date", "pk"))
        if ppe
        else []
    )
    with_reports = can(user, "situation_report", "view")
    return {
        "person": person,
        "ppe": ppe,
        "versions": readable,
        "shown": shown,
        "draft": draft,
        "in_force": in_force,
        "objectives": objectives,
        "domains": Objective.Domain.choices,
        "reviews": reviews,
        "planned_reviews": planned,
        "can_change": editor,
        # the objectives and actions of the draft are edited and deleted on the page
        "edits_draft": editor and shown is not None and shown == draft,
        # progress is set on the version in force or the draft, never on history
        "can_update": can(user, "ppe", "update")
        and shown is not None
        and shown in (in_force, draft),
        "action_statuses": Action.Status.choices,
        "with_reports": with_reports,
        "can_write_report": can(user, "situation_report", "change"),
        "reports": list(SituationReport.objects.filter(child=person).order_by("-created_at"))
        if with_reports
        else [],
    }


def draft_or_in_force(person):
    """The version a new draft starts from (for the edit form's initial values)."""
    return (
        PPEVersion.objects.filter(ppe__child=person).order_by("status", "-number").first()
    )  # "draft" sorts before "validated"


def referent_choices(person):
    """Staff who may be the child's referent: active users with a role in the child's village."""
    villages = Stay.objects.current().filter(child=person).values("unit__establishment_id")
    units = Stay.objects.current().filter(child=person).values("unit_id")
    members = Membership.objects.in_force().filter(
        establishment_id__in=villages
    ) | Membership.objects.in_force().filter(unit_id__in=units)
    return User.objects.filter(is_active=True, pk__in=members.values("user_id")).order_by(
        "last_name", "first_name", "username"
    )
