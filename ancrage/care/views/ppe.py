"""The child's project (PPE): the page with its versions, the draft, objectives and actions,
validation and reviews."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.care.forms.ppe import (
    ActionForm,
    ActionStatusForm,
    DraftForm,
    ObjectiveEditForm,
    ObjectiveForm,
    PlannedReviewForm,
    ReviewForm,
)
from ancrage.care.models import Action, Objective, PlannedReview, SituationReport
from ancrage.care.queries import ppe as queries
from ancrage.care.services import ppe as services
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.people.models import Person
from ancrage.people.queries import visible_person


@requires("ppe", "view")
def ppe_detail(request, reference):
    person = visible_person(request.user, reference, audit_as="care.ppe")
    number = request.GET.get("version")
    number = int(number) if number and number.isdigit() else None
    return render(request, "care/ppe_detail.html", queries.ppe_page(request.user, person, number))


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def ppe_edit(request, reference):
    person = visible_person(request.user, reference, audit_as="care.ppe_edit")
    start = queries.draft_or_in_force(person)
    relatives = Person.objects.visible_to(request.user).filter(
        pk__in=person.family_links.values("relative_id")
    )
    form = DraftForm(
        request.POST or None,
        instance=start,
        referents=queries.referent_choices(person),
        relatives=relatives,
        initial={"referent": start.ppe.referent_id if start else None},
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in DraftForm.Meta.fields}
        try:
            services.save_draft(
                person, request.user, referent=form.cleaned_data["referent"], **fields
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le brouillon du PPE est enregistré."))
            return redirect("care:ppe", reference=person.reference)
    return render(
        request,
        "care/ppe_form.html",
        {"person": person, "form": form, "siblings": queries.siblings_of(person)},
        status=422 if form.errors else 200,
    )


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def objective_add(request, reference):
    person = visible_person(request.user, reference, audit_as="care.objective_add")
    form = ObjectiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_objective(person, request.user, **form.service_arguments())
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'objectif est ajouté au brouillon du PPE."))
            return redirect("care:ppe", reference=person.reference)
    return render(
        request,
        "care/objective_form.html",
        {"person": person, "form": form},
        status=422 if form.errors else 200,
    )


@requires("ppe", "update")
@require_POST
def action_status(request, reference):
    person = visible_person(request.user, reference)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        action = get_object_or_404(
            Action.objects.select_related("objective__version__ppe"),
            pk=form.cleaned_data["action"],
            objective__version__ppe__child=person,
        )
        try:
            services.set_action_status(action, form.cleaned_data["status"], request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("L'état de l'action est enregistré."))
    else:
        messages.error(request, _("Choisissez une action et son état."))
    return redirect("care:ppe", reference=person.reference)


@requires("ppe", "change")
@require_POST
def ppe_validate(request, reference):
    person = visible_person(request.user, reference)
    try:
        version = services.validate_draft(person, request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("La version %(n)s du PPE est validée : elle ne peut plus être modifiée.")
            % {"n": version.number},
        )
    return redirect("care:ppe", reference=person.reference)


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def review_add(request, reference):
    person = visible_person(request.user, reference, audit_as="care.review_add")
    reports = SituationReport.objects.filter(child=person).order_by("-created_at")
    planned = PlannedReview.objects.open().filter(ppe__child=person).order_by("planned_date")
    initial = {}
    chosen = request.GET.get("prevue", "")
    if chosen.isdigit():
        held = get_object_or_404(planned, pk=int(chosen))
        initial = {
            "planned": held.pk,
            "planned_date": held.planned_date,
            "participants": held.participants,
        }
    form = ReviewForm(request.POST or None, reports=reports, planned=planned, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review(person, request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request, _("La révision est enregistrée ; une nouvelle version du PPE est validée.")
            )
            return redirect("care:ppe", reference=person.reference)
    return render(
        request,
        "care/review_form.html",
        {"person": person, "form": form},
        status=422 if form.errors else 200,
    )


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def review_plan(request, reference):
    person = visible_person(request.user, reference, audit_as="care.review_plan")
    form = PlannedReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            planned = services.plan_review(person, request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(
                request,
                _("La révision du PPE est prévue le %(d)s.")
                % {"d": f"{planned.planned_date:%d/%m/%Y}"},
            )
            return redirect("care:ppe", reference=person.reference)
    return render(
        request,
        "care/review_plan_form.html",
        {"person": person, "form": form},
        status=422 if form.errors else 200,
    )


# Objectives and actions of the draft: edited, deleted, an action added to an objective. The
# services refuse any change to a validated version; the pages send back to the PPE with the
# reason.


def _objective_of(person, pk):
    return get_object_or_404(
        Objective.objects.select_related("version"), pk=pk, version__ppe__child=person
    )


def _action_of(person, pk):
    return get_object_or_404(
        Action.objects.select_related("objective__version"),
        pk=pk,
        objective__version__ppe__child=person,
    )


def _frozen_redirect(request, person, version):
    messages.error(
        request, _("Cette version du PPE est validée : elle ne peut plus être modifiée.")
    )
    return redirect(f"{reverse('care:ppe', args=[person.reference])}?version={version.number}")


def _draft_form_page(request, person, form, service, template, success, context=None):
    """The GET/POST cycle of an edit of the draft: the service's refusals go to the form."""
    if request.method == "POST" and form.is_valid():
        try:
            service(form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, success)
            return redirect("care:ppe", reference=person.reference)
    return render(
        request,
        template,
        {"person": person, "form": form, **(context or {})},
        status=422 if form.errors else 200,
    )


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def objective_edit(request, reference, pk):
    person = visible_person(request.user, reference, audit_as="care.objective_edit")
    objective = _objective_of(person, pk)
    if request.method == "GET" and objective.version.is_frozen:
        return _frozen_redirect(request, person, objective.version)
    form = ObjectiveEditForm(request.POST or None, instance=objective)
    return _draft_form_page(
        request,
        person,
        form,
        lambda data: services.update_objective(objective, **data),
        "care/objective_edit.html",
        _("L'objectif est modifié."),
        {"objective": objective},
    )


@requires("ppe", "change")
@require_POST
def objective_delete(request, reference, pk):
    person = visible_person(request.user, reference)
    objective = _objective_of(person, pk)
    try:
        services.delete_objective(objective)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'objectif et ses actions sont supprimés du brouillon."))
    return redirect("care:ppe", reference=person.reference)


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def action_add(request, reference, pk):
    person = visible_person(request.user, reference, audit_as="care.action_add")
    objective = _objective_of(person, pk)
    if request.method == "GET" and objective.version.is_frozen:
        return _frozen_redirect(request, person, objective.version)
    form = ActionForm(request.POST or None, initial={"status": Action.Status.PLANNED})
    return _draft_form_page(
        request,
        person,
        form,
        lambda data: services.add_action(objective, **data),
        "care/action_form.html",
        _("L'action est ajoutée à l'objectif."),
        {"objective": objective, "adding": True},
    )


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def action_edit(request, reference, pk):
    person = visible_person(request.user, reference, audit_as="care.action_edit")
    action = _action_of(person, pk)
    if request.method == "GET" and action.objective.version.is_frozen:
        return _frozen_redirect(request, person, action.objective.version)
    form = ActionForm(request.POST or None, instance=action)
    return _draft_form_page(
        request,
        person,
        form,
        lambda data: services.update_action(action, **data),
        "care/action_form.html",
        _("L'action est modifiée."),
        {"objective": action.objective, "adding": False},
    )


@requires("ppe", "change")
@require_POST
def action_delete(request, reference, pk):
    person = visible_person(request.user, reference)
    action = _action_of(person, pk)
    try:
        services.delete_action(action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("L'action est supprimée du brouillon."))
    return redirect("care:ppe", reference=person.reference)
