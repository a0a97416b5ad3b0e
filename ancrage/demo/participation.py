"""Demo data of children's voice, through the apps' own services: the participation council of
the director's village, and the demo young person ("jeune") with a validated project with her
words (when the PPE seeder left her none) who has written to her referent once."""

from __future__ import annotations

from django.utils import timezone

from ancrage.accounts.models import Membership, User
from ancrage.care.models import PPE
from ancrage.care.services import ppe as ppe_services
from ancrage.kernel import calendar
from ancrage.kernel.access import Role
from ancrage.participation import consultation, council
from ancrage.participation.queries.youth import own_space
from ancrage.participation.services import write_to_referent

OBJECTIVES = [
    ("schooling", "Obtenir le CAP cuisine", "Trouver un stage en restaurant", "child"),
    ("health", "Prendre soin de ma santé", "Rendez-vous chez le dentiste", "house_staff"),
    ("emotional", "Voir ma mère plus souvent", "Organiser une visite par mois", "ase"),
]


def seed_participation(world) -> None:
    director = User.objects.filter(username="directrice").first()
    if director is not None and director.active_memberships:
        seed_council(world, director.active_memberships[0].establishment, director)
    youth = User.objects.filter(username="jeune").first()
    if youth is None or youth.person_id is None:
        return
    space = own_space(youth)
    if space.stay is None:
        return
    head = (
        Membership.objects.in_force()
        .filter(role=Role.HEAD_OF_SERVICE, establishment_id=space.stay.unit.establishment_id)
        .select_related("user")
        .first()
    )
    ppe = PPE.objects.filter(child=space.person).first()
    if head is not None and (ppe is None or ppe_services.current_version(ppe) is None):
        for domain, title, action, actor in OBJECTIVES:
            ppe_services.add_objective(
                space.person,
                head.user,
                domain=domain,
                title=title,
                action={"description": action, "actor": actor},
            )
        ppe_services.validate_draft(
            space.person,
            head.user,
            day=world.anchor,
            child_views="Je veux faire un CAP cuisine. Je voudrais voir ma mère plus souvent.",
        )
    seed_youth_council(world, youth, space)
    if space.is_open:
        write_to_referent(
            space, youth, text="Est-ce que je peux aller au match de foot samedi prochain ?"
        )


def seed_council(world, village, director) -> None:
    """The village's council: installed a year ago with validated minutes and a proposal
    answered, met again nine months ago; a missing meeting shows on the échéancier."""
    today = world.anchor
    first = council.record_meeting(
        village,
        director,
        held_on=calendar.add_years(today, -1),
        agenda="Installation du conseil ; règlement intérieur ; repas",
        minutes="Le règlement intérieur est adopté. Les repas du week-end seront choisis à tour "
        "de rôle.",
    )
    council.validate_minutes(first, director)
    opinion = council.add_opinion(
        first, director, kind="proposal", text="Une sortie à la mer chaque été"
    )
    council.answer_opinion(opinion, director, answer="Accordé : une sortie en juillet.")
    council.record_meeting(
        village,
        director,
        held_on=calendar.add_months(today, -9),
        agenda="Réponses de l'établissement ; loisirs",
    )


def seed_youth_council(world, youth, space) -> None:
    """The council's internal rules, the demo young person elected for the children (tied to
    her file: she reads them in her space), and a consultation open to the village's young
    people."""
    from ancrage.kernel.documents import render_pdf
    from ancrage.kernel.uploads import CheckedUpload

    village = space.stay.unit.establishment
    director = (
        Membership.objects.in_force()
        .filter(role=Role.ESTABLISHMENT_DIRECTOR, establishment=village)
        .select_related("user")
        .first()
    )
    if director is None or not hasattr(village, "council"):
        return
    director = director.user
    today = world.anchor
    council.add_document(
        village,
        director,
        kind="internal_rules",
        title="",
        effective_on=calendar.add_years(today, -1),
        uploaded=CheckedUpload(
            content=render_pdf("demo/council_rules.html", {}), content_type="application/pdf"
        ),
    )
    council.record_election(
        village,
        director,
        college="children",
        held_on=calendar.add_months(today, -11),
        seats=2,
        ballots=14,
        results=f"{space.person.first_names} {space.person.last_name} ; 8\nNoah ; 6\nSami ; 3",
        term_years=2,
    )
    member = village.council.members.get(
        name=f"{space.person.first_names} {space.person.last_name}"
    )
    council.link_member(member, director, person=space.person)
    if calendar.add_days(today, 14) < timezone.localdate():
        return  # a demo anchored in the past: no consultation open today
    consultation.create_consultation(
        village,
        director,
        title="Les repas du week-end",
        introduction="Dis-nous ce que tu penses des repas du samedi et du dimanche.",
        from_age=11,
        opens_on=today,
        closes_on=calendar.add_days(today, 14),
        questions="Les repas du week-end sont bons ? | Oui | Un peu | Non\n"
        "Tu veux choisir un repas par mois ? | Oui | Non | Je ne sais pas",
    )
