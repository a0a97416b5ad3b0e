"""What the apps below `privacy` contribute to the retention run (`kernel.personal_data`): the
last contacts of a child's file (stays, measures, journal, appointments) and of an O2R file
(exit, contacts, follow-ups), what protects a file (a sibling's running measure or stay, an
open incident, a hold), and how each app erases its share of an anonymised file.

"Last contact emanating from the person" is read from what the product records of the person's
life with the association: the end (or start) of a stay or a measure, the journal entries
and appointments about the child; for O2R, the exit, the contacts met and the follow-ups. A
future appointment counts: a file with a planned meeting is still active.

Anonymising keeps the rows that the aggregates count (the person with their sex and birth
year, stays, measures, incidents, O2R files with their dates and statuses) and empties every
name, contact and free text; documents are deleted with their files; journal entries (free
text only) are deleted."""

from __future__ import annotations

from datetime import date

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ancrage.accounts.models import Membership, MembershipEvent, User
from ancrage.care.models import PPE, Action, Objective, PlannedReview, PPEVersion, Review
from ancrage.care.models.agenda import Appointment
from ancrage.care.models.autonomy import AutonomyArea, AutonomyProject, YoungAdultSupport
from ancrage.care.models.deadlines import OverdueSummary
from ancrage.care.models.journal import JournalEntry
from ancrage.care.models.reports import SituationReport
from ancrage.insertion.models import (
    Accompaniment,
    AccompanimentAction,
    Barrier,
    BarrierUpdate,
    Beneficiary,
    Contact,
    Exit,
    FollowUp,
    PartnerReferral,
)
from ancrage.insertion.models import Objective as O2RObjective
from ancrage.insertion.summary import record_person_change
from ancrage.kernel import personal_data
from ancrage.kernel.models import AccessEvent
from ancrage.kernel.personal_data import (
    ANONYMOUS_NAME,
    CHILD_PROTECTION,
    O2R,
    Anonymiser,
    ContactSource,
    Exporter,
    Protection,
    as_records,
    forget_changes,
    json_value,
)
from ancrage.people import scopes
from ancrage.people.models import Consent, FamilyLink, Person, SiblingGroupMember, new_reference
from ancrage.placements.models import (
    MeasureDocument,
    ProtectionMeasure,
    SiblingSeparation,
    Stay,
    Visit,
    VisitRight,
)
from ancrage.privacy.models import ArchiveAccess, FileStatus, Hold, PersonMedia
from ancrage.safeguarding.models import (
    Declaration,
    Incident,
    IncidentAction,
    IncidentChild,
    IncidentTransition,
)


def _dated(rows):
    for person_id, establishment_id, moment in rows:
        if moment is not None:
            yield (
                person_id,
                establishment_id,
                timezone.localdate(moment) if hasattr(moment, "hour") else moment,
            )


# --- Child protection: stays, measures, journal, appointments --------------------------------


def _running_stays(today: date):
    return Stay.objects.filter(Q(end_date__isnull=True) | Q(end_date__gt=today))


def _measures_in_force(today: date):
    return ProtectionMeasure.objects.filter(Q(end_date__isnull=True) | Q(end_date__gte=today))


def stay_contacts(today: date):
    return _dated(
        Stay.objects.values("child_id", "unit__establishment_id")
        .annotate(last=Max(Coalesce("end_date", "start_date")))
        .values_list("child_id", "unit__establishment_id", "last")
        .order_by()
    )


def measure_contacts(today: date):
    return _dated(
        ProtectionMeasure.objects.values("child_id", "establishment_id")
        .annotate(last=Max(Coalesce("end_date", "start_date")))
        .values_list("child_id", "establishment_id", "last")
        .order_by()
    )


def journal_contacts(today: date):
    return _dated(
        JournalEntry.objects.filter(child__isnull=False)
        .values("child_id", "house__establishment_id")
        .annotate(last=Max("written_at"))
        .values_list("child_id", "house__establishment_id", "last")
        .order_by()
    )


def appointment_contacts(today: date):
    # An appointment names no establishment: the file's is its stays' or measures'.
    rows = (
        Appointment.objects.exclude(status=Appointment.Status.CANCELLED)
        .values("child_id")
        .annotate(last=Max("starts_at"))
        .values_list("child_id", "last")
        .order_by()
    )
    return _dated((child_id, None, last) for child_id, last in rows)


# --- O2R: the exit, the contacts, the follow-ups ----------------------------------------------


def o2r_contacts(today: date):
    yield from _dated(
        Beneficiary.objects.values_list("person_id", "service_id", "consent_on").order_by()
    )
    yield from _dated(
        Exit.objects.values_list("beneficiary__person_id", "beneficiary__service_id", "date")
    )
    yield from _dated(
        Contact.objects.filter(beneficiary__isnull=False)
        .values("beneficiary__person_id", "beneficiary__service_id")
        .annotate(last=Max("met_on"))
        .values_list("beneficiary__person_id", "beneficiary__service_id", "last")
        .order_by()
    )
    yield from _dated(
        FollowUp.objects.filter(recorded_on__isnull=False)
        .values("exit__beneficiary__person_id", "exit__beneficiary__service_id")
        .annotate(last=Max("recorded_on"))
        .values_list("exit__beneficiary__person_id", "exit__beneficiary__service_id", "last")
        .order_by()
    )


def o2r_running(today: date):
    return Beneficiary.objects.filter(exit__isnull=True).values_list("person_id", flat=True)


# --- Protections ------------------------------------------------------------------------------


def siblings_of_running_children(today: date):
    running = set(_running_stays(today).values_list("child_id", flat=True))
    running |= set(_measures_in_force(today).values_list("child_id", flat=True))
    groups = SiblingGroupMember.objects.filter(person_id__in=running).values("group_id")
    siblings = set(
        SiblingGroupMember.objects.filter(group_id__in=groups).values_list("person_id", flat=True)
    )
    siblings |= set(
        FamilyLink.objects.filter(
            person_id__in=running, kind__in=FamilyLink.SIBLING_KINDS
        ).values_list("relative_id", flat=True)
    )
    return siblings - running


def involved_in_open_incident(today: date):
    return IncidentChild.objects.exclude(incident__status=Incident.Status.CLOSED).values_list(
        "person_id", flat=True
    )


def held(today: date):
    return Hold.objects.active().values_list("person_id", flat=True)


# --- Anonymisers ------------------------------------------------------------------------------


def anonymise_person(person_id: int):
    person = Person.objects.get(pk=person_id)
    birth_date = date(person.birth_date.year, 1, 1) if person.birth_date else None
    Person.objects.filter(pk=person_id).update(
        reference=new_reference(),
        first_names="",
        last_name=ANONYMOUS_NAME,
        birth_name="",
        birth_date=birth_date,
        birthplace="",
        nationality="",
        languages="",
        phone="",
        email="",
        address="",
        # Out of the search: an anonymised person is found by nobody.
        search_text="",
        last_name_key="",
        birth_name_key="",
        first_names_key="",
    )
    # the birth date moved without a save: the stored overdue deadlines are recounted
    OverdueSummary.inputs_changed([person_id])
    links = FamilyLink.objects.filter(Q(person_id=person_id) | Q(relative_id=person_id))
    forget_changes(FamilyLink, links.values_list("pk", flat=True))
    with disable_auditlog():
        links.delete()
    forget_changes(Person, [person_id])
    return []


def anonymise_placements(person_id: int):
    Stay.objects.filter(child_id=person_id).update(exit_note="")
    measures = ProtectionMeasure.objects.filter(child_id=person_id)
    measures.update(ase_referent_name="", ase_referent_contact="")
    documents = MeasureDocument.objects.filter(measure__in=measures)
    files = [name for name in documents.values_list("file", flat=True) if name]
    forget_changes(MeasureDocument, documents.values_list("pk", flat=True))
    with disable_auditlog():
        documents.delete()
    SiblingSeparation.objects.filter(Q(child_id=person_id) | Q(sibling_id=person_id)).update(
        explanation="-"
    )
    rights = VisitRight.objects.filter(Q(child_id=person_id) | Q(relative_id=person_id))
    forget_changes(Visit, Visit.objects.filter(right__in=rights).values_list("pk", flat=True))
    Visit.objects.filter(right__in=rights).update(place="", observations="")
    forget_changes(VisitRight, rights.values_list("pk", flat=True))
    rights.update(third_party="", frequency="")
    forget_changes(Stay, Stay.objects.filter(child_id=person_id).values_list("pk", flat=True))
    return files


def anonymise_care(person_id: int):
    with disable_auditlog():
        JournalEntry.objects.filter(child_id=person_id).delete()
    Appointment.objects.filter(child_id=person_id).update(
        place="", with_whom="", notes="", cancellation_reason=""
    )
    ppes = PPE.objects.filter(child_id=person_id)
    versions = PPEVersion.objects.filter(ppe__in=ppes)
    versions.update(
        trusted_person=None,
        trusted_person_name="",
        trusted_person_relation="",
        sibling_relations="",
        health_check_by="",
        health_check_summary="",
    )
    Objective.objects.filter(version__in=versions).update(title="-", description="")
    Action.objects.filter(objective__version__in=versions).update(description="-")
    Review.objects.filter(ppe__in=ppes).update(
        participants="-", child_wishes="", child_disagreements="", decisions="-"
    )
    PlannedReview.objects.filter(ppe__in=ppes).update(participants="")
    PPEVersion.objects.filter(trusted_person_id=person_id).update(
        trusted_person=None, trusted_person_name=""
    )
    SituationReport.objects.filter(child_id=person_id).update(
        development_health="-", family_relations="-", schooling_social="-", autonomy_project=""
    )
    projects = AutonomyProject.objects.filter(person_id=person_id)
    AutonomyArea.objects.filter(project__in=projects).update(notes="", next_step="")
    YoungAdultSupport.objects.filter(project__in=projects).update(notes="")
    return []


def anonymise_safeguarding(person_id: int):
    """An incident's texts are emptied once no involved person's file still needs them: every
    other child involved is anonymised already."""
    anonymised = personal_data.anonymised_persons()
    incidents = Incident.objects.filter(involved__person_id=person_id).exclude(
        involved__in=IncidentChild.objects.exclude(person_id=person_id).exclude(
            person_id__in=anonymised
        )
    )
    for incident in incidents:
        # The narrative is encrypted at rest: saved through the model, without the audit.
        incident.narrative = "-"
        incident.place = "-"
        incident.immediate_measures = ""
        incident.adults_involved = ""
        incident.outcome = ""
        with disable_auditlog():
            incident.save(
                update_fields=[
                    "narrative",
                    "place",
                    "immediate_measures",
                    "adults_involved",
                    "outcome",
                ]
            )
    IncidentTransition.objects.filter(incident__in=incidents).update(reason="")
    IncidentAction.objects.filter(incident__in=incidents).update(what="-")
    for declaration in Declaration.objects.filter(incident__in=incidents):
        declaration.facts = "-"
        declaration.measures_taken = "-"
        declaration.media_impact = ""
        with disable_auditlog():
            declaration.save(update_fields=["facts", "measures_taken", "media_impact"])
    return []


def anonymise_insertion(person_id: int):
    files = Beneficiary.objects.filter(person_id=person_id)
    # the birth date cut to the year (anonymise_person): the reports' ages may change
    record_person_change(person_id)
    files.update(consent_how="-")
    Exit.objects.filter(beneficiary__in=files).update(note="")
    FollowUp.objects.filter(exit__beneficiary__in=files).update(note="")
    Contact.objects.filter(beneficiary__in=files).update(nickname="-", note="")
    accompaniments = Accompaniment.objects.filter(beneficiary__in=files)
    accompaniments.update(extension_reason="")
    barriers = Barrier.objects.filter(accompaniment__in=accompaniments)
    BarrierUpdate.objects.filter(barrier__in=barriers).update(situation="-")
    barriers.update(situation="-")
    O2RObjective.objects.filter(accompaniment__in=accompaniments).update(text="-")
    AccompanimentAction.objects.filter(accompaniment__in=accompaniments).update(text="-")
    PartnerReferral.objects.filter(accompaniment__in=accompaniments).update(purpose="-")
    return []


def anonymise_image_rights(person_id: int):
    """The photos and videos go with their files; the consents (image rights and sharing with a
    partner, an O2R referral's among them) keep their kind, use, partner and dates (what was
    allowed when), not who signed, the child's words nor what was accepted."""
    media = PersonMedia.objects.filter(person_id=person_id)
    files = [name for name in media.values_list("file", flat=True) if name]
    with disable_auditlog():
        media.delete()
    consents = Consent.objects.filter(person_id=person_id)
    forget_changes(Consent, consents.values_list("pk", flat=True))
    consents.update(signatories="-", child_words="", withdrawal_note="", form="-", terms="-")
    return files


def hidden_files(user):
    """Archived files the user has not opened with a reason, and anonymised files."""
    opened = ArchiveAccess.objects.active().filter(user=user).values("person_id")
    return FileStatus.objects.exclude(state=FileStatus.State.ARCHIVED, person_id__in=opened).values(
        "person_id"
    )


def opened_archives(user, where):
    """The archived files the user opened (for the national director, outside any stay)."""
    return ArchiveAccess.objects.active().filter(user=user).values("person_id")


# --- Exporters (subject-access request) -------------------------------------------------------

THIRD_PARTY = "[tiers]"


def export_identity(person_id):
    return as_records(Person.objects.filter(pk=person_id))


def export_family(person_id):
    return [
        {"lien": link.get_kind_display(), "proche": link.relative.full_name}
        for link in FamilyLink.objects.filter(person_id=person_id).select_related("relative")
    ]


def export_stays(person_id):
    return as_records(Stay.objects.filter(child_id=person_id).select_related("unit", "measure"))


def export_measures(person_id):
    return as_records(ProtectionMeasure.objects.filter(child_id=person_id))


def export_ppe(person_id):
    rows = []
    for version in PPEVersion.objects.filter(ppe__child_id=person_id).order_by("ppe", "number"):
        row = as_records([version])[0]
        row["objectifs"] = [
            {**as_records([objective])[0], "actions": as_records(objective.actions.all())}
            for objective in Objective.objects.filter(version=version).prefetch_related("actions")
        ]
        rows.append(row)
    return rows


def export_reports(person_id):
    return as_records(SituationReport.objects.filter(child_id=person_id))


def export_journal(person_id):
    return as_records(
        JournalEntry.objects.filter(child_id=person_id).select_related("house", "author")
    )


def export_appointments(person_id):
    return as_records(Appointment.objects.filter(child_id=person_id))


def export_o2r(person_id):
    rows = []
    for beneficiary in Beneficiary.objects.filter(person_id=person_id):
        row = as_records([beneficiary])[0]
        row["sortie"] = as_records(Exit.objects.filter(beneficiary=beneficiary))
        row["contacts"] = as_records(Contact.objects.filter(beneficiary=beneficiary))
        row["accompagnement"] = as_records(Accompaniment.objects.filter(beneficiary=beneficiary))
        rows.append(row)
    return rows


def _redact(text: str, names: set[str]) -> str:
    for name in sorted(names, key=len, reverse=True):
        if name:
            text = text.replace(name, THIRD_PARTY)
    return text


def export_incidents(person_id):
    """The incidents where the person is involved; the other persons involved are third
    parties: their names are replaced by "[tiers]" everywhere, the adults involved too."""
    rows = []
    incidents = Incident.objects.filter(involved__person_id=person_id).prefetch_related(
        "involved__person"
    )
    for incident in incidents:
        others = [i for i in incident.involved.all() if i.person_id != person_id]
        names = set()
        for other in others:
            names |= {other.person.full_name, other.person.first_names, other.person.last_name}
        own = next(i for i in incident.involved.all() if i.person_id == person_id)
        rows.append(
            {
                "date": json_value(incident.occurred_at),
                "lieu": _redact(incident.place, names),
                "rôle": own.get_role_display(),
                "ce qui s'est passé": _redact(incident.narrative, names),
                "mesures immédiates": _redact(incident.immediate_measures, names),
                "adultes impliqués": THIRD_PARTY if incident.adults_involved else "",
                "autres personnes impliquées": [
                    {"rôle": other.get_role_display(), "nom": THIRD_PARTY} for other in others
                ],
                "état": incident.get_status_display(),
            }
        )
    return rows


def export_access_log(person_id):
    return [
        {
            "le": json_value(event.at),
            "par": event.user.get_full_name() or event.user.username,
            "action": event.get_action_display(),
            "objet": str(event.what_label),
            "motif": event.reason,
        }
        for event in AccessEvent.objects.filter(person_id=person_id).select_related("user")
    ]


def export_image_rights(person_id):
    return [
        {
            "objet": consent.get_kind_display(),
            "usage": consent.get_use_display(),
            "partenaire": consent.partner.name if consent.partner else "",
            "forme": consent.form,
            "ce qui est accepté": consent.terms,
            "donné par": consent.get_given_by_display(),
            "signataires": consent.signatories,
            "avis de l'enfant": consent.get_child_opinion_display(),
            "ses mots": consent.child_words,
            "donné le": json_value(consent.given_on),
            "valable jusqu'au": json_value(consent.expires_on),
            "retiré le": json_value(consent.withdrawn_on),
        }
        for consent in Consent.objects.filter(person_id=person_id).select_related("partner")
    ] + [
        {
            "photo": media.caption,
            "usage": media.get_use_display(),
            "prise le": json_value(media.taken_on),
            "fichier": media.original_name,
        }
        for media in PersonMedia.objects.filter(person_id=person_id)
    ]


# --- A staff account without a person record ---------------------------------------------------


def export_account(user_id):
    user = User.objects.get(pk=user_id)
    return [
        {
            "identifiant": user.username,
            "prénom": user.first_name,
            "nom": user.last_name,
            "courriel": user.email,
            "compte créé le": json_value(user.date_joined),
            "dernière connexion": json_value(user.last_login),
            "actif": user.is_active,
        }
    ]


def export_memberships(user_id):
    rows = as_records(
        Membership.objects.filter(user_id=user_id).select_related(
            "organisation", "establishment", "unit"
        ),
        exclude=("user",),
    )
    rows += [
        {
            "le": json_value(event.at),
            "rôle": event.membership.get_role_display(),
            "action": event.get_action_display(),
        }
        for event in MembershipEvent.objects.filter(membership__user_id=user_id).select_related(
            "membership"
        )
    ]
    return rows


def export_own_actions(user_id):
    """What the account did: its reads (the log of consultations) and its changes (the change
    audit), dated; the persons whose files it read are third parties, not named."""
    rows = [
        {
            "le": json_value(event.at),
            "action": event.get_action_display(),
            "objet": str(event.what_label),
            "motif": event.reason,
        }
        for event in AccessEvent.objects.filter(user_id=user_id).order_by("at")
    ]
    rows += [
        {
            "le": json_value(entry.timestamp),
            "modification": entry.get_action_display(),
            "type d'enregistrement": str(entry.content_type.model_class()._meta.verbose_name)
            if entry.content_type.model_class()
            else entry.content_type.model,
        }
        for entry in LogEntry.objects.filter(actor_id=user_id)
        .select_related("content_type")
        .order_by("timestamp")
    ]
    return rows


ACCOUNT_EXPORTERS = (
    ("account", _("Compte"), export_account),
    ("memberships", _("Rôles et affectations"), export_memberships),
    ("own_actions", _("Journal de ses consultations et modifications"), export_own_actions),
)


EXPORTERS = (
    ("identity", _("Identité"), export_identity),
    ("family", _("Liens familiaux"), export_family),
    ("stays", _("Séjours"), export_stays),
    ("measures", _("Mesures de protection"), export_measures),
    ("ppe", _("Projet pour l'enfant (versions)"), export_ppe),
    ("situation_reports", _("Rapports de situation"), export_reports),
    ("journal", _("Observations du journal"), export_journal),
    ("appointments", _("Rendez-vous"), export_appointments),
    ("o2r", _("Dossier O2R"), export_o2r),
    ("incidents", _("Signalements"), export_incidents),
    ("access_log", _("Journal des consultations du dossier"), export_access_log),
    ("image_rights", _("Consentements (image, partage), photos et vidéos"), export_image_rights),
)


def register() -> None:
    """Called by `PrivacyConfig.ready()`."""
    for name, label, export in EXPORTERS:
        personal_data.register_exporter(Exporter(name, label, export))
    for name, label, export in ACCOUNT_EXPORTERS:
        personal_data.register_account_exporter(Exporter(name, label, export))
    personal_data.register_anonymised(
        lambda: FileStatus.objects.filter(state=FileStatus.State.ANONYMISED).values("person_id")
    )
    scopes.register_hidden_persons(hidden_files)
    scopes.register_persons(opened_archives)
    for name, framework, read, running in (
        (
            "stays",
            CHILD_PROTECTION,
            stay_contacts,
            lambda today: _running_stays(today).values_list("child_id", flat=True),
        ),
        (
            "measures",
            CHILD_PROTECTION,
            measure_contacts,
            lambda today: _measures_in_force(today).values_list("child_id", flat=True),
        ),
        ("journal", CHILD_PROTECTION, journal_contacts, lambda today: ()),
        ("appointments", CHILD_PROTECTION, appointment_contacts, lambda today: ()),
        ("o2r", O2R, o2r_contacts, o2r_running),
    ):
        personal_data.register_contact_source(ContactSource(name, framework, read, running))
    personal_data.register_protection(
        Protection(
            "siblings",
            _("Mesure ou séjour en cours d'un frère ou d'une sœur"),
            siblings_of_running_children,
        )
    )
    personal_data.register_protection(
        Protection("open_incident", _("Signalement non clos"), involved_in_open_incident)
    )
    personal_data.register_protection(Protection("hold", _("Gel posé par l'établissement"), held))
    for name, anonymise in (
        ("people", anonymise_person),
        ("placements", anonymise_placements),
        ("care", anonymise_care),
        ("safeguarding", anonymise_safeguarding),
        ("insertion", anonymise_insertion),
        ("image_rights", anonymise_image_rights),
    ):
        personal_data.register_anonymiser(Anonymiser(name, anonymise))
