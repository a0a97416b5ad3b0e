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
}

# Kinds of record and the actions on them.
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
#   incident_stats  safeguarding follow-up indicators (counts, delays, no names): "view" for a
#                   village, "organisation" for every village of the organisation
#   establishment   villages, services, houses and teams (board and occupancy, no names)
#   administration  users, memberships and settings in the admin site
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
V, S, C, U = "view", "search", "change", "use"
UPDATE, W = "update", "write"
REPORT, QUALIFY = "report", "qualify"
ORGANISATION = "organisation"

PERMISSIONS: dict[str, dict[str, frozenset[str]]] = {
    Role.HOUSE_PARENT: {
        "ppe": frozenset({V, UPDATE}),
        "deadline": frozenset({V}),
        "journal": frozenset({V, W}),
        "journal_safeguarding": frozenset({W}),
        "appointment": frozenset({V, C}),
        "appointment_notes": frozenset({V}),
        "calendar_feed": frozenset({U}),
        "autonomy": frozenset({V, C}),
        "incident": frozenset({V, REPORT}),
        "measure": frozenset({V}),
        "judge_notice": frozenset({V}),
        "visit": frozenset({V, C}),
        "person": frozenset({V, S}),
        "person_contact": frozenset({V}),
        "family": frozenset({V}),
        "stay": frozenset({V}),
        "establishment": frozenset({V}),
    },
    Role.FAMILY_AIDE: {
        "ppe": frozenset({V}),
        "journal": frozenset({V, W}),
        "journal_safeguarding": frozenset({W}),
        "appointment": frozenset({V, C}),
        "appointment_notes": frozenset({V}),
        "calendar_feed": frozenset({U}),
        "autonomy": frozenset({V}),
        "incident": frozenset({V, REPORT}),
        "visit": frozenset({V}),
        "person": frozenset({V, S}),
        "family": frozenset({V}),
        "stay": frozenset({V}),
        "establishment": frozenset({V}),
    },
    Role.HEAD_OF_SERVICE: {
        "ppe": frozenset({V, C, UPDATE}),
        "situation_report": frozenset({V, C}),
        "deadline": frozenset({V}),
        "journal": frozenset({V, W}),
        "journal_clinical": frozenset({V, W}),
        "journal_safeguarding": frozenset({V, W}),
        "appointment": frozenset({V, C}),
        "appointment_notes": frozenset({V}),
        "calendar_feed": frozenset({U}),
        "autonomy": frozenset({V, C}),
        "incident": frozenset({V, REPORT, QUALIFY}),
        "declaration": frozenset({V, C}),
        "incident_stats": frozenset({V}),
        "measure": frozenset({V, C}),
        "placement": frozenset({C}),
        "admission": frozenset({V, C}),
        "judge_notice": frozenset({V, C}),
        "visit": frozenset({V, C}),
        "person": frozenset({V, S, C}),
        "person_contact": frozenset({V}),
        "family": frozenset({V, C}),
        "stay": frozenset({V}),
        "access_log": frozenset({V}),
        "establishment": frozenset({V}),
        "o2r_referral": frozenset({C}),
    },
    Role.CLINICIAN: {
        "ppe": frozenset({V}),
        "situation_report": frozenset({V}),
        "deadline": frozenset({V}),
        "journal": frozenset({V, W}),
        "journal_clinical": frozenset({V, W}),
        "journal_safeguarding": frozenset({W}),
        "appointment": frozenset({V}),
        "appointment_notes": frozenset({V}),
        "calendar_feed": frozenset({U}),
        "autonomy": frozenset({V}),
        "incident": frozenset({V, REPORT}),
        "measure": frozenset({V}),
        "admission": frozenset({V}),
        "judge_notice": frozenset({V}),
        "visit": frozenset({V}),
        "person": frozenset({V, S}),
        "person_contact": frozenset({V}),
        "family": frozenset({V}),
        "stay": frozenset({V}),
        "establishment": frozenset({V}),
    },
    Role.ESTABLISHMENT_DIRECTOR: {
        "ppe": frozenset({V, C, UPDATE}),
        "situation_report": frozenset({V, C}),
        "deadline": frozenset({V}),
        "journal": frozenset({V, W}),
        "journal_clinical": frozenset({V}),
        "journal_safeguarding": frozenset({V, W}),
        "appointment": frozenset({V, C}),
        "appointment_notes": frozenset({V}),
        "calendar_feed": frozenset({U}),
        "autonomy": frozenset({V, C}),
        "incident": frozenset({V, REPORT, QUALIFY}),
        "declaration": frozenset({V, C}),
        "incident_stats": frozenset({V}),
        "measure": frozenset({V, C}),
        "placement": frozenset({C}),
        "admission": frozenset({V, C}),
        "judge_notice": frozenset({V, C}),
        "visit": frozenset({V, C}),
        "person": frozenset({V, S, C}),
        "person_contact": frozenset({V}),
        "family": frozenset({V, C}),
        "stay": frozenset({V}),
        "access_log": frozenset({V}),
        "establishment": frozenset({V}),
        "o2r_referral": frozenset({C}),
    },
    Role.O2R_COUNSELLOR: {
        "person": frozenset({V, S}),
        "person_contact": frozenset({V}),
        "establishment": frozenset({V}),
        "o2r_programme": frozenset({V}),
        "outreach": frozenset({V, C}),
        "beneficiary": frozenset({V, C}),
        "accompaniment": frozenset({V, C}),
        "activity": frozenset({V, C}),
    },
    Role.O2R_LEAD: {
        "person": frozenset({V, S}),
        "person_contact": frozenset({V}),
        "establishment": frozenset({V}),
        "o2r_programme": frozenset({V, C}),
        "outreach": frozenset({V}),
        "beneficiary": frozenset({V}),
        "accompaniment": frozenset({V}),
        "activity": frozenset({V}),
        "o2r_report": frozenset({V}),
    },
    Role.FINANCE: {
        "establishment": frozenset({V}),
    },
    Role.NATIONAL_DIRECTOR: {
        "ppe": frozenset({V}),
        "journal": frozenset({V}),
        "journal_clinical": frozenset({V}),
        "journal_safeguarding": frozenset({V}),
        "appointment": frozenset({V}),
        "appointment_notes": frozenset({V}),
        "autonomy": frozenset({V}),
        "incident": frozenset({V}),
        "declaration": frozenset({V}),
        "incident_stats": frozenset({V, ORGANISATION}),
        "measure": frozenset({V}),
        "visit": frozenset({V}),
        # Nominative files only through break-the-glass; the scope holds nothing else.
        "person": frozenset({V}),
        "person_contact": frozenset({V}),
        "family": frozenset({V}),
        "stay": frozenset({V}),
        "access_log": frozenset({V}),
        "break_glass": frozenset({U}),
        "establishment": frozenset({V}),
    },
    Role.FUNDER: {
        # the O2R report only: aggregates with small cells suppressed, nothing nominative
        "o2r_report": frozenset({V}),
    },
    Role.TECH_ADMIN: {
        "administration": frozenset({C}),
        "establishment": frozenset({V}),
    },
    Role.YOUTH: {
        # their own PPE (not the reports to the judge, not the échéancier)
        "ppe": frozenset({V}),
        "autonomy": frozenset({V}),
        "person": frozenset({V}),
        "family": frozenset({V}),
        "stay": frozenset({V}),
    },
}

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


def requires(kind: str, action: str = V):
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
