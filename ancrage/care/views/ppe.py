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
    ValidateForm,
)
from ancrage.care.models import Action, Objective, PlannedReview, SituationReport
from ancrage.care.queries import ppe as queries
from ancrage.care.services import ppe as services
from ancrage.kernel.access import requires
from ancrage.kernel.flow import act, submit
from ancrage.kernel.versions import expected_version, record_data
from ancrage.people.models import Person
from ancrage.people.queries import visible_person


def _ppe_url(person):
    return reverse("care:ppe", args=[person.reference])


def _form_context(person, title, submit_label, **context):
    """The context of a form page of the child's PPE: back to the PPE when cancelled."""
    return {
        "person": person,
        "title": title,
        "submit_label": submit_label,
        "cancel_url": _ppe_url(person),
        **context,
    }


def _objective_help(objective):
    return _("Objectif : %(t)s") % {"t": objective.title}


def _validation_consequences(person, form) -> dict:
    """What validating the draft does, said before it is done."""
    data = form.cleaned_data
    words = (data.get("child_views") or "").strip()
    if words:
        said = _("Ses mots sont joints à la version : « %(w)s ». Il les lira dans son espace.") % {
            "w": words
        }
    else:
        said = _("Ses mots n'ont pas pu être recueillis : %(r)s.") % {
            "r": dict(form.fields["child_views_missing"].choices).get(
                data.get("child_views_missing"), ""
            )
        }
    return {
        "title": _("Valider le PPE de %(name)s ?") % {"name": person.full_name},
        "consequences": [
            _(
                "Le brouillon devient la version en vigueur du projet pour l'enfant : elle ne "
                "pourra plus être modifiée (un changement passera par un nouveau brouillon)."
            ),
            said,
        ],
        "label": _("Valider la version"),
    }


@requires("ppe", "view")
def ppe_detail(request, reference):
    person = visible_person(request.user, reference, audit_as="care.ppe")
    number = request.GET.get("version")
    number = int(number) if number and number.isdigit() else None
    return render(request, "care/ppe_detail.html", queries.ppe_page(request.user, person, number))


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def ppe_edit(request, reference):
    person = visible_person(request.user, reference)  # recorded below, with the names shown
    start = queries.draft_or_in_force(person)
    relatives = Person.objects.visible_to(request.user).filter(
        pk__in=person.family_links.values("relative_id")
    )
    siblings = queries.draft_page_persons(request.user, person)
    form = DraftForm(
        request.POST or None,
        instance=start,
        referents=queries.referent_choices(person),
        relatives=relatives,
        initial={"referent": start.ppe.referent_id if start else None},
    )
    return submit(
        request,
        form,
        lambda form: services.save_draft(
            person,
            request.user,
            referent=form.cleaned_data["referent"],
            built_from=start,
            expected_version=expected_version(form),
            **{name: form.cleaned_data[name] for name in DraftForm.Meta.fields},
        ),
        message=_("Le brouillon du PPE est enregistré."),
        success=_ppe_url(person),
        template="care/ppe_form.html",
        context=lambda: _form_context(
            person,
            _("Brouillon du PPE"),
            _("Enregistrer le brouillon"),
            help=_(
                "Le brouillon reprend la dernière version validée. Il est validé par le chef de "
                "service ou la direction, ou à la prochaine révision."
            ),
            siblings=siblings,
        ),
        refused_status=422,
    )


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def objective_add(request, reference):
    person = visible_person(request.user, reference, audit_as="care.objective_add")
    form = ObjectiveForm(request.POST or None)
    return submit(
        request,
        form,
        lambda form: services.add_objective(person, request.user, **form.service_arguments()),
        message=_("L'objectif est ajouté au brouillon du PPE."),
        success=_ppe_url(person),
        template="form_page.html",
        context=_form_context(person, _("Ajouter un objectif au PPE"), _("Ajouter l'objectif")),
        refused_status=422,
    )


@requires("ppe", "update")
@require_POST
def action_status(request, reference):
    person = visible_person(request.user, reference)

    def set_status():
        form = ActionStatusForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choisissez une action et son état."))
        action = get_object_or_404(
            Action.objects.select_related("objective__version__ppe"),
            pk=form.cleaned_data["action"],
            objective__version__ppe__child=person,
        )
        return services.set_action_status(action, form.cleaned_data["status"], request.user)

    return act(
        request,
        set_status,
        message=_("L'état de l'action est enregistré."),
        success=_ppe_url(person),
    )


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def ppe_validate(request, reference):
    person = visible_person(request.user, reference, audit_as="care.ppe_validate")
    form = ValidateForm(request.POST or None)
    return submit(
        request,
        form,
        lambda form: services.validate_draft(person, request.user, **form.cleaned_data),
        message=lambda version: (
            _("La version %(n)s du PPE est validée : elle ne peut plus être modifiée.")
            % {"n": version.number}
        ),
        success=_ppe_url(person),
        confirm=lambda form: _validation_consequences(person, form),
        template="form_page.html",
        context=_form_context(
            person,
            _("Valider le PPE"),
            _("Valider la version"),
            help=_(
                "Avant de valider, notez ce que l'enfant dit de son projet, avec ses mots, ou "
                "pourquoi ses mots n'ont pas pu être recueillis (son âge, son refus, sa "
                "situation). Une version validée ne peut plus être modifiée."
            ),
        ),
        refused_status=422,
    )


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
    return submit(
        request,
        form,
        lambda form: services.record_review(person, request.user, **form.cleaned_data),
        message=_("La révision est enregistrée ; une nouvelle version du PPE est validée."),
        success=_ppe_url(person),
        template="form_page.html",
        context=_form_context(
            person,
            _("Révision du PPE"),
            _("Enregistrer la révision"),
            help=_(
                "Enregistrer la révision valide une nouvelle version du PPE (le brouillon en "
                "cours, ou une copie de la version en vigueur)."
            ),
        ),
        refused_status=422,
    )


@requires("ppe", "change")
@require_http_methods(["GET", "POST"])
def review_plan(request, reference):
    person = visible_person(request.user, reference, audit_as="care.review_plan")
    form = PlannedReviewForm(request.POST or None)
    return submit(
        request,
        form,
        lambda form: services.plan_review(person, request.user, **form.cleaned_data),
        message=lambda planned: (
            _("La révision du PPE est prévue le %(d)s.") % {"d": f"{planned.planned_date:%d/%m/%Y}"}
        ),
        success=_ppe_url(person),
        template="form_page.html",
        context=_form_context(person, _("Prévoir une révision du PPE"), _("Prévoir la révision")),
        refused_status=422,
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
    return redirect(f"{_ppe_url(person)}?version={version.number}")


def _draft_form_page(request, person, form, service, message, context, *, versioned=False):
    """An edit of the draft: the service's refusals go to the form; an edit of an existing
    objective or action (`versioned`) hands the version its form was built from."""

    def save(form):
        if versioned:
            return service({**record_data(form), "expected_version": expected_version(form)})
        return service(record_data(form))

    return submit(
        request,
        form,
        save,
        message=message,
        success=_ppe_url(person),
        template="form_page.html",
        context=context,
        refused_status=422,
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
        _("L'objectif est modifié."),
        _form_context(person, _("Modifier un objectif du brouillon"), _("Enregistrer l'objectif")),
        versioned=True,
    )


@requires("ppe", "change")
@require_POST
def objective_delete(request, reference, pk):
    person = visible_person(request.user, reference)
    objective = _objective_of(person, pk)
    return act(
        request,
        lambda: services.delete_objective(objective),
        message=_("L'objectif et ses actions sont supprimés du brouillon."),
        success=_ppe_url(person),
    )


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
        _("L'action est ajoutée à l'objectif."),
        _form_context(
            person, _("Ajouter une action"), _("Ajouter l'action"), help=_objective_help(objective)
        ),
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
        _("L'action est modifiée."),
        _form_context(
            person,
            _("Modifier une action"),
            _("Enregistrer l'action"),
            help=_objective_help(action.objective),
        ),
        versioned=True,
    )


@requires("ppe", "change")
@require_POST
def action_delete(request, reference, pk):
    person = visible_person(request.user, reference)
    action = _action_of(person, pk)
    return act(
        request,
        lambda: services.delete_action(action),
        message=_("L'action est supprimée du brouillon."),
        success=_ppe_url(person),
    )
