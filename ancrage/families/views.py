"""Pages of the family-strengthening programme: the families, the referral, a family's file and
the decision to support it."""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.families import queries, services
from ancrage.families.forms import DecisionForm, ReferralForm
from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit
from ancrage.kernel.versions import expected_version, record_data


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
        initial={"referred_on": timezone.localdate(), "team": teams.first()},
    )
    return submit(
        request,
        form,
        lambda form: services.refer_family(by=request.user, **form.referral()),
        template="form_page.html",
        context={
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
