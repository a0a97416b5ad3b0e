"""The beneficiaries: the list, the file with its inline forms, the eligibility, the exit and
the follow-ups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.insertion.forms.accompaniment import (
    ActionDoneForm,
    ActionForm,
    BarrierForm,
    ExtendForm,
    ObjectiveCloseForm,
    ObjectiveForm,
    PartnerReferralForm,
    RemunerationForm,
)
from ancrage.insertion.forms.beneficiary import (
    BeneficiaryFilterForm,
    EligibilityForm,
    ExitForm,
    FollowUpForm,
)
from ancrage.insertion.models import (
    Accompaniment,
    Beneficiary,
    FollowUp,
    PriorityPublic,
)
from ancrage.insertion.queries import beneficiary as queries
from ancrage.insertion.queries.accompaniment import open_objectives
from ancrage.insertion.queries.programme import teams_in_scope
from ancrage.insertion.services import beneficiary as services
from ancrage.insertion.services.accompaniment import limit_alert
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form


def _form_page(request, template, form, context, success_url=None):
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


@requires("beneficiary", "view")
def beneficiaries(request):
    teams = teams_in_scope(request.user)
    form = BeneficiaryFilterForm(request.GET or None, teams=teams)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "name": data["q"] or None,
            "team": data["team"].pk if data["team"] else None,
            "status": data["status"] or None,
            "flag": data["flag"] or None,
            "territory": data["territory"].pk if data["territory"] else None,
        }
    context = queries.beneficiary_list(request.user, page=request.GET.get("page", 1), **filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "insertion/beneficiaries.html",
        {"form": form, "query": query.urlencode(), **context},
    )


def _file(request, pk, bound=None, status=200):
    context = queries.beneficiary_file(request.user, pk)
    forms = {}
    if context["can_change"]:
        # Several forms on one page: each has its prefix, so field ids stay unique.
        today = timezone.localdate()
        forms = {
            "extend": ExtendForm(prefix="extend"),
            "barrier": BarrierForm(prefix="barrier", initial={"on": today}),
            "objective": ObjectiveForm(prefix="objective"),
            "action": ActionForm(prefix="action", objectives=open_objectives(pk)),
            "action_done": ActionDoneForm(prefix="done", initial={"on": today}),
            "objective_close": ObjectiveCloseForm(prefix="close", initial={"on": today}),
            "partner": PartnerReferralForm(prefix="partner", initial={"date": today}),
            "remuneration": RemunerationForm(prefix="remuneration"),
            "exit": ExitForm(prefix="exit", initial={"date": today}),
            "follow_up": FollowUpForm(initial={"recorded_on": today}),
        }
        forms.update(bound or {})
    context["forms"] = forms
    accompaniment = context["accompaniment"]
    context["alert"] = limit_alert(accompaniment) if accompaniment else None
    return render(request, "insertion/beneficiary.html", context, status=status)


@requires("beneficiary", "view")
def beneficiary(request, pk):
    return _file(request, pk)


@requires("beneficiary", "change")
@require_http_methods(["GET", "POST"])
def eligibility(request, pk):
    context = queries.beneficiary_file(request.user, pk)
    beneficiary = context["beneficiary"]
    initial = {
        "checked_on": timezone.localdate(),
        "flags": [f.value for f in PriorityPublic if getattr(beneficiary, f.value)],
    }
    form = EligibilityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_eligibility(beneficiary, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'éligibilité est enregistrée."))
            return redirect("insertion:beneficiary", pk=beneficiary.pk)
    return _form_page(
        request, "insertion/eligibility_form.html", form, {"beneficiary": beneficiary}
    )


def _write(request, pk, name, form_class, perform, success, needs_accompaniment=True):
    """Parse one of the file's forms, call the service, back to the file or the file again
    with the refusal at the form's fields."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    form = form_class(request.POST, prefix=name)
    if form.is_valid():
        target = beneficiary
        if needs_accompaniment:
            target = Accompaniment.objects.filter(beneficiary=beneficiary).first()
        if target is None:
            form.add_error(None, _("Ouvrez d'abord un accompagnement."))
        else:
            try:
                perform(target, form.cleaned_data)
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, success)
                return redirect("insertion:beneficiary", pk=beneficiary.pk)
    return _file(request, pk, bound={name: form}, status=422)


@requires("beneficiary", "change")
@require_POST
def exit_(request, pk):
    return _write(
        request,
        pk,
        "exit",
        ExitForm,
        lambda b, d: services.record_exit(b, by=request.user, **d),
        _("La sortie est enregistrée ; les suivis à 3 et 6 mois sont programmés."),
        needs_accompaniment=False,
    )


@requires("beneficiary", "change")
@require_POST
def follow_up(request, pk):
    record = get_object_or_404(
        FollowUp.objects.filter(exit__beneficiary__in=Beneficiary.objects.visible_to(request.user)),
        pk=pk,
    )
    beneficiary_pk = record.exit.beneficiary_id
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.record_follow_up(record, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le suivi est enregistré."))
            return redirect("insertion:beneficiary", pk=beneficiary_pk)
    return _file(request, beneficiary_pk, bound={"follow_up": form}, status=422)
