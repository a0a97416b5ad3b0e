"""Pages of the staff register: the registers one keeps, one establishment's register, one
entry, a new entry; one's own entries."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ancrage.kernel.access import authenticated, can, requires
from ancrage.kernel.documents import download
from ancrage.kernel.flow import act, submit
from ancrage.kernel.versions import expected_version
from ancrage.staff import queries, services
from ancrage.staff.forms import (
    AttestationForm,
    CodeForm,
    CourseForm,
    SignatureForm,
    StaffMemberChangeForm,
    StaffMemberForm,
    TrainingForm,
)
from ancrage.staff.models import Course

# The establishments of the registers one keeps, a page (the organisation's readers keep them all).
REGISTERS_PER_PAGE = 20


@requires("staff", "view")
@require_http_methods(["GET"])
def home(request):
    page = Paginator(queries.registers(request.user), REGISTERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "staff/home.html", {"page": page, "registers": page.object_list})


@requires("staff", "view")
@require_http_methods(["GET"])
def register(request, pk):
    establishment = queries.register_establishment(request.user, pk)
    members = queries.register(request.user, establishment)
    return render(
        request,
        "staff/register.html",
        {
            "establishment": establishment,
            "members": members,
            "unsigned": [m for m in members if m.is_present and m.code and not m.code_signature],
            "compliance": queries.compliance([m for m in members if m.is_present]),
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
def member_change(request, pk):
    """Correct an entry of the register, or close it when the person leaves."""
    member = queries.staff_member(request.user, pk, "change", what="staff.member_change")
    member_url = reverse("staff:member", args=[member.pk])
    form = StaffMemberChangeForm(request.POST or None, instance=member)
    return submit(
        request,
        form,
        lambda form: services.change_staff_member(
            member,
            {name: form.cleaned_data[name] for name in services.MEMBER_FIELDS},
            by=request.user,
            expected_version=expected_version(form),
        ),
        message=_("L'inscription au registre est mise à jour."),
        success=member_url,
        template="form_page.html",
        context={
            "title": _("Modifier l'inscription · %(name)s") % {"name": member.name},
            "help": _(
                "Pour une personne qui quitte l'établissement, indiquez la date de fin : son "
                "inscription, ses attestations, signatures et formations restent au registre."
            ),
            "cancel_url": member_url,
        },
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


@requires("staff", "change")
@require_http_methods(["GET", "POST"])
def signature_add(request, pk):
    """A signature on paper of the code of conduct in force, recorded for the staff member."""
    member = queries.staff_member(request.user, pk, "change")

    def save(form):
        if member.code is None:
            raise ValidationError(_("Aucune version du code de conduite n'est en vigueur."))
        return services.sign_code(
            member, member.code, by=request.user, signed_on=form.cleaned_data["signed_on"]
        )

    return submit(
        request,
        SignatureForm(request.POST or None),
        save,
        template="form_page.html",
        context={
            "title": _("Signature du code de conduite · %(name)s") % {"name": member.name},
            "help": _("Version en vigueur : %(version)s.")
            % {"version": member.code or _("aucune")},
            "cancel_url": reverse("staff:member", args=[member.pk]),
        },
        message=_("La signature du code de conduite est enregistrée."),
        success=reverse("staff:member", args=[member.pk]),
    )


@requires("staff", "view")
@require_http_methods(["GET"])
def codes(request):
    return render(
        request,
        "staff/codes.html",
        {
            "codes": queries.codes(request.user),
            "can_publish": queries.publishing_organisations(request.user).exists(),
        },
    )


@requires("staff", "change")
@require_http_methods(["GET", "POST"])
def code_publish(request):
    organisations = queries.publishing_organisations(request.user)

    def save(form):
        data = form.cleaned_data
        return services.publish_code(
            data["organisation"],
            by=request.user,
            version=data["version"],
            effective_on=data["effective_on"],
            uploaded=data["file"],
        )

    return submit(
        request,
        CodeForm(request.POST or None, request.FILES or None, organisations=organisations),
        save,
        template="form_page.html",
        context={
            "title": _("Publier une version du code de conduite"),
            "help": _(
                "La direction nationale et les ressources humaines publient le code de conduite "
                "de l'association. Dès son entrée en vigueur, chaque adulte est invité à signer "
                "la nouvelle version."
            ),
            "cancel_url": reverse("staff:codes"),
            "multipart": True,
        },
        message=_("La nouvelle version du code de conduite est publiée."),
        success="staff:codes",
    )


@authenticated
@require_http_methods(["GET"])
def code_document(request, pk):
    code = queries.readable_code(request.user, pk)
    try:
        handle = code.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return download(handle, code.original_name, code.content_type)


@authenticated
@require_http_methods(["POST"])
def sign(request):
    """The staff member signs the code of conduct in force, on their own page."""
    return act(
        request,
        lambda: services.sign_own(request.user),
        success="staff:mine",
        message=_("Merci : votre signature du code de conduite est enregistrée."),
    )


@requires("staff", "view")
@require_http_methods(["GET"])
def courses(request):
    return render(
        request,
        "staff/courses.html",
        {
            "courses": queries.catalogue(request.user),
            "can_add": queries.publishing_organisations(request.user).exists(),
            "induction_days": settings.STAFF_INDUCTION_DAYS,
            "refresher_months": settings.STAFF_REFRESHER_MONTHS,
        },
    )


@requires("staff", "change")
@require_http_methods(["GET", "POST"])
def course_add(request):
    organisations = queries.publishing_organisations(request.user)
    return submit(
        request,
        CourseForm(request.POST or None, organisations=organisations),
        lambda form: services.add_course(
            form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
        ),
        template="form_page.html",
        context={
            "title": _("Ajouter une formation au catalogue"),
            "cancel_url": reverse("staff:courses"),
        },
        message=_("La formation est ajoutée au catalogue."),
        success="staff:courses",
    )


@requires("staff", "change")
@require_http_methods(["GET", "POST"])
def training_add(request, pk):
    member = queries.staff_member(request.user, pk, "change")
    courses = Course.objects.filter(organisation_id=member.establishment.organisation_id)
    return submit(
        request,
        TrainingForm(request.POST or None, courses=courses),
        lambda form: services.record_training(member, by=request.user, **form.cleaned_data),
        template="form_page.html",
        context={
            "title": _("Formation suivie · %(name)s") % {"name": member.name},
            "cancel_url": reverse("staff:member", args=[member.pk]),
        },
        message=_("La formation suivie est enregistrée."),
        success=reverse("staff:member", args=[member.pk]),
    )


@authenticated
@require_http_methods(["GET"])
def mine(request):
    """The staff member's own entries: what the register holds about them."""
    return render(request, "staff/mine.html", {"entries": queries.own_entries(request.user)})
