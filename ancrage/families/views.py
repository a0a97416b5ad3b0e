"""Pages of the family-strengthening programme: the families, the referral, a family's file and
the decision to support it."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.families import concerns, indicators, queries, services
from ancrage.families.forms import (
    ActionForm,
    ConcernForm,
    DecisionForm,
    EndForm,
    FollowUpForm,
    GoalForm,
    PlanReviewForm,
    ProgressForm,
    ReferralForm,
    VisitPlanForm,
    VisitReportForm,
)
from ancrage.families.models import HomeVisit
from ancrage.kernel.access import requires
from ancrage.kernel.audit import record_shown
from ancrage.kernel.flow import act, submit
from ancrage.kernel.versions import expected_version, record_data
from ancrage.people.queries import search_people


@requires("family_case", "view")
def families(request):
    context = queries.family_list(request.user, request.GET.get("etat", ""))
    return render(request, "families/families.html", context)


@requires("family_case", "change")
@require_http_methods(["GET", "POST"])
def refer(request):
    teams = queries.teams_for_referral(request.user)
    form = ReferralForm(
        request.POST or None,
        teams=teams,
        user=request.user,
        initial={"referred_on": timezone.localdate(), "team": teams.first()},
    )
    wanted = (request.GET.get("chercher") or "").strip()[:100]
    return submit(
        request,
        form,
        lambda form: services.refer_family(by=request.user, **form.referral()),
        template="families/referral_form.html",
        context=lambda: {
            # a person already known, among those the user may see (each one shown recorded)
            "wanted": wanted,
            "found": search_people(request.user, wanted, limit=10) if wanted else None,
            "title": _("Orienter une famille vers le programme"),
            "help": _(
                "Les parents et les enfants sont enregistrés comme personnes, liés entre eux ; "
                "un frère ou une sœur déjà connu rejoint la même fratrie."
            ),
            "submit_label": _("Enregistrer l'orientation"),
            "cancel_url": reverse("families:list"),
        },
        success=lambda case: reverse("families:case", args=[case.pk]),
        message=_("L'orientation de la famille est enregistrée."),
        refused_status=422,
    )


@requires("family_case", "view")
def case(request, pk):
    return render(request, "families/case.html", queries.family_file(request.user, pk))


@requires("family_case", "change")
@require_http_methods(["GET", "POST"])
def decide(request, pk):
    record = queries.case_to_change(request.user, pk)
    form = DecisionForm(
        request.POST or None,
        workers=services.workers_of(record.team),
        initial={"decided_on": timezone.localdate()},
        record=record,
    )
    case_url = reverse("families:case", args=[record.pk])
    return submit(
        request,
        form,
        lambda form: services.decide_support(
            record, by=request.user, expected_version=expected_version(form), **record_data(form)
        ),
        template="form_page.html",
        context={
            "title": _("Décision d'accompagnement · %(family)s") % {"family": record},
            "submit_label": _("Enregistrer la décision"),
            "cancel_url": case_url,
        },
        success=case_url,
        message=_("La décision est enregistrée."),
        refused_status=422,
    )


@requires("family_plan", "view")
def plan(request, pk):
    return render(request, "families/plan.html", queries.plan_page(request.user, pk))


def _plan_form(request, record, form, save, title, submit_label, message):
    plan_url = reverse("families:plan", args=[record.pk])
    return submit(
        request,
        form,
        save,
        template="form_page.html",
        context={
            "title": title % {"family": record},
            "submit_label": submit_label,
            "cancel_url": plan_url,
        },
        success=plan_url,
        message=message,
        refused_status=422,
    )


@requires("family_plan", "change")
@require_http_methods(["GET", "POST"])
def goal_add(request, pk):
    record = queries.plan_case(request.user, pk, "change")
    return _plan_form(
        request,
        record,
        GoalForm(request.POST or None),
        lambda form: services.add_goal(record, request.user, **form.goal()),
        _("Nouvel objectif du plan · %(family)s"),
        _("Ajouter l'objectif"),
        _("L'objectif est ajouté au brouillon du plan."),
    )


@requires("family_plan", "change")
@require_http_methods(["GET", "POST"])
def action_add(request, pk):
    goal = queries.plan_goal(request.user, pk)
    record = goal.version.plan.case
    return _plan_form(
        request,
        record,
        ActionForm(request.POST or None),
        lambda form: services.add_action(goal, **form.cleaned_data),
        _("Nouvelle action du plan · %(family)s"),
        _("Ajouter l'action"),
        _("L'action est ajoutée."),
    )


@requires("family_plan", "change")
@require_POST
def plan_validate(request, pk):
    record = queries.plan_case(request.user, pk, "change")
    return act(
        request,
        lambda: services.validate_plan(record, request.user),
        success=reverse("families:plan", args=[record.pk]),
        message=_("Le plan est validé : cette version ne changera plus."),
    )


@requires("family_plan", "update")
@require_http_methods(["GET", "POST"])
def goal_progress(request, pk):
    goal = queries.plan_goal(request.user, pk)
    record = goal.version.plan.case
    return _plan_form(
        request,
        record,
        ProgressForm(request.POST or None, record=goal),
        lambda form: services.set_goal_progress(
            goal,
            progress=form.cleaned_data["progress"],
            note=form.cleaned_data["progress_note"],
            expected_version=expected_version(form),
        ),
        _("Avancement de l'objectif · %(family)s"),
        _("Enregistrer l'avancement"),
        _("L'avancement de l'objectif est enregistré."),
    )


@requires("family_plan", "change")
@require_http_methods(["GET", "POST"])
def plan_review(request, pk):
    record = queries.plan_case(request.user, pk, "change")
    return _plan_form(
        request,
        record,
        PlanReviewForm(request.POST or None, initial={"held_on": timezone.localdate()}),
        lambda form: services.record_plan_review(record, request.user, **form.cleaned_data),
        _("Révision du plan avec la famille · %(family)s"),
        _("Enregistrer la révision"),
        _("La révision est enregistrée ; elle donne la nouvelle version du plan."),
    )


@requires("home_visit", "change")
@require_http_methods(["GET", "POST"])
def visit_plan(request, pk):
    record = queries.visit_case(request.user, pk)
    case_url = reverse("families:case", args=[record.pk])
    return submit(
        request,
        VisitPlanForm(request.POST or None),
        lambda form: services.plan_home_visit(record, request.user, **form.cleaned_data),
        template="form_page.html",
        context={
            "title": _("Planifier une visite à domicile · %(family)s") % {"family": record},
            "submit_label": _("Planifier la visite"),
            "cancel_url": case_url,
        },
        success=case_url,
        message=_("La visite à domicile est planifiée."),
        refused_status=422,
    )


@requires("home_visit", "change")
@require_http_methods(["GET", "POST"])
def visit_report(request, pk):
    visit = queries.home_visit(request.user, pk)
    case_url = reverse("families:case", args=[visit.case_id])
    form = VisitReportForm(
        request.POST or None,
        record=visit,
        initial={"duration_minutes": visit.duration_minutes, "status": HomeVisit.Status.HELD},
    )
    return submit(
        request,
        form,
        lambda form: services.record_home_visit(
            visit, request.user, expected_version=expected_version(form), **record_data(form)
        ),
        template="form_page.html",
        context={
            "title": _("Compte rendu de la visite du %(day)s · %(family)s")
            % {
                "day": timezone.localtime(visit.starts_at).strftime("%d/%m/%Y %H:%M"),
                "family": visit.case,
            },
            "submit_label": _("Enregistrer le compte rendu"),
            "cancel_url": case_url,
        },
        success=case_url,
        message=_("Le compte rendu de la visite est enregistré."),
        refused_status=422,
    )


@requires("home_visit", "view")
def caseload(request):
    return render(request, "families/caseload.html", queries.caseload(request.user))


@requires("family_case", "change")
@require_http_methods(["GET", "POST"])
def end(request, pk):
    record = queries.case_to_change(request.user, pk)
    case_url = reverse("families:case", args=[record.pk])
    form = EndForm(
        request.POST or None,
        admissions=queries.household_admissions(record),
        initial={"ended_on": timezone.localdate()},
        record=record,
    )
    return submit(
        request,
        form,
        lambda form: services.end_support(
            record, by=request.user, expected_version=expected_version(form), **record_data(form)
        ),
        template="form_page.html",
        context={
            "title": _("Fin de l'accompagnement · %(family)s") % {"family": record},
            "submit_label": _("Clore l'accompagnement"),
            "cancel_url": case_url,
        },
        success=case_url,
        message=_("L'accompagnement est clos ; le suivi à 6 mois est programmé."),
        refused_status=422,
    )


@requires("incident", "report")
@require_http_methods(["GET", "POST"])
def concern(request, pk):
    """An observation about a child's safety, from the family's file: a safeguarding report of
    the family's service, or an information préoccupante proposed for the CRIP."""
    record = queries.case_for_concern(request.user, pk)
    children = concerns.household_children(request.user, record)
    form = ConcernForm(
        request.POST or None,
        children=children,
        initial={
            "occurred_at": timezone.localtime().replace(second=0, microsecond=0),
            "place": _("Au domicile de la famille"),
            "route": concerns.REPORT,
        },
    )
    return submit(
        request,
        form,
        lambda form: concerns.raise_concern(
            record,
            by=request.user,
            route=form.cleaned_data["route"],
            occurred_at=form.cleaned_data["occurred_at"],
            place=form.cleaned_data["place"],
            narrative=form.cleaned_data["narrative"],
            adults_involved=form.cleaned_data["adults_involved"],
            immediate_measures=form.cleaned_data["immediate_measures"],
            children=form.involved(),
            allowed_children=children,
        ),
        template="families/concern_form.html",
        context=lambda: {
            # the form names the household's children it offers: recorded when it is shown
            "shown": record_shown(request.user, children, "families.concern"),
            "case": record,
            "title": _("Préoccupation pour la sécurité d'un enfant · %(family)s")
            % {"family": record},
            "help": _(
                "Décrivez ce que vous avez observé ou ce qui vous a été confié. Le chef de "
                "service le qualifie et le traite ; s'il y a lieu, il transmet une information "
                "préoccupante à la CRIP du département (en cas de danger grave et immédiat, un "
                "signalement au procureur)."
            ),
            "submit_label": _("Enregistrer la préoccupation"),
            "cancel_url": reverse("families:case", args=[record.pk]),
        },
        success=lambda concern: reverse("safeguarding:incident", args=[concern.incident_id]),
        message=_(
            "La préoccupation est enregistrée comme signalement ; le chef de service la voit."
        ),
        refused_status=422,
    )


@requires("family_case", "change")
@require_http_methods(["GET", "POST"])
def follow_up(request, pk):
    """The follow-up six months after the end of the support, met on the service's échéancier."""
    record = queries.case_to_change(request.user, pk)
    case_url = reverse("families:case", args=[record.pk])
    initial = {"followed_up_on": record.followed_up_on or timezone.localdate()}
    if record.follow_up_notes:
        initial["follow_up_notes"] = record.follow_up_notes
    return submit(
        request,
        FollowUpForm(request.POST or None, initial=initial, record=record),
        lambda form: services.record_follow_up(
            record, by=request.user, expected_version=expected_version(form), **record_data(form)
        ),
        template="form_page.html",
        context={
            "title": _("Suivi à 6 mois · %(family)s") % {"family": record},
            "help": _("Suivi attendu le %(day)s, six mois après la fin de l'accompagnement.")
            % {"day": record.follow_up_due.strftime("%d/%m/%Y")}
            if record.follow_up_due
            else _("L'accompagnement n'est pas terminé : le suivi à 6 mois viendra après."),
            "submit_label": _("Enregistrer le suivi"),
            "cancel_url": case_url,
        },
        success=case_url,
        message=_("Le suivi à 6 mois est enregistré."),
        refused_status=422,
    )


@requires("family_stats", "view")
def family_indicators(request):
    """The programme's indicators for a calendar year, small counts masked."""
    return render(
        request,
        "families/indicators.html",
        indicators.family_indicators(request.user, request.GET.get("annee")),
    )
