"""Protection measures and their documents: a new measure or renewal, attaching a document,
downloading one."""

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form
from ancrage.people.queries import visible_person
from ancrage.placements.forms.measures import DocumentForm, MeasureForm
from ancrage.placements.models import ProtectionMeasure
from ancrage.placements.queries import measures as queries
from ancrage.placements.queries.stays import villages_of
from ancrage.placements.services import measures as services

logger = logging.getLogger(__name__)


@requires("measure", "change")
@require_http_methods(["GET", "POST"])
def measure_create(request, reference):
    person = visible_person(request.user, reference, audit_as="placements.measure_create")
    villages = villages_of(request.user)
    renewable = ProtectionMeasure.objects.filter(child=person, renewal__isnull=True)
    form = MeasureForm(request.POST or None, villages=villages, renewable=renewable)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_measure(child=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La mesure de protection est enregistrée."))
            return redirect("web:person", reference=person.reference)
    return render(request, "placements/measure_form.html", {"person": person, "form": form})


@requires("measure", "change")
@require_http_methods(["GET", "POST"])
def document_add(request, pk):
    measure = queries.visible_measure(request.user, pk, audit_as="placements.document_add")
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attach_document(
                measure, form.cleaned_data["kind"], form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("La pièce est jointe à la mesure."))
            detail = reverse("web:person", kwargs={"reference": measure.child.reference})
            return redirect(f"{detail}#mesure")
    return render(request, "placements/document_form.html", {"measure": measure, "form": form})


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
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
