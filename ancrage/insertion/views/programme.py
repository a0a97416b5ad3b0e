"""The O2R service home and its programmes."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.insertion.forms.programme import ProgrammeForm, TargetForm
from ancrage.insertion.models import Target
from ancrage.insertion.queries import programme as queries
from ancrage.insertion.services import programme as services
from ancrage.kernel.access import requires
from ancrage.kernel.flow import submit
from ancrage.kernel.versions import expected_version, record_data


@requires("o2r_programme", "view")
def home(request):
    pages = {block: request.GET.get(param, 1) for block, param in queries.HOME_PAGES.items()}
    return render(request, "insertion/home.html", queries.home(request.user, pages))


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
            **{
                f"departements_{public}": ",".join(codes)
                for public, codes in programme.priority_departements.items()
            },
        }
    form = ProgrammeForm(
        request.POST or None, initial=initial, **queries.programme_choices(request.user)
    )

    def save(form):
        if programme is None:
            return services.create_programme(**form.cleaned_data)
        return services.update_programme(programme, **form.cleaned_data)

    return submit(
        request,
        form,
        save,
        template="insertion/programme_form.html",
        context={
            "programme": programme,
            "title": _("Modifier le programme O2R") if programme else _("Créer un programme O2R"),
            "cancel_url": reverse("insertion:home"),
        },
        success="insertion:home",
        message=_("Le programme est enregistré."),
        refused_status=422,
    )


@requires("o2r_programme", "change")
@require_http_methods(["GET", "POST"])
def programme_add(request):
    return _programme_page(request)


@requires("o2r_programme", "change")
@require_http_methods(["GET", "POST"])
def programme_edit(request, pk):
    return _programme_page(request, queries.programme(request.user, pk))


@requires("o2r_programme", "change")
@require_http_methods(["GET", "POST"])
def targets(request, pk):
    """The agreement's yearly targets, per member: the table, and the form of one member's year
    (chosen by `annee` and `membre` in the address, or by the form posted)."""
    programme = queries.led_programme(request.user, pk)
    members = queries.programme_members(programme)
    years = queries.agreement_years(programme)
    asked = request.POST or request.GET
    year = _choice(asked.get("year") or asked.get("annee"), years)
    member = _choice(asked.get("organisation") or asked.get("membre"), [m.pk for m in members])
    target = Target.objects.filter(programme=programme, organisation_id=member, year=year).first()
    initial = {"year": year, "organisation": member}
    if target is not None:
        initial.update({name: getattr(target, name) for name in services.TARGET_FIELDS})
    form = TargetForm(
        request.POST or None, initial=initial, record=target, years=years, members=members
    )

    def save(form):
        data = record_data(form)
        return services.set_target(
            programme,
            organisation=form.members[data.pop("organisation")],
            year=data.pop("year"),
            version=expected_version(form) if target is not None else None,
            **data,
        )

    return submit(
        request,
        form,
        save,
        template="insertion/targets.html",
        context=lambda: {
            "programme": programme,
            "table": queries.targets_table(programme, members),
            "title": _("Objectifs de la convention"),
            "cancel_url": reverse("insertion:home"),
        },
        success=lambda t: reverse("insertion:targets", args=[programme.pk]),
        message=_("Les objectifs sont enregistrés."),
        refused_status=422,
    )


def _choice(value, allowed):
    """`value` when it is one of `allowed` (integers), else the first."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return allowed[0] if allowed else None
    return number if number in allowed else (allowed[0] if allowed else None)
