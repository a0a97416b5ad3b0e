"""Demo and scale data for safe staff: the human-resources account ("rh"), every adult placed
with the children entered in their village's register with a verified attestation
d'honorabilité (so every membership of the demo stays lawful, the proposed psychologist's too,
whom "directrice" can confirm), two attestations to renew within the notice period, a volunteer
without one and a refusal ("non délivrée"), flagged on the director's home.

Called once from `World.build`, after the proposed membership; deterministic (own random
generator); bulk inserts, the stored summary of each entry (staff.standing) rebuilt after them."""

from __future__ import annotations

import random
from datetime import date

from django.conf import settings
from django.db.models import Q

from ancrage.accounts.models import Membership, User
from ancrage.kernel.access import Role
from ancrage.kernel.calendar import add_days, add_months
from ancrage.organisation.models import Establishment, Organisation, Unit
from ancrage.staff.checks import HOUSE_ROLES, VILLAGE_TEAM_ROLES
from ancrage.staff.models import Attestation, CodeSignature, Course, StaffMember, Training
from ancrage.staff.standing import rebuild

ROLE_WITH_CHILDREN = {
    Role.HOUSE_PARENT: "Parent SOS de la maison %(place)s",
    Role.FAMILY_AIDE: "Aide familial·e de la maison %(place)s",
    Role.HEAD_OF_SERVICE: "Chef de service du village",
    Role.CLINICIAN: "Psychologue du village",
    Role.ESTABLISHMENT_DIRECTOR: "Direction du village",
}


def seed_staff(world) -> int:
    """Create the registers and attestations; returns how many staff entries."""
    rng = random.Random(23)  # its own draws: the core data stay the same
    anchor = world.anchor
    # the human resources account "rh" is one of the named demo accounts (seeding.py)
    hr = User.objects.get(username="rh")
    organisation = Organisation.objects.order_by("pk").first()
    seen, members = set(), []
    rows = (
        Membership.objects.filter(
            Q(role__in=sorted(HOUSE_ROLES), unit__kind=Unit.Kind.HOUSE)
            | Q(
                role__in=sorted(VILLAGE_TEAM_ROLES),
                establishment__kind=Establishment.Kind.VILLAGE,
            ),
            status__in=[Membership.Status.CONFIRMED, Membership.Status.PROPOSED],
        )
        .select_related("unit")
        .order_by("pk")
    )
    for membership in rows:
        establishment_id = membership.establishment_id or membership.unit.establishment_id
        if (membership.user_id, establishment_id) in seen:
            continue
        seen.add((membership.user_id, establishment_id))
        place = membership.unit.name if membership.unit_id else ""
        members.append(
            StaffMember(
                establishment_id=establishment_id,
                user_id=membership.user_id,
                kind=StaffMember.Kind.EMPLOYEE,
                role_with_children=ROLE_WITH_CHILDREN[membership.role] % {"place": place},
                start_date=membership.start_date,
                created_by=hr,
            )
        )
    StaffMember.objects.bulk_create(members, batch_size=2000)
    members = list(StaffMember.objects.order_by("pk"))
    renewal = settings.STAFF_ATTESTATION_RENEWAL_MONTHS
    attestations = []
    for n, member in enumerate(members):
        if n < 2:
            # two renewals falling within the notice period, on the first village's échéancier
            due = add_days(anchor, 20 + 15 * n)
            issued = add_months(due, -renewal)
        else:
            issued = add_days(anchor, -rng.randint(20, 900))
        attestations.append(
            Attestation(
                staff_member=member,
                outcome=Attestation.Outcome.DELIVERED,
                issued_on=issued,
                verified_on=add_days(issued, rng.randint(0, 10)),
                verified_by=hr,
                reference=f"HON-{issued:%Y}-{member.pk:06d}",
                renewal_due=add_months(issued, renewal),
                recorded_by=hr,
            )
        )
    Attestation.objects.bulk_create(attestations, batch_size=2000)
    village = Establishment.objects.filter(kind=Establishment.Kind.VILLAGE).order_by("pk").first()
    volunteer = User.objects.create(
        username="benevole.soutien",
        first_name="Gaëlle",
        last_name="Moreau",
        email="benevole.soutien@ancrage.example",
        password=world.password,
    )
    applicant = User.objects.create(
        username="candidat.aide",
        first_name="Yves",
        last_name="Carré",
        email="candidat.aide@ancrage.example",
        password=world.password,
    )
    StaffMember.objects.create(
        establishment=village,
        user=volunteer,
        kind=StaffMember.Kind.VOLUNTEER,
        role_with_children="Bénévole du soutien scolaire, le mercredi",
        start_date=add_days(anchor, -10),
        created_by=hr,
    )
    refused = StaffMember.objects.create(
        establishment=village,
        user=applicant,
        kind=StaffMember.Kind.EMPLOYEE,
        role_with_children="Aide familial·e (recrutement en cours)",
        start_date=add_days(anchor, 15),
        created_by=hr,
    )
    Attestation.objects.create(
        staff_member=refused,
        outcome=Attestation.Outcome.NOT_DELIVERED,
        issued_on=add_days(anchor, -3),
        director_decision="Recrutement abandonné ; la personne en a été informée.",
        recorded_by=hr,
    )
    seed_code_of_conduct(world, organisation, hr, members, rng)
    seed_training(world, organisation, hr, members, rng)
    # the bulk inserts went round the services: the stored summary written once from them
    rebuild()
    return len(members) + 2


def seed_training(world, organisation, hr, members, rng) -> None:
    """The catalogue (an induction, a refresher, a course on speaking up) and the courses each
    adult attended: the induction after arriving, a refresher since for most; a few late."""
    induction, refresher, _other = Course.objects.bulk_create(
        [
            Course(
                organisation=organisation,
                kind=Course.Kind.INDUCTION,
                name="Accueil : bientraitance et code de conduite",
            ),
            Course(
                organisation=organisation,
                kind=Course.Kind.REFRESHER,
                name="Recyclage : prévenir et repérer les maltraitances",
            ),
            Course(
                organisation=organisation,
                kind=Course.Kind.OTHER,
                name="Recueillir la parole de l'enfant",
            ),
        ]
    )
    anchor = world.anchor
    trainings = []
    for n, member in enumerate(members):
        if n % 11 == 5:  # a few never took the induction: late
            continue
        trainings.append(
            Training(
                staff_member=member,
                course=induction,
                attended_on=add_days(member.start_date, rng.randint(2, 25)),
                recorded_by=hr,
            )
        )
        if n % 11 != 7:  # most took a refresher in the last year
            trainings.append(
                Training(
                    staff_member=member,
                    course=refresher,
                    attended_on=add_days(anchor, -rng.randint(10, 360)),
                    recorded_by=hr,
                )
            )
    Training.objects.bulk_create(trainings, batch_size=2000)


def seed_code_of_conduct(world, organisation, hr, members, rng) -> None:
    """Two versions of the code of conduct: the old one signed by everybody, the new one (in
    force for a month) by all but a few of the first village, listed on its register."""
    from ancrage.kernel.documents import render_pdf
    from ancrage.kernel.uploads import CheckedUpload
    from ancrage.staff.services import publish_code

    anchor = world.anchor
    versions = []
    for version, effective_on in (("2024-1", date(2024, 1, 1)), ("2026-1", add_days(anchor, -30))):
        content = render_pdf("demo/code_of_conduct.html", {"version": version})
        versions.append(
            publish_code(
                organisation,
                by=hr,
                version=version,
                effective_on=effective_on,
                uploaded=CheckedUpload(content=content, content_type="application/pdf"),
            )
        )
    old, new = versions
    signatures = []
    for n, member in enumerate(members):
        signatures.append(
            CodeSignature(
                code=old,
                staff_member=member,
                signed_on=max(member.start_date, old.effective_on),
                recorded_by=hr,
            )
        )
        if n % 7 != 3:  # a few have not signed the new version yet
            signatures.append(
                CodeSignature(
                    code=new,
                    staff_member=member,
                    signed_on=add_days(new.effective_on, rng.randint(0, 25)),
                    recorded_by_id=member.user_id or hr.pk,
                )
            )
    CodeSignature.objects.bulk_create(signatures, batch_size=2000)
