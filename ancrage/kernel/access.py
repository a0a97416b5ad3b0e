"""The permission table: what each role may do on each kind of record, and at which scope.

This is the one place that says who may do what. Views declare the rule they need with
`requires(kind, action)`; querysets of personal data narrow to the user's scope with
`visible_to(user)`. Anything not written here is refused.
"""

from __future__ import annotations

from enum import StrEnum
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HOUSE_PARENT = "house_parent", _("Parent SOS / éducateur familial")
    FAMILY_AIDE = "family_aide", _("Aide familial·e")
    HEAD_OF_SERVICE = "head_of_service", _("Chef de service")
    CLINICIAN = "clinician", _("Psychologue / équipe pluridisciplinaire")
    ESTABLISHMENT_DIRECTOR = "establishment_director", _("Directeur·rice d'établissement")
    O2R_COUNSELLOR = "o2r_counsellor", _("Conseiller en insertion O2R")
    O2R_LEAD = "o2r_lead", _("Chef de file O2R")
    FINANCE = "finance", _("Gestionnaire")
    NATIONAL_DIRECTOR = "national_director", _("Direction nationale")
    FUNDER = "funder", _("Financeur / autorité")
    TECH_ADMIN = "tech_admin", _("Administrateur technique")
    YOUTH = "youth", _("Jeune (16 ans et plus)")
    DPO = "dpo", _("Délégué·e à la protection des données")
    HR = "hr", _("Ressources humaines")
    FAMILY_WORKER = "family_worker", _("Intervenant·e en renforcement familial")


class Scope(StrEnum):
    """Where a membership with this role is attached, and so how far it reaches."""

    UNIT = "unit"  # one family house or one O2R team
    ESTABLISHMENT = "establishment"  # one village or one O2R service
    ORGANISATION = "organisation"  # the whole association
    SELF = "self"  # the young person's own file


ROLE_SCOPE: dict[str, Scope] = {
    Role.HOUSE_PARENT: Scope.UNIT,
    Role.FAMILY_AIDE: Scope.UNIT,
    Role.HEAD_OF_SERVICE: Scope.ESTABLISHMENT,
    Role.CLINICIAN: Scope.ESTABLISHMENT,
    Role.ESTABLISHMENT_DIRECTOR: Scope.ESTABLISHMENT,
    Role.O2R_COUNSELLOR: Scope.UNIT,
    Role.O2R_LEAD: Scope.ESTABLISHMENT,
    Role.FINANCE: Scope.ORGANISATION,
    Role.NATIONAL_DIRECTOR: Scope.ORGANISATION,
    Role.FUNDER: Scope.ORGANISATION,
    Role.TECH_ADMIN: Scope.ORGANISATION,
    Role.YOUTH: Scope.SELF,
    Role.DPO: Scope.ORGANISATION,
    Role.HR: Scope.ORGANISATION,
    Role.FAMILY_WORKER: Scope.UNIT,
}

# The kinds of record (the rows of the grid below) and what their actions mean.
#   person          identity of a person and their page; "search" is the person search,
#                   "change" corrects the identity and contact details
#   person_contact  phone, e-mail and postal address
#   family          family links and sibling groups ("change" edits them)
#   stay            where a child lives (house, dates)
#   access_log      who consulted a person's file, and the change history
#   break_glass     the national director's justified, time-limited access to one file
#   measure         protection measures and their documents (the judgment, the ASE decision)
#   placement       admissions, moves between houses and exits; "change" performs them
#   admission       the ASE's admission requests and the village's waiting list
#   judge_notice    the tasks "inform the judge" created by the sibling rule and placement changes
#   visit           visit and contact rights of parents and relatives, planned and held visits
#   incident        safeguarding incidents: "report" writes one, "view" reads the incidents in
#                   scope (Incident.objects.visible_to: one's own reports; the village's for the
#                   roles that "qualify", which also handle and close them; the organisation's for
#                   the national director)
#   declaration     declarations of serious malfunctions to the authority (content, PDF, oral alert,
#                   written confirmation, CVS and families informed); "change" records them
#   transmission    informations préoccupantes to the CRIP and signalements to the procureur of an
#                   incident (who, what, to whom, when, the CRIP's receipt and 3-month evaluation
#                   deadline, the outcome); "change" records them
#   incident_stats  safeguarding follow-up indicators (counts, delays, no names): "view" for a
#                   village, "organisation" for every village of the organisation
#   establishment   villages, services, houses and teams (board and occupancy, no names)
#   administration  users, memberships and settings in the admin site (a membership of a role
#                   that reaches personal data is only proposed there)
#   membership      the memberships proposed for one's places: "change" confirms or refuses
#                   them (never one's own, nor one proposed by oneself); "view" reads their log
#   ppe             the child's project (PPE), its versions and reviews: "change" edits the draft,
#                   validates it and records reviews; "update" sets an action's progress
#   situation_report  the rapport de situation to the ASE and the judge, and its PDF
#   deadline        the échéancier: legal deadlines of the children in scope
#   journal         the daily journal (cahier de liaison) at the house-team level: entries about
#                   a house or one of its children; "write" adds, corrects (24 h) and annotates
#   journal_clinical      journal entries restricted to the clinical team
#   journal_safeguarding  journal entries restricted to the head of service and the director
#                   (house staff may write one; the author keeps reading what they wrote)
#   appointment     a child's appointments (health, school, court, ASE, other) and calendars
#   appointment_notes     the notes of an appointment (never in the ICS feed)
#   calendar_feed   one's own personal ICS feed (secret, revocable link)
#   autonomy        the projet pour l'autonomie (16-21) and the accompaniment after 18
#   o2r_programme   the O2R programme (call, territories, agreement, teams); the service home;
#                   "change" creates and corrects the programmes of one's service
#   outreach        O2R repérage: outreach actions and contacts, possibly anonymous
#   beneficiary     O2R beneficiaries (Beneficiary.objects.visible_to: the counsellor's team,
#                   the O2R lead's service), their eligibility, flags and exit; "change" writes
#   accompaniment   the O2R accompaniment: barriers, objectives, referrals, 9/12-month limit
#   activity        O2R remobilisation activities and their attendance
#   o2r_referral    referring a young person (16+) of a village to the O2R service, with consent
#   o2r_report      the O2R activity report to the préfet (aggregates, small cells suppressed)
#   analytic        analytic accounting: sections, funding agreements, the figures of the
#                   sections ("view": finance, and an establishment director for the sections of
#                   their establishment; "change": finance sets the sections and agreements)
#   contract        the staff's contracts (weekly hours, dates, gross cost): finance sets them
#   time_sheet      one's own monthly time sheet by section: "change" fills and submits it
#   time_approval   the time sheets of the people of one's places: "change" approves (which
#                   locks the month) or sends back; finance reads every sheet of its organisation
#   financial_report  the annual financial report of an O2R programme (charges and income by
#                   nature, funding, budget against achieved, over-compensation check, cost per
#                   person with small counts suppressed): categories and sums, never a salary or
#                   a name; finance, the national director and the funder of the programme
#   staff           the staff register of an establishment (employees and volunteers, their dates
#                   and role with the children), their attestations d'honorabilité, code of
#                   conduct signatures and safeguarding training: "change" records them. Only
#                   the establishment's director, the national director and human resources;
#                   a staff member reads their own entries on their own page (no right needed)
#   family_case     a family of the family-strengthening programme: the referral (who referred it,
#                   why), the household (parents and children), the parents' consent, the
#                   decision to support it and the worker assigned (FamilyCase.visible_to: the
#                   family worker's team, the programme head's service; village staff only the
#                   families one of whose children is placed with them, and of its persons only
#                   those their role already sees); "change" refers a family and decides
#   family_plan     the family's support plan (goals by domain, actions, versions, reviews with
#                   the parents' and children's words), for the programme's team and service
#                   only: "change" edits the draft, validates it and records reviews; "update"
#                   sets the progress of a goal of the version in force
#   retention_rule  the retention rules (active period, what starts it, archive or anonymise,
#                   legal basis): no person in them
#   retention_hold  the holds an establishment puts on a file so the retention run leaves it
#                   (references only, no names): "change" places and lifts them
#   retention_run   the retention runs: "change" starts a dry run (counts, references, what will
#                   happen to each file) and approves it, which starts the run
#   archive         an archived file (out of every scope), opened for a written reason and a
#                   limited time by its establishment's director or the national director
#   subject_request a person's request about their data (access, rectification, objection):
#                   "change" records it, extends its deadline and starts the export; the review
#                   before release is the director's of the establishment that received it
#   image_consent   a person's image rights: the consents per use (internal, the association's
#                   publications, the press), who gave them, the child's opinion, their dates and
#                   withdrawal; "change" records and withdraws them
#   child_media     the photos of a person's file, each kept for one use and shown only while a
#                   consent is in force for it; "change" adds one (under a consent in force)
#   processing_register  the register of processing activities (RGPD art. 30) and its PDF, and
#                   what a DPIA will need: the processings, no person in them
#   home_visit      visits at a family's home (planned, held, cancelled; who was present, the
#                   observations) and the caseload of the programme's workers; "change" plans
#                   them and records what became of them
#   family_stats    the family programme's indicators for a year (aggregates, small counts
#                   masked by kernel.disclosure): the services one heads or directs, the
#                   organisation's for the national director
#   job             one's own background jobs (exports): their page, progress, file and
#                   relaunch; a job is seen by the person who started it only (Job.visible_to),
#                   and starting or relaunching one also needs the right its kind names
#
# The actions, in plain words (a cell lists those the role may take; "-": none):
#   view          read (a page, a list, a document)
#   search        look a person up in the person search
#   report        write a safeguarding incident
#   qualify       qualify, handle and close the incidents of the village
#   write         add to the journal, correct one's entry (24 h) and annotate
#   change        create and correct (what "change" covers is said above, kind by kind)
#   update        set the progress of a PPE action
#   use           use a personal tool: one's calendar feed, the break-the-glass
#   organisation  the indicators of every village of the organisation, not only one's own
ACTIONS = frozenset(
    {"view", "search", "report", "qualify", "write", "change", "update", "use", "organisation"}
)

# Read down a column for what one role may do; along a row for who may touch a kind of record.
#   national_director  nominative files only through the break-the-glass: the scope holds nothing
#                      else (see scopes.reach)
#   funder             the O2R report and the financial report of the programmes it funds:
#                      aggregates with small cells suppressed, nothing nominative, no salary
#   youth              their own file: their PPE (not the reports to the judge, not the
#                      échéancier), their project for autonomy, family and stays, their own
#                      appointments (not the staff's notes)
#   youth_space        the young person's own space (ancrage/participation): my page (the first
#                      names of the children she lives with, her brothers and sisters and where
#                      they live, never their files), my project, my appointments and my
#                      calendar link; write: to her referent; report: raise a concern about her
#                      safety or someone else's (a safeguarding report of her village, see
#                      safeguarding.services.report_concern), never reading the investigation
#   council            the participation council of a village (CVS): its meetings, agendas,
#                      minutes, opinions and the establishment's answers (no child's file)
#   youth_message      what young people write to their referent, read by the staff who follow
#                      them
#   consultation       the consultations of a village's children and young people (questions,
#                      who is consulted, dates): "change" creates them and publishes the
#                      establishment's answer; the results are counts, masked by kernel.disclosure
#                      (a young person answers from her space, youth_space write, anonymously)
#   participation_stats  the participation indicators (meetings held, opinions answered in time,
#                      consultations and participation rate, PPE with the child's words): counts
#                      of the user's villages ("organisation": every village of it), masked
# fmt: off
PERMISSION_GRID = """
kind                 | house_parent | family_aide | head_of_service     | clinician   | establishment_director | o2r_counsellor | o2r_lead    | finance     | national_director | funder | tech_admin  | youth             | dpo         | hr          | family_worker
---------------------+--------------+-------------+---------------------+-------------+------------------------+----------------+-------------+-------------+-------------------+--------+-------------+-------------------+-------------+-------------+-------------------
person               | view search  | view search | view search change  | view search | view search change     | view search    | view search | -           | view              | -      | -           | view              | -           | -           | view search
person_contact       | view         | -           | view                | view        | view                   | view           | view        | -           | view              | -      | -           | -                 | -           | -           | view
family               | view         | view        | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | view              | -           | -           | view
stay                 | view         | view        | view                | view        | view                   | -              | -           | -           | view              | -      | -           | view              | -           | -           | -
access_log           | -            | -           | view                | -           | view                   | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
break_glass          | -            | -           | -                   | -           | -                      | -              | -           | -           | use               | -      | -           | -                 | -           | -           | -
measure              | view         | -           | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
placement            | -            | -           | change              | -           | change                 | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | -
admission            | -            | -           | view change         | view        | view change            | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | -
judge_notice         | view         | -           | view change         | view        | view change            | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | -
visit                | view change  | view        | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
incident             | view report  | view report | view report qualify | view report | view report qualify    | -              | -           | -           | view              | -      | -           | -                 | -           | -           | view report
declaration          | -            | -           | view change         | -           | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
transmission         | -            | -           | view change         | -           | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
incident_stats       | -            | -           | view                | -           | view                   | -              | -           | -           | view organisation | -      | -           | -                 | -           | -           | -
establishment        | view         | view        | view                | view        | view                   | view           | view        | view        | view              | -      | view        | -                 | -           | view        | view
administration       | -            | -           | -                   | -           | -                      | -              | -           | -           | -                 | -      | change      | -                 | -           | -           | -
membership           | -            | -           | -                   | -           | view change            | -              | -           | -           | view change       | -      | -           | -                 | -           | -           | -
ppe                  | view update  | view        | view change update  | view        | view change update     | -              | -           | -           | view              | -      | -           | view              | -           | -           | -
situation_report     | -            | -           | view change         | view        | view change            | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | -
deadline             | view         | -           | view                | view        | view                   | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | view
journal              | view write   | view write  | view write          | view write  | view write             | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
journal_clinical     | -            | -           | view write          | view write  | view                   | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
journal_safeguarding | write        | write       | view write          | write       | view write             | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
appointment          | view change  | view change | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | view              | -           | -           | -
appointment_notes    | view         | view        | view                | view        | view                   | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
calendar_feed        | use          | use         | use                 | use         | use                    | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | use
autonomy             | view change  | view        | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | view              | -           | -           | -
o2r_programme        | -            | -           | -                   | -           | -                      | view           | view change | -           | -                 | -      | -           | -                 | -           | -           | -
outreach             | -            | -           | -                   | -           | -                      | view change    | view        | -           | -                 | -      | -           | -                 | -           | -           | -
beneficiary          | -            | -           | -                   | -           | -                      | view change    | view        | -           | -                 | -      | -           | -                 | -           | -           | -
accompaniment        | -            | -           | -                   | -           | -                      | view change    | view        | -           | -                 | -      | -           | -                 | -           | -           | -
activity             | -            | -           | -                   | -           | -                      | view change    | view        | -           | -                 | -      | -           | -                 | -           | -           | -
o2r_referral         | -            | -           | change              | -           | change                 | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | -
o2r_report           | -            | -           | -                   | -           | -                      | -              | view        | -           | -                 | view   | -           | -                 | -           | -           | -
analytic             | -            | -           | -                   | -           | view                   | -              | -           | view change | view              | -      | -           | -                 | -           | -           | -
contract             | -            | -           | -                   | -           | -                      | -              | -           | view change | -                 | -      | -           | -                 | -           | -           | -
time_sheet           | view change  | view change | view change         | view change | view change            | view change    | view change | view change | view change       | -      | view change | -                 | view change | view change | view change
time_approval        | -            | -           | view change         | -           | view change            | -              | view change | view        | -                 | -      | -           | -                 | -           | -           | -
financial_report     | -            | -           | -                   | -           | -                      | -              | -           | view        | view              | view   | -           | -                 | -           | -           | -
youth_space          | -            | -           | -                   | -           | -                      | -              | -           | -           | -                 | -      | -           | view write report | -           | -           | -
council              | view         | view        | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
youth_message        | view         | -           | view                | -           | view                   | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | -
consultation         | view         | view        | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
participation_stats  | -            | -           | -                   | -           | view                   | -              | -           | -           | view organisation | -      | -           | -                 | -           | -           | -
staff                | -            | -           | -                   | -           | view change            | -              | -           | -           | view change       | -      | -           | -                 | -           | view change | -
family_case          | view         | view        | view change         | view        | view change            | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | view change
family_plan          | -            | -           | view change update  | -           | view change update     | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | view change update
retention_rule       | -            | -           | -                   | -           | view                   | -              | -           | -           | view              | -      | -           | -                 | view        | -           | -
retention_hold       | -            | -           | -                   | -           | view change            | -              | -           | -           | view              | -      | -           | -                 | view        | -           | -
retention_run        | -            | -           | -                   | -           | view change            | -              | -           | -           | view change       | -      | -           | -                 | view change | -           | -
archive              | -            | -           | -                   | -           | use                    | -              | -           | -           | use               | -      | -           | -                 | -           | -           | -
subject_request      | -            | -           | -                   | -           | view change            | -              | -           | -           | view              | -      | -           | -                 | view change | -           | -
image_consent        | view         | view        | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
child_media          | view change  | view change | view change         | view        | view change            | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
processing_register  | -            | -           | -                   | -           | view                   | -              | -           | -           | view              | -      | -           | -                 | view        | -           | -
home_visit           | -            | -           | view change         | -           | view change            | -              | -           | -           | -                 | -      | -           | -                 | -           | -           | view change
job                  | view         | view        | view                | view        | view                   | view           | view        | view        | view              | view   | view        | view              | view        | view        | view
family_stats         | -            | -           | view                | -           | view                   | -              | -           | -           | view              | -      | -           | -                 | -           | -           | -
"""  # noqa: E501
# fmt: on

PermissionTable = dict[str, dict[str, frozenset[str]]]


def parse_permission_grid(grid: str) -> tuple[tuple[str, ...], PermissionTable]:
    """Read the grid into its kinds (in order) and role -> kind -> actions, keeping only the
    cells that grant something.

    Refuses (ValueError) a header that is not 'kind' then every role once, a missing rule under
    it, a row without exactly one cell per role, a kind written twice, an empty cell (write "-")
    and an action not in ACTIONS: a typo never silently changes a right."""
    header, rule, *rows = (line for line in grid.strip().splitlines() if line.strip())
    first, *columns = (cell.strip() for cell in header.split("|"))
    if first != "kind" or sorted(columns) != sorted(Role.values):
        raise ValueError(f"The grid's header must be 'kind' then every role once: {header!r}")
    if not set(rule) <= set("-+| "):
        raise ValueError(f"The grid's header must be followed by a rule (---+---): {rule!r}")
    roles = [Role(column) for column in columns]
    kinds: list[str] = []
    table: PermissionTable = {role: {} for role in roles}
    for row in rows:
        kind, *cells = (cell.strip() for cell in row.split("|"))
        if kind in kinds:
            raise ValueError(f"The kind {kind!r} has two rows in the grid")
        if len(cells) != len(roles):
            raise ValueError(f"The row {kind!r} has {len(cells)} cells for {len(roles)} roles")
        kinds.append(kind)
        for role, cell in zip(roles, cells, strict=True):
            if not cell:
                raise ValueError(f"The cell {kind!r} × {role} is empty: write '-' for no right")
            actions = frozenset() if cell == "-" else frozenset(cell.split())
            if unknown := actions - ACTIONS:
                raise ValueError(f"Unknown actions {sorted(unknown)} for {role} on {kind!r}")
            if actions:
                table[role][kind] = actions
    return tuple(kinds), table


# The kinds of record in the grid's order, and role -> kind -> actions (a kind on which a role
# has no right is left out of its table).
KINDS, PERMISSIONS = parse_permission_grid(PERMISSION_GRID)

# The kinds whose records name or describe no person followed: places, settings, aggregates with
# small cells suppressed, the staff's memberships. Every other kind of the grid holds personal data.
NON_PERSONAL_KINDS = frozenset(
    {
        "establishment",
        "administration",
        "membership",
        "incident_stats",
        "participation_stats",
        "family_stats",
        "o2r_programme",
        "o2r_report",
        # The staff's own records, like their memberships: no person followed.
        "analytic",
        "contract",
        "time_sheet",
        "time_approval",
        "financial_report",
        "retention_rule",
        "processing_register",
        # A job reaches only its starter, and its file only what the kind's own right allows.
        "job",
    }
)
if unknown_kinds := NON_PERSONAL_KINDS - set(KINDS):
    raise ValueError(f"NON_PERSONAL_KINDS names kinds the grid does not have: {unknown_kinds}")
# Roles that reach personal data: a right on any other kind. Granting one takes two people (the
# administrator proposes the membership, a director of the place confirms it).
PERSONAL_DATA_ROLES = frozenset(
    role for role, table in PERMISSIONS.items() if set(table) - NON_PERSONAL_KINDS
)

# Roles that may see nominative data.
NOMINATIVE_ROLES = frozenset(role for role, table in PERMISSIONS.items() if "person" in table)
# They log in with a second factor, and so does the administration role: it manages accounts,
# passwords and devices, so it could take over any of them.
TWO_FACTOR_ROLES = NOMINATIVE_ROLES | frozenset(
    role for role, table in PERMISSIONS.items() if "administration" in table
)


def role_can(role: str, kind: str, action: str) -> bool:
    return action in PERMISSIONS.get(role, {}).get(kind, frozenset())


def user_roles(user) -> set[str]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    return {membership.role for membership in user.active_memberships}


def can(user, kind: str, action: str) -> bool:
    """Whether any of the user's current roles grants `action` on `kind`."""
    return any(role_can(role, kind, action) for role in user_roles(user))


PUBLIC = ("public", "")
AUTHENTICATED = ("authenticated", "")


def requires(kind: str, action: str = "view"):
    """Guard a view with a line of the permission table; the rule is kept on the view so the
    permission-matrix test can read it. Anonymous users are sent to the login page."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            if (kind, action) != AUTHENTICATED and not can(request.user, kind, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.access_rule = (kind, action)
        return wrapped

    return decorator


def public(view):
    """Mark a view as reachable without logging in (login page, health check)."""
    view.access_rule = PUBLIC
    return view


def authenticated(view):
    """Any logged-in user, whatever their role (their own account, the home page)."""
    return requires(*AUTHENTICATED)(view)
