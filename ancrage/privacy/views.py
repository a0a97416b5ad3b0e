"""The data-protection pages: the rules (read), the holds of one's establishments (place, lift),
the runs (start a dry run, read it, approve it; the progress on the job page), the requests
about one's data, and a person's image rights (consents per use, photos)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ancrage.kernel.access import can, requires
from ancrage.kernel.documents import download, render_pdf
from ancrage.kernel.flow import act, submit
from ancrage.kernel.jobs import remember_job
from ancrage.kernel.middleware import large_body
from ancrage.kernel.scopes import reach
from ancrage.organisation.models import Establishment
from ancrage.people.consents import withdraw_consent
from ancrage.people.models import Person
from ancrage.people.queries import record_person_read, visible_person
from ancrage.privacy import consents, jobs, queries, register, services
from ancrage.privacy import requests as subject_requests
from ancrage.privacy.forms import (
    ArchiveOpenForm,
    DecisionForm,
    ExtendRequestForm,
    HoldForm,
    ImageConsentForm,
    LiftHoldForm,
    MediaForm,
    SubjectRequestForm,
    WithdrawConsentForm,
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
                    "person", "account", "establishment"
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
@require_http_methods(["GET", "POST"])
def request_decide(request, pk):
    subject_request = _request(request, pk, "change")
    back = reverse("privacy:request", args=[pk])
    return submit(
        request,
        DecisionForm(request.POST or None),
        lambda form: subject_requests.decide_request(
            request.user,
            subject_request,
            form.cleaned_data["decision"],
            form.cleaned_data["decision_reason"],
        ),
        template="form_page.html",
        context={
            "title": _("Répondre : %(kind)s · %(reference)s")
            % {
                "kind": subject_request.get_kind_display(),
                "reference": subject_request.subject_label,
            },
            "help": _("Réponse due le %(d)s.") % {"d": subject_request.due_on.strftime("%d/%m/%Y")},
            "submit_label": _("Enregistrer la décision"),
            "cancel_url": back,
        },
        success=back,
        message=_("La décision est enregistrée ; la demande est répondue."),
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


# --- Image rights -----------------------------------------------------------------------------


@requires("image_consent", "view")
@require_GET
def image_rights(request, reference):
    person = visible_person(request.user, reference, audit_as="privacy.image_rights")
    return render(
        request,
        "privacy/image_rights.html",
        {
            "person": person,
            **consents.image_rights_of(person),
            "can_change": can(request.user, "image_consent", "change"),
            "can_see_media": can(request.user, "child_media", "view"),
        },
    )


@requires("image_consent", "change")
@require_http_methods(["GET", "POST"])
def consent_add(request, reference):
    person = visible_person(request.user, reference, audit_as="privacy.consent_add")
    back = reverse("privacy:image_rights", args=[person.reference])
    form = ImageConsentForm(
        request.POST or None,
        initial={
            "child_opinion": "" if consents.is_minor(person, timezone.localdate()) else "adult"
        },
    )
    return submit(
        request,
        form,
        lambda form: consents.record_consent(request.user, person, **form.cleaned_data),
        template="form_page.html",
        context={
            "person": person,
            "title": _("Consentement au droit à l'image"),
            "help": _(
                "Un consentement par usage. Pour un mineur : les titulaires de l'autorité "
                "parentale consentent, l'avis de l'enfant est recueilli selon son âge et, s'il "
                "s'y oppose, aucune image n'est utilisée."
            ),
            "submit_label": _("Enregistrer le consentement"),
            "cancel_url": back,
        },
        success=back,
        message=_("Le consentement est enregistré."),
    )


@requires("image_consent", "change")
@require_http_methods(["GET", "POST"])
def consent_withdraw(request, pk):
    consent = consents.visible_consent(request.user, pk)
    person = consent.person
    record_person_read(request.user, person, "privacy.consent_withdraw")
    back = reverse("privacy:image_rights", args=[person.reference])
    return submit(
        request,
        WithdrawConsentForm(request.POST or None),
        lambda form: withdraw_consent(request.user, consent, form.cleaned_data["withdrawal_note"]),
        template="form_page.html",
        context={
            "person": person,
            "title": _("Retirer le consentement : %(what)s") % {"what": consent},
            "help": _(
                "Le retrait vaut dès aujourd'hui : les photos et vidéos conservées pour cet "
                "usage sont masquées aussitôt ; une orientation vers un partenaire n'est plus "
                "accueillie."
            ),
            "submit_label": _("Retirer le consentement"),
            "cancel_url": back,
        },
        success=back,
        message=_("Le consentement est retiré."),
    )


@requires("child_media", "change")
@require_http_methods(["GET", "POST"])
@large_body("MEDIA_MAX_BYTES")
def media_add(request, reference):
    person = visible_person(request.user, reference, audit_as="privacy.media_add")
    back = reverse("privacy:image_rights", args=[person.reference])
    return submit(
        request,
        MediaForm(request.POST or None, request.FILES or None),
        lambda form: consents.attach_media(request.user, person, **form.cleaned_data),
        template="form_page.html",
        context={
            "person": person,
            "title": _("Ajouter une photo ou une vidéo"),
            "help": _(
                "Une photo ou une vidéo n'est jointe au dossier que si un consentement est en "
                "vigueur pour son usage ; elle est masquée dès qu'il est retiré ou expiré."
            ),
            "submit_label": _("Ajouter"),
            "cancel_url": back,
            "multipart": True,
        },
        success=back,
        message=_("La photo ou la vidéo est ajoutée au dossier."),
    )


@requires("child_media", "view")
@require_GET
def media_download(request, pk):
    media = consents.visible_media(request.user, pk)
    record_person_read(request.user, media.person, "privacy.media")
    try:
        handle = media.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return download(handle, media.original_name, media.content_type)


# --- The register of processing activities (art. 30) and the DPIA ------------------------------


def _register_context():
    return {
        "processings": register.processings(),
        "measures": register.security_measures(),
        "criteria": register.CRITERIA,
        "today": timezone.localdate(),
    }


@requires("processing_register", "view")
@require_GET
def processing_register(request):
    return render(request, "privacy/register.html", _register_context())


@requires("processing_register", "view")
@require_GET
def processing_register_pdf(request):
    pdf = render_pdf(
        "privacy/register.pdf.html",
        _register_context(),
        stylesheet=subject_requests.EXPORT_STYLESHEET,
    )
    return download(
        pdf, f"registre-des-traitements-{timezone.localdate().isoformat()}.pdf", "application/pdf"
    )


@requires("processing_register", "view")
@require_GET
def dpia(request):
    processings = register.processings()
    return render(
        request,
        "privacy/dpia.html",
        {
            "processings": [
                {
                    "processing": p,
                    "criteria": [register.CRITERIA[c] for c in p.criteria],
                    "needed": register.dpia_needed(p),
                }
                for p in processings
            ],
            "parts": register.DPIA_PARTS,
        },
    )
