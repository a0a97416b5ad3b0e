"""Consultations of a village's children and young people: created by the staff (questions,
who is consulted, dates), answered once and anonymously from the youth space (the answers are
counters, the young person is only marked as having answered), their results published in
aggregate through kernel.disclosure with the establishment's answer, and presented to the
council."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ancrage.kernel import calendar, disclosure
from ancrage.kernel.scopes import reach
from ancrage.participation.models import (
    Consultation,
    ConsultationCode,
    ConsultationParticipant,
    ConsultationQuestion,
    ConsultationTally,
    Meeting,
)
from ancrage.people.models import Person
from ancrage.placements.models import Stay

MAX_QUESTIONS = 10
MAX_CHOICES = 6
MAX_CODES = 60  # codes printed at once, for one meeting
# Letters and digits that cannot be mistaken for one another when read from a slip of paper.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _require(user, establishment_id) -> None:
    if establishment_id not in reach(user, "consultation", "change").establishments_worked_in:
        raise ValidationError(_("Vous ne consultez pas les jeunes de ce village."))


def parse_questions(text: str) -> list[tuple[str, list[str]]]:
    """One question a line: "Question ? | choice | choice ..." (2 to 6 choices)."""
    questions = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        question, *choices = (part.strip() for part in line.split("|"))
        choices = [c for c in choices if c]
        if not question or not 2 <= len(choices) <= MAX_CHOICES:
            raise ValidationError(
                {
                    "questions": _(
                        "Une question par ligne : « Question ? | réponse | réponse », de 2 à "
                        "%(n)s réponses."
                    )
                    % {"n": MAX_CHOICES}
                }
            )
        questions.append((question[:300], choices))
    if not questions:
        raise ValidationError({"questions": _("Écrivez au moins une question.")})
    if len(questions) > MAX_QUESTIONS:
        raise ValidationError(
            {
                "questions": _("%(n)s questions au plus : une consultation reste courte.")
                % {"n": MAX_QUESTIONS}
            }
        )
    return questions


@transaction.atomic
def create_consultation(
    village, by, *, title, introduction, from_age, opens_on, closes_on, questions
) -> Consultation:
    _require(by, village.pk)
    errors = {}
    if not (title or "").strip():
        errors["title"] = _("Donnez un titre à la consultation.")
    if closes_on < opens_on:
        errors["closes_on"] = _("La consultation ferme après son ouverture.")
    elif closes_on < timezone.localdate():
        errors["closes_on"] = _("Une consultation se prépare pour aujourd'hui ou plus tard.")
    try:
        parsed = parse_questions(questions)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    consultation = Consultation.objects.create(
        establishment=village,
        title=title.strip(),
        introduction=(introduction or "").strip(),
        from_age=from_age,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    for position, (text, choices) in enumerate(parsed, start=1):
        question = ConsultationQuestion.objects.create(
            consultation=consultation, position=position, text=text, choices="\n".join(choices)
        )
        ConsultationTally.objects.bulk_create(
            ConsultationTally(question=question, choice=i) for i in range(len(choices))
        )
    return consultation


def consulted(consultation, person, today) -> bool:
    """Whether she is one of those consulted: living in the village, of the age asked."""
    if person.birth_date is None or calendar.age_on(person.birth_date, today) < (
        consultation.from_age
    ):
        return False
    return (
        Stay.objects.current(today)
        .filter(child=person, unit__establishment_id=consultation.establishment_id)
        .exists()
    )


def _check_choices(questions, choices: dict[int, int]) -> None:
    errors = {}
    for question in questions:
        chosen = choices.get(question.pk)
        if chosen is None or not 0 <= chosen < len(question.choice_list):
            errors[f"q{question.pk}"] = _("Choisis une réponse.")
    if errors:
        raise ValidationError(errors)


def _count(questions, choices: dict[int, int]) -> None:
    for question in questions:
        ConsultationTally.objects.filter(question=question, choice=choices[question.pk]).update(
            count=F("count") + 1
        )


def _hash(code: str) -> str:
    normalised = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode()).hexdigest()


@transaction.atomic
def issue_codes(consultation, by, *, count: int) -> list[str]:
    """One-time codes to answer on a shared tablet (no account needed), shown once: only their
    hashes are kept."""
    _require(by, consultation.establishment_id)
    if consultation.closes_on < timezone.localdate():
        raise ValidationError(_("Cette consultation est fermée."))
    if not 1 <= count <= MAX_CODES:
        raise ValidationError({"count": _("De 1 à %(n)s codes.") % {"n": MAX_CODES}})
    codes = []
    for _i in range(count):
        raw = "".join(secrets.choice(CODE_ALPHABET) for _j in range(8))
        codes.append(f"{raw[:4]}-{raw[4:]}")
    ConsultationCode.objects.bulk_create(
        ConsultationCode(consultation=consultation, code_hash=_hash(code)) for code in codes
    )
    return codes


def consultation_for_code(code: str) -> Consultation:
    """The open consultation a one-time code not yet used opens, else a refusal at the code."""
    found = (
        ConsultationCode.objects.filter(code_hash=_hash(code), used=False)
        .select_related("consultation")
        .first()
    )
    if found is None or not found.consultation.is_open(timezone.localdate()):
        raise ValidationError({"code": _("Ce code ne marche pas. Vérifie-le ou demande un code.")})
    return found.consultation


@transaction.atomic
def answer_with_code(code: str, *, choices: dict[int, int]) -> Consultation:
    """The answers given with a one-time code: counted like the others, the code then used."""
    consultation = consultation_for_code(code)
    questions = list(consultation.questions.all())
    _check_choices(questions, choices)
    if not ConsultationCode.objects.filter(code_hash=_hash(code), used=False).update(used=True):
        raise ValidationError({"code": _("Ce code a déjà servi.")})
    _count(questions, choices)
    return consultation


def answer(consultation, person, *, choices: dict[int, int]) -> None:
    """Her answers, once, while it is open: each one adds to a counter; only that she answered
    is kept, never what."""
    today = timezone.localdate()
    if not consultation.is_open(today):
        raise ValidationError(_("Cette consultation est fermée."))
    if not consulted(consultation, person, today):
        raise ValidationError(_("Cette consultation n'est pas pour toi."))
    questions = list(consultation.questions.all())
    _check_choices(questions, choices)
    try:
        with transaction.atomic():
            ConsultationParticipant.objects.create(consultation=consultation, person=person)
            _count(questions, choices)
    except IntegrityError:
        raise ValidationError(_("Tu as déjà répondu à cette consultation. Merci !")) from None


@transaction.atomic
def publish_answer(consultation, by, *, answer: str, presented_at: Meeting | None):
    """The establishment's answer, published to the young people with the results, and the
    council's meeting where the results were presented."""
    _require(by, consultation.establishment_id)
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not (answer or "").strip():
        raise ValidationError({"answer": _("Écrivez la réponse de l'établissement.")})
    if consultation.closes_on >= timezone.localdate():
        raise ValidationError(_("La réponse se publie une fois la consultation fermée."))
    if presented_at is not None and (
        presented_at.council.establishment_id != consultation.establishment_id
        or presented_at.held_on < consultation.closes_on
    ):
        raise ValidationError(
            {"presented_at": _("Choisissez une réunion du conseil de ce village, après la fin.")}
        )
    consultation.answer = answer.strip()
    consultation.answered_on = consultation.answered_on or timezone.localdate()
    consultation.presented_at = presented_at
    consultation.save(update_fields=["answer", "answered_on", "presented_at"])
    return consultation


@dataclass
class QuestionResult:
    question: ConsultationQuestion
    rows: list[tuple[str, object]]  # (choice, count or disclosure.MASK)
    total: object


def results(consultation) -> tuple[object, list[QuestionResult]]:
    """The number who answered and each question's counts, as they may be published: every
    question a table whose total is the number who answered (linked), masked together by
    kernel.disclosure."""
    questions = list(consultation.questions.prefetch_related("tallies"))
    tables = []
    for question in questions:
        counts = {t.choice: t.count for t in question.tallies.all()}
        tables.append(
            disclosure.Table.column(
                question.pk,
                question.choice_list,
                [counts.get(i, 0) for i in range(len(question.choice_list))],
                total=True,
            )
        )
    answered = answered_count(consultation)
    tables.append(disclosure.Table.column("answered", [""], [answered]))
    # every question is required: each total is the number who answered, one linked cell
    totals = [sum(row[0] for row in t.counts) for t in tables]
    links = [[(t.key, disclosure.TOTAL, 0) for t in tables[:-1]] + [("answered", 0, 0)]]
    publication = disclosure.protect(tables, links if len(set(totals)) == 1 else ())
    found = []
    for question in questions:
        grid = publication.grid(question.pk)
        found.append(
            QuestionResult(
                question,
                [(label, grid[i][0]) for i, label in enumerate(question.choice_list)],
                grid[-1][0],
            )
        )
    return publication.grid("answered")[0][0], found


def consulted_count(consultation, today) -> int:
    """How many children and young people of the village, of the age asked, live there on the
    closing day (or today while it is open)."""
    day = min(today, consultation.closes_on)
    born_by = calendar.add_years(day, -consultation.from_age)
    return (
        Person.objects.filter(
            birth_date__lte=born_by,
            pk__in=Stay.objects.current(day)
            .filter(unit__establishment_id=consultation.establishment_id)
            .values("child_id"),
        )
        .distinct()
        .count()
    )


def for_young_person(space, today) -> tuple[list, list]:
    """The consultations open to her (each marked answered or not), and the closed ones of her
    village whose answer is published."""
    if space.stay is None:
        return [], []
    village = space.stay.unit.establishment_id
    mine = Consultation.objects.filter(establishment_id=village)
    answered = set(
        ConsultationParticipant.objects.filter(person=space.person).values_list(
            "consultation_id", flat=True
        )
    )
    age = space.age or 0
    open_ = list(
        mine.filter(opens_on__lte=today, closes_on__gte=today, from_age__lte=age).order_by(
            "closes_on", "pk"
        )
    )
    for consultation in open_:
        consultation.answered = consultation.pk in answered
    published = list(
        mine.filter(answered_on__isnull=False, closes_on__lt=today).order_by("-closes_on")[:5]
    )
    return open_, published


def answered_count(consultation) -> int:
    """Who answered: from their space, and with a one-time code."""
    return (
        ConsultationParticipant.objects.filter(consultation=consultation).count()
        + ConsultationCode.objects.filter(consultation=consultation, used=True).count()
    )
