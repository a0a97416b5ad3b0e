"""Scoped reads of the staff register: the establishments whose register a user keeps, their
entries, one entry, one's own entries. Persons of the registry named on a page are recorded as
read (kernel.audit)."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel.access import can
from ancrage.kernel.audit import record_shown
from ancrage.kernel.calendar import add_days, add_months
from ancrage.kernel.deadlines import EstablishmentDeadline
from ancrage.kernel.scopes import reach
from ancrage.kernel.text import by_name
from ancrage.organisation.models import Establishment
from ancrage.staff.models import (
    Attestation,
    CodeOfConduct,
    CodeSignature,
    Course,
    StaffMember,
    Training,
)

# What a staff member's latest attestation d'honorabilité says today.
VALID, RENEW_SOON, LAPSED, NOT_DELIVERED, MISSING = (
    "valid",
    "renew_soon",
    "lapsed",
    "not_delivered",
    "missing",
)
STATE_LABELS = {
    VALID: _("valide"),
    RENEW_SOON: _("à renouveler bientôt"),
    LAPSED: _("échue"),
    NOT_DELIVERED: _("non délivrée"),
    MISSING: _("manquante"),
}
# The states that keep a person away from the children.
BLOCKING = frozenset({LAPSED, NOT_DELIVERED, MISSING})
# The states the homes name (the others are counted only).
SHOWN = sorted(BLOCKING | {RENEW_SOON})

LATEST_FIRST = Prefetch(
    "attestations",
    queryset=Attestation.objects.order_by("-issued_on", "-pk").select_related("verified_by"),
)


TRAININGS = Prefetch(
    "trainings",
    queryset=Training.objects.select_related("course").order_by("-attended_on", "-pk"),
)
# What a staff member's safeguarding training says today.
ON_TIME, INDUCTION_DUE, INDUCTION_LATE, REFRESHER_LATE = (
    "on_time",
    "induction_due",
    "induction_late",
    "refresher_late",
)
TRAINING_LABELS = {
    ON_TIME: _("à jour"),
    INDUCTION_DUE: _("formation d'accueil à suivre"),
    INDUCTION_LATE: _("formation d'accueil en retard"),
    REFRESHER_LATE: _("recyclage en retard"),
}


@dataclass(frozen=True)
class TrainingState:
    code: str
    due: object  # the day the next course is due
    last: object  # the day of the last course, or None

    @property
    def label(self):
        return TRAINING_LABELS[self.code]

    @property
    def late(self) -> bool:
        return self.code in (INDUCTION_LATE, REFRESHER_LATE)


def training_state(member, today) -> TrainingState:
    """The induction is due STAFF_INDUCTION_DAYS after the start of the contract or engagement;
    once taken, a refresher is due STAFF_REFRESHER_MONTHS after the last safeguarding course
    (trainings prefetched latest first)."""
    trainings = list(member.trainings.all())
    if not any(t.course.kind == Course.Kind.INDUCTION for t in trainings):
        due = add_days(member.start_date, settings.STAFF_INDUCTION_DAYS)
        last = trainings[0].attended_on if trainings else None
        return TrainingState(INDUCTION_LATE if today > due else INDUCTION_DUE, due, last)
    last = trainings[0].attended_on
    due = add_months(last, settings.STAFF_REFRESHER_MONTHS)
    return TrainingState(REFRESHER_LATE if today > due else ON_TIME, due, last)


def reasons(member) -> list[str]:
    """Why a present staff member is not in order (empty: in order): their attestation, the code
    of conduct, their training (states set on the member beforehand)."""
    found = []
    if member.attestation_state.blocking:
        found.append(
            _("attestation d'honorabilité %(state)s") % {"state": member.attestation_state.label}
        )
    if member.code and member.code_signature is None:
        found.append(_("code de conduite à signer"))
    if member.training_state.late:
        found.append(member.training_state.label)
    return found


@dataclass
class Compliance:
    """The share of the present staff in order on the three counts (attestation, code of
    conduct, training), as one figure, and the list of the others with their reasons."""

    in_order: int
    present: int
    not_in_order: list | None = None  # (member, reasons); None where only the figure is read

    @property
    def percent(self) -> int | None:
        return None if not self.present else round(100 * self.in_order / self.present)


def compliance(members) -> Compliance:
    """The compliance of these present members (their states set beforehand)."""
    others = [(m, r) for m in members if (r := reasons(m))]
    return Compliance(len(members) - len(others), len(members), others)


def current_codes(organisation_ids, today):
    """The version of the code of conduct in force today, per organisation (one query)."""
    codes = {}
    for code in CodeOfConduct.objects.filter(
        organisation_id__in=sorted(organisation_ids), effective_on__lte=today
    ).order_by("organisation_id", "-effective_on", "-pk"):
        codes.setdefault(code.organisation_id, code)
    return codes


def _with_signatures(members, today):
    """Set on each member `code` (the version in force for their establishment's organisation)
    and `code_signature` (their signature of it, or None): two queries for any number."""
    codes = current_codes({m.establishment.organisation_id for m in members}, today)
    signed = (
        {
            (s.code_id, s.staff_member_id): s
            for s in CodeSignature.objects.filter(
                code__in=[c.pk for c in codes.values()], staff_member__in=[m.pk for m in members]
            )
        }
        if codes and members
        else {}
    )
    for member in members:
        member.code = codes.get(member.establishment.organisation_id)
        member.code_signature = signed.get((member.code.pk, member.pk)) if member.code else None
    return members


@dataclass(frozen=True)
class AttestationState:
    code: str
    attestation: Attestation | None

    @property
    def label(self):
        return STATE_LABELS[self.code]

    @property
    def blocking(self) -> bool:
        return self.code in BLOCKING


def attestation_state(member, today) -> AttestationState:
    """The state of the member's latest attestation (their attestations prefetched latest
    first): a renewal within STAFF_ATTESTATION_NOTICE_DAYS is flagged ahead of time."""
    attestations = list(member.attestations.all())
    if not attestations:
        return AttestationState(MISSING, None)
    latest = attestations[0]
    if latest.outcome == Attestation.Outcome.NOT_DELIVERED:
        return AttestationState(NOT_DELIVERED, latest)
    if latest.renewal_due <= today:
        return AttestationState(LAPSED, latest)
    if latest.renewal_due <= add_days(today, settings.STAFF_ATTESTATION_NOTICE_DAYS):
        return AttestationState(RENEW_SOON, latest)
    return AttestationState(VALID, latest)


def registers(user):
    """The establishments whose staff register `user` keeps (director: theirs; national
    director and human resources: every establishment of the organisation)."""
    return (
        Establishment.objects.filter(
            reach(user, "staff", "view").filter(establishment="pk", organisation="organisation_id")
        )
        .select_related("organisation")
        .order_by(*by_name("name"), "pk")
    )


def register_establishment(user, pk, action="view"):
    """One establishment whose register `user` keeps, else 404."""
    return get_object_or_404(
        Establishment.objects.filter(
            reach(user, "staff", action).filter(establishment="pk", organisation="organisation_id")
        ),
        pk=pk,
    )


def _recorded(user, members, what):
    record_shown(user, [m.person_id for m in members if m.person_id], what)
    return members


def register(user, establishment, what="staff.register"):
    """The entries of the establishment's register, present ones first, by name."""
    today = timezone.localdate()
    members = list(
        StaffMember.objects.visible_to(user)
        .filter(establishment=establishment)
        .select_related("user", "person", "establishment")
        .prefetch_related(LATEST_FIRST, TRAININGS)
        .order_by("end_date", "pk")
    )
    for member in members:
        member.attestation_state = attestation_state(member, today)
        member.training_state = training_state(member, today)
        member.is_present = member.start_date <= today and (
            member.end_date is None or member.end_date >= today
        )
    _with_signatures(members, today)
    members.sort(key=lambda m: (m.end_date is not None, m.name.lower()))
    return _recorded(user, members, what)


def staff_member(user, pk, action="view", what="staff.member"):
    """One entry of a register `user` keeps, else 404."""
    member = (
        StaffMember.objects.visible_to(user, action)
        .select_related("user", "person", "establishment")
        .prefetch_related(LATEST_FIRST, TRAININGS)
        .filter(pk=pk)
        .first()
    )
    if member is None:
        raise Http404
    member.attestation_state = attestation_state(member, timezone.localdate())
    member.training_state = training_state(member, timezone.localdate())
    _with_signatures([member], timezone.localdate())
    member.signature_list = list(
        member.signatures.select_related("code").order_by("-signed_on", "-pk")
    )
    return _recorded(user, [member], what)[0]


def own_entries(user):
    """The user's own entries, for their page."""
    entries = list(
        StaffMember.objects.own(user)
        .select_related("establishment")
        .prefetch_related(LATEST_FIRST, TRAININGS)
        .order_by("pk")
    )
    today = timezone.localdate()
    for entry in entries:
        entry.attestation_state = attestation_state(entry, today)
        entry.training_state = training_state(entry, today)
        entry.signature_list = list(entry.signatures.select_related("code"))
    return _with_signatures(entries, today)


def _present(user, establishment_ids, today, *more):
    return list(
        StaffMember.objects.visible_to(user)
        .present(today)
        .filter(establishment_id__in=sorted(establishment_ids))
        .select_related("user", "person", "establishment")
        .prefetch_related(LATEST_FIRST, *more)
        .order_by("pk")
    )


def attestation_renewals(user, establishment_ids, today):
    """The échéancier's source (kernel.deadlines): the attestations of the present staff of
    these establishments to renew within STAFF_ATTESTATION_NOTICE_DAYS, or already lapsed."""
    found = []
    for member in _present(user, establishment_ids, today):
        state = attestation_state(member, today)
        if state.code in (RENEW_SOON, LAPSED):
            found.append(
                EstablishmentDeadline(
                    establishment_id=member.establishment_id,
                    kind="attestation_renewal",
                    label=_("Renouveler l'attestation d'honorabilité de %(name)s")
                    % {"name": member.name},
                    due=state.attestation.renewal_due,
                    url=reverse("staff:member", args=[member.pk]),
                )
            )
            if member.person_id:
                record_shown(user, [member.person_id], "care.village_deadlines")
    return found


@dataclass
class EstablishmentFlags:
    establishment: Establishment
    present: int
    flagged: list  # the present staff whose attestation keeps them away from the children
    renew_soon: list
    unsigned: int = 0  # how many present staff have not signed the code of conduct in force
    training_late: int = 0  # how many present staff are late with their training
    compliance: Compliance | None = None


def first_course_on_time(today):
    """The earliest day a last safeguarding course may have been attended for the refresher not
    to be late today: the first day `d` with add_months(d, STAFF_REFRESHER_MONTHS) >= today
    (add_months never goes back as `d` moves on, so "late" is "before this day" in SQL)."""
    months = settings.STAFF_REFRESHER_MONTHS
    day = add_months(today, -months)
    while add_months(day, months) < today:
        day = add_days(day, 1)
    while add_months(add_days(day, -1), months) >= today:
        day = add_days(day, -1)
    return day


def with_states(members, today, unsigned_in=(), codes=(), unsigned_organisations=()):
    """The present members annotated in SQL from their stored summary (models.Standing) with
    today's states: `attestation` (the codes of `attestation_state`), `training_late` (that of
    `training_state`), `unsigned` (no signature of `codes`, the versions in force, for the
    members of the establishments `unsigned_in`, or of every establishment of the organisations
    `unsigned_organisations`) and `in_order` (none of the three). A member without a summary row
    reads as one with no attestation and no course."""
    latest = "standing__latest_attestation__"
    attestation = Case(
        When(standing__latest_attestation__isnull=True, then=Value(MISSING)),
        When(
            **{f"{latest}outcome": Attestation.Outcome.NOT_DELIVERED},
            then=Value(NOT_DELIVERED),
        ),
        When(**{f"{latest}renewal_due__lte": today}, then=Value(LAPSED)),
        When(
            **{
                f"{latest}renewal_due__lte": add_days(today, settings.STAFF_ATTESTATION_NOTICE_DAYS)
            },
            then=Value(RENEW_SOON),
        ),
        default=Value(VALID),
        output_field=CharField(),
    )
    training_late = Case(
        When(
            standing__induction_taken=True,
            then=Q(standing__last_training_on__lt=first_course_on_time(today)),
        ),
        default=Q(start_date__lt=add_days(today, -settings.STAFF_INDUCTION_DAYS)),
        output_field=BooleanField(),
    )
    # no signature of the version in force (`codes`, one per organisation: a signature of
    # another organisation's code cannot be the member's)
    signatures = CodeSignature.objects.filter(code_id__in=sorted(c.pk for c in codes))
    if unsigned_in:
        # a few establishments: their members' signatures looked up one by one
        unsigned = Q(establishment_id__in=sorted(unsigned_in)) & ~Exists(
            signatures.filter(staff_member=OuterRef("pk"))
        )
    elif unsigned_organisations:
        # the whole organisation: the signatures of the versions in force read once (hashed),
        # not looked up for each member (once per count that reads them)
        unsigned = Q(establishment__organisation_id__in=sorted(unsigned_organisations)) & ~Q(
            pk__in=signatures.values("staff_member_id")
        )
    else:
        unsigned = Value(False)
    return members.annotate(
        attestation=attestation,
        training_late=training_late,
        unsigned=ExpressionWrapper(unsigned, output_field=BooleanField()),
    ).annotate(
        in_order=Case(
            When(
                Q(attestation__in=sorted(BLOCKING)) | Q(training_late=True) | Q(unsigned=True),
                then=Value(False),
            ),
            default=Value(True),
            output_field=BooleanField(),
        )
    )


def flags(user, today=None):
    """For the homes: per establishment whose register `user` keeps, the present staff whose
    attestation is lapsed, refused or missing (flagged at once) and those to renew soon (their
    names), how many have not signed the code of conduct in force, and the compliance figure;
    None for users who keep no register (no query). Read from the stored summary
    (models.Standing, staff.standing): the versions of the code of conduct in force, one
    grouped count of the present staff and one list of the names shown (no query when there is
    none), whatever the number of staff; only the names shown are recorded as read."""
    if not can(user, "staff", "view"):
        return None
    today = today or timezone.localdate()
    found = reach(user, "staff", "view")
    # A director's establishments came with their memberships: no query for them.
    establishments = (
        list(registers(user))
        if found.organisations
        else sorted(found.establishment_places, key=lambda e: (e.name, e.pk))
    )
    if not establishments:
        return []
    by_establishment = {e.pk: EstablishmentFlags(e, 0, [], []) for e in establishments}
    codes = current_codes({e.organisation_id for e in establishments}, today)
    members = with_states(
        StaffMember.objects.visible_to(user)
        .present(today)
        .filter(establishment_id__in=sorted(by_establishment)),
        today,
        unsigned_in=[e.pk for e in establishments if e.organisation_id in codes],
        codes=[codes[o] for o in sorted({e.organisation_id for e in establishments}) if o in codes],
    )
    counts = (
        members.values("establishment_id")
        .annotate(
            n=Count("pk"),
            n_in_order=Count("pk", filter=Q(in_order=True)),
            n_unsigned=Count("pk", filter=Q(unsigned=True)),
            n_late=Count("pk", filter=Q(training_late=True)),
            n_shown=Count("pk", filter=Q(attestation__in=SHOWN)),
        )
        .order_by()
    )
    named = 0
    for row in counts:
        named += row["n_shown"]
        flags_row = by_establishment[row["establishment_id"]]
        flags_row.present = row["n"]
        flags_row.unsigned = row["n_unsigned"]
        flags_row.training_late = row["n_late"]
        flags_row.compliance = Compliance(row["n_in_order"], row["n"])
    shown = (
        members.filter(attestation__in=SHOWN)
        .select_related("user", "person", "standing__latest_attestation")
        .order_by("pk")
        if named
        else []
    )
    for member in shown:
        standing = getattr(member, "standing", None)
        member.attestation_state = AttestationState(
            member.attestation, standing.latest_attestation if standing else None
        )
        row = by_establishment[member.establishment_id]
        (row.renew_soon if member.attestation == RENEW_SOON else row.flagged).append(member)
    _recorded(
        user,
        [m for row in by_establishment.values() for m in row.flagged + row.renew_soon],
        "web.home",
    )
    return [row for row in by_establishment.values() if row.present]


# The establishments needing action the organisation's home shows (the others: their registers).
ORGANISATION_SHOWN = 10


@dataclass
class EstablishmentCounts:
    """One establishment's line in the organisation's block: counts only, no names."""

    pk: int
    name: str
    present: int
    flagged: int
    renew_soon: int
    unsigned: int
    training_late: int
    compliance: Compliance


@dataclass
class OrganisationFlags:
    """The staff block of an organisation-wide reader: the totals over every present staff
    member of the registers they keep and the establishments that need action (at most
    ORGANISATION_SHOWN, most flagged first, then by name), counts only."""

    compliance: Compliance
    flagged: int
    renew_soon: int
    unsigned: int
    training_late: int
    needing_action: int  # how many establishments need action (those shown: `establishments`)
    establishments: list
    organisation_wide = True


class GroupsCounted(Func):
    """How many groups a grouped query has before its LIMIT (a window over the groups): the
    establishments needing action counted in the query that reads the first of them."""

    template = "COUNT(*) OVER ()"
    output_field = IntegerField()
    window_compatible = True
    contains_aggregate = True  # computed over the groups, not grouped by
    contains_over_clause = True


def _counts(**extra):
    blocking = Q(attestation__in=sorted(BLOCKING))
    return {
        "n": Count("pk"),
        "n_in_order": Count("pk", filter=Q(in_order=True)),
        "n_flagged": Count("pk", filter=blocking),
        "n_renew": Count("pk", filter=Q(attestation=RENEW_SOON)),
        "n_unsigned": Count("pk", filter=Q(unsigned=True)),
        "n_late": Count("pk", filter=Q(training_late=True)),
        **extra,
    }


def organisation_flags(user, today=None):
    """For the homes of the organisation-wide readers (national director, human resources):
    the totals of the present staff of the registers they keep and the establishments that
    need action (a member flagged, to renew soon, without the code signed or late with their
    training), counts only: none of the names, so none recorded as read. Read from the stored
    summary (models.Standing) in three queries whatever the number of establishments and staff:
    the versions of the code in force, the totals, and the first ORGANISATION_SHOWN
    establishments needing action with how many there are (grouped, counted, ordered and
    limited in the database; not read when no staff is present). None for users who keep no
    register (no query)."""
    if not can(user, "staff", "view"):
        return None
    today = today or timezone.localdate()
    organisations = sorted(reach(user, "staff", "view").organisations)
    codes = current_codes(organisations, today)
    members = with_states(
        StaffMember.objects.visible_to(user).present(today),
        today,
        unsigned_organisations=[o for o in organisations if o in codes],
        codes=[codes[o] for o in organisations if o in codes],
    )
    totals = members.aggregate(**_counts())
    grouped = (
        members.values("establishment_id")
        .annotate(**_counts())
        .filter(Q(n_flagged__gt=0) | Q(n_renew__gt=0) | Q(n_unsigned__gt=0) | Q(n_late__gt=0))
    )
    rows = (
        list(
            grouped.annotate(needing=GroupsCounted())
            .values("establishment_id", "establishment__name", "needing", *_counts().keys())
            .order_by("-n_flagged", *by_name("establishment__name"), "establishment_id")[
                :ORGANISATION_SHOWN
            ]
        )
        if totals["n"]
        else []
    )
    needing_action = rows[0]["needing"] if rows else 0
    return OrganisationFlags(
        compliance=Compliance(totals["n_in_order"], totals["n"]),
        flagged=totals["n_flagged"],
        renew_soon=totals["n_renew"],
        unsigned=totals["n_unsigned"],
        training_late=totals["n_late"],
        needing_action=needing_action,
        establishments=[
            EstablishmentCounts(
                pk=row["establishment_id"],
                name=row["establishment__name"],
                present=row["n"],
                flagged=row["n_flagged"],
                renew_soon=row["n_renew"],
                unsigned=row["n_unsigned"],
                training_late=row["n_late"],
                compliance=Compliance(row["n_in_order"], row["n"]),
            )
            for row in rows
        ],
    )


def home_flags(user, today=None):
    """The staff block of the user's home: the organisation's totals and the establishments
    needing action for an organisation-wide reader (`organisation_flags`), each establishment's
    flags with the names for a director of one or a few (`flags`); None for the others."""
    if can(user, "staff", "view") and reach(user, "staff", "view").organisations:
        return organisation_flags(user, today)
    return flags(user, today)


def registry_person(user, reference: str):
    """The person of the registry with this reference, if `user` may see them (else a refusal
    at the field: an out-of-scope file must not be known to exist)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from ancrage.people.models import Person

    reference = (reference or "").strip()
    if not reference:
        return None
    person = Person.objects.visible_to(user).filter(reference=reference).first()
    if person is None:
        raise ValidationError(
            {"reference": _("Aucune personne de votre périmètre ne porte cette référence.")}
        )
    return person


def codes(user):
    """The versions of the code of conduct of the organisations whose registers `user` keeps,
    newest first."""
    found = reach(user, "staff", "view")
    organisations = set(found.organisations) | {
        e.organisation_id for e in found.establishment_places
    }
    return list(
        CodeOfConduct.objects.filter(organisation_id__in=sorted(organisations))
        .select_related("organisation", "published_by")
        .order_by("-effective_on", "-pk")
    )


def publishing_organisations(user):
    """The organisations whose code of conduct `user` publishes: the national director's and
    human resources' (a director keeps a register, not the association's code)."""
    from ancrage.organisation.models import Organisation

    return Organisation.objects.filter(pk__in=sorted(reach(user, "staff", "change").organisations))


def readable_code(user, pk):
    """A version of the code the user may read: one of an organisation whose register they keep,
    or where they are entered themselves; else 404."""
    organisations = {c.organisation_id for c in codes(user)} | set(
        StaffMember.objects.own(user).values_list("establishment__organisation_id", flat=True)
    )
    return get_object_or_404(
        CodeOfConduct.objects.filter(organisation_id__in=sorted(organisations)), pk=pk
    )


def catalogue(user):
    """The courses of the organisations whose registers `user` keeps."""
    found = reach(user, "staff", "view")
    organisations = set(found.organisations) | {
        e.organisation_id for e in found.establishment_places
    }
    return list(
        Course.objects.filter(organisation_id__in=sorted(organisations))
        .select_related("organisation")
        .order_by("organisation__name", "kind", "name")
    )
