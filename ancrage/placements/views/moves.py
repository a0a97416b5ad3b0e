"""Moves between houses, exits from the village, and the judge's notices marked as done."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit
from ancrage.people.queries import visible_person
from ancrage.placements.forms.moves import ExitForm, JudgeInformedForm, MoveForm
from ancrage.placements.queries import moves as queries
from ancrage.placements.queries.stays import houses_of
from ancrage.placements.services import moves as services


@requires("placement", "change")
@require_http_methods(["GET", "POST"])
def move(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.move")
    form = MoveForm(request.POST or None, houses=houses_of(request.user))
    person_url = reverse("web:person", args=[person.reference])
    return submit(
        request,
        form,
        lambda form: services.move_child(
            child=person,
            to_house=form.cleaned_data["house"],
            move_date=form.cleaned_data["move_date"],
            emergency=form.cleaned_data["emergency"],
            justification=form.justification(),
            by=request.user,
        ),
        message=_("Le changement de maison est enregistré."),
        success=person_url,
        template="form_page.html",
        context={
            "person": person,
            "title": _("Changer de maison"),
            "submit_label": _("Enregistrer le changement"),
            "cancel_url": person_url,
        },
    )


@requires("placement", "change")
@require_http_methods(["GET", "POST"])
def exit_(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.exit")
    person_url = reverse("web:person", args=[person.reference])
    return submit(
        request,
        ExitForm(request.POST or None),
        lambda form: services.record_exit(
            child=person,
            exit_date=form.cleaned_data["exit_date"],
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            emergency=form.cleaned_data["emergency"],
            by=request.user,
        ),
        message=_("La sortie est enregistrée."),
        success=person_url,
        template="form_page.html",
        context={
            "person": person,
            "title": _("Sortie du village"),
            "submit_label": _("Enregistrer la sortie"),
            "cancel_url": person_url,
        },
    )


@requires("judge_notice", "change")
@require_POST
def judge_informed(request, pk):
    """A small form inside another page (the person page's list of notices): with htmx, only the
    notice's state cell comes back, refusal included; without, the refusal is a message on the
    person page. Neither shows the form again, so this view does not go through the form
    flow."""
    notice = queries.village_notice(request.user, pk)
    form = JudgeInformedForm(request.POST)
    error = None
    if form.is_valid():
        try:
            notice = services.mark_judge_informed(
                notice, on=form.cleaned_data["sent_on"], by=request.user
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
    else:
        error = _("Indiquez la date à laquelle le juge a été informé.")
    if request.htmx:
        # Only the state cell of the notice changes: no page reload.
        return render(
            request,
            "placements/_judge_notice_state.html",
            {"n": notice, "error": error, "can_change": True},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("L'information du juge est notée comme faite."))
    return redirect("web:person", reference=notice.child.reference)
