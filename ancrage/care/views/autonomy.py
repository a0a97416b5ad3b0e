"""The projet pour l'autonomie pages: the project (read-only for the young person), editing
its areas, recording the accompaniment after 18."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.care.forms.autonomy import SupportForm, area_forms
from ancrage.care.queries.autonomy import project_page
from ancrage.care.services import autonomy as services
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form


@requires("autonomy", "view")
def project(request, reference):
    return render(request, "care/autonomy.html", project_page(request.user, reference))


@requires("autonomy", "change")
@require_http_methods(["GET", "POST"])
def project_edit(request, reference):
    context = project_page(request.user, reference, audit_as="care.autonomy_edit")
    forms = area_forms(request.POST or None, context["areas"])
    errors = []
    if request.method == "POST" and all(form.is_valid() for form in forms):
        try:
            services.save_project(
                context["person"],
                areas={form.code: form.cleaned_data for form in forms},
                by=request.user,
            )
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _("Le projet pour l'autonomie est enregistré."))
            return redirect("care:autonomy", reference=reference)
    context.update({"forms": forms, "errors": errors})
    status = 422 if request.method == "POST" else 200
    return render(request, "care/autonomy_form.html", context, status=status)


@requires("autonomy", "change")
@require_http_methods(["GET", "POST"])
def support_add(request, reference):
    context = project_page(request.user, reference, audit_as="care.autonomy_support")
    form = SupportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_support(context["person"], by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("L'accompagnement est enregistré."))
            return redirect("care:autonomy", reference=reference)
    context["form"] = form
    status = 422 if request.method == "POST" else 200
    return render(request, "care/autonomy_support_form.html", context, status=status)
