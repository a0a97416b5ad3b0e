"""Protection measures and their documents: a new measure or renewal, attaching a document,
downloading one."""

import logging

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.kernel.access import requires
from ancrage.kernel.documents import download
from ancrage.kernel.flow import submit
from ancrage.people.queries import visible_person
from ancrage.placements.forms.measures import DocumentForm, MeasureForm
from ancrage.placements.queries import measures as queries
from ancrage.placements.queries.stays import villages_of
from ancrage.placements.services import measures as services

logger = logging.getLogger(__name__)


@requires("measure", "change")
@require_http_methods(["GET", "POST"])
def measure_create(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.measure_create")
    form = MeasureForm(
        request.POST or None,
        villages=villages_of(request.user),
        renewable=queries.renewable_measures(person),
    )
    person_url = reverse("web:person", args=[person.reference])
    return submit(
        request,
        form,
        lambda form: services.record_measure(child=person, by=request.user, **form.cleaned_data),
        message=_("La mesure de protection est enregistrée."),
        success=person_url,
        template="form_page.html",
        context={
            "person": person,
            "title": _("Nouvelle mesure de protection"),
            "submit_label": _("Enregistrer la mesure"),
            "cancel_url": person_url,
        },
    )


@requires("measure", "change")
@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    measure = queries.visible_measure(request.user, pk, audit_as="placements.document_add")
    form = DocumentForm(request.POST or None, request.FILES or None)
    person_url = reverse("web:person", args=[measure.child.reference])
    return submit(
        request,
        form,
        lambda form: services.attach_document(
            measure, form.cleaned_data["kind"], form.cleaned_data["file"], by=request.user
        ),
        message=_("La pièce est jointe à la mesure."),
        success=f"{person_url}#mesure",
        template="placements/document_form.html",
        context={
            "measure": measure,
            "person": measure.child,
            "title": _("Joindre une pièce à la mesure"),
            "help": _(
                "Le fichier est conservé hors du site et n'est remis qu'aux personnes "
                "autorisées ; chaque téléchargement est enregistré."
            ),
            "submit_label": _("Joindre la pièce"),
            "cancel_url": person_url,
            "multipart": True,
        },
    )


@requires("measure", "view")
def document_download(request, pk):
    """The document itself, only through the access checks: never shown inline, never sniffed
    into another type by the browser, never cached."""
    document = queries.visible_document(request.user, pk)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        logger.error("Document %s is missing from storage (%s)", document.pk, document.file.name)
        raise Http404 from None
    return download(handle, document.original_name, document.content_type)
