"""The projet pour l'autonomie pages: the project (read-only for the young person), editing
its areas, recording the accompaniment after 18."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.care.forms.autonomy import ProjectForm, SupportForm, area_forms
from ancrage.care.queries.autonomy import project_page
from ancrage.care.services import autonomy as services
from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit


@requires("autonomy", "view")
def project(request, reference):
    return render(request, "care/autonomy.html", project_page(request.user, reference))


@requires("autonomy", "change")
@require_http_methods(["GET", "POST"])
def project_edit(request, reference):
    context = project_page(request.user, reference, audit_as="care.autonomy_edit")
    areas = area_forms(request.POST or None, context["areas"])
    return submit(
        request,
        ProjectForm(request.POST or None),
        lambda form: services.save_project(
            context["person"],
            areas={area.code: area.cleaned_data for area in areas},
            by=request.user,
        ),
        also_valid=areas,
        message=_("Le projet pour l'autonomie est enregistré."),
        success=reverse("care:autonomy", args=[reference]),
        template="care/autonomy_form.html",
        context={
            **context,
            "forms": areas,
            "title": _("Projet pour l'autonomie"),
            "submit_label": _("Enregistrer le projet"),
            "cancel_url": reverse("care:autonomy", args=[reference]),
        },
        refused_status=422,
    )


@requires("autonomy", "change")
@require_http_methods(["GET", "POST"])
def support_add(request, reference):
    context = project_page(request.user, reference, audit_as="care.autonomy_support")
    limit = context["limit"]
    return submit(
        request,
        SupportForm(request.POST or None),
        lambda form: services.add_support(context["person"], by=request.user, **form.cleaned_data),
        message=_("L'accompagnement est enregistré."),
        success=reverse("care:autonomy", args=[reference]),
        template="form_page.html",
        context={
            **context,
            "title": _("Accompagnement après 18 ans"),
            "help": (
                _("L'accompagnement prend fin au plus tard le %(d)s, 21e anniversaire.")
                % {"d": f"{limit:%d/%m/%Y}"}
                if limit
                else ""
            ),
            "submit_label": _("Enregistrer l'accompagnement"),
            "cancel_url": reverse("care:autonomy", args=[reference]),
        },
        refused_status=422,
    )
