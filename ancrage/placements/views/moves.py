"""Moves between houses, exits from the village, and the judge's notices marked as done."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.kernel.access import requires
from ancrage.kernel.flow import act, submit
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
    """A small form inside another page (the person page's list of notices), so a button's flow:
    with htmx, only the notice's state cell comes back, refusal included; without, the answer is
    a message on the person page."""
    notice = queries.village_notice(request.user, pk)
    form = JudgeInformedForm(request.POST)

    def mark():
        if not form.is_valid():
            errors = form.errors.get("sent_on") if form.data.get("sent_on") else None
            raise ValidationError(
                errors[0] if errors else _("Indiquez la date à laquelle le juge a été informé.")
            )
        return services.mark_judge_informed(
            notice, on=form.cleaned_data["sent_on"], by=request.user
        )

    return act(
        request,
        mark,
        success=reverse("web:person", args=[notice.child.reference]),
        message=_("L'information du juge est notée comme faite."),
        partial="placements/_judge_notice_state.html",
        context=lambda marked, error: {"n": marked or notice, "error": error, "can_change": True},
    )
