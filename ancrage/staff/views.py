"""Pages of the staff register: the registers one keeps, one establishment's register, one
entry, a new entry; one's own entries."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.kernel.access import authenticated, can, requires
from ancrage.kernel.flow import submit
from ancrage.staff import queries, services
from ancrage.staff.forms import AttestationForm, StaffMemberForm


@requires("staff", "view")
@require_http_methods(["GET"])
def home(request):
    return render(request, "staff/home.html", {"registers": queries.registers(request.user)})


@requires("staff", "view")
@require_http_methods(["GET"])
def register(request, pk):
    establishment = queries.register_establishment(request.user, pk)
    return render(
        request,
        "staff/register.html",
        {
            "establishment": establishment,
            "members": queries.register(request.user, establishment),
            "can_change": can(request.user, "staff", "change"),
        },
    )


@requires("staff", "change")
@require_http_methods(["GET", "POST"])
def member_add(request, pk):
    establishment = queries.register_establishment(request.user, pk, "change")

    def save(form):
        data = form.cleaned_data
        return services.add_staff_member(
            establishment,
            by=request.user,
            username=data["username"],
            person=queries.registry_person(request.user, data["reference"]),
            kind=data["kind"],
            role_with_children=data["role_with_children"],
            start_date=data["start_date"],
            end_date=data["end_date"],
        )

    return submit(
        request,
        StaffMemberForm(request.POST or None),
        save,
        template="form_page.html",
        context={
            "title": _("Inscrire au registre du personnel · %(name)s")
            % {"name": establishment.name},
            "cancel_url": reverse("staff:register", args=[establishment.pk]),
        },
        message=_("La personne est inscrite au registre du personnel."),
        success=lambda member: reverse("staff:member", args=[member.pk]),
    )


@requires("staff", "view")
@require_http_methods(["GET"])
def member(request, pk):
    member = queries.staff_member(request.user, pk)
    return render(
        request,
        "staff/member.html",
        {"member": member, "can_change": can(request.user, "staff", "change")},
    )


@requires("staff", "change")
@require_http_methods(["GET", "POST"])
def attestation_add(request, pk):
    member = queries.staff_member(request.user, pk, "change")

    def save(form):
        return services.record_attestation(member, by=request.user, **form.cleaned_data)

    return submit(
        request,
        AttestationForm(request.POST or None),
        save,
        template="form_page.html",
        context={
            "title": _("Attestation d'honorabilité · %(name)s") % {"name": member.name},
            "help": _(
                "Vérifiez l'attestation en ligne avant de l'enregistrer. N'enregistrez que sa "
                "date, la date et la référence de la vérification : jamais le contenu d'un "
                "casier judiciaire."
            ),
            "cancel_url": reverse("staff:member", args=[member.pk]),
        },
        message=_("L'attestation d'honorabilité est enregistrée."),
        success=reverse("staff:member", args=[member.pk]),
    )


@authenticated
@require_http_methods(["GET"])
def mine(request):
    """The staff member's own entries: what the register holds about them."""
    return render(request, "staff/mine.html", {"entries": queries.own_entries(request.user)})
