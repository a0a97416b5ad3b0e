"""The O2R service home and its programmes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.insertion.forms.programme import ProgrammeForm
from ancrage.insertion.queries import programme as queries
from ancrage.insertion.services import programme as services
from ancrage.kernel.access import requires
from ancrage.kernel.forms import errors_to_form


@requires("o2r_programme", "view")
def home(request):
    return render(request, "insertion/home.html", queries.home(request.user))


def _form_page(request, template, form, context, success_url=None):
    return render(
        request,
        template,
        {"form": form, **context},
        status=422 if request.method == "POST" else 200,
    )


def _programme_page(request, programme=None):
    initial = {}
    if programme is not None:
        initial = {
            "name": programme.name,
            "call": programme.call,
            "region": programme.region,
            "departements": programme.departements,
            "start_date": programme.start_date,
            "end_date": programme.end_date,
            "agreement_amount": programme.agreement_amount,
            "organisation": programme.organisation_id,
            "consortium": programme.consortium_id,
            "services": list(programme.services.values_list("pk", flat=True)),
            "efop_territories": list(programme.efop_territories.values_list("pk", flat=True)),
            "target_publics": programme.target_publics,
        }
    form = ProgrammeForm(
        request.POST or None, initial=initial, **queries.programme_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            if programme is None:
                services.create_programme(**form.cleaned_data)
            else:
                services.update_programme(programme, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, _("Le programme est enregistré."))
            return redirect("insertion:home")
    return _form_page(request, "insertion/programme_form.html", form, {"programme": programme})


@requires("o2r_programme", "change")
@require_http_methods(["GET", "POST"])
def programme_add(request):
    return _programme_page(request)


@requires("o2r_programme", "change")
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    return _programme_page(request, queries.programme(request.user, pk))
