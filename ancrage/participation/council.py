"""The participation council (CVS) of a village: its meetings and what the establishment
answered to each opinion or proposal; and the échéancier's deadlines of its three meetings a
year (one in each third of the year, registered with kernel.deadlines)."""

from __future__ import annotations

import secrets
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel import calendar
from ancrage.kernel.deadlines import EstablishmentDeadline
from ancrage.kernel.scopes import reach
from ancrage.kernel.uploads import check_upload, display_name
from ancrage.organisation.models import Establishment
from ancrage.participation.models import (
    MINIMUM_MEMBERS,
    College,
    Council,
    CouncilDocument,
    CouncilMember,
    Election,
    Meeting,
    Opinion,
)
from ancrage.people.models import Person
from ancrage.placements.models import Stay
from ancrage.safeguarding.services import record_information

# The thirds of a year (first month, last month, last day): a meeting is due in each, so that
# the council meets at least three times a year.
THIRDS = ((1, 4, 30), (5, 8, 31), (9, 12, 31))


def _require(user, establishment_id) -> None:
    if establishment_id not in reach(user, "council", "change").establishments_worked_in:
        raise ValidationError(_("Vous ne tenez pas le conseil de ce village."))


@transaction.atomic
def record_meeting(
    village, by, *, held_on: date, agenda: str, minutes: str = "", informed_of=()
) -> Meeting:
    """A meeting of the village's council (installed with its first meeting). The answers
    given since the last meeting to the council's opinions are reported at this one. The
    declarations to the authority presented to it (`informed_of`, the village's) record on
    each declaration that the council was informed, on the meeting's day."""
    _require(by, village.pk)
    informed_of = list(informed_of)
    if any(d.incident.establishment_id != village.pk for d in informed_of):
        raise ValidationError({"informed_of": _("Choisissez des déclarations de ce village.")})
    if informed_of and held_on > timezone.localdate():
        raise ValidationError(
            {"informed_of": _("Le conseil est informé à une réunion tenue, pas à venir.")}
        )
    if not (agenda or "").strip():
        raise ValidationError({"agenda": _("Écrivez l'ordre du jour.")})
    council, _created = Council.objects.select_for_update().get_or_create(
        establishment=village, defaults={"founded_on": held_on}
    )
    if council.meetings.filter(held_on=held_on).exists():
        raise ValidationError({"held_on": _("Une réunion du conseil est déjà notée ce jour-là.")})
    meeting = Meeting.objects.create(
        council=council,
        held_on=held_on,
        agenda=agenda.strip(),
        minutes=(minutes or "").strip(),
        recorded_by=by,
    )
    meeting.informed_of.set(informed_of)
    for declaration in informed_of:
        if declaration.cvs_informed_on is None:
            incident = declaration.incident
            try:
                record_information(
                    incident,
                    expected_version=incident.version,
                    cvs_informed_on=held_on,
                    by=by,
                )
            except ValidationError as error:
                raise ValidationError({"informed_of": error.messages}) from error
    Opinion.objects.filter(
        meeting__council=council,
        answered_on__isnull=False,
        answered_on__lte=held_on,
        reported_at__isnull=True,
        meeting__held_on__lt=held_on,
    ).update(reported_at=meeting)
    return meeting


@transaction.atomic
def validate_minutes(meeting: Meeting, by) -> Meeting:
    """Validate the minutes: they are published to the village's children and families."""
    _require(by, meeting.council.establishment_id)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_published:
        raise ValidationError(_("Ce relevé de conclusions est déjà validé."))
    if not meeting.minutes:
        raise ValidationError(_("Écrivez d'abord le relevé de conclusions."))
    if meeting.held_on > timezone.localdate():
        raise ValidationError(_("Le relevé se valide une fois la réunion tenue."))
    meeting.minutes_validated_on = timezone.localdate()
    meeting.save(update_fields=["minutes_validated_on"])
    return meeting


@transaction.atomic
def add_opinion(meeting: Meeting, by, *, kind: str, text: str) -> Opinion:
    _require(by, meeting.council.establishment_id)
    if not (text or "").strip():
        raise ValidationError({"text": _("Écrivez l'avis ou la proposition du conseil.")})
    if kind not in Opinion.Kind.values:
        raise ValidationError({"kind": _("Choisissez avis ou proposition.")})
    return Opinion.objects.create(meeting=meeting, kind=kind, text=text.strip())


@transaction.atomic
def answer_opinion(opinion: Opinion, by, *, answer: str) -> Opinion:
    """The establishment's answer: reported at the council's next meeting."""
    _require(by, opinion.meeting.council.establishment_id)
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    if opinion.answered_on is not None:
        raise ValidationError(_("Cet avis a déjà reçu sa réponse."))
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Écrivez la réponse de l'établissement.")})
    opinion.answer = answer.strip()
    opinion.answered_on = timezone.localdate()
    opinion.answered_by = by
    opinion.save(update_fields=["answer", "answered_on", "answered_by"])
    return opinion


def meeting_deadlines(councils, held: dict[int, list[date]], today: date):
    """For each council, this year's thirds begun since it was installed: due on the third's
    last day, done on the first meeting held in it (overdue once the third ended without)."""
    found = []
    label = _("Réunion du conseil de la vie sociale (au moins %(n)s par an)") % {"n": len(THIRDS)}
    for council in councils:
        days = held.get(council.pk, [])
        for first, last, last_day in THIRDS:
            start, end = date(today.year, first, 1), date(today.year, last, last_day)
            if start > today or end < council.founded_on:
                continue
            done = min((d for d in days if start <= d <= end), default=None)
            found.append(
                EstablishmentDeadline(council.establishment_id, "council_meeting", label, end, done)
            )
    return found


def council_deadlines(user, establishment_ids, today) -> list[EstablishmentDeadline]:
    """The échéancier's source (kernel.deadlines): the councils of these villages the user
    reaches, two queries."""
    councils = list(Council.objects.visible_to(user).filter(establishment_id__in=establishment_ids))
    held: dict[int, list[date]] = {}
    for council_id, day in Meeting.objects.filter(
        council__in=councils, held_on__year=today.year, held_on__lte=today
    ).values_list("council_id", "held_on"):
        held.setdefault(council_id, []).append(day)
    return meeting_deadlines(councils, held, today)


def council_villages(user, among=None):
    """The villages whose council the user may read (the home page's links); with `among` (ids
    of villages), only those of them (the organisation's home asks about its page's villages,
    not about every village of the organisation)."""
    return villages_reached(user, "council", among)


def villages_reached(user, kind: str, among=None):
    """The villages where the user's role grants `kind` view (a house's role counts for its
    village), narrowed to the ids of `among` when given."""
    where = reach(user, kind, "view")
    if not where or (among is not None and not among):
        return []
    if where.organisations:
        condition = where.filter(organisation="organisation_id")
        if where.establishments_worked_in:
            condition |= Q(pk__in=sorted(where.establishments_worked_in))
        villages = Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).filter(condition)
        if among is not None:
            villages = villages.filter(pk__in=sorted(among))
        return list(villages.order_by("name"))
    # a village or a house: the places the memberships loaded, without a query
    places = {e.pk: e for e in where.establishment_places}
    places.update({u.establishment_id: u.establishment for u in where.unit_places})
    return sorted(
        (
            e
            for e in places.values()
            if e.kind == Establishment.Kind.VILLAGE and (among is None or e.pk in among)
        ),
        key=lambda e: e.name,
    )


def _parse_results(text: str) -> list[tuple[str, int]]:
    """One candidate a line, "Name ; votes"."""
    results = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        name, sep, votes = line.rpartition(";")
        if not sep or not name.strip() or not votes.strip().isdigit():
            raise ValidationError(
                {"results": _("Une ligne par candidat : « Nom ; nombre de voix ».")}
            )
        results.append((name.strip(), int(votes)))
    if not results:
        raise ValidationError({"results": _("Écrivez les résultats, un candidat par ligne.")})
    return results


@transaction.atomic
def record_election(
    village, by, *, college, held_on: date, seats: int, ballots: int, results: str, term_years
) -> Election:
    """A college's election, recorded as its results only: the candidates with the most votes
    take the seats (a tie for the last seat is refused: decide it first) for `term_years`."""
    _require(by, village.pk)
    council = _installed(village)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("Une élection se note une fois tenue.")})
    if seats < 1:
        raise ValidationError({"seats": _("Au moins un siège.")})
    candidates = sorted(_parse_results(results), key=lambda c: -c[1])
    if sum(votes for _name, votes in candidates) > ballots * seats:
        raise ValidationError({"results": _("Plus de voix que de votants pour ces sièges.")})
    if len(candidates) > seats and candidates[seats - 1][1] == candidates[seats][1]:
        raise ValidationError({"results": _("Égalité pour le dernier siège : départagez d'abord.")})
    election = Election.objects.create(
        council=council,
        college=college,
        held_on=held_on,
        seats=seats,
        ballots=ballots,
        recorded_by=by,
    )
    end = calendar.add_years(held_on, term_years)
    CouncilMember.objects.bulk_create(
        CouncilMember(
            council=council,
            college=college,
            name=name,
            votes=votes,
            elected=rank < seats,
            election=election,
            term_start=held_on,
            term_end=end,
        )
        for rank, (name, votes) in enumerate(candidates)
    )
    return election


def composition(council, today: date) -> dict:
    """The members in office by college, and the colleges short of their minimum."""
    in_office = council.members.filter(elected=True, term_start__lte=today, term_end__gt=today)
    by_college = {value: [] for value in College.values}
    for member in in_office:
        by_college[member.college].append(member)
    missing = [
        (College(college).label, minimum - len(by_college[college]))
        for college, minimum in MINIMUM_MEMBERS.items()
        if len(by_college[college]) < minimum
    ]
    return {
        "colleges": [(College(c).label, by_college[c]) for c in College.values if by_college[c]],
        "missing": missing,
    }


def _installed(village) -> Council:
    council = Council.objects.filter(establishment=village).first()
    if council is None:
        raise ValidationError(
            _("Le conseil est installé à sa première réunion : notez-la d'abord.")
        )
    return council


def add_document(village, by, *, kind, title, effective_on, uploaded) -> CouncilDocument:
    """A document of the council (founding act, internal rules, another), its file checked by
    kernel.uploads and stored under a random name; a document already there gets a new version
    from `effective_on` (the earlier versions are kept)."""
    _require(by, village.pk)
    council = _installed(village)
    title = (title or "").strip()
    if kind not in CouncilDocument.Kind.values:
        raise ValidationError({"kind": _("Choisissez le document.")})
    if kind == CouncilDocument.Kind.OTHER and not title:
        raise ValidationError({"title": _("Donnez un titre à ce document.")})
    if kind != CouncilDocument.Kind.OTHER:
        title = ""
    try:
        checked = uploaded if hasattr(uploaded, "extension") else check_upload(uploaded)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    if CouncilDocument.objects.filter(
        council=council, kind=kind, title=title, effective_on=effective_on
    ).exists():
        raise ValidationError(
            {"effective_on": _("Une version de ce document est déjà en vigueur à cette date.")}
        )
    label = title or CouncilDocument.Kind(kind).label
    document = CouncilDocument(
        council=council,
        kind=kind,
        title=title,
        effective_on=effective_on,
        original_name=display_name(label, effective_on, checked.extension),
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=by,
    )
    document.file.save(
        secrets.token_hex(16) + checked.extension, ContentFile(checked.content), save=False
    )
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document


def documents(council, today: date) -> list[CouncilDocument]:
    """The council's documents in force today, each with its earlier versions (`earlier`) and
    the versions to come (`upcoming`)."""
    current: dict[tuple[str, str], CouncilDocument] = {}
    upcoming: dict[tuple[str, str], list] = {}
    earlier: dict[tuple[str, str], list] = {}
    for document in council.documents.order_by("kind", "title", "-effective_on", "-pk"):
        key = (document.kind, document.title)
        if document.effective_on > today:
            upcoming.setdefault(key, []).append(document)
        elif key not in current:
            current[key] = document
        else:
            earlier.setdefault(key, []).append(document)
    found = []
    for key in sorted(set(current) | set(upcoming)):
        head = current.get(key) or upcoming[key].pop()
        head.earlier = earlier.get(key, [])
        head.upcoming = upcoming.get(key, [])
        head.in_force = head.effective_on <= today
        found.append(head)
    return found


@transaction.atomic
def link_member(member: CouncilMember, by, *, person: Person) -> CouncilMember:
    """A representative of the children tied to her own file (a child living in the village,
    whom the user reaches): her space then shows her the council's documents."""
    _require(by, member.council.establishment_id)
    member = CouncilMember.objects.select_for_update().get(pk=member.pk)
    if member.college != College.CHILDREN:
        raise ValidationError(
            {"person": _("Seuls les représentants des enfants et des jeunes ont un dossier ici.")}
        )
    lives_there = Stay.objects.current().filter(
        child=person, unit__establishment_id=member.council.establishment_id
    )
    if not (Person.objects.visible_to(by).filter(pk=person.pk).exists() and lives_there.exists()):
        raise ValidationError({"person": _("Choisissez un enfant qui vit dans ce village.")})
    member.person = person
    member.save(update_fields=["person"])
    return member


def village_children(user, village):
    """The children living in the village today whom the user reaches (a member's file)."""
    return (
        Person.objects.visible_to(user)
        .filter(
            pk__in=Stay.objects.current()
            .filter(unit__establishment_id=village.pk)
            .values("child_id")
        )
        .order_by("first_names", "last_name", "pk")
    )
