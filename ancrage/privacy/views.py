"""The retention pages: the rules (read), the holds of one's establishments (place, lift), the
runs (start a dry run, read it, approve it; the progress on the job page)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ancrage.kernel.access import can, requires
from ancrage.kernel.flow import act, submit
from ancrage.kernel.jobs import remember_job
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment
from ancrage.people.models import Person
from ancrage.privacy import jobs, queries, services
from ancrage.privacy import requests as subject_requests
from ancrage.privacy.forms import (
    ArchiveOpenForm,
    ExtendRequestForm,
    HoldForm,
    LiftHoldForm,
    SubjectRequestForm,
)
from ancrage.privacy.models import RetentionRun, SubjectRequest
from ancrage.privacy.retention import summary


@requires("retention_rule", "view")
@require_GET
def rules(request):
    return render(request, "privacy/rules.html", {"rules": queries.rules()})


@requires("retention_hold", "view")
@require_GET
def holds(request):
    return render(
        request,
        "privacy/holds.html",
        {
            "holds": queries.holds(request.user),
            "can_change": can(request.user, "retention_hold", "change"),
        },
    )


@requires("retention_hold", "change")
def hold_add(request):
    establishments = reach(request.user, "retention_hold", "change").establishment_places
    form = HoldForm(request.POST or None, establishments=establishments)

    def save(form):
        person = (
            Person.objects.visible_to(request.user)
            .filter(reference=form.cleaned_data["reference"])
            .first()
        )
        if person is None:
            raise ValidationError(
                {"reference": _("Aucun dossier que vous suivez ne porte cette référence.")}
            )
        return services.place_hold(
            request.user, person, form.cleaned_data["establishment"], form.cleaned_data["reason"]
        )

    return submit(
        request,
        form,
        save,
        template="form_page.html",
        context={
            "title": _("Geler un dossier"),
            "help": _(
                "Un dossier gelé n'est ni archivé ni anonymisé par le passage de conservation "
                "tant que le gel n'est pas levé."
            ),
            "submit_label": _("Geler le dossier"),
            "cancel_url": reverse("privacy:holds"),
        },
        success="privacy:holds",
        message=_("Le dossier est gelé."),
    )


@requires("retention_hold", "change")
def hold_lift(request, pk):
    hold = queries.hold(request.user, pk)
    form = LiftHoldForm(request.POST or None)
    return submit(
        request,
        form,
        lambda form: services.lift_hold(request.user, hold, form.cleaned_data["lift_reason"]),
        template="form_page.html",
        context={
            "title": _("Lever le gel du dossier %(reference)s")
            % {"reference": hold.person.reference},
            "submit_label": _("Lever le gel"),
            "cancel_url": reverse("privacy:holds"),
        },
        success="privacy:holds",
        message=_("Le gel est levé."),
    )


@requires("retention_run", "view")
@require_GET
def runs(request):
    return render(
        request,
        "privacy/runs.html",
        {
            "runs": queries.runs(request.user),
            "can_start": can(request.user, "retention_run", "change"),
        },
    )


@requires("retention_run", "change")
@require_POST
def run_start(request):
    organisation = queries.run_organisation(request.user)
    if organisation is None:
        return redirect("privacy:runs")
    run = jobs.start_dry_run(request.user, organisation)
    remember_job(request, run.dry_run_job)
    return redirect("web:job", run.dry_run_job.pk)


@requires("retention_run", "view")
@require_GET
def run(request, pk):
    retention_run = queries.run(request.user, pk)
    lines = queries.lines_for(request.user, retention_run)
    return render(
        request,
        "privacy/run.html",
        {
            "run": retention_run,
            "lines": lines,
            "counts": summary(lines),
            "approvable": retention_run.state == RetentionRun.State.PROPOSED
            and can(request.user, "retention_run", "change"),
        },
    )


@requires("retention_run", "change")
@require_POST
def run_approve(request, pk):
    retention_run = queries.run(request.user, pk, "change")
    result = {}

    def do():
        result["run"] = jobs.approve_and_run(request.user, retention_run)
        remember_job(request, result["run"].run_job)
        return result["run"]

    response = act(
        request,
        do,
        success=reverse("privacy:run", args=[retention_run.pk]),
        message=_("Le passage est approuvé ; il s'exécute."),
        confirm={
            "title": _("Approuver et exécuter le passage de conservation ?"),
            "consequences": [
                _(
                    "Le passage calcule à nouveau ce qui est dû, puis archive ou anonymise les "
                    "dossiers listés qui le sont encore."
                ),
                _(
                    "Un dossier anonymisé perd ses noms, dates de naissance et coordonnées : "
                    "personne ne pourra plus les retrouver."
                ),
            ],
            "label": _("Approuver et exécuter"),
        },
    )
    if "run" in result:
        return redirect("web:job", result["run"].run_job.pk)
    return response


@requires("archive", "use")
def archive_open(request):
    form = ArchiveOpenForm(request.POST or None)
    return submit(
        request,
        form,
        lambda form: services.open_archive(
            request.user, form.cleaned_data["reference"], form.cleaned_data["reason"]
        ),
        template="form_page.html",
        context={
            "title": _("Consulter un dossier archivé"),
            "help": _(
                "Un dossier archivé n'est plus visible de personne. Son directeur "
                "d'établissement ou la direction nationale peut l'ouvrir pour un motif écrit, "
                "pour une durée limitée ; l'ouverture est enregistrée."
            ),
            "submit_label": _("Ouvrir le dossier"),
            "cancel_url": reverse("privacy:runs"),
        },
        success=lambda access: reverse("web:person", args=[access.person.reference]),
        message=_("Le dossier archivé est ouvert pour une durée limitée."),
    )


def _request(request, pk, action="view") -> SubjectRequest:
    return queries.subject_request(request.user, pk, action)


@requires("subject_request", "view")
@require_GET
def requests_list(request):
    return render(
        request,
        "privacy/requests.html",
        {
            "requests": list(
                SubjectRequest.objects.visible_to(request.user).select_related(
                    "person", "establishment"
                )[:200]
            )
        },
    )


@requires("subject_request", "change")
def request_add(request):
    where = reach(request.user, "subject_request", "change")
    establishments = list(where.establishment_places) or list(
        Establishment.objects.filter(organisation_id__in=sorted(where.organisations)).order_by(
            "name", "pk"
        )
    )
    form = SubjectRequestForm(request.POST or None, establishments=establishments)

    def save(form):
        data = dict(form.cleaned_data)
        reference = data.pop("reference")
        data["establishment"] = next(e for e in establishments if e.pk == data["establishment"])
        return subject_requests.record_request(request.user, reference=reference, **data)

    return submit(
        request,
        form,
        save,
        template="form_page.html",
        context={
            "title": _("Enregistrer une demande d'exercice de droits"),
            "help": _(
                "La réponse est due dans le mois de la réception ; le délai peut être porté à "
                "trois mois, avec un motif."
            ),
            "cancel_url": reverse("privacy:requests"),
        },
        success=lambda saved: reverse("privacy:request", args=[saved.pk]),
        message=_("La demande est enregistrée."),
    )


@requires("subject_request", "view")
@require_GET
def request_detail(request, pk):
    subject_request = queries.subject_request(request.user, pk, record=True)
    return render(
        request,
        "privacy/request.html",
        {
            "subject_request": subject_request,
            "extend_form": ExtendRequestForm(),
            "can_change": can(request.user, "subject_request", "change"),
        },
    )


@requires("subject_request", "change")
@require_POST
def request_extend(request, pk):
    subject_request = _request(request, pk, "change")
    form = ExtendRequestForm(request.POST)
    reason = form.data.get("extension_reason", "")
    return act(
        request,
        lambda: subject_requests.extend_request(request.user, subject_request, reason),
        success=reverse("privacy:request", args=[pk]),
        message=_("Le délai de réponse est porté à trois mois."),
    )


@requires("subject_request", "change")
@require_POST
def request_review(request, pk):
    subject_request = _request(request, pk, "change")
    return act(
        request,
        lambda: subject_requests.review_request(request.user, subject_request),
        success=reverse("privacy:request", args=[pk]),
        message=_("La demande est examinée : la réponse peut être préparée."),
    )


@requires("subject_request", "change")
@require_POST
def request_export(request, pk):
    subject_request = _request(request, pk, "change")
    try:
        job = subject_requests.start_export(request.user, subject_request)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("privacy:request", pk)
    remember_job(request, job)
    return redirect("web:job", job.pk)
