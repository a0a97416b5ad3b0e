"""O2R pages: the service home, repérage (outreach actions, contacts, conversion), the
beneficiaries and their file (eligibility, accompaniment, exit), activities, village referrals."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.accounts.models import User
from ancrage.insertion import queries, report, services
from ancrage.insertion.forms import (
    AcceptReferralForm,
    AccompanimentForm,
    ActionDoneForm,
    ActionForm,
    ActivityForm,
    BarrierForm,
    BeneficiaryFilterForm,
    ContactForm,
    ConvertForm,
    EligibilityForm,
    ExitForm,
    ExtendForm,
    FollowUpForm,
    ObjectiveCloseForm,
    ObjectiveForm,
    OutreachActionForm,
    PartnerReferralForm,
    ProgrammeForm,
    RemunerationForm,
    ReportPeriodForm,
    VillageReferralForm,
)
from ancrage.insertion.models import (
    Accompaniment,
    AccompanimentAction,
    Beneficiary,
    FollowUp,
    Objective,
    PriorityPublic,
)
from ancrage.kernel.access import requires
from ancrage.kernel.audit import record_access
from ancrage.kernel.forms import errors_to_form
from ancrage.kernel.models import AccessEvent
from ancrage.people.queries import visible_person


def _team(request):
    team = queries.user_team(request.user)
    if team is None:
        raise PermissionDenied
    return team


def _form_page(request, template, form, context, success_url=None):
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


@requires("o2r_programme", "view")
def home(request):
    return render(request, "insertion/home.html", queries.home(request.user))


def _programme_page(request, programme=None):
    initial = {}
    if programme is not None:
        initial = {
            "name": programme.name,
            "call": programme.call,
            "region": programme.region,
            "departements": programme.departements,
            "start_date": programme.start_date,
            "end_date": programme.end_date,
            "agreement_amount": programme.agreement_amount,
            "organisation": programme.organisation_id,
            "consortium": programme.consortium_id,
            "services": list(programme.services.values_list("pk", flat=True)),
            "efop_territories": list(programme.efop_territories.values_list("pk", flat=True)),
            "target_publics": programme.target_publics,
        }
    form = ProgrammeForm(
        request.POST or None, initial=initial, **queries.programme_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if programme is None:
                services.create_programme(**form.cleaned_data)
            else:
                services.update_programme(programme, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le programme est enregistré."))
            return redirect("insertion:home")
    return _form_page(request, "insertion/programme_form.html", form, {"programme": programme})


@requires("o2r_programme", "change")
@require_http_methods(["GET", "POST"])
def programme_add(request):
    return _programme_page(request)


@requires("o2r_programme", "change")
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    return _programme_page(request, queries.programme(request.user, pk))


@requires("outreach", "view")
def outreach_list(request):
    return render(
        request,
        "insertion/outreach_list.html",
        {
            "actions": queries.outreach_actions(request.user),
            "can_write": queries.user_team(request.user) is not None,
        },
    )


@requires("outreach", "change")
@require_http_methods(["GET", "POST"])
def outreach_add(request):
    team = _team(request)
    form = OutreachActionForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.log_outreach_action(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'action de repérage est enregistrée."))
            return redirect("insertion:outreach_list")
    return _form_page(request, "insertion/outreach_form.html", form, {"team": team})


@requires("outreach", "view")
def contacts(request):
    return render(
        request,
        "insertion/contacts.html",
        {
            "contacts": queries.contacts(request.user),
            "can_write": queries.user_team(request.user) is not None,
        },
    )


@requires("outreach", "change")
@require_http_methods(["GET", "POST"])
def contact_add(request):
    team = _team(request)
    actions = queries.OutreachAction.objects.visible_to(request.user).filter(team=team)[:50]
    form = ContactForm(
        request.POST or None,
        actions=queries.OutreachAction.objects.filter(pk__in=[a.pk for a in actions]),
        initial={"met_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le contact est enregistré."))
            return redirect("insertion:contacts")
    return _form_page(request, "insertion/contact_form.html", form, {"team": team})


@requires("beneficiary", "change")
@require_http_methods(["GET", "POST"])
def contact_convert(request, pk):
    contact = queries.contact(request.user, pk)
    form = ConvertForm(
        request.POST or None, initial={"consent_on": timezone.localdate(), "sex": contact.sex}
    )
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary = services.convert_contact(contact, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("Le dossier du bénéficiaire est ouvert ; vérifiez son éligibilité.")
            )
            return redirect("insertion:eligibility", pk=beneficiary.pk)
    return _form_page(request, "insertion/convert_form.html", form, {"contact": contact})


@requires("beneficiary", "view")
def beneficiaries(request):
    teams = queries.teams_in_scope(request.user)
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


def _open_objectives(beneficiary_pk):
    return Objective.objects.filter(
        accompaniment__beneficiary_id=beneficiary_pk,
        achieved_on__isnull=True,
        abandoned_on__isnull=True,
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
            "action": ActionForm(prefix="action", objectives=_open_objectives(pk)),
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
    context["alert"] = services.limit_alert(accompaniment) if accompaniment else None
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


def _referents(beneficiary):
    from ancrage.accounts.models import Membership

    working = Membership.objects.in_force().filter(unit_id=beneficiary.team_id)
    return User.objects.filter(is_active=True, pk__in=working.values("user_id")).order_by(
        "last_name", "first_name"
    )


@requires("accompaniment", "change")
@require_http_methods(["GET", "POST"])
def accompaniment_open(request, pk):
    context = queries.beneficiary_file(request.user, pk)
    beneficiary = context["beneficiary"]
    form = AccompanimentForm(
        request.POST or None,
        referents=_referents(beneficiary),
        initial={"start_date": timezone.localdate(), "referent": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.open_accompaniment(beneficiary, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'accompagnement est ouvert pour 9 mois."))
            return redirect("insertion:beneficiary", pk=beneficiary.pk)
    return _form_page(
        request, "insertion/accompaniment_form.html", form, {"beneficiary": beneficiary}
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


@requires("accompaniment", "change")
@require_POST
def extend(request, pk):
    return _write(
        request,
        pk,
        "extend",
        ExtendForm,
        lambda a, d: services.extend_accompaniment(a, by=request.user, **d),
        _("L'accompagnement est prolongé."),
    )


@requires("accompaniment", "change")
@require_POST
def barrier(request, pk):
    return _write(
        request,
        pk,
        "barrier",
        BarrierForm,
        lambda a, d: services.record_barrier(a, by=request.user, **d),
        _("Le frein est mis à jour."),
    )


@requires("accompaniment", "change")
@require_POST
def objective(request, pk):
    return _write(
        request,
        pk,
        "objective",
        ObjectiveForm,
        lambda a, d: services.add_objective(a, **d),
        _("L'objectif est ajouté."),
    )


@requires("accompaniment", "change")
@require_POST
def action(request, pk):
    return _write(
        request,
        pk,
        "action",
        lambda data, prefix: ActionForm(data, prefix=prefix, objectives=_open_objectives(pk)),
        lambda a, d: services.add_action(a, **d),
        _("L'action est ajoutée."),
    )


@requires("accompaniment", "change")
@require_POST
def action_done(request, pk):
    record = get_object_or_404(
        AccompanimentAction.objects.filter(
            accompaniment__beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("accompaniment"),
        pk=pk,
    )
    beneficiary_pk = record.accompaniment.beneficiary_id
    form = ActionDoneForm(request.POST, prefix="done")
    if form.is_valid():
        try:
            services.complete_action(record, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'action est marquée faite."))
            return redirect("insertion:beneficiary", pk=beneficiary_pk)
    form.record_pk = record.pk
    return _file(request, beneficiary_pk, bound={"action_done": form}, status=422)


@requires("accompaniment", "change")
@require_POST
def objective_close(request, pk):
    record = get_object_or_404(
        Objective.objects.filter(
            accompaniment__beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("accompaniment"),
        pk=pk,
    )
    beneficiary_pk = record.accompaniment.beneficiary_id
    form = ObjectiveCloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.close_objective(record, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'objectif est clos."))
            return redirect("insertion:beneficiary", pk=beneficiary_pk)
    form.record_pk = record.pk
    return _file(request, beneficiary_pk, bound={"objective_close": form}, status=422)


@requires("accompaniment", "change")
@require_POST
def partner_referral(request, pk):
    return _write(
        request,
        pk,
        "partner",
        PartnerReferralForm,
        lambda a, d: services.refer_to_partner(a, **d),
        _("L'orientation est notée."),
    )


@requires("accompaniment", "change")
@require_POST
def remuneration(request, pk):
    return _write(
        request,
        pk,
        "remuneration",
        RemunerationForm,
        lambda a, d: services.add_remuneration(a, **d),
        _("La période de rémunération est enregistrée."),
    )


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


@requires("activity", "view")
def activities(request):
    return render(
        request,
        "insertion/activities.html",
        {
            "activities": queries.activities(request.user),
            "can_write": queries.user_team(request.user) is not None,
        },
    )


@requires("activity", "change")
@require_http_methods(["GET", "POST"])
def activity_add(request):
    team = _team(request)
    beneficiaries = queries.active_beneficiaries(request.user)
    if request.method == "GET":
        record_access(
            request.user,
            beneficiaries.values_list("person_id", flat=True),
            "insertion.activity_form",
            AccessEvent.Action.LIST,
        )
    form = ActivityForm(
        request.POST or None,
        beneficiaries=beneficiaries,
        initial={"date": timezone.localdate(), "duration_minutes": 90},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_activity(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'activité est enregistrée."))
            return redirect("insertion:activities")
    return _form_page(request, "insertion/activity_form.html", form, {"team": team})


@requires("beneficiary", "view")
def referrals(request):
    return render(
        request,
        "insertion/referrals.html",
        {
            "referrals": queries.referrals(request.user),
            "form": AcceptReferralForm(),
            "can_write": queries.user_team(request.user) is not None,
        },
    )


@requires("beneficiary", "change")
@require_POST
def referral_accept(request, pk):
    team = _team(request)
    referral = queries.referral(request.user, pk)
    form = AcceptReferralForm(request.POST, auto_id=f"id_{referral.pk}_%s")
    form.referral_pk = referral.pk
    if form.is_valid():
        try:
            beneficiary = services.accept_referral(
                referral, team=team, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le jeune est accueilli ; vérifiez son éligibilité."))
            return redirect("insertion:eligibility", pk=beneficiary.pk)
    return render(
        request,
        "insertion/referrals.html",
        {
            "referrals": queries.referrals(request.user),
            "form": form,
            "bound_pk": referral.pk,
            "can_write": True,
        },
        status=422,
    )


@requires("o2r_referral", "change")
@require_http_methods(["GET", "POST"])
def refer(request, reference):
    person = visible_person(request.user, reference, audit_as="insertion.refer")
    village = next(
        (
            m.establishment
            for m in request.user.active_memberships
            if m.establishment_id and m.establishment.kind == "village"
        ),
        None,
    )
    form = VillageReferralForm(
        request.POST or None,
        services=queries.o2r_services(),
        initial={"consent_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.refer_from_village(
                person, village=village, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'orientation est transmise au service O2R."))
            return redirect("web:person", reference=person.reference)
    return _form_page(
        request, "insertion/refer_form.html", form, {"person": person, "age": person.age()}
    )


def _report(request):
    """The period asked for (the last 12 months by default) and its suppressed report."""
    today = timezone.localdate()
    form = ReportPeriodForm(
        request.GET or None,
        initial={"start": today - relativedelta(years=1) + timedelta(days=1), "end": today},
    )
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    else:
        start, end = form.initial["start"], form.initial["end"]
    services_ids = sorted(queries.report_service_ids(request.user))
    return form, report.build(services_ids, start, end).suppressed()


@requires("o2r_report", "view")
def activity_report(request):
    form, figures = _report(request)
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(
        request,
        "insertion/report.html",
        {
            "form": form,
            "report": figures,
            "query": request.GET.urlencode(),
            "step_bars": report.bars(figures.steps),
            "exit_bars": report.bars(figures.exits),
            "priority_bars": report.bars(figures.priority),
        },
        status=status,
    )


def _filename(figures, extension):
    return f"rapport-o2r-{figures.start.isoformat()}-{figures.end.isoformat()}.{extension}"


@requires("o2r_report", "view")
def activity_report_xlsx(request):
    _form, figures = _report(request)
    response = HttpResponse(
        report.to_xlsx(figures),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(figures, "xlsx")}"'
    return response


@requires("o2r_report", "view")
def activity_report_pdf(request):
    _form, figures = _report(request)
    response = HttpResponse(
        report.to_pdf(figures, title=_("Rapport d'activité O2R")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(figures, "pdf")}"'
    return response
