"""The consultations' pages: a village's consultations, creating one, its results (masked by
kernel.disclosure) and the establishment's answer; answering one from the youth space."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ancrage.care.queries.deadlines import visible_village
from ancrage.kernel.access import can, public, requires
from ancrage.kernel.disclosure import FOOTNOTE
from ancrage.kernel.flow import submit
from ancrage.kernel.forms import errors_to_form
from ancrage.participation import consultation as services
from ancrage.participation.forms import (
    CodesForm,
    ConsultationAnswerForm,
    ConsultationForm,
    ConsultationPublishForm,
    TabletCodeForm,
)
from ancrage.participation.indicators import participation_indicators
from ancrage.participation.models import Consultation, Meeting
from ancrage.participation.queries import youth


def _url(consultation):
    return reverse("participation:consultation", args=[consultation.pk])


def _visible(user, pk):
    return get_object_or_404(
        Consultation.objects.visible_to(user).select_related("establishment", "presented_at"),
        pk=pk,
    )


@requires("consultation", "view")
def consultations(request, pk):
    village = visible_village(request.user, pk)
    return render(
        request,
        "participation/consultations.html",
        {
            "village": village,
            "consultations": list(
                Consultation.objects.visible_to(request.user).filter(establishment=village)
            ),
            "today": timezone.localdate(),
            "can_change": can(request.user, "consultation", "change"),
        },
    )


@requires("consultation", "change")
@require_http_methods(["GET", "POST"])
def consultation_new(request, pk):
    village = visible_village(request.user, pk)
    return submit(
        request,
        ConsultationForm(request.POST or None),
        lambda form: services.create_consultation(village, request.user, **form.cleaned_data),
        message=_("La consultation est prête : les jeunes la voient dans leur espace."),
        success=_url,
        template="form_page.html",
        context={
            "title": _("Nouvelle consultation des jeunes · %(v)s") % {"v": village.name},
            "submit_label": _("Créer la consultation"),
            "cancel_url": reverse("participation:consultations", args=[village.pk]),
        },
        refused_status=422,
    )


@requires("consultation", "view")
def consultation(request, pk):
    consultation = _visible(request.user, pk)
    today = timezone.localdate()
    answered, questions = services.results(consultation)
    return render(
        request,
        "participation/consultation.html",
        {
            "consultation": consultation,
            "village": consultation.establishment,
            "answered": answered,
            "consulted": services.consulted_count(consultation, today),
            "questions": questions,
            "footnote": FOOTNOTE,
            "is_open": consultation.is_open(today),
            "is_closed": consultation.closes_on < today,
            "can_change": can(request.user, "consultation", "change"),
        },
    )


@requires("consultation", "change")
@require_http_methods(["GET", "POST"])
def consultation_publish(request, pk):
    consultation = _visible(request.user, pk)
    meetings = Meeting.objects.filter(
        council__establishment_id=consultation.establishment_id,
        held_on__gte=consultation.closes_on,
    ).order_by("-held_on")
    return submit(
        request,
        ConsultationPublishForm(
            request.POST or None,
            meetings=meetings,
            initial={"answer": consultation.answer, "presented_at": consultation.presented_at},
        ),
        lambda form: services.publish_answer(consultation, request.user, **form.cleaned_data),
        message=_("La réponse est publiée aux jeunes du village avec les résultats."),
        success=_url(consultation),
        template="form_page.html",
        context={
            "title": _("Réponse de l'établissement · %(t)s") % {"t": consultation.title},
            "submit_label": _("Publier la réponse"),
            "cancel_url": _url(consultation),
        },
        refused_status=422,
    )


@requires("youth_space", "write")
@require_http_methods(["GET", "POST"])
def youth_consultation(request, pk):
    """She answers a consultation of her village, once, anonymously; once it is closed and
    answered, she reads its results and the establishment's answer."""
    space = youth.own_space(request.user)
    village = space.stay.unit.establishment_id if space.stay else None
    consultation = get_object_or_404(Consultation.objects.filter(establishment_id=village), pk=pk)
    if not space.is_open:
        return render(request, "participation/youth_closed.html", {"space": space})
    today = timezone.localdate()
    if consultation.closes_on < today:
        answered, questions = (
            services.results(consultation) if consultation.answered_on else (None, [])
        )
        return render(
            request,
            "participation/youth_consultation_results.html",
            {
                "space": space,
                "consultation": consultation,
                "answered": answered,
                "questions": questions,
                "footnote": FOOTNOTE,
            },
        )
    questions = list(consultation.questions.all())
    form = ConsultationAnswerForm(request.POST or None, questions=questions)
    return submit(
        request,
        form,
        lambda form: services.answer(consultation, space.person, choices=form.choices()),
        message=_("Merci ! Tes réponses sont comptées, sans ton nom."),
        success="participation:youth_council",
        template="participation/youth_consultation.html",
        context={
            "space": space,
            "consultation": consultation,
            "title": consultation.title,
            "submit_label": _("Envoyer mes réponses"),
            "cancel_url": reverse("participation:youth_council"),
        },
        refused_status=422,
    )


@requires("participation_stats", "view")
def indicators(request):
    """The participation indicators of the user's villages, for a calendar year (?annee=)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("annee") or today.year)
    except ValueError:
        year = today.year
    if not today.year - 10 <= year <= today.year:
        year = today.year
    context = participation_indicators(request.user, year, today)
    context["years"] = list(range(today.year, today.year - 5, -1))
    return render(request, "participation/indicators.html", context)


@requires("consultation", "change")
@require_http_methods(["GET", "POST"])
@never_cache
def consultation_codes(request, pk):
    """One-time codes for a shared tablet, shown once (only their hashes are kept)."""
    consultation = _visible(request.user, pk)
    form = CodesForm(request.POST or None)
    codes, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = services.issue_codes(
                    consultation, request.user, count=form.cleaned_data["count"]
                )
            except ValidationError as error:
                errors_to_form(form, error)
        if not codes:
            status = 422
    return render(
        request,
        "participation/consultation_codes.html",
        {"consultation": consultation, "form": form, "codes": codes},
        status=status,
    )


@public
@require_http_methods(["GET", "POST"])
@never_cache
def tablet(request):
    """A consultation answered on a shared tablet with a one-time code (no account): first the
    code, then the questions; the answers counted like the others, anonymously."""
    code_form = TabletCodeForm(request.POST or None)
    context = {"code_form": code_form, "consultation": None}
    if request.method == "POST" and code_form.is_valid():
        code = code_form.cleaned_data["code"]
        try:
            consultation = services.consultation_for_code(code)
        except ValidationError as error:
            errors_to_form(code_form, error)
            return render(request, "participation/tablet.html", context, status=422)
        questions = list(consultation.questions.all())
        answering = "answering" in request.POST
        form = ConsultationAnswerForm(request.POST if answering else None, questions=questions)
        context.update(consultation=consultation, form=form, code=code)
        if answering and form.is_valid():
            try:
                services.answer_with_code(code, choices=form.choices())
            except ValidationError as error:
                errors_to_form(form, error)
            else:
                messages.success(request, _("Merci ! Tes réponses sont comptées, sans ton nom."))
                return redirect("participation:tablet")
        return render(
            request, "participation/tablet.html", context, status=422 if answering else 200
        )
    status = 422 if request.method == "POST" else 200
    return render(request, "participation/tablet.html", context, status=status)
