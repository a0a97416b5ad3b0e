"""Reads of the retention pages, scoped to the user: the rules, the holds of their
establishments, the runs of their organisation and the dry-run lines they may see."""

from django.shortcuts import get_object_or_404

from ancrage.kernel.audit import record_access
from ancrage.kernel.scopes import reach
from ancrage.privacy.models import Hold, RetentionRule, RetentionRun, SubjectRequest


def rules():
    return list(RetentionRule.objects.all())


def holds(user):
    return list(
        Hold.objects.visible_to(user)
        .select_related("person", "establishment", "placed_by", "lifted_by")
        .order_by("lifted_at", "-placed_at", "pk")
    )


def hold(user, pk) -> Hold:
    return get_object_or_404(
        Hold.objects.visible_to(user).active().select_related("person", "establishment"), pk=pk
    )


def runs(user):
    return list(
        RetentionRun.objects.visible_to(user).select_related("started_by", "approved_by")[:50]
    )


def run(user, pk, action="view") -> RetentionRun:
    return get_object_or_404(
        RetentionRun.objects.visible_to(user, action).select_related(
            "started_by", "approved_by", "organisation"
        ),
        pk=pk,
    )


def run_organisation(user) -> int | None:
    """The organisation whose files the user's dry run covers: theirs (a director's: their
    village's), read from the memberships already loaded."""
    where = reach(user, "retention_run", "change")
    if where.organisations:
        return min(where.organisations)
    if where.establishment_places:
        return where.establishment_places[0].organisation_id
    return None


def lines_for(user, run: RetentionRun) -> list[dict]:
    """The dry run's lines the user may see: all of them for the organisation's roles, those of
    their establishments for a director."""
    where = reach(user, "retention_run", "view")
    if where.organisations:
        return list(run.plan)
    return [line for line in run.plan if line["establishment_id"] in where.establishments]


def subject_request(user, pk, action="view", *, record=False) -> SubjectRequest:
    """A request in the user's scope (404 otherwise); with `record`, the read of the person's
    request is written to their file's access log."""
    found = get_object_or_404(
        SubjectRequest.objects.visible_to(user, action).select_related(
            "person",
            "account",
            "establishment",
            "identity_checked_by",
            "reviewed_by",
            "decided_by",
        ),
        pk=pk,
    )
    if record and found.person_id:
        record_access(user, [found.person_id], "privacy.request")
    return found
