"""The participation council's pages: the village's council, recording a meeting, a meeting
with its opinions, validating its minutes, answering an opinion."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ancrage.care.queries.deadlines import visible_village
from ancrage.kernel.access import can, requires
from ancrage.kernel.audit import record_shown
from ancrage.kernel.documents import download, render_pdf
from ancrage.kernel.flow import act, submit
from ancrage.participation import council as services
from ancrage.participation.forms import (
    AnswerForm,
    CouncilDocumentForm,
    ElectionForm,
    MeetingForm,
    MemberFileForm,
    OpinionForm,
)
from ancrage.participation.models import Council, CouncilDocument, CouncilMember, Meeting, Opinion
from ancrage.safeguarding.models import Declaration


def _meeting_url(meeting):
    return reverse("participation:council_meeting", args=[meeting.pk])


def _visible_meeting(user, pk):
    return get_object_or_404(
        Meeting.objects.filter(council__in=Council.objects.visible_to(user)).select_related(
            "council__establishment"
        ),
        pk=pk,
    )


@requires("council", "view")
def council(request, pk):
    village = visible_village(request.user, pk)
    council = Council.objects.filter(establishment=village).first()
    meetings = (
        list(council.meetings.prefetch_related("opinions").order_by("-held_on", "-pk"))
        if council
        else []
    )
    waiting = [o for m in meetings for o in m.opinions.all() if o.answered_on is None]
    return render(
        request,
        "participation/council.html",
        {
            "village": village,
            "council": council,
            "meetings": meetings,
            "waiting": waiting,
            "composition": services.composition(council, timezone.localdate()) if council else None,
            "elections": list(council.elections.order_by("-held_on", "-pk")[:10])
            if council
            else [],
            "documents": services.documents(council, timezone.localdate()) if council else [],
            "can_change": can(request.user, "council", "change"),
        },
    )


@requires("council", "change")
@require_http_methods(["GET", "POST"])
def meeting_new(request, pk):
    village = visible_village(request.user, pk)
    # the village's declarations the user reads whose authority was alerted
    declarations = (
        Declaration.objects.visible_to(request.user)
        .filter(incident__establishment=village, alerted_at__isnull=False)
        .select_related("incident")
        .order_by("-alerted_at", "-pk")
    )
    return submit(
        request,
        MeetingForm(request.POST or None, declarations=declarations),
        lambda form: services.record_meeting(village, request.user, **form.cleaned_data),
        message=_("La réunion du conseil est enregistrée."),
        success=_meeting_url,
        template="form_page.html",
        context={
            "title": _("Réunion du conseil de la vie sociale · %(v)s") % {"v": village.name},
            "submit_label": _("Enregistrer la réunion"),
            "cancel_url": reverse("participation:council", args=[village.pk]),
            "help": _(
                "Le conseil se réunit au moins trois fois par an. Le relevé de conclusions peut "
                "être écrit plus tard ; validé, il est publié aux enfants et aux familles du "
                "village."
            ),
        },
        refused_status=422,
    )


@requires("council", "view")
def meeting(request, pk):
    meeting = _visible_meeting(request.user, pk)
    return render(
        request,
        "participation/council_meeting.html",
        {
            "meeting": meeting,
            "village": meeting.council.establishment,
            "opinions": list(meeting.opinions.select_related("reported_at", "answered_by")),
            "declarations": list(meeting.informed_of.order_by("alerted_at", "pk")),
            "reported": list(meeting.reported_answers.select_related("meeting")),
            "opinion_form": OpinionForm(),
            "can_change": can(request.user, "council", "change"),
        },
    )


@requires("council", "view")
def minutes_pdf(request, pk):
    """The validated minutes of a meeting as a PDF to post in the village and hand to the
    families (they have no account): the agenda, the conclusions, the council's opinions and the
    answers the establishment gave. Minutes not yet validated are not published: 404."""
    meeting = _visible_meeting(request.user, pk)
    if not meeting.is_published:
        raise Http404
    content = render_pdf(
        "participation/minutes_pdf.html",
        {
            "meeting": meeting,
            "village": meeting.council.establishment,
            "opinions": list(meeting.opinions.select_related("reported_at")),
            "reported": list(meeting.reported_answers.select_related("meeting")),
        },
        css="@page { size: A4; margin: 2cm; @bottom-right { content: counter(page) ' / ' "
        "counter(pages); font-size: 9pt; } } body { font-family: sans-serif; font-size: 11pt; }"
        " h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.2em; }",
    )
    return download(content, f"releve-conseil-{meeting.held_on:%Y-%m-%d}.pdf", "application/pdf")


@requires("council", "change")
@require_POST
def opinion_add(request, pk):
    meeting = _visible_meeting(request.user, pk)
    form = OpinionForm(request.POST)

    def add():
        if not form.is_valid():
            raise ValidationError(_("Choisissez avis ou proposition et écrivez-le."))
        return services.add_opinion(meeting, request.user, **form.cleaned_data)

    return act(
        request, add, message=_("L'avis du conseil est noté."), success=_meeting_url(meeting)
    )


@requires("council", "change")
@require_POST
def minutes_validate(request, pk):
    meeting = _visible_meeting(request.user, pk)
    return act(
        request,
        lambda: services.validate_minutes(meeting, request.user),
        message=_("Le relevé de conclusions est validé et publié aux enfants et aux familles."),
        success=_meeting_url(meeting),
    )


@requires("council", "change")
@require_http_methods(["GET", "POST"])
def opinion_answer(request, pk):
    opinion = get_object_or_404(
        Opinion.objects.filter(
            meeting__council__in=Council.objects.visible_to(request.user)
        ).select_related("meeting__council__establishment"),
        pk=pk,
    )
    return submit(
        request,
        AnswerForm(request.POST or None),
        lambda form: services.answer_opinion(opinion, request.user, **form.cleaned_data),
        message=_("La réponse est enregistrée ; elle sera présentée à la prochaine réunion."),
        success=_meeting_url(opinion.meeting),
        template="form_page.html",
        context={
            "title": _("Réponse de l'établissement"),
            "help": opinion.text,
            "submit_label": _("Enregistrer la réponse"),
            "cancel_url": _meeting_url(opinion.meeting),
        },
        refused_status=422,
    )


@requires("council", "change")
@require_http_methods(["GET", "POST"])
def election_new(request, pk):
    village = visible_village(request.user, pk)
    council_url = reverse("participation:council", args=[village.pk])
    return submit(
        request,
        ElectionForm(request.POST or None),
        lambda form: services.record_election(village, request.user, **form.cleaned_data),
        message=_("Les résultats de l'élection sont enregistrés ; les élus sont membres."),
        success=council_url,
        template="form_page.html",
        context={
            "title": _("Élection au conseil de la vie sociale · %(v)s") % {"v": village.name},
            "submit_label": _("Enregistrer les résultats"),
            "cancel_url": council_url,
        },
        refused_status=422,
    )


@requires("council", "change")
@require_http_methods(["GET", "POST"])
def document_new(request, pk):
    village = visible_village(request.user, pk)
    council_url = reverse("participation:council", args=[village.pk])

    def save(form):
        data = dict(form.cleaned_data)
        return services.add_document(village, request.user, uploaded=data.pop("file"), **data)

    return submit(
        request,
        CouncilDocumentForm(request.POST or None, request.FILES or None),
        save,
        message=_("Le document du conseil est déposé."),
        success=f"{council_url}#documents",
        template="form_page.html",
        context={
            "title": _("Document du conseil de la vie sociale · %(v)s") % {"v": village.name},
            "help": _(
                "L'acte d'institution, le règlement intérieur ou un autre document du conseil. "
                "Les membres du conseil qui sont des jeunes le voient dans leur espace."
            ),
            "submit_label": _("Déposer le document"),
            "cancel_url": council_url,
            "multipart": True,
        },
        refused_status=422,
    )


@requires("council", "view")
def document(request, pk):
    document = get_object_or_404(
        CouncilDocument.objects.filter(council__in=Council.objects.visible_to(request.user)),
        pk=pk,
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return download(handle, document.original_name, document.content_type)


@requires("council", "change")
@require_http_methods(["GET", "POST"])
def member_file(request, pk):
    member = get_object_or_404(
        CouncilMember.objects.filter(
            council__in=Council.objects.visible_to(request.user)
        ).select_related("council__establishment"),
        pk=pk,
    )
    village = member.council.establishment
    council_url = reverse("participation:council", args=[village.pk])
    children = services.village_children(request.user, village)
    # the children offered are named on the page: each a recorded read
    record_shown(request.user, children, "participation.council_member_file")
    return submit(
        request,
        MemberFileForm(request.POST or None, children=children),
        lambda form: services.link_member(member, request.user, **form.cleaned_data),
        message=_("Le représentant des jeunes est relié à son dossier."),
        success=council_url,
        template="form_page.html",
        context={
            "title": _("Dossier de %(name)s, représentant des jeunes") % {"name": member.name},
            "help": _(
                "Relié à son dossier, ce membre voit les documents du conseil dans son espace "
                "jeune (jamais le dossier d'un autre enfant)."
            ),
            "submit_label": _("Relier à ce dossier"),
            "cancel_url": council_url,
        },
        refused_status=422,
    )
