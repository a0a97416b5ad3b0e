"""Moves between houses, exits from the village, and the judge's notices marked as done."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.people.queries import visible_person
from ancrage.placements.forms.moves import ExitForm, JudgeInformedForm, MoveForm
from ancrage.placements.models import JudgeNotification
from ancrage.placements.queries.stays import houses_of, villages_of
from ancrage.placements.services import moves as services


@requires("placement", "change")
@require_http_methods(["GET", "POST"])
def move(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.move")
    form = MoveForm(request.POST or None, houses=houses_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.move_child(
                child=person,
                to_house=form.cleaned_data["house"],
                move_date=form.cleaned_data["move_date"],
                emergency=form.cleaned_data["emergency"],
                justification=form.justification(),
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le changement de maison est enregistré."))
            return redirect("web:person", reference=person.reference)
    return render(request, "placements/move_form.html", {"person": person, "form": form})


@requires("placement", "change")
@require_http_methods(["GET", "POST"])
def exit_(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.exit")
    form = ExitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_exit(
                child=person,
                exit_date=form.cleaned_data["exit_date"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La sortie est enregistrée."))
            return redirect("web:person", reference=person.reference)
    return render(request, "placements/exit_form.html", {"person": person, "form": form})


@requires("judge_notice", "change")
@require_POST
def judge_informed(request, pk):
    village_ids = villages_of(request.user).values("pk")
    notice = get_object_or_404(
        JudgeNotification.objects.filter(establishment__in=village_ids).select_related("child"),
        pk=pk,
    )
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
