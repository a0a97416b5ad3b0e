"""The beneficiaries: the list, the file with its inline forms, the eligibility, the exit and
the follow-ups."""

from django.shortcuts import render
from django.urls import reverse
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
    EligibilityForm,
    ExitForm,
    FollowUpForm,
    SituationForm,
)
from ancrage.insertion.models import SITUATION_FIELDS, PriorityPublic
from ancrage.insertion.queries import beneficiary as queries
from ancrage.insertion.queries.accompaniment import open_objectives
from ancrage.insertion.services import beneficiary as services
from ancrage.insertion.services.accompaniment import limit_alert
from ancrage.kernel.access import requires
from ancrage.kernel.calendar import add_months
from ancrage.kernel.flow import submit
from ancrage.kernel.versions import expected_version, record_data


@requires("beneficiary", "view")
def beneficiaries(request):
    context = queries.beneficiary_list(
        request.user, request.GET or None, page=request.GET.get("page", 1)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "insertion/beneficiaries.html", {"query": query.urlencode(), **context})


def file_context(request, pk, bound=None) -> dict:
    """The file of a beneficiary in scope with, for those who may change it, its forms: each
    with its prefix (several forms on one page keep unique field ids), `bound` replacing the
    one that was sent back with its errors."""
    context = queries.beneficiary_file(request.user, pk)
    forms = {}
    accompaniment = context["accompaniment"]
    if context["can_change"]:
        today = timezone.localdate()
        # the latest barrier update shown (prefetched with the file: no query more)
        seen = max(
            (
                update.pk
                for barrier in (accompaniment.barriers.all() if accompaniment else ())
                for update in barrier.updates.all()
            ),
            default=0,
        )
        forms = {
            "extend": ExtendForm(prefix="extend", record=accompaniment),
            "barrier": BarrierForm(prefix="barrier", initial={"on": today, "seen": seen}),
            "objective": ObjectiveForm(prefix="objective"),
            "action": ActionForm(prefix="action", objectives=open_objectives(pk)),
            "action_done": ActionDoneForm(prefix="done", initial={"on": today}),
            "objective_close": ObjectiveCloseForm(prefix="close", initial={"on": today}),
            "partner": PartnerReferralForm(prefix="partner", initial={"date": today}),
            "remuneration": RemunerationForm(prefix="remuneration"),
            # the exit's date is the day it happened, often past: typed, never assumed
            "exit": ExitForm(prefix="exit"),
            "follow_up": FollowUpForm(initial={"recorded_on": today}),
        }
        forms.update(bound or {})
        if bound and "barrier" in bound:
            # sent back (refused): saving again works from what the page now shows
            bound["barrier"].data = bound["barrier"].data.copy()
            bound["barrier"].data["barrier-seen"] = str(seen)
    context["forms"] = forms
    context["alert"] = limit_alert(accompaniment) if accompaniment else None
    return context


def file_form(request, beneficiary_pk, name, form, save, message, confirm=None):
    """One of the file's inline forms: saved, back to the file with the message; refused, the
    file again (422) with this form and its errors in place (the file is read only then).
    `confirm`: the action cannot be undone, it is confirmed first (kernel/flow.py)."""
    return submit(
        request,
        form,
        save,
        template="insertion/beneficiary.html",
        context=lambda: file_context(request, beneficiary_pk, bound={name: form}),
        success=reverse("insertion:beneficiary", args=[beneficiary_pk]),
        message=message,
        refused_status=422,
        confirm=confirm,
    )


@requires("beneficiary", "view")
def beneficiary(request, pk):
    return render(request, "insertion/beneficiary.html", file_context(request, pk))


@requires("beneficiary", "change")
@require_http_methods(["GET", "POST"])
def eligibility(request, pk):
    beneficiary = queries.beneficiary_file(request.user, pk)["beneficiary"]
    form = EligibilityForm(
        request.POST or None,
        initial={
            "checked_on": timezone.localdate(),
            "flags": [f.value for f in PriorityPublic if getattr(beneficiary, f.value)],
        },
        record=beneficiary,
    )
    file_url = reverse("insertion:beneficiary", args=[beneficiary.pk])
    return submit(
        request,
        form,
        lambda form: services.check_eligibility(
            beneficiary,
            by=request.user,
            expected_version=expected_version(form),
            **record_data(form),
        ),
        template="form_page.html",
        context={
            "person": beneficiary.person,
            "title": _("Éligibilité"),
            "submit_label": _("Enregistrer l'éligibilité"),
            "cancel_url": file_url,
        },
        success=file_url,
        message=_("L'éligibilité est enregistrée."),
        refused_status=422,
    )


@requires("beneficiary", "change")
@require_POST
def exit_(request, pk):
    beneficiary = queries.beneficiary(request.user, pk)
    return file_form(
        request,
        beneficiary.pk,
        "exit",
        ExitForm(request.POST, prefix="exit"),
        lambda form: services.record_exit(beneficiary, by=request.user, **form.cleaned_data),
        lambda exit_: (
            _(
                "La sortie de %(name)s est enregistrée ; les suivis à 3 et 6 mois sont programmés "
                "(le %(first)s et le %(second)s)."
            )
            % {
                "name": beneficiary.person.full_name,
                **_follow_up_days(exit_.date),
            }
        ),
        confirm=lambda form: _exit_consequences(beneficiary, form),
    )


def _follow_up_days(day) -> dict:
    first, second = (add_months(day, months) for months in services.FOLLOW_UP_MONTHS)
    return {"first": first.strftime("%d/%m/%Y"), "second": second.strftime("%d/%m/%Y")}


def _exit_consequences(beneficiary, form) -> dict:
    """What recording the exit does, said before it is done."""
    data = form.cleaned_data
    reason = dict(form.fields["reason"].choices)[data["reason"]]
    return {
        "title": _("Enregistrer la sortie de %(name)s ?") % {"name": beneficiary.person.full_name},
        "consequences": [
            _("Sortie le %(day)s : %(reason)s.")
            % {"day": data["date"].strftime("%d/%m/%Y"), "reason": reason},
            _(
                "L'accompagnement se termine ; les suivis à 3 et 6 mois sont programmés (le "
                "%(first)s et le %(second)s)."
            )
            % _follow_up_days(data["date"]),
            _("Le motif compte dans les sorties du rapport d'activité."),
        ],
        "label": _("Enregistrer la sortie"),
    }


@requires("beneficiary", "change")
@require_POST
def follow_up(request, pk):
    record = queries.follow_up(request.user, pk)
    return file_form(
        request,
        record.exit.beneficiary_id,
        "follow_up",
        FollowUpForm(request.POST),
        lambda form: services.record_follow_up(record, **form.cleaned_data),
        _("Le suivi est enregistré."),
    )


@requires("beneficiary", "change")
@require_http_methods(["GET", "POST"])
def situation(request, pk):
    """The social and professional situation at entry, on its own page."""
    beneficiary = queries.beneficiary_file(request.user, pk)["beneficiary"]
    form = SituationForm(
        request.POST or None,
        initial={name: getattr(beneficiary, name) for name in SITUATION_FIELDS},
        record=beneficiary,
    )
    file_url = reverse("insertion:beneficiary", args=[beneficiary.pk])
    return submit(
        request,
        form,
        lambda form: services.record_situation(
            beneficiary, expected_version=expected_version(form), **record_data(form)
        ),
        template="form_page.html",
        context={
            "person": beneficiary.person,
            "title": _("Situation socioprofessionnelle à l'entrée"),
            "help": _(
                "Ce que décrit le rapport annuel (décret 2024-584). Laissez « Non renseigné » "
                "ce que vous ne savez pas."
            ),
            "cancel_url": file_url,
        },
        success=file_url,
        message=_("La situation est enregistrée."),
        refused_status=422,
    )
